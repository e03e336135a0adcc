/**
 * Text ⇄ (data_coding, octets) for SMPP short_message / message_payload. We always choose and
 * state the data_coding ourselves; nothing relies on the npm `smpp` package's auto-detection.
 */
import { SmppCodecError } from "./codec-error.js";
import { interpretDataCoding, type Alphabet, type DcsScheme } from "./data-coding.js";
import { GSM7_CR, decodeGsm7, encodeGsm7, isGsm7, packUssd, unpackSeptets, unpackUssd } from "./gsm7.js";
import { decodeLatin1, encodeLatin1, isLatin1 } from "./latin1.js";
import { decodeUcs2, encodeUcs2 } from "./ucs2.js";

export type TextAlphabet = "gsm7" | "latin1" | "ucs2";

export interface EncodedText {
  dataCoding: number;
  alphabet: TextAlphabet;
  bytes: Buffer;
}

export interface EncodeTextOptions {
  /**
   * The alphabet to use when the text fits it (default gsm7). Text that does not fit falls back
   * to UCS2; "ucs2" always gives UCS2.
   */
  prefer?: TextAlphabet;
  /**
   * A fixed data_coding (e.g. 0x0F for USSD). The text must fit its alphabet, else NOT_GSM7 /
   * NOT_LATIN1 is thrown.
   */
  dataCoding?: number;
}

const DEFAULT_DCS: Readonly<Record<TextAlphabet, number>> = { gsm7: 0x00, latin1: 0x03, ucs2: 0x08 };

/** The alphabet encodeText would choose for `text`. */
export function chooseAlphabet(text: string, prefer: TextAlphabet = "gsm7"): TextAlphabet {
  if (prefer === "gsm7" && isGsm7(text)) return "gsm7";
  if (prefer === "latin1" && isLatin1(text)) return "latin1";
  return "ucs2";
}

/** Encodes text in one alphabet; GSM-7 unpacked (one septet per octet, SMPP convention). */
export function encodeInAlphabet(text: string, alphabet: TextAlphabet): Buffer {
  switch (alphabet) {
    case "gsm7":
      return encodeGsm7(text);
    case "latin1":
      return encodeLatin1(text);
    case "ucs2":
      return encodeUcs2(text);
  }
}

/**
 * Text → data_coding and octets: GSM-7 when every character fits, else UCS2 (or Latin-1 when
 * preferred and possible).
 */
export function encodeText(text: string, options: EncodeTextOptions = {}): EncodedText {
  if (options.dataCoding !== undefined) {
    const alphabet = textAlphabetOf(options.dataCoding);
    return { dataCoding: options.dataCoding, alphabet, bytes: encodeInAlphabet(text, alphabet) };
  }
  const alphabet = chooseAlphabet(text, options.prefer);
  return { dataCoding: DEFAULT_DCS[alphabet], alphabet, bytes: encodeInAlphabet(text, alphabet) };
}

function textAlphabetOf(dataCoding: number, scheme: DcsScheme = "smpp"): TextAlphabet {
  const info = interpretDataCoding(dataCoding, scheme);
  if (info.alphabet === "gsm7" || info.alphabet === "latin1" || info.alphabet === "ucs2")
    return info.alphabet;
  if (info.alphabet === "ascii") return "latin1";
  throw new SmppCodecError(
    "BAD_DATA_CODING",
    `data_coding 0x${dataCoding.toString(16).padStart(2, "0")} (${info.alphabet}) cannot be encoded as text here`,
  );
}

const ICU_DECODERS: Partial<Record<Alphabet, string>> = {
  cyrillic: "iso-8859-5",
  hebrew: "iso-8859-8",
  jis: "shift_jis",
  "iso-2022-jp": "iso-2022-jp",
  "ks-c-5601": "euc-kr",
};

function decodeWithIcu(label: string, bytes: Uint8Array, dataCoding: number): string {
  try {
    return new TextDecoder(label).decode(bytes);
  } catch {
    throw new SmppCodecError(
      "BAD_DATA_CODING",
      `data_coding 0x${dataCoding.toString(16)} needs the ${label} decoder, which this Node.js lacks`,
    );
  }
}

