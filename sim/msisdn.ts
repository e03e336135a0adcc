/**
 * MSISDN: the subscriber's E.164 number, kept as digits without "+" (ITU-T E.164: at most
 * 15 digits). telsim issues Belarusian mobile numbers: country code 375 + a 2-digit network
 * code + a 7-digit subscriber number = 12 digits. Since mobile number portability
 * (1 Feb 2012) the network code no longer tells the operator, so any of the mobile codes
 * may sit on an A1 SIM.
 */
import { SimInputError } from "./errors.js";
import { padDigits, requireDigits } from "./identity.js";

/** E.164 country code of Belarus. */
export const BELARUS_COUNTRY_CODE = "375";
/** Mobile network codes (NDC) of Belarus: 25 life:), 29 A1/MTS, 33 MTS, 44 A1. */
export const BELARUS_MOBILE_CODES: readonly string[] = ["25", "29", "33", "44"];
export const MSISDN_LENGTH = 12;
/** Subscriber numbers per network code: 7 digits. */
export const SUBSCRIBERS_PER_CODE = 10_000_000;

/**
 * Validates a Belarusian mobile number and returns its canonical form (digits, no "+").
 * Accepts "375291234567" and "+375291234567".
 */
export function normaliseMsisdn(text: string, field = "msisdn"): string {
  const digits = requireDigits(field, text.startsWith("+") ? text.slice(1) : text, MSISDN_LENGTH);
  if (!digits.startsWith(BELARUS_COUNTRY_CODE)) {
    throw new SimInputError(
      "SIM_BAD_PREFIX",
      field,
      `country code must be ${BELARUS_COUNTRY_CODE}, got "${digits}"`,
    );
  }
  const networkCode = digits.slice(3, 5);
  if (!BELARUS_MOBILE_CODES.includes(networkCode)) {
    throw new SimInputError(
      "SIM_BAD_PREFIX",
      field,
      `network code ${networkCode} is not a mobile code (${BELARUS_MOBILE_CODES.join(", ")})`,
    );
  }
  return digits;
}

/** 375 + `networkCode` + `subscriber` as 7 digits. */
export function makeMsisdn(networkCode: string, subscriber: number): string {
  return BELARUS_COUNTRY_CODE + networkCode + padDigits(subscriber, 7);
}
