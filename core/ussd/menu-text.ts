/**
 * Rendering menu texts: written in Russian, sent in Cyrillic (UCS2, 80 characters) or
 * transliterated (GSM-7, 182 septets) by the subscriber's choice. Fixed texts are checked in both
 * forms when defined (`fixed`), so a text that cannot fit is refused when the module loads, never
 * cut at run time; texts with values are checked by the tests that walk every menu.
 */
import { MINSK_OFFSET_MS } from "../charging/local-time.js";
import { formatMoney, type Kopecks } from "../charging/money.js";
import type { ReplyLanguage } from "./self-care-profiles.js";
import { transliterate } from "./translit.js";
import { UssdError } from "./ussd-errors.js";
import { describeUssdSize, fitsUssd } from "./ussd-text.js";

export function render(text: string, language: ReplyLanguage): string {
  return language === "ru" ? text : transliterate(text);
}

export function fitsIn(language: ReplyLanguage, text: string): boolean {
  return fitsUssd(render(text, language));
}

/** A fixed text; throws UssdError USSD_BAD_MENU unless it fits in both languages. */
export function fixed(text: string): string {
  for (const language of ["ru", "translit"] as const) {
    const shown = render(text, language);
    if (!fitsUssd(shown)) {
      throw new UssdError("USSD_BAD_MENU", `"${shown}" takes ${describeUssdSize(shown)}: it does not fit`);
    }
  }
  return text;
}

/** Fixed texts by name, each checked (`fixed`). */
export function fixedTexts<K extends string>(texts: Record<K, string>): Readonly<Record<K, string>> {
  for (const text of Object.values<string>(texts)) fixed(text);
  return texts;
}

export function rub(k: Kopecks): string {
  return `${formatMoney(k)} руб.`;
}

/** E.164 with the plus: +375291234567. */
export function intl(msisdn: string): string {
  return `+${msisdn}`;
}

const pad2 = (n: number): string => String(n).padStart(2, "0");

function local(ms: number): Date {
  return new Date(ms + MINSK_OFFSET_MS);
}

/** Local (Minsk) date: 25.11.2026. */
export function dateOf(ms: number): string {
  const d = local(ms);
  return `${pad2(d.getUTCDate())}.${pad2(d.getUTCMonth() + 1)}.${d.getUTCFullYear()}`;
}

/** Local (Minsk) day and time: 25.11 09:30. */
export function dayTimeOf(ms: number): string {
  const d = local(ms);
  return `${pad2(d.getUTCDate())}.${pad2(d.getUTCMonth() + 1)} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
}
