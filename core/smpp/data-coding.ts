/**
 * Interpreting a whole data coding octet. Three tables exist and overlap:
 * - SMPP data_coding (SMPP 3.4 §5.2.19): 0x00..0x0E name character sets directly (IA5, Latin-1,
 *   JIS, …); 0xC0..0xFF are the GSM message-waiting and message-class groups;
 * - the SMS TP-DCS (3GPP TS 23.038 §4): coding groups in bits 7..4;
 * - the CBS DCS (TS 23.038 §5), which USSD uses: 0x0F is GSM-7 "language unspecified".
 * The npm `smpp` package looks only at the low nibble, so 0x0F, 0x11 or 0xF2 come out wrong there.
 */

export type Alphabet =
  | "gsm7"
  | "ascii" // IA5 / CCITT T.50
  | "latin1" // ISO-8859-1
  | "binary" // 8-bit data
  | "ucs2"
  | "jis" // JIS X 0208-1990
  | "cyrillic" // ISO-8859-5
  | "hebrew" // ISO-8859-8
  | "pictogram"
  | "iso-2022-jp" // music codes
  | "extended-kanji" // JIS X 0212-1990
  | "ks-c-5601";

/** Which table the octet comes from. */
export type DcsScheme = "smpp" | "sms" | "cbs";

export type MessageClass = 0 | 1 | 2 | 3;

export interface MessageWaiting {
  /** false: the "discard message" group (TS 23.038 §4, 1100). */
  store: boolean;
  active: boolean;
  kind: "voicemail" | "fax" | "email" | "other";
}

export interface DataCodingInfo {
  dcs: number;
  scheme: DcsScheme;
  alphabet: Alphabet;
  messageClass: MessageClass | null;
  compressed: boolean;
  /** TS 23.038 §4 coding group 01xx: "message marked for automatic deletion". */
  autoDelete: boolean;
  messageWaiting: MessageWaiting | null;
  /** CBS: ISO 639 language named by the DCS itself, e.g. "en"; null when unspecified. */
  language: string | null;
  /** CBS 0x10/0x11: the text starts with a two-character ISO 639 language indication. */
  languagePrefix: boolean;
  /** True when the octet is a reserved value that the receiving rules map to a default. */
  reserved: boolean;
  /** CBS 1001: the message carries a user data header. */
  udh: boolean;
}

const SMPP_CHARSETS: ReadonlyMap<number, Alphabet> = new Map<number, Alphabet>([
  [0x00, "gsm7"], // "SMSC default alphabet"; this SMSC's default is GSM 03.38
  [0x01, "ascii"],
  [0x02, "binary"],
  [0x03, "latin1"],
  [0x04, "binary"],
  [0x05, "jis"],
  [0x06, "cyrillic"],
  [0x07, "hebrew"],
  [0x08, "ucs2"],
  [0x09, "pictogram"],
  [0x0a, "iso-2022-jp"],
  [0x0d, "extended-kanji"],
  [0x0e, "ks-c-5601"],
]);

const CBS_LANGUAGES_0 = [
  "de",
  "en",
  "it",
  "fr",
  "es",
  "nl",
  "sv",
  "da",
  "pt",
  "fi",
  "no",
  "el",
  "tr",
  "hu",
  "pl",
];
const CBS_LANGUAGES_2 = ["cs", "he", "ar", "ru", "is"];
const MWI_KINDS = ["voicemail", "fax", "email", "other"] as const;

function base(dcs: number, scheme: DcsScheme, alphabet: Alphabet): DataCodingInfo {
  return {
    dcs,
    scheme,
    alphabet,
    messageClass: null,
    compressed: false,
    autoDelete: false,
    messageWaiting: null,
    language: null,
    languagePrefix: false,
    reserved: false,
    udh: false,
  };
}

/** Bits 3..2 of the general and UDH groups. */
function generalAlphabet(dcs: number): { alphabet: Alphabet; reserved: boolean } {
  switch ((dcs >> 2) & 0x03) {
    case 0:
      return { alphabet: "gsm7", reserved: false };
    case 1:
      return { alphabet: "binary", reserved: false };
    case 2:
      return { alphabet: "ucs2", reserved: false };
    default:
      // TS 23.038 §4 and §5: reserved codings are read as the GSM 7-bit default alphabet
      return { alphabet: "gsm7", reserved: true };
  }
}

function classOf(dcs: number): MessageClass {
  return (dcs & 0x03) as MessageClass;
}

/** TS 23.038 §4, the SMS data coding scheme (TP-DCS). */
function interpretSms(dcs: number, scheme: DcsScheme): DataCodingInfo {
  const group = dcs >> 4;
  if (group <= 0x07) {
    // 00xx xxxx general data coding; 01xx xxxx the same, marked for automatic deletion
    const { alphabet, reserved } = generalAlphabet(dcs);
    const info = base(dcs, scheme, alphabet);
    info.reserved = reserved;
    info.compressed = (dcs & 0x20) !== 0;
    info.autoDelete = (dcs & 0x40) !== 0;
    if (dcs & 0x10) info.messageClass = classOf(dcs);
    return info;
  }
  if (group >= 0x0c && group <= 0x0e) {
    // 1100 discard (GSM-7), 1101 store (GSM-7), 1110 store (UCS2): message waiting indication
    const info = base(dcs, scheme, group === 0x0e ? "ucs2" : "gsm7");
    info.messageWaiting = {
      store: group !== 0x0c,
      active: (dcs & 0x08) !== 0,
      kind: MWI_KINDS[dcs & 0x03] as MessageWaiting["kind"],
    };
    return info;
  }
  if (group === 0x0f) {
    // 1111: bit 2 is the coding (GSM-7 or 8-bit), bits 1..0 the class
    const info = base(dcs, scheme, dcs & 0x04 ? "binary" : "gsm7");
    info.messageClass = classOf(dcs);
    return info;
  }
  // 1000..1011 reserved coding groups
  const info = base(dcs, scheme, "gsm7");
  info.reserved = true;
  return info;
}

