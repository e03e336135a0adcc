/**
 * ICCID, ITU-T E.118: issuer identification number (MII 89 "telecommunications" + E.164
 * country code + issuer identifier) + individual account number + Luhn check digit.
 * Cards in use carry 19 or 20 digits in total (EF.ICCID holds up to 20 BCD digits).
 */
import { SimInputError } from "./errors.js";
import { padDigits, requireDigits, requireLuhn } from "./identity.js";
import { appendLuhn } from "./luhn.js";
import { BELARUS_COUNTRY_CODE } from "./msisdn.js";

/** Major industry identifier for telecommunications (E.118). */
export const ICCID_MII = "89";
export const DEFAULT_ICCID_ISSUER = "01";

export interface IccidLayout {
  /** E.164 country code, 1-3 digits; default 375 (Belarus). */
  countryCode?: string;
  /** Issuer identifier, 1-4 digits; default "01". */
  issuer?: string;
  /** Total length including the check digit; default 19. */
  length?: 19 | 20;
}

/** How many serial digits the layout leaves between the issuer and the check digit. */
export function iccidSerialDigits(layout: IccidLayout = {}): number {
  return (layout.length ?? 19) - 1 - iccidPrefix(layout).length;
}

/** The issuer identification number of the layout: 89 + country code + issuer. */
export function iccidPrefix(layout: IccidLayout = {}): string {
  const countryCode = requireDigits("countryCode", layout.countryCode ?? BELARUS_COUNTRY_CODE, 1, 3);
  const issuer = requireDigits("issuer", layout.issuer ?? DEFAULT_ICCID_ISSUER, 1, 4);
  return ICCID_MII + countryCode + issuer;
}

/** 89 + country code + issuer + `serial` zero-padded to fill the layout, then the Luhn digit. */
export function makeIccid(serial: number, layout: IccidLayout = {}): string {
  return appendLuhn(iccidPrefix(layout) + padDigits(serial, iccidSerialDigits(layout)));
}

/**
 * Validates an ICCID: 19 or 20 digits, MII 89, the Luhn check digit, and the country code when
 * `countryCode` is given. Returns the ICCID unchanged.
 */
export function validateIccid(
  text: string,
  expected: { countryCode?: string } = {},
  field = "iccid",
): string {
  const digits = requireDigits(field, text, 19, 20);
  if (!digits.startsWith(ICCID_MII)) {
    throw new SimInputError(
      "SIM_BAD_PREFIX",
      field,
      `must start with MII ${ICCID_MII}, got "${digits.slice(0, 2)}"`,
    );
  }
  const countryCode = expected.countryCode;
  if (countryCode !== undefined && !digits.startsWith(countryCode, 2)) {
    throw new SimInputError("SIM_BAD_PREFIX", field, `country code must be ${countryCode} after MII 89`);
  }
  return requireLuhn(field, digits);
}
