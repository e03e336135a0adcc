/**
 * UCS2 as SMS and SMPP use it (data_coding 8, TS 23.038 §6.2.3): UTF-16 big-endian. Characters
 * beyond U+FFFF travel as surrogate pairs, which is what handsets send in practice.
 */
import { SmppCodecError } from "./codec-error.js";

/** Text → UTF-16BE octets (two per UTF-16 code unit). */
export function encodeUcs2(text: string): Buffer {
  const out = Buffer.from(text, "utf16le");
  return out.swap16();
}

/**
 * UTF-16BE octets → text. An odd length throws BAD_UCS2, unless `lenient` is set, which drops the
 * dangling octet (some peers cut a message at an octet limit).
 */
export function decodeUcs2(octets: Uint8Array, options: { lenient?: boolean } = {}): string {
  let length = octets.length;
  if (length % 2 !== 0) {
    if (!options.lenient)
      throw new SmppCodecError("BAD_UCS2", `UCS2 text has an odd number of octets (${length})`);
    length -= 1;
  }
  const swapped = Buffer.from(octets.subarray(0, length));
  return swapped.swap16().toString("utf16le");
}

/** UTF-16 code units `text` takes; two octets each. An astral character counts 2. */
export function ucs2Length(text: string): number {
  return text.length;
}

/** True when the code unit at `index` is the high half of a surrogate pair. */
export function isHighSurrogate(codeUnit: number): boolean {
  return codeUnit >= 0xd800 && codeUnit <= 0xdbff;
}
