/**
 * What a USSD string may hold. TS 23.038 §5 (CBS data coding) and MAP's USSD-String of at most 160
 * octets: 182 GSM-7 septets packed (an extension-table character takes two), or 80 UCS2
 * characters. Text that fits GSM-7 goes as DCS 0x0F (GSM 7-bit, language unspecified); anything
 * else as DCS 0x48 (general data coding, uncompressed, UCS2). Nothing is ever truncated here: a
 * text that does not fit is refused, and the caller decides what to do.
 */
import { gsm7CharSeptets } from "../smpp/gsm7.js";

export const USSD_MAX_GSM7_SEPTETS = 182;
export const USSD_MAX_UCS2_CHARS = 80;

/** CBS DCS (TS 23.038 §5): 0x0F GSM 7-bit, language unspecified; 0x48 UCS2. */
export const USSD_DCS_GSM7 = 0x0f;
export const USSD_DCS_UCS2 = 0x48;

export type UssdEncoding = "gsm7" | "ucs2";

export interface UssdTextSize {
  readonly encoding: UssdEncoding;
  /** Septets (GSM-7) or UTF-16 code units (UCS2). */
  readonly length: number;
  readonly limit: number;
}

const CACHE_SIZE = 4096;
const sizes = new Map<string, UssdTextSize>();

/**
 * The encoding a text needs and how much of the limit it takes. One pass: the same per-character
 * septet counts as isGsm7 / gsm7SeptetLength (core/smpp/gsm7.ts). Menu texts repeat, so the sizes
 * of recent short texts are kept.
 */
export function ussdTextSize(text: string): UssdTextSize {
  let size = sizes.get(text);
  if (size === undefined) {
    size = measure(text);
    if (text.length <= 2 * USSD_MAX_GSM7_SEPTETS) {
      if (sizes.size >= CACHE_SIZE) sizes.clear();
      sizes.set(text, size);
    }
  }
  return size;
}

function measure(text: string): UssdTextSize {
  let septets = 0;
  for (const ch of text) {
    const n = gsm7CharSeptets(ch);
    if (n === 0) {
      // UCS2 has no surrogates: a character outside the BMP takes two 16-bit units on the wire.
      return { encoding: "ucs2", length: text.length, limit: USSD_MAX_UCS2_CHARS };
    }
    septets += n;
  }
  return { encoding: "gsm7", length: septets, limit: USSD_MAX_GSM7_SEPTETS };
}

export type UssdTextProblem = "empty" | "too-long";

export function ussdTextProblem(
  text: string,
  size: UssdTextSize = ussdTextSize(text),
): UssdTextProblem | undefined {
  if (text.length === 0) return "empty";
  return size.length > size.limit ? "too-long" : undefined;
}

export function fitsUssd(text: string): boolean {
  return ussdTextProblem(text) === undefined;
}

/** A sentence for a refusal: "201 of 182 GSM-7 septets". */
export function describeUssdSize(text: string): string {
  const size = ussdTextSize(text);
  return size.encoding === "gsm7"
    ? `${size.length} of ${size.limit} GSM-7 septets`
    : `${size.length} of ${size.limit} UCS2 characters`;
}

export function dcsOf(encoding: UssdEncoding): number {
  return encoding === "gsm7" ? USSD_DCS_GSM7 : USSD_DCS_UCS2;
}
