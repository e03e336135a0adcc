/**
 * Walks every built-in menu, in both languages, with ordinary and with extreme sample data, and
 * with every plan and package of the shipped catalog, checking that every text a handset gets fits
 * the USSD limits (182 GSM-7 septets / 80 UCS2 characters) and that transliterated texts are GSM-7.
 */
import { describe, expect, it } from "vitest";
import { isGsm7 } from "../../core/smpp/gsm7.js";
import type { ToHandset } from "../../core/ussd/dialogue-types.js";
import { BUILTIN_MENUS, MenuIndex } from "../../core/ussd/menu-table.js";
import { fixed } from "../../core/ussd/menu-text.js";
import { paginate } from "../../core/ussd/pager.js";
import { parseDialString } from "../../core/ussd/dial-string.js";
import type { ReplyLanguage } from "../../core/ussd/self-care-profiles.js";
import { fitsUssd, ussdTextSize } from "../../core/ussd/ussd-text.js";
import { A, B, C, catalog, type Fixture, P, setup, START } from "./helpers.js";

const LANGUAGES: readonly ReplyLanguage[] = ["translit", "ru"];
const NEXT = /\n0 (далее|dalee)$/;

interface Script {
  readonly who: string;
  readonly dial: string;
  readonly answers: readonly string[];
}

/** The screens of one dialogue: pages are followed with "0", then the scripted answers given. */
async function walk(f: Fixture, script: Script, language: ReplyLanguage): Promise<ToHandset[]> {
  f.core.profiles.of(script.who).language = language;
  const seen: ToHandset[] = [];
  const outcome = f.core.gateway.dial(script.who, script.dial);
  if (!outcome.ok) throw new Error(`${script.dial}: ${outcome.message}`);
  const answers = [...script.answers];
  for (;;) {
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    const m = f.last(script.who);
    if (m === undefined || seen.at(-1) === m) throw new Error(`${script.dial}: no answer`);
    seen.push(m);
    if (m.kind !== "request") break;
    const answer = NEXT.test(m.text) ? "0" : answers.shift();
    if (answer === undefined) {
      f.core.gateway.release(script.who);
      break;
    }
    f.core.gateway.reply(script.who, answer);
  }
  return seen;
}

function check(script: Script, language: ReplyLanguage, screens: readonly ToHandset[], f: Fixture): void {
  for (const m of screens) {
    const where = `${language} ${script.dial} [${script.answers.join(",")}]`;
    expect(m.kind === "release" ? m.reason : "text", where).not.toBe("application-error");
    if (m.kind === "release") continue;
    const size = ussdTextSize(m.text);
    expect(fitsUssd(m.text), `${where}: ${size.length}/${size.limit} "${m.text}"`).toBe(true);
    // *148*2# answers in the language it switches to
    if (f.core.profiles.of(script.who).language === "translit")
      expect(isGsm7(m.text), `${where}: "${m.text}"`).toBe(true);
  }
  expect(f.errors).toEqual([]);
}

async function ordinary(): Promise<{ f: Fixture; code: string }> {
  const f = setup();
  f.puk.set(A, "12345678");
  const [code] = await f.cards(1, 1000);
  return { f, code: code ?? "" };
}

/** The longest values each field can take. */
async function extreme(): Promise<{ f: Fixture; code: string }> {
  const { f, code } = await ordinary();
  const a = f.account(A);
  a.balance = -9_999_999;
  a.creditLimit = 9_999_999;
  a.state = "blocked";
  a.favorites = ["375291111111", "375291111112", "375291111113"];
  a.cugId = "corp";
  f.core.profiles.setInstalments(
    A,
    Array.from({ length: 3 }, () => ({
      item: "Смартфон Щ-ЖЖЖЖЖЖЖЖЖ",
      monthly: 9_999_999,
      remaining: 99_999_999,
      endsAt: Date.UTC(2029, 11, 31),
    })),
  );
  const profile = f.core.profiles.of(A);
  profile.issaAccess = "closed";
  f.core.profiles.setPassword(A, "abcde", START);
  f.account(C).balance = 9_999_999;
  f.account(P).balance = -9_999_999;
  return { f, code };
}

