/**
 * Fields shared by the TPDUs (3GPP TS 23.040 §9.1.2, §9.2.3): addresses in semi-octets, the
 * service-centre time stamp, the validity period, and the service-centre address that prefixes
 * a PDU in TS 27.005 PDU mode (coded as the RP address of TS 24.011 §8.2.5.2, whose length
 * counts octets, not digits). One error type, `TpduError`, with stable codes.
 */
import { decodeGsm7, encodeGsm7, packSeptets, unpackSeptets } from "../../core/smpp/gsm7.js";
import type { SmsTimestamp, ValidityPeriod } from "./sms-types.js";

export type TpduErrorCode =
  | "TRUNCATED" // the octets end inside a field
  | "TRAILING_OCTETS" // octets left after TP-UD
  | "BAD_MTI" // a message type this codec does not take here
  | "BAD_ADDRESS" // an address that cannot be coded or decoded
  | "BAD_TIMESTAMP" // a time stamp field out of range or not BCD
  | "BAD_USER_DATA" // TP-UDL / TP-UDH / TP-UD that do not fit together or the alphabet
  | "BAD_HEX" // PDU text that is not hexadecimal
  | "LENGTH_MISMATCH"; // the PDU is not as long as AT+CMGS=<length> announced

export class TpduError extends Error {
  override readonly name = "TpduError";
  constructor(
    readonly code: TpduErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Reads a TPDU front to back; every read past the end is TRUNCATED. */
export class OctetReader {
  #at = 0;
  constructor(private readonly octets: Uint8Array) {}

  get offset(): number {
    return this.#at;
  }

  get remaining(): number {
    return this.octets.length - this.#at;
  }

  byte(field: string): number {
    const value = this.octets[this.#at];
    if (value === undefined) throw new TpduError("TRUNCATED", `the PDU ends before ${field}`);
    this.#at++;
    return value;
  }

  bytes(count: number, field: string): Uint8Array {
    if (this.#at + count > this.octets.length)
      throw new TpduError("TRUNCATED", `the PDU ends inside ${field}`);
    const out = this.octets.subarray(this.#at, this.#at + count);
    this.#at += count;
    return out;
  }

  rest(): Uint8Array {
    const out = this.octets.subarray(this.#at);
    this.#at = this.octets.length;
    return out;
  }
}

/** Type of address octets (TS 23.040 §9.1.2.5): ext bit, TON, NPI. */
export const TOA_INTERNATIONAL = 0x91;
export const TOA_UNKNOWN = 0x81;
export const TOA_ALPHANUMERIC = 0xd0;

const TON_INTERNATIONAL = 0x1;
const TON_ALPHANUMERIC = 0x5;
/** Semi-octet values beyond 9 in a number (TS 23.040 §9.1.2.3 via TS 24.008 called party BCD). */
const BCD_EXTRA = "*#abc";

export interface DecodedAddress {
  readonly address: string;
  readonly type: number;
}

/** The type of address an address string gets (see sms-types.ts for the conventions). */
export function addressType(address: string): number {
  if (/^\+[0-9*#abc]+$/.test(address)) return TOA_INTERNATIONAL;
  if (/^[0-9*#abc]+$/.test(address)) return TOA_UNKNOWN;
  return TOA_ALPHANUMERIC;
}

/** TP-OA / TP-DA / TP-RA: length in useful semi-octets, type of address, value. */
export function encodeAddress(address: string): Uint8Array {
  const type = addressType(address);
  if (type === TOA_ALPHANUMERIC) {
    let septets: Uint8Array;
    try {
      septets = encodeGsm7(address);
    } catch {
      throw new TpduError("BAD_ADDRESS", `"${address}" is not in the GSM 7-bit alphabet`);
    }
    if (septets.length > 11)
      throw new TpduError("BAD_ADDRESS", `alphanumeric address "${address}" is over 11 characters`);
    const value = packSeptets(septets);
    return Uint8Array.of(Math.ceil((septets.length * 7) / 4), type, ...value);
  }
  const digits = type === TOA_INTERNATIONAL ? address.slice(1) : address;
  if (digits.length > 20) throw new TpduError("BAD_ADDRESS", `"${address}" has more than 20 digits`);
  return Uint8Array.of(digits.length, type, ...packSemiOctets(digits));
}

export function decodeAddress(reader: OctetReader, field: string): DecodedAddress {
  const length = reader.byte(`${field} length`);
  const type = reader.byte(`${field} type of address`);
  if (length > 20) throw new TpduError("BAD_ADDRESS", `${field} length ${length} is over 20 semi-octets`);
  const value = reader.bytes(Math.ceil(length / 2), field);
  const ton = (type >> 4) & 0x7;
  if (ton === TON_ALPHANUMERIC) {
    const septets = Math.floor((length * 4) / 7);
    return { address: decodeGsm7(unpackSeptets(value, septets)), type };
  }
  const digits = unpackSemiOctets(value, length, field);
  return { address: ton === TON_INTERNATIONAL ? `+${digits}` : digits, type };
}

/**
 * The service-centre address in front of a PDU-mode PDU (TS 27.005 §3.1 <pdu>): its length
 * octet counts the octets that follow (type + digits); a length of 0 means "no address given".
 */
export function encodeServiceCentreAddress(address: string | undefined): Uint8Array {
  if (address === undefined || address === "") return Uint8Array.of(0);
  const type = addressType(address);
  if (type === TOA_ALPHANUMERIC)
    throw new TpduError("BAD_ADDRESS", `"${address}" is not a service centre number`);
  const digits = type === TOA_INTERNATIONAL ? address.slice(1) : address;
  if (digits.length > 20) throw new TpduError("BAD_ADDRESS", `"${address}" has more than 20 digits`);
  const value = packSemiOctets(digits);
  return Uint8Array.of(1 + value.length, type, ...value);
}

export function decodeServiceCentreAddress(reader: OctetReader): DecodedAddress | undefined {
  const length = reader.byte("the service centre address length");
  if (length === 0) return undefined;
  if (length > 11)
    throw new TpduError("BAD_ADDRESS", `service centre address length ${length} is over 11 octets`);
  const type = reader.byte("the service centre type of address");
  const value = reader.bytes(length - 1, "the service centre address");
  const digits = unpackSemiOctets(value, value.length * 2, "the service centre address");
  return { address: ((type >> 4) & 0x7) === TON_INTERNATIONAL ? `+${digits}` : digits, type };
}

/** Digits two per octet, the first in the low nibble, an odd count padded with 'F'. */
function packSemiOctets(digits: string): Uint8Array {
  const out = new Uint8Array(Math.ceil(digits.length / 2)).fill(0xff);
  for (let i = 0; i < digits.length; i++) {
    const ch = digits[i]!;
    const nibble = ch >= "0" && ch <= "9" ? ch.charCodeAt(0) - 0x30 : 10 + BCD_EXTRA.indexOf(ch);
    if (nibble < 0 || nibble > 14)
      throw new TpduError("BAD_ADDRESS", `"${ch}" cannot be coded in an address`);
    const index = i >> 1;
    out[index] = i % 2 === 0 ? (out[index]! & 0xf0) | nibble : (out[index]! & 0x0f) | (nibble << 4);
  }
  return out;
}

/** Up to `count` semi-octets; a filler 'F' ends the number early (odd lengths, RP addresses). */
function unpackSemiOctets(octets: Uint8Array, count: number, field: string): string {
  let digits = "";
  for (let i = 0; i < count; i++) {
    const octet = octets[i >> 1]!;
    const nibble = i % 2 === 0 ? octet & 0x0f : octet >> 4;
    if (nibble === 0x0f) {
      if (i === count - 1) break;
      throw new TpduError("BAD_ADDRESS", `${field} has a filler inside the number`);
    }
    digits += nibble <= 9 ? String(nibble) : BCD_EXTRA[nibble - 10]!;
  }
  return digits;
}

/** TP-SCTS coding (§9.2.3.11): seven octets of swapped BCD; bit 3 of the last is the zone's sign. */
export function encodeTimestamp(ts: SmsTimestamp): Uint8Array {
  const fields = [ts.year, ts.month, ts.day, ts.hour, ts.minute, ts.second];
  const out = new Uint8Array(7);
  fields.forEach((value, i) => {
    if (!Number.isInteger(value) || value < 0 || value > 99) {
      throw new TpduError("BAD_TIMESTAMP", `time stamp field ${i} is ${value}`);
    }
    out[i] = swappedBcd(value);
  });
  const zone = Math.abs(ts.timezone);
  if (!Number.isInteger(ts.timezone) || zone > 79) {
    throw new TpduError("BAD_TIMESTAMP", `time zone ${ts.timezone} quarters is out of range`);
  }
  out[6] = swappedBcd(zone) | (ts.timezone < 0 ? 0x08 : 0);
  return out;
}

export function decodeTimestamp(octets: Uint8Array, field: string): SmsTimestamp {
  const value = (i: number, mask = 0x0f): number => {
    const octet = octets[i]!;
    const tens = octet & mask;
    const units = octet >> 4;
    if (tens > 9 || units > 9) throw new TpduError("BAD_TIMESTAMP", `${field} octet ${i + 1} is not BCD`);
    return tens * 10 + units;
  };
  const zone = value(6, 0x07);
  return {
    year: value(0),
    month: value(1),
    day: value(2),
    hour: value(3),
    minute: value(4),
    second: value(5),
    timezone: (octets[6]! & 0x08) !== 0 && zone !== 0 ? -zone : zone,
  };
}

function swappedBcd(value: number): number {
  return ((value % 10) << 4) | Math.floor(value / 10);
}

/** "yy/MM/dd,hh:mm:ss±zz", the <scts> / <dt> format of TS 27.005 §3.1 (zz in quarter hours). */
export function formatTimestamp(ts: SmsTimestamp): string {
  const two = (n: number): string => String(n).padStart(2, "0");
  const sign = ts.timezone < 0 ? "-" : "+";
  return (
    `${two(ts.year)}/${two(ts.month)}/${two(ts.day)},` +
    `${two(ts.hour)}:${two(ts.minute)}:${two(ts.second)}${sign}${two(Math.abs(ts.timezone))}`
  );
}

/** The time stamp of `date` seen in a zone `timezone` quarter hours from UTC. */
export function timestampOf(date: Date, timezone = 0): SmsTimestamp {
  const local = new Date(date.getTime() + timezone * 15 * 60_000);
  return {
    year: local.getUTCFullYear() % 100,
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    timezone,
  };
}

/** TP-VPF values (bits 4-3 of the first octet of SMS-SUBMIT, §9.2.3.3). */
export const VPF_NONE = 0b00;
export const VPF_ENHANCED = 0b01;
export const VPF_RELATIVE = 0b10;
export const VPF_ABSOLUTE = 0b11;

export function decodeValidityPeriod(vpf: number, reader: OctetReader): ValidityPeriod | undefined {
  switch (vpf) {
    case VPF_RELATIVE:
      return { format: "relative", value: reader.byte("TP-VP") };
    case VPF_ABSOLUTE:
      return { format: "absolute", timestamp: decodeTimestamp(reader.bytes(7, "TP-VP"), "TP-VP") };
    case VPF_ENHANCED: {
      const octets = Uint8Array.from(reader.bytes(7, "TP-VP"));
      return { format: "enhanced", octets, seconds: enhancedValiditySeconds(octets) };
    }
    default:
      return undefined;
  }
}

export function encodeValidityPeriod(vp: ValidityPeriod | undefined): { vpf: number; octets: Uint8Array } {
  if (vp === undefined) return { vpf: VPF_NONE, octets: new Uint8Array(0) };
  switch (vp.format) {
    case "relative":
      return { vpf: VPF_RELATIVE, octets: Uint8Array.of(vp.value & 0xff) };
    case "absolute":
      return { vpf: VPF_ABSOLUTE, octets: encodeTimestamp(vp.timestamp) };
    case "enhanced":
      return { vpf: VPF_ENHANCED, octets: vp.octets };
  }
}

/** §9.2.3.12.1: 0-143 (VP+1) x 5 min; 144-167 12 h + (VP-143) x 30 min; 168-196 (VP-166) days; then weeks. */
export function relativeValiditySeconds(value: number): number {
  if (value <= 143) return (value + 1) * 5 * 60;
  if (value <= 167) return 12 * 3600 + (value - 143) * 30 * 60;
  if (value <= 196) return (value - 166) * 86_400;
  return (value - 192) * 7 * 86_400;
}

/**
 * §9.2.3.12.3: bits 2-0 of the functionality indicator: 000 none, 001 relative (next octet as
 * §9.2.3.12.1), 010 relative integer seconds (0-255), 011 relative hh mm ss in semi-octets.
 * An extension bit (bit 7) or a reserved format gives `undefined`.
 */
function enhancedValiditySeconds(octets: Uint8Array): number | undefined {
  const indicator = octets[0]!;
  if ((indicator & 0x80) !== 0) return undefined;
  switch (indicator & 0x07) {
    case 0b001:
      return relativeValiditySeconds(octets[1]!);
    case 0b010:
      return octets[1]!;
    case 0b011: {
      const bcd = (octet: number): number => (octet & 0x0f) * 10 + (octet >> 4);
      return bcd(octets[1]!) * 3600 + bcd(octets[2]!) * 60 + bcd(octets[3]!);
    }
    default:
      return undefined;
  }
}
