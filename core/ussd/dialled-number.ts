/**
 * A phone number typed as a USSD parameter (`*131*<number>#`): the international form 375XXXXXXXXX
 * (with or without "+"), the national long-distance form 80XXXXXXXXX, or the nine digits of the
 * network code and the subscriber number. Checked by the SIM layer's MSISDN rules.
 */
import { SimInputError } from "../../sim/errors.js";
import { BELARUS_COUNTRY_CODE, normaliseMsisdn } from "../../sim/msisdn.js";

/** The canonical MSISDN (12 digits, no "+"), or undefined when the text is not a Belarusian mobile number. */
export function dialledNumber(text: string): string | undefined {
  const digits = text.startsWith("+") ? text.slice(1) : text;
  if (!/^\d{9,12}$/.test(digits)) return undefined;
  let full = digits;
  if (digits.length === 9) full = BELARUS_COUNTRY_CODE + digits;
  else if (digits.length === 11 && digits.startsWith("80")) full = BELARUS_COUNTRY_CODE + digits.slice(2);
  try {
    return normaliseMsisdn(full);
  } catch (error) {
    if (error instanceof SimInputError) return undefined;
    throw error;
  }
}
