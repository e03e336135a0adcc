/**
 * Rules shared by the decimal identities of a SIM and a handset (ICCID, IMSI, MSISDN, IMEI):
 * "only digits", "this many digits", "the check digit matches". Each identity has its own
 * module (iccid.ts, imsi.ts, msisdn.ts, imei.ts); they all report problems through these
 * helpers, so the errors read alike: `<field>: <what is wrong>`.
 */
import { SimInputError } from "./errors.js";
import { luhnCheckDigit } from "./luhn.js";

const DIGITS_RE = /^[0-9]+$/;

/** `text` if it is `min`..`max` decimal digits; SIM_BAD_DIGITS / SIM_BAD_LENGTH otherwise. */
export function requireDigits(field: string, text: string, min: number, max = min): string {
  if (!DIGITS_RE.test(text)) {
    throw new SimInputError("SIM_BAD_DIGITS", field, `"${text}" is not decimal digits`);
  }
  if (text.length < min || text.length > max) {
    const expected = min === max ? `${min}` : `${min}-${max}`;
    throw new SimInputError("SIM_BAD_LENGTH", field, `expected ${expected} digits, got ${text.length}`);
  }
  return text;
}

/** Throws SIM_BAD_CHECK_DIGIT unless the last digit of `digits` is their Luhn check digit. */
export function requireLuhn(field: string, digits: string): string {
  const expected = luhnCheckDigit(digits.slice(0, -1));
  const actual = digits.charCodeAt(digits.length - 1) - 48;
  if (actual !== expected) {
    throw new SimInputError(
      "SIM_BAD_CHECK_DIGIT",
      field,
      `check digit ${actual} does not match Luhn ${expected}`,
    );
  }
  return digits;
}

/** `value` as exactly `width` digits with leading zeros; `value` must be a safe non-negative integer. */
export function padDigits(value: number, width: number): string {
  if (!Number.isSafeInteger(value) || value < 0 || width > 15 || value >= POWERS_OF_TEN[width]!) {
    throw new RangeError(`${value} does not fit in ${width} digits`);
  }
  // Four digits at a time from a table: far cheaper than String() + padStart() per call.
  let text = "";
  let rest = value;
  let left = width;
  for (; left > 4; left -= 4) {
    text = FOUR_DIGITS[rest % 10_000]! + text;
    rest = Math.floor(rest / 10_000);
  }
  return FOUR_DIGITS[rest]!.slice(4 - left) + text;
}

const POWERS_OF_TEN: readonly number[] = Array.from({ length: 16 }, (_, i) => 10 ** i);
const FOUR_DIGITS: readonly string[] = Array.from({ length: 10_000 }, (_, i) => String(i).padStart(4, "0"));
