/**
 * GSM 03.38 / 3GPP TS 23.038 §6.2.1: the 7-bit default alphabet and its extension table.
 *
 * Two wire forms exist:
 * - unpacked: one septet per octet (SMPP data_coding 0, SMPP 3.4 §5.2.19); an extension character
 *   is the escape septet 0x1B followed by its code, so it costs two septets;
 * - packed: septets laid end to end, least significant bit first (TS 23.038 §6.1.2.1.1), used in
 *   the SMS TPDU and on the USSD air/MAP side, optionally after fill bits that align the text to a
 *   septet boundary behind a user data header (TS 23.040 §9.2.3.24).
 */
import { SmppCodecError } from "./codec-error.js";

/** Septet 0x1B: escape to the extension table (TS 23.038 §6.2.1.1). */
export const GSM7_ESCAPE = 0x1b;
/** Septet 0x0D, the padding character for USSD and cell broadcast (TS 23.038 §6.1.2.3.1). */
export const GSM7_CR = 0x0d;

/**
 * The default alphabet, indexed by septet. Index 0x1B is the escape, not a character; it holds
 * U+001B only to keep the table dense and is never produced by decoding.
 */
export const GSM7_DEFAULT_ALPHABET: readonly string[] = [
  ..."@£$¥èéùìòÇ\nØø\rÅå",
  ..."Δ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ",
  ..." !\"#¤%&'()*+,-./",
  ..."0123456789:;<=>?",
  ..."¡ABCDEFGHIJKLMNO",
  ..."PQRSTUVWXYZÄÖÑÜ§",
  ..."¿abcdefghijklmno",
  ..."pqrstuvwxyzäöñüà",
];

/** The extension table: septet after the escape → character (TS 23.038 §6.2.1.1). */
export const GSM7_EXTENSION_TABLE: ReadonlyMap<number, string> = new Map([
  [0x0a, "\f"], // page break
  [0x14, "^"],
  [0x28, "{"],
  [0x29, "}"],
  [0x2f, "\\"],
  [0x3c, "["],
  [0x3d, "~"],
  [0x3e, "]"],
  [0x40, "|"],
  [0x65, "€"],
]);

const DEFAULT_BY_CHAR = new Map<string, number>();
GSM7_DEFAULT_ALPHABET.forEach((ch, septet) => {
  if (septet !== GSM7_ESCAPE) DEFAULT_BY_CHAR.set(ch, septet);
});
const EXTENSION_BY_CHAR = new Map<string, number>();
for (const [septet, ch] of GSM7_EXTENSION_TABLE) EXTENSION_BY_CHAR.set(ch, septet);

/** Septets one character takes: 1 (default table), 2 (extension table) or 0 (not encodable). */
export function gsm7CharSeptets(ch: string): 0 | 1 | 2 {
  if (DEFAULT_BY_CHAR.has(ch)) return 1;
  if (EXTENSION_BY_CHAR.has(ch)) return 2;
  return 0;
}

/** True when every character of `text` is in the default alphabet or the extension table. */
export function isGsm7(text: string): boolean {
  for (const ch of text) if (gsm7CharSeptets(ch) === 0) return false;
  return true;
}

/** The first character that GSM-7 cannot carry, with its UTF-16 index, or undefined. */
export function findNonGsm7(text: string): { index: number; char: string } | undefined {
  let index = 0;
  for (const ch of text) {
    if (gsm7CharSeptets(ch) === 0) return { index, char: ch };
    index += ch.length;
  }
  return undefined;
}

function notGsm7(text: string): SmppCodecError {
  const bad = findNonGsm7(text);
  const cp = bad ? `U+${(bad.char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}` : "?";
  return new SmppCodecError(
    "NOT_GSM7",
    `character ${JSON.stringify(bad?.char)} (${cp}) at index ${bad?.index} is not in the GSM 03.38 alphabet`,
  );
}

/**
 * Septets `text` takes in GSM-7; extension-table characters count 2.
 * Throws SmppCodecError NOT_GSM7 for a character outside the alphabet (check with isGsm7 first).
 */
export function gsm7SeptetLength(text: string): number {
  let n = 0;
  for (const ch of text) {
    const s = gsm7CharSeptets(ch);
    if (s === 0) throw notGsm7(text);
    n += s;
  }
  return n;
}

/** Text → septets, one per octet (the SMPP data_coding 0 form). Throws NOT_GSM7. */
export function encodeGsm7(text: string): Buffer {
  const out: number[] = [];
  for (const ch of text) {
    const base = DEFAULT_BY_CHAR.get(ch);
    if (base !== undefined) {
      out.push(base);
      continue;
    }
    const ext = EXTENSION_BY_CHAR.get(ch);
    if (ext === undefined) throw notGsm7(text);
    out.push(GSM7_ESCAPE, ext);
  }
  return Buffer.from(out);
}

/**
 * Septets (one per octet) → text. The high bit of each octet is ignored.
 * An escape followed by a code the extension table lacks shows the default-table character for
 * that code, and a lone escape at the end shows a space (TS 23.038 §6.2.1.1, notes to the table).
 */
