/**
 * The Luhn (mod 10) check digit used by ICCIDs (ITU-T E.118 / ISO/IEC 7812) and IMEIs
 * (TS 23.003 §6.2.1, Annex B). Pure functions over strings of decimal digits; callers validate
 * that the input is digits (see identity.ts).
 */

/** The check digit to append to `payload` (digits only, without a check digit). */
export function luhnCheckDigit(payload: string): number {
  let sum = 0;
  // Walking right to left, the digit next to the (future) check digit is doubled first.
  let doubled = true;
  for (let i = payload.length - 1; i >= 0; i--) {
    let digit = payload.charCodeAt(i) - 48;
    if (doubled) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    doubled = !doubled;
  }
  return (10 - (sum % 10)) % 10;
}

/** `payload` followed by its Luhn check digit. */
export function appendLuhn(payload: string): string {
  return payload + String(luhnCheckDigit(payload));
}

/** True when the last digit of `digits` is the Luhn check digit of the others. */
export function isLuhnValid(digits: string): boolean {
  if (digits.length < 2) return false;
  return luhnCheckDigit(digits.slice(0, -1)) === digits.charCodeAt(digits.length - 1) - 48;
}
