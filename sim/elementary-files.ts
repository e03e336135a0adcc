/**
 * Byte encodings of the elementary files the emulated card serves. Pure functions, both ways,
 * so the handset side can decode what it reads.
 *
 * BCD on the UICC is "swapped": the first digit of a pair goes in the low nibble, the second
 * in the high nibble, and an odd digit count leaves an 'F' filler (TS 31.102 §4.2.2, E.118).
 */

/** EF_ICCID is 10 bytes: up to 20 digits (TS 102 221 §13.2). */
export const ICCID_FILE_LENGTH = 10;
/** EF_IMSI is 9 bytes: a length byte and up to 8 bytes of digits (TS 31.102 §4.2.2). */
export const IMSI_FILE_LENGTH = 9;
/** Length of the alpha identifier in each EF_MSISDN record (the card's choice, "X"). */
export const MSISDN_ALPHA_LENGTH = 10;
/** X + 14 bytes per record (TS 31.102 §4.2.26, coded as EF_ADN §4.4.2.3). */
export const MSISDN_RECORD_LENGTH = MSISDN_ALPHA_LENGTH + 14;
/** TON "international", NPI "ISDN/telephony (E.164)" (TS 24.008 §10.5.4.7). */
export const TON_NPI_INTERNATIONAL = 0x91;
/** EF_AD is 4 bytes here: mode, two bytes of additional info, MNC length (TS 31.102 §4.2.18). */
export const AD_FILE_LENGTH = 4;

const MAX_DIALLING_NUMBER_BYTES = 10;

/** Packs digits into swapped BCD, filling the unused nibbles and bytes with 'F'. */
export function encodeSwappedBcd(digits: string, byteLength: number): Uint8Array {
  const out = new Uint8Array(byteLength).fill(0xff);
  for (let i = 0; i < digits.length && i < byteLength * 2; i++) {
    const nibble = digits.charCodeAt(i) - 0x30;
    const index = i >> 1;
    out[index] = i % 2 === 0 ? (out[index]! & 0xf0) | nibble : (out[index]! & 0x0f) | (nibble << 4);
  }
  return out;
}

/** Unpacks swapped BCD up to the first 'F' nibble; `undefined` if a nibble is not a digit. */
export function decodeSwappedBcd(bytes: Uint8Array): string | undefined {
  let digits = "";
  for (const byte of bytes) {
    for (const nibble of [byte & 0x0f, byte >> 4]) {
      if (nibble === 0x0f) return digits;
      if (nibble > 9) return undefined;
      digits += String(nibble);
    }
  }
  return digits;
}

export function encodeIccid(iccid: string): Uint8Array {
  return encodeSwappedBcd(iccid, ICCID_FILE_LENGTH);
}

export function decodeIccid(bytes: Uint8Array): string | undefined {
  return decodeSwappedBcd(bytes);
}

/**
 * EF_IMSI (TS 31.102 §4.2.2): byte 1 = number of bytes that follow; the low nibble of byte 2
 * is the parity indicator (9 for an odd digit count, 1 for even: b4 = odd, b3-b1 = 001), its
 * high nibble the first digit; the remaining digits follow in swapped BCD.
 * Example: IMSI 228062800000208 <-> 08 29 82 60 82 00 00 20 80.
 */
export function encodeImsi(imsi: string): Uint8Array {
  const out = new Uint8Array(IMSI_FILE_LENGTH).fill(0xff);
  const parity = imsi.length % 2 === 1 ? 0x9 : 0x1;
  const nibbles = [parity, ...Array.from(imsi, (digit) => digit.charCodeAt(0) - 0x30)];
  const usedBytes = Math.ceil(nibbles.length / 2);
  out[0] = usedBytes;
  for (let i = 0; i < nibbles.length; i++) {
    const index = 1 + (i >> 1);
    const nibble = nibbles[i]!;
    out[index] = i % 2 === 0 ? (out[index]! & 0xf0) | nibble : (out[index]! & 0x0f) | (nibble << 4);
  }
  return out;
}

export function decodeImsi(bytes: Uint8Array): string | undefined {
  const usedBytes = bytes[0];
  if (usedBytes === undefined || usedBytes < 1 || usedBytes > bytes.length - 1) return undefined;
  const first = bytes[1]!;
  const odd = (first & 0x0f) === 0x9;
  if (!odd && (first & 0x0f) !== 0x1) return undefined;
  const rest = decodeSwappedBcd(bytes.subarray(2, 1 + usedBytes));
  const head = first >> 4;
  if (rest === undefined || head > 9) return undefined;
  const imsi = String(head) + rest;
  return (imsi.length % 2 === 1) === odd ? imsi : undefined;
}

/**
 * One EF_MSISDN record (TS 31.102 §4.2.26, same coding as EF_ADN §4.4.2.3): alpha identifier
 * (X bytes, here unused: all 'FF'), length of the TON/NPI byte + number bytes, TON/NPI, 10 bytes
 * of swapped BCD, capability/configuration identifier 'FF', extension record identifier 'FF'.
 */
export function encodeMsisdnRecord(msisdn: string): Uint8Array {
  const record = new Uint8Array(MSISDN_RECORD_LENGTH).fill(0xff);
  const digits = msisdn.slice(0, MAX_DIALLING_NUMBER_BYTES * 2);
  record[MSISDN_ALPHA_LENGTH] = 1 + Math.ceil(digits.length / 2);
  record[MSISDN_ALPHA_LENGTH + 1] = TON_NPI_INTERNATIONAL;
  record.set(encodeSwappedBcd(digits, MAX_DIALLING_NUMBER_BYTES), MSISDN_ALPHA_LENGTH + 2);
  return record;
}

export interface DiallingNumber {
  readonly tonNpi: number;
  readonly digits: string;
}

/** `undefined` for an empty record ('FF' length) or a malformed one. */
export function decodeMsisdnRecord(record: Uint8Array): DiallingNumber | undefined {
  const alphaLength = record.length - 14;
  const length = record[alphaLength];
  if (alphaLength < 0 || length === undefined || length < 1 || length > 1 + MAX_DIALLING_NUMBER_BYTES) {
    return undefined;
  }
  const tonNpi = record[alphaLength + 1]!;
  const digits = decodeSwappedBcd(record.subarray(alphaLength + 2, alphaLength + 1 + length));
  return digits === undefined ? undefined : { tonNpi, digits };
}

/**
 * EF_AD (TS 31.102 §4.2.18): UE operation mode 00 (normal), additional information 00 00,
 * length of the MNC in the IMSI.
 */
export function encodeAdministrativeData(mncLength: 2 | 3): Uint8Array {
  return Uint8Array.of(0x00, 0x00, 0x00, mncLength);
}