export function decodeGsm7(septets: Uint8Array): string {
  let text = "";
  for (let i = 0; i < septets.length; i++) {
    const s = (septets[i] as number) & 0x7f;
    if (s !== GSM7_ESCAPE) {
      text += GSM7_DEFAULT_ALPHABET[s] as string;
      continue;
    }
    const next = septets[i + 1];
    if (next === undefined) {
      text += " ";
      break;
    }
    i++;
    const code = next & 0x7f;
    const ext = GSM7_EXTENSION_TABLE.get(code);
    // a second escape (reserved for a further extension table) also falls back to a space
    text += ext ?? (code === GSM7_ESCAPE ? " " : (GSM7_DEFAULT_ALPHABET[code] as string));
  }
  return text;
}

/** Octets needed for `septetCount` packed septets after `fillBits` fill bits. */
export function packedLength(septetCount: number, fillBits = 0): number {
  return Math.ceil((fillBits + septetCount * 7) / 8);
}

function checkFillBits(fillBits: number): void {
  if (!Number.isInteger(fillBits) || fillBits < 0 || fillBits > 6)
    throw new SmppCodecError("BAD_ARGUMENT", `fill bits must be 0..6, got ${fillBits}`);
}

/**
 * Packs septets end to end, least significant bit first (TS 23.038 §6.1.2.1.1). `fillBits` zero
 * bits come first, so that after a UDH the text starts on a septet boundary (TS 23.040 §9.2.3.24).
 */
export function packSeptets(septets: Uint8Array, fillBits = 0): Buffer {
  checkFillBits(fillBits);
  const out = Buffer.alloc(packedLength(septets.length, fillBits));
  for (let i = 0; i < septets.length; i++) {
    const s = septets[i] as number;
    if (s > 0x7f) throw new SmppCodecError("BAD_SEPTETS", `septet ${i} is 0x${s.toString(16)}, above 0x7F`);
    const bit = fillBits + i * 7;
    const at = bit >> 3;
    const shift = bit & 7;
    out[at] = (out[at] as number) | ((s << shift) & 0xff);
    if (shift > 1) out[at + 1] = (out[at + 1] as number) | (s >> (8 - shift));
  }
  return out;
}

/**
 * Unpacks `septetCount` septets from packed octets that start with `fillBits` fill bits.
 * Without a count, takes every whole septet the octets hold.
 */
export function unpackSeptets(octets: Uint8Array, septetCount?: number, fillBits = 0): Buffer {
  checkFillBits(fillBits);
  const available = Math.floor((octets.length * 8 - fillBits) / 7);
  const count = septetCount ?? Math.max(0, available);
  if (count > available)
    throw new SmppCodecError(
      "BAD_SEPTETS",
      `${octets.length} octets with ${fillBits} fill bits hold ${available} septets, not ${count}`,
    );
  const out = Buffer.alloc(count);
  for (let i = 0; i < count; i++) {
    const bit = fillBits + i * 7;
    const at = bit >> 3;
    const shift = bit & 7;
    let v = (octets[at] as number) >> shift;
    if (shift > 1) v |= (octets[at + 1] as number) << (8 - shift);
    out[i] = v & 0x7f;
  }
  return out;
}

/** Text → packed GSM-7 with the septet count the receiver needs (TP-UDL counts septets). */
export function encodeGsm7Packed(text: string, fillBits = 0): { octets: Buffer; septetCount: number } {
  const septets = encodeGsm7(text);
  return { octets: packSeptets(septets, fillBits), septetCount: septets.length };
}

/** Packed GSM-7 → text. */
export function decodeGsm7Packed(octets: Uint8Array, septetCount?: number, fillBits = 0): string {
  return decodeGsm7(unpackSeptets(octets, septetCount, fillBits));
}

/**
 * Packs a USSD string (CBS DCS 0x0F), which carries no septet count. TS 23.038 §6.1.2.3.1: when the
 * last octet would end in 7 spare bits, they hold <CR> rather than zeros (which would read as '@');
 * when the text itself ends in <CR> on an octet boundary, one more <CR> is added.
 */
export function packUssd(text: string): Buffer {
  const septets = [...encodeGsm7(text)];
  const n = septets.length;
  if (n % 8 === 7) septets.push(GSM7_CR);
  else if (n > 0 && n % 8 === 0 && septets[n - 1] === GSM7_CR) septets.push(GSM7_CR);
  return packSeptets(Uint8Array.from(septets));
}

/**
 * Unpacks a USSD string: every whole septet, dropping a final <CR> that ends on an octet boundary
 * (the padding of TS 23.038 §6.1.2.3.1). A text that itself ended in <CR> on an octet boundary
 * comes back with <CR><CR>, which the clause defines as identical in meaning.
 */
export function unpackUssd(octets: Uint8Array): string {
  const septets = unpackSeptets(octets);
  const n = septets.length;
  const endsOnBoundary = octets.length * 8 === n * 7;
  const trimmed =
    endsOnBoundary && n > 0 && septets[n - 1] === GSM7_CR ? septets.subarray(0, n - 1) : septets;
  return decodeGsm7(trimmed);
}
