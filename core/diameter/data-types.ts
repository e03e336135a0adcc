/**
 * Encoding and decoding of the RFC 6733 §4.2-§4.3 data formats. Decoders get the whole message
 * buffer and the data range of one AVP; they return a value, or a string saying why the data is
 * invalid (the caller turns it into 5004 / 5014 with Failed-AVP).
 */
import type { DiameterAddress } from "./avp.js";
import type { BufferWriter } from "./buffer-writer.js";

/** Seconds between the NTP epoch (1900-01-01) and the Unix epoch (1970-01-01). */
export const NTP_UNIX_OFFSET_S = 2_208_988_800;
const TWO_POW_32 = 0x100000000;

export class InvalidLength {
  constructor(readonly reason: string) {}
}
export class InvalidValue {
  constructor(readonly reason: string) {}
}
export type DecodeFailure = InvalidLength | InvalidValue;

export function decodeU32(buf: Buffer, start: number, end: number): number | DecodeFailure {
  if (end - start !== 4) return new InvalidLength(`expected 4 octets, got ${end - start}`);
  return buf.readUInt32BE(start);
}

export function decodeI32(buf: Buffer, start: number, end: number): number | DecodeFailure {
  if (end - start !== 4) return new InvalidLength(`expected 4 octets, got ${end - start}`);
  return buf.readInt32BE(start);
}

/** Unsigned64 as a number while exact (< 2^53), else a bigint. */
export function decodeU64(buf: Buffer, start: number, end: number): number | bigint | DecodeFailure {
  if (end - start !== 8) return new InvalidLength(`expected 8 octets, got ${end - start}`);
  const hi = buf.readUInt32BE(start);
  const lo = buf.readUInt32BE(start + 4);
  if (hi < 0x200000) return hi * TWO_POW_32 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

export function decodeI64(buf: Buffer, start: number, end: number): number | bigint | DecodeFailure {
  if (end - start !== 8) return new InvalidLength(`expected 8 octets, got ${end - start}`);
  const v = buf.readBigInt64BE(start);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

export function decodeF32(buf: Buffer, start: number, end: number): number | DecodeFailure {
  if (end - start !== 4) return new InvalidLength(`expected 4 octets, got ${end - start}`);
  return buf.readFloatBE(start);
}

export function decodeF64(buf: Buffer, start: number, end: number): number | DecodeFailure {
  if (end - start !== 8) return new InvalidLength(`expected 8 octets, got ${end - start}`);
  return buf.readDoubleBE(start);
}

// ignoreBOM: a leading U+FEFF is part of the value (by default TextDecoder drops it, so a
// Session-Id starting with one would come back changed in the answer).
const utf8Strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** UTF8String (RFC 6733 §4.3.1): rejects invalid UTF-8 instead of replacing it. */
export function decodeUtf8(buf: Buffer, start: number, end: number): string | DecodeFailure {
  for (let i = start; i < end; i++) {
    if ((buf[i] as number) >= 0x80) {
      try {
        return utf8Strict.decode(buf.subarray(start, end));
      } catch {
        return new InvalidValue("not valid UTF-8");
      }
    }
  }
  return buf.toString("latin1", start, end);
}

/** OctetString: a copy, so the AVP does not pin the socket's read buffer. */
export function decodeOctets(buf: Buffer, start: number, end: number): Uint8Array {
  const out = new Uint8Array(end - start);
  out.set(buf.subarray(start, end));
  return out;
}

/**
 * Time (RFC 6733 §4.3.1): NTP seconds. Per RFC 5905 era handling as RFC 6733 requires, a value
 * with the top bit clear is read as the era starting 2036-02-07T06:28:16Z.
 */
export function decodeTime(buf: Buffer, start: number, end: number): Date | DecodeFailure {
  if (end - start !== 4) return new InvalidLength(`expected 4 octets, got ${end - start}`);
  const ntp = buf.readUInt32BE(start);
  const seconds = ntp >= 0x80000000 ? ntp - NTP_UNIX_OFFSET_S : ntp + TWO_POW_32 - NTP_UNIX_OFFSET_S;
  return new Date(seconds * 1000);
}

export function ntpSeconds(date: Date): number {
  const s = Math.floor(date.getTime() / 1000) + NTP_UNIX_OFFSET_S;
  return ((s % TWO_POW_32) + TWO_POW_32) % TWO_POW_32;
}

/** Address (RFC 6733 §4.3.1): a 2-octet IANA address family, then the address. */
export function decodeAddress(buf: Buffer, start: number, end: number): DiameterAddress | DecodeFailure {
  if (end - start < 2) return new InvalidLength("address shorter than its 2-octet family");
  const family = buf.readUInt16BE(start);
  const len = end - start - 2;
  if (family === 1) {
    if (len !== 4) return new InvalidLength(`IPv4 address of ${len} octets`);
    return {
      family: "IPv4",
      address: `${buf[start + 2]}.${buf[start + 3]}.${buf[start + 4]}.${buf[start + 5]}`,
    };
  }
  if (family === 2) {
    if (len !== 16) return new InvalidLength(`IPv6 address of ${len} octets`);
    const parts: string[] = [];
    for (let i = 0; i < 8; i++) parts.push(buf.readUInt16BE(start + 2 + i * 2).toString(16));
    return { family: "IPv6", address: compressIpv6(parts) };
  }
  return { family, bytes: decodeOctets(buf, start + 2, end) };
}

function compressIpv6(parts: string[]): string {
  // Longest run of zero groups becomes "::" (RFC 5952 §4.2).
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < parts.length;) {
    if (parts[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < parts.length && parts[j] === "0") j++;
    if (j - i > bestLen && j - i > 1) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return parts.join(":");
  return `${parts.slice(0, bestStart).join(":")}::${parts.slice(bestStart + bestLen).join(":")}`;
}

export function encodeAddress(w: BufferWriter, value: DiameterAddress): void {
  if (value.family === "IPv4") {
    w.u8(0);
    w.u8(1);
    for (const octet of parseIpv4(value.address)) w.u8(octet);
  } else if (value.family === "IPv6") {
    w.u8(0);
    w.u8(2);
    w.bytes(parseIpv6(value.address));
  } else {
    w.u8((value.family >>> 8) & 0xff);
    w.u8(value.family & 0xff);
    w.bytes(value.bytes);
  }
}

export function parseIpv4(text: string): number[] {
  const parts = text.split(".");
  if (parts.length !== 4) throw new TypeError(`not an IPv4 address: ${text}`);
  return parts.map((p) => {
    const n = Number(p);
    if (!/^\d{1,3}$/.test(p) || n > 255) throw new TypeError(`not an IPv4 address: ${text}`);
    return n;
  });
}

export function parseIpv6(text: string): Uint8Array {
  const halves = text.split("::");
  if (halves.length > 2) throw new TypeError(`not an IPv6 address: ${text}`);
  const head = halves[0] === "" || halves[0] === undefined ? [] : halves[0].split(":");
  const tail = halves.length === 2 && halves[1] !== "" && halves[1] !== undefined ? halves[1].split(":") : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0)
    throw new TypeError(`not an IPv6 address: ${text}`);
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) throw new TypeError(`not an IPv6 address: ${text}`);
    const v = Number.parseInt(g, 16);
    out[i * 2] = v >>> 8;
    out[i * 2 + 1] = v & 0xff;
  });
  return out;
}
