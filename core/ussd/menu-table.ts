/**
 * The built-in self-service USSD codes, as data: how each is dialled, what it does, whether the
 * code is the operator's own (in the seeds) or chosen here, and its handler. Where the seeds give
 * a code it is used as is; the others sit in the home network's range `*1XY#` (TS 22.090 §5.1.2)
 * next to related seed codes. The gateway routes every service code used here to the built-in
 * menus (builtinRoutes); within a service code the longest matching path wins.
 */
import {
  accountNumberMenu,
  balanceMenu,
  instalmentsMenu,
  numberMenu,
  planInfoMenu,
  servicesMenu,
} from "./menus-account.js";
import { callMeBackMenu, expressCardMenu, privetikMenu, unconfirmedMenu } from "./menus-payments.js";
import {
  favoriteAddMenu,
  favoriteDeleteMenu,
  favoritesMenu,
  packagesMenu,
  pauseOffMenu,
  pauseOnMenu,
  pauseStatusMenu,
  planChangeMenu,
} from "./menus-plan.js";
import { issaAccessMenu, issaPasswordMenu, russianMenu, translitMenu } from "./menus-selfcare.js";
import { fixed } from "./menu-text.js";
import type { MenuCall, MenuEntry, MenuStep, StartHandler } from "./menu-types.js";
import { listStep } from "./pager.js";
import { BUILTIN, type UssdRoute } from "./routing.js";
import { UssdError } from "./ussd-errors.js";

type Row = [code: string, does: string, help: string, from: MenuEntry["from"], start: StartHandler];

/** `*146*0*<number>#` → path ["146", "0"], one parameter. */
function entry([code, does, help, from, start]: Row): MenuEntry {
  const m = /^\*(\d{2,3}(?:\*\d+)*)((?:\*<[a-z]+>)*)(\*\[<[a-z]+>\])?#$/.exec(code);
  if (m === null)
    throw new UssdError("USSD_BAD_MENU", `menu code "${code}" is not like *141*3*6# or *131*<number>#`);
  const required = (m[2] ?? "").split("*<").length - 1;
  const optional = m[3] === undefined ? 0 : 1;
  return {
    code,
    path: (m[1] as string).split("*"),
    params: { min: required, max: required + optional },
    does,
    help: fixed(help),
    from,
    start,
  };
}

/** The code as the help list shows it: `*131*<number>#` → `*131*номер#`. */
function helpCode(code: string): string {
  return code.replace(/\[?<number>\]?/g, "номер").replace(/\[?<code>\]?/g, "код");
}

function helpMenu(call: MenuCall): MenuStep {
  return listStep(call, {
    header: "USSD-запросы:",
    items: BUILTIN_MENUS.map((e) => `${helpCode(e.code)} ${e.help}`),
  });
}

/* prettier-ignore */
const ROWS: Row[] = [
  ["*100#", "balance, credit limit, state and remaining included minutes, SMS, MMS and data", "баланс", "seeds", balanceMenu],
  ["*100*2#", "instalments: monthly payment, amount left and end date", "рассрочка", "chosen", instalmentsMenu],
  ["*101*<number>#", "Privetik balance check of a subscriber who made you a favorite number", "баланс Приветик", "seeds", privetikMenu],
  ["*110#", "your number in international format", "ваш номер", "chosen", numberMenu],
  ["*111#", "USSD help: the list of these codes", "справка", "chosen", helpMenu],
  ["*115#", "phone number and tariff plan information", "тариф", "chosen", planInfoMenu],
  ["*115*1#", "tariff plan change (archived plans refused)", "смена тарифа", "chosen", planChangeMenu],
  ["*116#", "connected services", "услуги", "chosen", servicesMenu],
  ["*131*<number>#", "call me back: an SMS asks the number to call you", "перезвони мне", "seeds", callMeBackMenu],
  ["*135*7#", "Mobile Internet packages: list and connect", "пакеты интернета", "seeds", packagesMenu],
  ["*140*[<code>]#", "top-up with an express payment card (14-digit code; asked for when not dialled)", "карта оплаты", "chosen", expressCardMenu],
  ["*141*0#", "Personal Account (ISSA) password: 5-10 letters and digits", "пароль ЛК", "seeds", issaPasswordMenu],
  ["*141*3*6#", "open (with PUK1) or close access to the Personal Account", "доступ в ЛК", "seeds", issaAccessMenu],
  ["*143#", "unconfirmed payment: register up to 3 BYN for 3 days, or see the pending one", "неподтв. платеж", "chosen", unconfirmedMenu],
  ["*145#", "Pause: status", "Пауза", "chosen", pauseStatusMenu],
  ["*145*1#", "Pause on", "Пауза вкл.", "chosen", pauseOnMenu],
  ["*145*0#", "Pause off", "Пауза выкл.", "chosen", pauseOffMenu],
  ["*146#", "favorite numbers: list", "любимые номера", "chosen", favoritesMenu],
  ["*146*<number>#", "favorite numbers: add one", "назначить любимый", "chosen", favoriteAddMenu],
  ["*146*0*<number>#", "favorite numbers: remove one", "удалить любимый", "chosen", favoriteDeleteMenu],
  ["*147#", "personal account number", "лицевой счет", "seeds", accountNumberMenu],
  ["*148*1#", "USSD replies in transliteration (Latin letters, GSM-7)", "транслит", "chosen", translitMenu],
  ["*148*2#", "USSD replies in Russian (Cyrillic, UCS2)", "по-русски", "chosen", russianMenu],
];

export const BUILTIN_MENUS: readonly MenuEntry[] = ROWS.map(entry);

/** The routing table entries that send every built-in service code to the built-in menus. */
export function builtinRoutes(entries: readonly MenuEntry[] = BUILTIN_MENUS): UssdRoute[] {
  const codes = [...new Set(entries.map((e) => e.path[0] as string))];
  return codes.map((serviceCode) => ({ serviceCode, to: BUILTIN }));
}

export interface MenuMatch {
  readonly entry: MenuEntry;
  readonly params: readonly string[];
}

/**
 * Finds entries by the longest path that matches a dialled service code and parameters. Entries
 * may share a path when they take different numbers of parameters (`*146#`, `*146*<number>#`).
 */
export class MenuIndex {
  private readonly byPath = new Map<string, MenuEntry[]>();
  private readonly longest: number;

  constructor(entries: readonly MenuEntry[] = BUILTIN_MENUS) {
    for (const e of entries) {
      const key = e.path.join("*");
      const same = this.byPath.get(key) ?? [];
      const clash = same.find((o) => o.params.min <= e.params.max && e.params.min <= o.params.max);
      if (clash !== undefined) throw new UssdError("USSD_BAD_MENU", `${clash.code} and ${e.code} overlap`);
      same.push(e);
      this.byPath.set(key, same);
    }
    this.longest = Math.max(0, ...entries.map((e) => e.path.length));
  }

  match(serviceCode: string, params: readonly string[]): MenuMatch | undefined {
    for (let fixedCount = Math.min(params.length, this.longest - 1); fixedCount >= 0; fixedCount--) {
      const rest = params.slice(fixedCount);
      const found = this.byPath
        .get([serviceCode, ...params.slice(0, fixedCount)].join("*"))
        ?.find((e) => rest.length >= e.params.min && rest.length <= e.params.max);
      if (found !== undefined) return { entry: found, params: rest };
    }
    return undefined;
  }
}