/** TS 23.038 §5, the CBS data coding scheme, also used for USSD (TS 23.038 §5, TS 24.090). */
function interpretCbs(dcs: number): DataCodingInfo {
  const group = dcs >> 4;
  const low = dcs & 0x0f;
  const gsm = (): DataCodingInfo => base(dcs, "cbs", "gsm7");
  switch (group) {
    case 0x0: {
      const info = gsm();
      info.language = CBS_LANGUAGES_0[low] ?? null; // 1111: language unspecified
      return info;
    }
    case 0x1: {
      if (low > 1) {
        const info = gsm();
        info.reserved = true;
        return info;
      }
      const info = base(dcs, "cbs", low === 0 ? "gsm7" : "ucs2");
      info.languagePrefix = true;
      return info;
    }
    case 0x2: {
      const info = gsm();
      info.language = CBS_LANGUAGES_2[low] ?? null;
      return info;
    }
    case 0x3:
      return gsm();
    case 0x4:
    case 0x5:
    case 0x6:
    case 0x7: {
      const { alphabet, reserved } = generalAlphabet(dcs);
      const info = base(dcs, "cbs", alphabet);
      info.reserved = reserved;
      info.compressed = (dcs & 0x20) !== 0;
      if (dcs & 0x10) info.messageClass = classOf(dcs);
      return info;
    }
    case 0x9: {
      const { alphabet, reserved } = generalAlphabet(dcs);
      const info = base(dcs, "cbs", alphabet);
      info.reserved = reserved;
      info.udh = true;
      info.messageClass = classOf(dcs);
      return info;
    }
    case 0xf: {
      const info = base(dcs, "cbs", dcs & 0x04 ? "binary" : "gsm7");
      info.messageClass = classOf(dcs);
      return info;
    }
    default: {
      // 1000, 1010..1101 reserved, 1110 WAP: "any reserved codings shall be assumed to be the
      // GSM 7 bit default alphabet" (TS 23.038 §5)
      const info = gsm();
      info.reserved = true;
      return info;
    }
  }
}

/**
 * Interprets a data_coding / DCS octet.
 *
 * With scheme "smpp" (the default): 0x00..0x0E per SMPP 3.4 §5.2.19; 0x0F, which SMPP reserves,
 * is read as CBS GSM-7 "language unspecified" because USSD gateways put the USSD DCS there; the
 * rest per TS 23.038 §4, which is what SMSCs forward (SMPP 3.4 lists 0xC0..0xFF as the GSM groups).
 */
export function interpretDataCoding(dcs: number, scheme: DcsScheme = "smpp"): DataCodingInfo {
  if (!Number.isInteger(dcs) || dcs < 0 || dcs > 0xff)
    throw new RangeError(`a data coding octet is 0..255, got ${dcs}`);
  if (scheme === "cbs") return interpretCbs(dcs);
  if (scheme === "sms") return interpretSms(dcs, "sms");
  const charset = SMPP_CHARSETS.get(dcs);
  if (charset !== undefined) return base(dcs, "smpp", charset);
  if (dcs === 0x0f) {
    const info = base(dcs, "smpp", "gsm7");
    info.reserved = true;
    return info;
  }
  if (dcs === 0x0b || dcs === 0x0c) {
    const info = base(dcs, "smpp", "gsm7");
    info.reserved = true;
    return info;
  }
  return interpretSms(dcs, "smpp");
}

/** Alphabets this project can turn into text. */
export function isTextAlphabet(alphabet: Alphabet): boolean {
  return alphabet !== "binary" && alphabet !== "pictogram";
}

/** Common data_coding values for building PDUs. */
export const DataCoding = {
  /** SMPP "SMSC default alphabet", GSM 03.38 here. */
  GSM7: 0x00,
  IA5: 0x01,
  LATIN1: 0x03,
  BINARY: 0x04,
  UCS2: 0x08,
  /** GSM-7, message class 0 (flash SMS), TS 23.038 §4 group 1111. */
  GSM7_FLASH: 0xf0,
  /** USSD (CBS DCS, TS 23.038 §5): GSM-7, language unspecified. */
  USSD_GSM7: 0x0f,
  /** USSD (CBS DCS general group 01xx): UCS2, no class. */
  USSD_UCS2: 0x48,
} as const;

/** A data_coding for an alphabet and optional message class (TS 23.038 §4 group 0001 / 1111). */
export function dataCodingFor(
  alphabet: "gsm7" | "binary" | "ucs2" | "latin1",
  messageClass?: MessageClass,
): number {
  if (messageClass === undefined) {
    return alphabet === "gsm7"
      ? DataCoding.GSM7
      : alphabet === "binary"
        ? DataCoding.BINARY
        : alphabet === "ucs2"
          ? DataCoding.UCS2
          : DataCoding.LATIN1;
  }
  // general group with class meaning: 0001 bit 4 set; bits 3..2 alphabet
  if (alphabet === "latin1") throw new RangeError("Latin-1 has no data_coding with a message class");
  const bits = alphabet === "gsm7" ? 0 : alphabet === "binary" ? 1 : 2;
  return 0x10 | (bits << 2) | messageClass;
}
