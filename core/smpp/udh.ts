/**
 * The user data header (3GPP TS 23.040 §9.2.3.24): UDHL, then information elements (IEI, length,
 * data). In SMPP it leads short_message or message_payload when esm_class has UDHI (0x40) set
 * (SMPP 3.4 §5.2.12).
 */
import { SmppCodecError } from "./codec-error.js";

export interface InformationElement {
  iei: number;
  data: Buffer;
}

/** esm_class bit: the message starts with a user data header. */
export const ESM_CLASS_UDHI = 0x40;

/** Concatenated short message, 8-bit reference (TS 23.040 §9.2.3.24.1). */
export const IEI_CONCAT_8BIT = 0x00;
/** Concatenated short message, 16-bit reference (TS 23.040 §9.2.3.24.8). */
export const IEI_CONCAT_16BIT = 0x08;
/** Application port addressing, 8-bit and 16-bit (TS 23.040 §9.2.3.24.3/4). */
export const IEI_PORT_8BIT = 0x04;
export const IEI_PORT_16BIT = 0x05;
/** National language single shift and locking shift (TS 23.040 §9.2.3.24.15/16). */
export const IEI_NATIONAL_SINGLE_SHIFT = 0x24;
export const IEI_NATIONAL_LOCKING_SHIFT = 0x25;

export interface ConcatInfo {
  reference: number;
  total: number;
  /** 1-based. */
  sequence: number;
  referenceBits: 8 | 16;
}

/** UDHL + information elements. */
export function buildUdh(ies: readonly InformationElement[]): Buffer {
  let length = 0;
  for (const ie of ies) {
    if (ie.data.length > 0xff)
      throw new SmppCodecError("BAD_UDH", `IE 0x${ie.iei.toString(16)} is over 255 octets`);
    length += 2 + ie.data.length;
  }
  if (length > 139)
    throw new SmppCodecError("BAD_UDH", `a user data header of ${length + 1} octets does not fit`);
  const out = Buffer.alloc(1 + length);
  out[0] = length;
  let at = 1;
  for (const ie of ies) {
    out[at++] = ie.iei;
    out[at++] = ie.data.length;
    ie.data.copy(out, at);
    at += ie.data.length;
  }
  return out;
}

export interface ParsedUserData {
  ies: InformationElement[];
  /** Octets of the header including the UDHL octet itself. */
  headerLength: number;
  /** What follows the header. */
  body: Buffer;
}

/** Splits user data that starts with a header. Throws BAD_UDH when the lengths do not add up. */
export function parseUdh(userData: Uint8Array): ParsedUserData {
  const data = Buffer.from(userData.buffer, userData.byteOffset, userData.byteLength);
  const udhl = data[0];
  if (udhl === undefined) throw new SmppCodecError("BAD_UDH", "UDHI is set but the user data is empty");
  if (1 + udhl > data.length)
    throw new SmppCodecError(
      "BAD_UDH",
      `UDHL ${udhl} runs past the end of ${data.length} octets of user data`,
    );
  const ies: InformationElement[] = [];
  let at = 1;
  while (at < 1 + udhl) {
    const iei = data[at] as number;
    const len = data[at + 1];
    if (len === undefined || at + 2 + len > 1 + udhl)
      throw new SmppCodecError("BAD_UDH", `IE 0x${iei.toString(16)} at offset ${at} runs past the header`);
    ies.push({ iei, data: data.subarray(at + 2, at + 2 + len) });
    at += 2 + len;
  }
  return { ies, headerLength: 1 + udhl, body: data.subarray(1 + udhl) };
}

/** The concatenation IE for one segment. */
export function concatIe(info: ConcatInfo): InformationElement {
  const { reference, total, sequence, referenceBits } = info;
  const maxRef = referenceBits === 8 ? 0xff : 0xffff;
  if (!Number.isInteger(reference) || reference < 0 || reference > maxRef)
    throw new SmppCodecError("BAD_CONCAT", `reference ${reference} does not fit ${referenceBits} bits`);
  if (total < 1 || total > 255 || sequence < 1 || sequence > total)
    throw new SmppCodecError("BAD_CONCAT", `segment ${sequence} of ${total} is out of range`);
  if (referenceBits === 8) return { iei: IEI_CONCAT_8BIT, data: Buffer.from([reference, total, sequence]) };
  return { iei: IEI_CONCAT_16BIT, data: Buffer.from([reference >> 8, reference & 0xff, total, sequence]) };
}

/**
 * The concatenation info among the IEs. An IE whose sequence is 0 or above the total is ignored
 * (TS 23.040 §9.2.3.24.1), as is one with the wrong length.
 */
export function findConcat(ies: readonly InformationElement[]): ConcatInfo | undefined {
  for (const { iei, data } of ies) {
    let info: ConcatInfo | undefined;
    if (iei === IEI_CONCAT_8BIT && data.length === 3)
      info = {
        reference: data[0] as number,
        total: data[1] as number,
        sequence: data[2] as number,
        referenceBits: 8,
      };
    else if (iei === IEI_CONCAT_16BIT && data.length === 4)
      info = {
        reference: data.readUInt16BE(0),
        total: data[2] as number,
        sequence: data[3] as number,
        referenceBits: 16,
      };
    if (info && info.total >= 1 && info.sequence >= 1 && info.sequence <= info.total) return info;
  }
  return undefined;
}

/**
 * Fill bits that align GSM-7 text to a septet boundary after a header of `headerLength` octets
 * (UDHL included), TS 23.040 §9.2.3.24.
 */
export function udhFillBits(headerLength: number): number {
  return (7 - ((headerLength * 8) % 7)) % 7;
}
