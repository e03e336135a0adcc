/**
 * IMSI, TS 23.003 §2.2: MCC (3 digits) + MNC (2 or 3 digits) + MSIN, at most 15 digits.
 * The MNC length cannot be read off the IMSI; the card states it in EF.AD (SimCard.mncLength).
 */
import { SimInputError } from "./errors.js";
import { padDigits, requireDigits } from "./identity.js";

/** Belarus (TS 23.003 / ITU-T E.212 MCC list). */
export const BELARUS_MCC = "257";
/** A1 Belarus (formerly MDC / velcom). */
export const A1_BELARUS_MNC = "01";
export const IMSI_MAX_LENGTH = 15;
/** MCC + a 2-digit MNC + at least one MSIN digit. */
export const IMSI_MIN_LENGTH = 6;

/** A PLMN identity: the MCC and MNC digits. */
export interface Plmn {
  mcc: string;
  mnc: string;
}

/** Checks that the MCC is 3 digits and the MNC 2 or 3 digits. */
export function validatePlmn(mcc: string, mnc: string): Plmn {
  return { mcc: requireDigits("mcc", mcc, 3), mnc: requireDigits("mnc", mnc, 2, 3) };
}

/** Digits left for the MSIN when the IMSI is filled to 15 digits. */
export function msinDigits(plmn: Plmn): number {
  return IMSI_MAX_LENGTH - plmn.mcc.length - plmn.mnc.length;
}

/** MCC + MNC + `msin` zero-padded to make 15 digits. */
export function makeImsi(plmn: Plmn, msin: number): string {
  return plmn.mcc + plmn.mnc + padDigits(msin, msinDigits(plmn));
}

/**
 * Validates an IMSI: 6-15 digits and, when `plmn` is given, that it starts with that MCC and MNC.
 * Returns the IMSI unchanged.
 */
export function validateImsi(text: string, plmn?: Plmn, field = "imsi"): string {
  const digits = requireDigits(field, text, IMSI_MIN_LENGTH, IMSI_MAX_LENGTH);
  if (plmn !== undefined && !digits.startsWith(plmn.mcc + plmn.mnc)) {
    throw new SimInputError(
      "SIM_BAD_PREFIX",
      field,
      `must start with MCC ${plmn.mcc} and MNC ${plmn.mnc}, got "${digits.slice(0, 3 + plmn.mnc.length)}"`,
    );
  }
  return digits;
}

/** Splits an IMSI given the MNC length from EF.AD. */
export function splitImsi(imsi: string, mncLength: 2 | 3): Plmn & { msin: string } {
  return { mcc: imsi.slice(0, 3), mnc: imsi.slice(3, 3 + mncLength), msin: imsi.slice(3 + mncLength) };
}