function scripts(code: string): Script[] {
  return [
    { who: A, dial: "*100#", answers: [] },
    { who: A, dial: "*100*2#", answers: [] },
    { who: A, dial: "*101*291000009#", answers: [] },
    { who: B, dial: "*101*291000009#", answers: [] },
    { who: A, dial: "*110#", answers: [] },
    { who: A, dial: "*111#", answers: [] },
    { who: A, dial: "*115#", answers: [] },
    { who: A, dial: "*115*1#", answers: ["1", "1"] },
    { who: A, dial: "*115*1#", answers: ["about-everything-at-once"] },
    { who: A, dial: "*116#", answers: [] },
    { who: A, dial: "*131*291000002#", answers: [] },
    { who: A, dial: "*131*297777777#", answers: [] },
    { who: C, dial: "*135*7#", answers: ["2", "1"] },
    { who: B, dial: "*135*7#", answers: [] },
    { who: A, dial: "*140#", answers: [code] },
    { who: B, dial: `*140*${code}#`, answers: [] },
    { who: B, dial: "*140*12345678901234#", answers: [] },
    { who: A, dial: "*141*0#", answers: ["abcde"] },
    { who: B, dial: "*141*0#", answers: ["abc_12"] },
    { who: A, dial: "*141*3*6#", answers: ["12345678"] },
    { who: B, dial: "*141*3*6#", answers: ["1"] },
    { who: A, dial: "*143#", answers: ["3", "1"] },
    { who: B, dial: "*143#", answers: ["3.01"] },
    { who: A, dial: "*145#", answers: [] },
    { who: B, dial: "*145*1#", answers: [] },
    { who: B, dial: "*145*0#", answers: [] },
    { who: A, dial: "*146#", answers: [] },
    { who: A, dial: "*146*291234567#", answers: [] },
    { who: A, dial: "*146*0*291111111#", answers: [] },
    { who: A, dial: "*147#", answers: [] },
    { who: A, dial: "*148*1#", answers: [] },
    { who: A, dial: "*148*2#", answers: [] },
    { who: A, dial: "*100*9#", answers: [] },
  ];
}

describe("every built-in reply fits the USSD limits", () => {
  it("the walk covers every entry of the menu table", () => {
    const index = new MenuIndex();
    const covered = new Set(
      scripts("12345678901234").map((s) => {
        const d = parseDialString(s.dial);
        return d === undefined ? undefined : index.match(d.serviceCode, d.params)?.entry.code;
      }),
    );
    expect(BUILTIN_MENUS.filter((e) => !covered.has(e.code)).map((e) => e.code)).toEqual([]);
  });

  for (const [name, data] of [
    ["ordinary", ordinary],
    ["extreme", extreme],
  ] as const) {
    for (const language of LANGUAGES) {
      it(`${name} data, ${language}`, async () => {
        let screens = 0;
        for (const script of scripts((await data()).code)) {
          const { f } = await data();
          const seen = await walk(f, script, language);
          check(script, language, seen, f);
          screens += seen.length;
        }
        expect(screens).toBeGreaterThan(40);
      });
    }
  }

  it("with every plan and package of the catalog, in both languages", async () => {
    let screens = 0;
    for (const language of LANGUAGES) {
      for (const plan of catalog.plans()) {
        const f = setup();
        const msisdn = "375297000001";
        const account = f.engine.createAccount({
          subscribers: [{ msisdn, imsi: "257010000000099" }],
          planId: plan.id,
          balance: 9_999_999,
          creditLimit: 9_999_999,
          allowArchived: true,
        });
        account.favorites = Array.from({ length: plan.favoriteNumbers }, (_, i) => `37529111111${i}`);
        const run: Script[] = [
          { who: msisdn, dial: "*100#", answers: [] },
          { who: msisdn, dial: "*115#", answers: [] },
          { who: msisdn, dial: "*116#", answers: [] },
          { who: msisdn, dial: "*145#", answers: [] },
          { who: msisdn, dial: "*146#", answers: [] },
          { who: msisdn, dial: "*145*1#", answers: [] },
          ...catalog
            .packagesFor(plan.id)
            .map((_, i) => ({ who: msisdn, dial: "*135*7#", answers: [String(i + 1), "1"] })),
          ...catalog.plans().map((other) => ({ who: msisdn, dial: "*115*1#", answers: [other.id] })),
        ];
        for (const script of run) {
          const seen = await walk(f, script, language);
          check(script, language, seen, f);
          screens += seen.length;
        }
      }
    }
    expect(screens).toBeGreaterThan(1000);
  });
});

describe("texts that cannot fit are refused when defined, not cut", () => {
  it("a fixed text too long in either language", () => {
    expect(fixed("Короткий текст.")).toBe("Короткий текст.");
    expect(() => fixed("ж".repeat(81))).toThrow(/80 UCS2/);
    expect(() => fixed("щ".repeat(61))).toThrow(/183 of 182 GSM-7/); // "sch" × 61 in transliteration
  });

  it("a list item too long for a page of its own", () => {
    expect(() => paginate("ru", "Список:", ["ж".repeat(75)])).toThrow(/does not fit a page/);
    expect(paginate("translit", "Spisok:", ["a", "b"])).toEqual(["Spisok:\na\nb"]);
  });
});