export interface DecodedText {
  text: string;
  /** ISO 639 code from a CBS language prefix (DCS 0x10 / 0x11), else null. */
  language: string | null;
}

/**
 * data_coding + octets → text, with the language prefix of CBS DCS 0x10/0x11 split off.
 * GSM-7 is expected unpacked (SMPP convention). Throws BAD_DATA_CODING for binary data and for
 * compressed text (TS 23.042 compression is not supported).
 */
export function decodeTextWithLanguage(
  dataCoding: number,
  bytes: Uint8Array,
  scheme: DcsScheme = "smpp",
): DecodedText {
  const info = interpretDataCoding(dataCoding, scheme);
  const hex = `0x${dataCoding.toString(16).padStart(2, "0")}`;
  if (info.compressed)
    throw new SmppCodecError("BAD_DATA_CODING", `data_coding ${hex} marks compressed text (TS 23.042)`);
  if (info.languagePrefix) {
    if (info.alphabet === "ucs2") {
      // TS 23.038 §5, DCS 0x11: two packed GSM-7 characters padded to two octets, then UCS2
      const language = bytes.length >= 2 ? decodeGsm7(unpackSeptets(bytes.subarray(0, 2), 2)) : null;
      return { text: decodeUcs2(bytes.subarray(2), { lenient: true }), language };
    }
    // DCS 0x10: "xx<CR>" then the text
    const text = decodeGsm7(bytes);
    if (bytes.length >= 3 && bytes[2] === GSM7_CR) return { text: text.slice(3), language: text.slice(0, 2) };
    return { text, language: null };
  }
  return { text: decodeByAlphabet(info.alphabet, bytes, hex, dataCoding), language: info.language };
}

function decodeByAlphabet(alphabet: Alphabet, bytes: Uint8Array, hex: string, dataCoding: number): string {
  switch (alphabet) {
    case "gsm7":
      return decodeGsm7(bytes);
    case "ascii":
    case "latin1":
      return decodeLatin1(bytes);
    case "ucs2":
      return decodeUcs2(bytes, { lenient: true });
    case "binary":
    case "pictogram":
      throw new SmppCodecError("BAD_DATA_CODING", `data_coding ${hex} (${alphabet}) is not text`);
    default: {
      const label = ICU_DECODERS[alphabet];
      if (label === undefined)
        throw new SmppCodecError("BAD_DATA_CODING", `data_coding ${hex} (${alphabet}) is not supported`);
      return decodeWithIcu(label, bytes, dataCoding);
    }
  }
}

/** data_coding + octets → text. See decodeTextWithLanguage. */
export function decodeText(dataCoding: number, bytes: Uint8Array, scheme: DcsScheme = "smpp"): string {
  return decodeTextWithLanguage(dataCoding, bytes, scheme).text;
}

/**
 * USSD string for the air/MAP side and `AT+CUSD` (CBS DCS): GSM-7 packed with <CR> padding
 * (TS 23.038 §6.1.2.3.1) as DCS 0x0F when every character fits, else UCS2 as DCS 0x48.
 */
export function encodeUssdString(text: string): { dcs: number; bytes: Buffer } {
  if (isGsm7(text)) return { dcs: 0x0f, bytes: packUssd(text) };
  return { dcs: 0x48, bytes: encodeUcs2(text) };
}

/** Inverse of encodeUssdString for any CBS DCS: GSM-7 is packed here. */
export function decodeUssdString(dcs: number, bytes: Uint8Array): string {
  const info = interpretDataCoding(dcs, "cbs");
  if (info.languagePrefix) {
    if (info.alphabet === "ucs2") return decodeUcs2(bytes.subarray(2), { lenient: true });
    const text = unpackUssd(bytes);
    return text.length >= 3 && text[2] === "\r" ? text.slice(3) : text;
  }
  if (info.alphabet === "gsm7") return unpackUssd(bytes);
  if (info.alphabet === "ucs2") return decodeUcs2(bytes, { lenient: true });
  throw new SmppCodecError(
    "BAD_DATA_CODING",
    `USSD DCS 0x${dcs.toString(16)} (${info.alphabet}) is not text`,
  );
}
