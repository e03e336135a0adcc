/**
 * ISO-8859-1 (SMPP 3.4 §5.2.19 data_coding 3): one octet per character, U+0000..U+00FF.
 */
import { SmppCodecError } from "./codec-error.js";

/** True when every character of `text` is at most U+00FF. */
export function isLatin1(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return false;
  return true;
}

/** Text → octets. Throws NOT_LATIN1 naming the first character above U+00FF. */
export function encodeLatin1(text: string): Buffer {
  for (let i = 0; i < text.length; i++) {
    const cu = text.charCodeAt(i);
    if (cu > 0xff) {
      const cp = text.codePointAt(i) ?? cu;
      const hex = cp.toString(16).toUpperCase().padStart(4, "0");
      throw new SmppCodecError(
        "NOT_LATIN1",
        `character ${JSON.stringify(String.fromCodePoint(cp))} (U+${hex}) at index ${i} is not in ISO-8859-1`,
      );
    }
  }
  return Buffer.from(text, "latin1");
}

/** Octets → text; every octet is a character. */
export function decodeLatin1(octets: Uint8Array): string {
  return Buffer.from(octets.buffer, octets.byteOffset, octets.byteLength).toString("latin1");
}
