/**
 * IMEI and IMEISV, TS 23.003 §6.2: IMEI = TAC (8) + SNR (6) + check digit (1), the check digit
 * being Luhn over TAC + SNR (TS 23.003 Annex B); IMEISV = TAC + SNR + SVN (2), 16 digits, no
 * check digit. The network receives the IMEI without its check digit; handsets display it with.
 */
import { padDigits, requireDigits, requireLuhn } from "./identity.js";
import { appendLuhn } from "./luhn.js";

export const IMEI_LENGTH = 15;
export const IMEISV_LENGTH = 16;
export const TAC_LENGTH = 8;
/** Serial numbers per TAC: 6 digits. */
export const SERIALS_PER_TAC = 1_000_000;

/** TAC + `serial` as 6 digits + Luhn check digit. */
export function makeImei(tac: string, serial: number): string {
  return appendLuhn(requireDigits("tac", tac, TAC_LENGTH) + padDigits(serial, 6));
}

/** Validates an IMEI: 15 digits with a matching Luhn check digit. Returns it unchanged. */
export function validateImei(text: string, field = "imei"): string {
  return requireLuhn(field, requireDigits(field, text, IMEI_LENGTH));
}

/**
 * The IMEI of the next handset of the same model: the serial (SNR) plus one, check digit
 * recomputed. Incrementing the whole 15-digit number instead would break the check digit.
 */
export function nextImei(imei: string): string {
  validateImei(imei);
  const serial = Number(imei.slice(TAC_LENGTH, TAC_LENGTH + 6)) + 1;
  if (serial >= SERIALS_PER_TAC) throw new RangeError(`imei: serial of ${imei} cannot be incremented`);
  return makeImei(imei.slice(0, TAC_LENGTH), serial);
}

/** IMEISV of a handset: TAC + SNR of `imei` + the 2-digit software version number. */
export function makeImeisv(imei: string, softwareVersion: number): string {
  validateImei(imei);
  return imei.slice(0, TAC_LENGTH + 6) + padDigits(softwareVersion, 2);
}

/** Validates an IMEISV: 16 digits. Returns it unchanged. */
export function validateImeisv(text: string, field = "imeisv"): string {
  return requireDigits(field, text, IMEISV_LENGTH);
}
