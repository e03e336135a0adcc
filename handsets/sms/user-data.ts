/**
 * TP-UDL and TP-UD (3GPP TS 23.040 §9.2.3.16, §9.2.3.24): the message body, optionally led by
 * a user data header, in the alphabet the TP-DCS names (TS 23.038 §4).
 *
 * GSM 7-bit: TP-UDL counts septets, header included; the text after a header starts on a
 * septet boundary, so fill bits follow the header (§9.2.3.24). 8-bit and UCS2: TP-UDL counts
 * octets. Compressed data (TS 23.042) is carried as binary, never decompressed.
 */
import { interpretDataCoding } from "../../core/smpp/data-coding.js";
import { decodeGsm7, encodeGsm7, isGsm7, packSeptets, unpackSeptets } from "../../core/smpp/gsm7.js";
import { decodeUcs2, encodeUcs2 } from "../../core/smpp/ucs2.js";
import { buildUdh, type InformationElement, parseUdh, udhFillBits } from "../../core/smpp/udh.js";
import type { SmsContent } from "./sms-types.js";
import { type OctetReader, TpduError } from "./tpdu-fields.js";

/** §9.2.3.16: at most 140 octets of user data, i.e. 160 septets. */
export const MAX_USER_DATA_OCTETS = 140;
export const MAX_USER_DATA_SEPTETS = 160;

export type UserDataAlphabet = "gsm7" | "8bit" | "ucs2";

/** The alphabet of a TP-DCS (TS 23.038 §4); compressed text counts as 8-bit data. */
export function userDataAlphabet(dataCoding: number): UserDataAlphabet {
  const info = interpretDataCoding(dataCoding, "sms");
  if (info.compressed) return "8bit";
  if (info.alphabet === "ucs2") return "ucs2";
  if (info.alphabet === "binary") return "8bit";
  return "gsm7";
}

/** The TP-DCS a message gets when none is given: GSM 7-bit if the text fits, else UCS2; 8-bit data 0x04. */
export function defaultDataCoding(content: SmsContent): number {
  if (content.kind === "binary") return 0x04;
  return isGsm7(content.text) ? 0x00 : 0x08;
}

export interface UserData {
  readonly header?: readonly InformationElement[];
  readonly content: SmsContent;
}

/** TP-UDL followed by TP-UD. */
export function encodeUserData(dataCoding: number, userData: UserData): Uint8Array {
  const alphabet = userDataAlphabet(dataCoding);
  const header =
    userData.header !== undefined && userData.header.length > 0
      ? buildUdh(userData.header.map((ie) => ({ iei: ie.iei, data: Buffer.from(ie.data) })))
      : new Uint8Array(0);
  const { content } = userData;
  if (alphabet === "gsm7") {
    if (content.kind !== "text") throw new TpduError("BAD_USER_DATA", "GSM 7-bit user data must be text");
    let septets: Uint8Array;
    try {
      septets = encodeGsm7(content.text);
    } catch {
      throw new TpduError("BAD_USER_DATA", "the text is not in the GSM 7-bit alphabet");
    }
    const fill = header.length > 0 ? udhFillBits(header.length) : 0;
    const headerSeptets = (header.length * 8 + fill) / 7;
    const length = headerSeptets + septets.length;
    if (length > MAX_USER_DATA_SEPTETS) {
      throw new TpduError(
        "BAD_USER_DATA",
        `${length} septets of user data, more than ${MAX_USER_DATA_SEPTETS}`,
      );
    }
    return Uint8Array.of(length, ...header, ...packSeptets(septets, fill));
  }
  const body =
    content.kind === "text" ? (alphabet === "ucs2" ? encodeUcs2(content.text) : null) : content.bytes;
  if (body === null) throw new TpduError("BAD_USER_DATA", "8-bit user data must be binary");
  const length = header.length + body.length;
  if (length > MAX_USER_DATA_OCTETS) {
    throw new TpduError("BAD_USER_DATA", `${length} octets of user data, more than ${MAX_USER_DATA_OCTETS}`);
  }
  return Uint8Array.of(length, ...header, ...body);
}

/** Reads TP-UDL and TP-UD to the end of the TPDU; trailing octets are an error. */
export function decodeUserData(reader: OctetReader, dataCoding: number, hasHeader: boolean): UserData {
  const length = reader.byte("TP-UDL");
  const alphabet = userDataAlphabet(dataCoding);
  const octetCount = alphabet === "gsm7" ? Math.ceil((length * 7) / 8) : length;
  if (alphabet === "gsm7" && length > MAX_USER_DATA_SEPTETS) {
    throw new TpduError("BAD_USER_DATA", `TP-UDL ${length} is over ${MAX_USER_DATA_SEPTETS} septets`);
  }
  if (octetCount > MAX_USER_DATA_OCTETS) {
    throw new TpduError("BAD_USER_DATA", `TP-UDL ${length} is over ${MAX_USER_DATA_OCTETS} octets`);
  }
  if (reader.remaining < octetCount) {
    throw new TpduError("TRUNCATED", `TP-UDL ${length} needs ${octetCount} octets, ${reader.remaining} left`);
  }
  if (reader.remaining > octetCount) {
    throw new TpduError("TRAILING_OCTETS", `${reader.remaining - octetCount} octets after TP-UD`);
  }
  const ud = reader.rest();
  let header: InformationElement[] | undefined;
  let headerLength = 0;
  if (hasHeader) {
    try {
      const parsed = parseUdh(ud);
      header = parsed.ies.map((ie) => ({ iei: ie.iei, data: Buffer.from(ie.data) }));
      headerLength = parsed.headerLength;
    } catch (error) {
      throw new TpduError("BAD_USER_DATA", error instanceof Error ? error.message : String(error));
    }
  }
  const withHeader = (content: SmsContent): UserData =>
    header !== undefined ? { header, content } : { content };
  if (alphabet === "gsm7") {
    const fill = headerLength > 0 ? udhFillBits(headerLength) : 0;
    const headerSeptets = (headerLength * 8 + fill) / 7;
    if (headerSeptets > length)
      throw new TpduError("BAD_USER_DATA", "the user data header is longer than TP-UDL");
    const septets = unpackSeptets(ud.subarray(headerLength), length - headerSeptets, fill);
    return withHeader({ kind: "text", text: decodeGsm7(septets) });
  }
  if (headerLength > length)
    throw new TpduError("BAD_USER_DATA", "the user data header is longer than TP-UDL");
  const body = ud.subarray(headerLength);
  if (alphabet === "ucs2") {
    if (body.length % 2 !== 0)
      throw new TpduError("BAD_USER_DATA", "UCS2 user data has an odd number of octets");
    return withHeader({ kind: "text", text: decodeUcs2(body) });
  }
  return withHeader({ kind: "binary", bytes: Uint8Array.from(body) });
}
