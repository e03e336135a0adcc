/**
 * Lists that may not fit one USSD screen: items are packed greedily into pages that fit the
 * subscriber's language (80 UCS2 characters hold fewer items than 182 GSM-7 septets); every page
 * but the last ends in "0 далее" (next). In a choice list the user answers with an item's number
 * on any page. An item too long for a page of its own is a definition mistake (USSD_BAD_MENU).
 */
import { COMMON } from "./common-texts.js";
import { type Awaitable, end, type MenuCall, type MenuStep, type ReplyHandler } from "./menu-types.js";
import { fitsIn, render } from "./menu-text.js";
import { UssdError } from "./ussd-errors.js";
import type { ReplyLanguage } from "./self-care-profiles.js";

export interface ListOptions {
  readonly header?: string;
  /** Items as shown; a choice list numbers them itself ("1 …", "2 …"). */
  readonly items: readonly string[];
  /** Makes it a choice list: called with the index of the item chosen. */
  readonly choose?: (call: MenuCall, index: number) => Awaitable<MenuStep>;
  /** In a choice list, what to do with an answer that is not an item number or "0". */
  readonly other?: ReplyHandler;
}

function compose(header: string | undefined, items: readonly string[], more: boolean): string {
  const lines = header === undefined ? [...items] : [header, ...items];
  if (more) lines.push(COMMON.nextPage);
  return lines.join("\n");
}

/** The pages of a list, for one language. */
export function paginate(
  language: ReplyLanguage,
  header: string | undefined,
  items: readonly string[],
): string[] {
  const pages: string[][] = [];
  let current: string[] = [];
  for (const item of items) {
    if (fitsIn(language, compose(header, [...current, item], true))) {
      current.push(item);
      continue;
    }
    if (current.length === 0 || !fitsIn(language, compose(header, [item], true))) {
      throw new UssdError("USSD_BAD_MENU", `list item "${render(item, language)}" does not fit a page`);
    }
    pages.push(current);
    current = [item];
  }
  pages.push(current);
  return pages.map((page, i) => compose(header, page, i < pages.length - 1));
}

export function listStep(call: MenuCall, options: ListOptions): MenuStep {
  const items = options.choose === undefined ? options.items : options.items.map((it, i) => `${i + 1} ${it}`);
  const pages = paginate(call.profile.language, options.header, items);
  return pageStep(pages, 0, items.length, options);
}

function pageStep(pages: readonly string[], index: number, count: number, options: ListOptions): MenuStep {
  const text = pages[index] as string;
  const last = index === pages.length - 1;
  const choose = options.choose;
  if (choose === undefined) {
    if (last) return end(text);
    return {
      kind: "ask",
      text,
      next: (_call, input) =>
        input.trim() === "0" ? pageStep(pages, index + 1, count, options) : end(COMMON.invalidChoice),
    };
  }
  return {
    kind: "ask",
    text,
    next: (call, input) => {
      const answer = input.trim();
      if (answer === "0" && !last) return pageStep(pages, index + 1, count, options);
      if (/^\d{1,3}$/.test(answer)) {
        const n = Number(answer);
        return n >= 1 && n <= count ? choose(call, n - 1) : end(COMMON.invalidChoice);
      }
      return options.other !== undefined ? options.other(call, answer) : end(COMMON.invalidChoice);
    },
  };
}
