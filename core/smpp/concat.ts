/**
 * Long messages: splitting text into concatenated segments (a UDH per segment, or the SMPP sar_*
 * TLVs) and reading the concatenation info back from a received PDU.
 *
 * Capacities come from the 140-octet TP-UD (TS 23.040 §9.2.3.24): GSM-7 160 septets alone, 153
 * after a 6-octet header (8-bit reference) and 152 after 7 octets (16-bit); 8-bit data 140 / 134 /
 * 133 octets; UCS2 70 / 67 / 66 characters. An escape pair and a surrogate pair are never split.
 */
import { SmppCodecError } from "./codec-error.js";
import { GSM7_ESCAPE } from "./gsm7.js";
import { encodeText, type EncodeTextOptions, type TextAlphabet } from "./text-codec.js";
import { ESM_CLASS_UDHI, buildUdh, concatIe, findConcat, parseUdh, type InformationElement } from "./udh.js";
import { isHighSurrogate } from "./ucs2.js";

export type SegmentAlphabet = TextAlphabet | "binary";
export type ReferenceBits = 8 | 16;

/** Capacity in octets of encoded body (GSM-7 unpacked: one octet per septet). */
export function segmentCapacity(
  alphabet: SegmentAlphabet,
  referenceBits: ReferenceBits = 8,
): { single: number; perSegment: number } {
  const header = referenceBits === 8 ? 6 : 7;
  if (alphabet === "gsm7") return { single: 160, perSegment: Math.floor(((140 - header) * 8) / 7) };
  const octets = 140 - header;
  // UCS2 keeps whole UTF-16 code units
  return { single: 140, perSegment: alphabet === "ucs2" ? octets - (octets % 2) : octets };
}

function isLowSurrogateAt(bytes: Uint8Array, at: number): boolean {
  const hi = bytes[at];
  return hi !== undefined && hi >= 0xdc && hi <= 0xdf;
}

/**
 * Cuts encoded bytes into chunks of at most `max` octets without separating an escape from its
 * extension code (GSM-7, TS 23.038 §6.2.1.1) or the halves of a surrogate pair (UCS2).
 */
export function splitEncoded(bytes: Uint8Array, alphabet: SegmentAlphabet, max: number): Buffer[] {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (max < 2) throw new SmppCodecError("BAD_ARGUMENT", `segment capacity ${max} is too small`);
  const chunks: Buffer[] = [];
  let start = 0;
  while (start < data.length) {
    let end = Math.min(start + max, data.length);
    if (end < data.length) {
      if (alphabet === "gsm7") {
        // walk pairs from the chunk start so that an escape is recognised as such
        let i = start;
        while (i < end) i += data[i] === GSM7_ESCAPE && i + 1 < data.length ? 2 : 1;
        if (i > end) end -= 1;
      } else if (alphabet === "ucs2") {
        end -= (end - start) % 2;
        const cu = ((data[end - 2] as number) << 8) | (data[end - 1] as number);
        if (isHighSurrogate(cu) && isLowSurrogateAt(data, end)) end -= 2;
      }
    }
    chunks.push(data.subarray(start, end));
    start = end;
  }
  return chunks;
}

export interface SplitOptions extends EncodeTextOptions {
  /** 8 (IEI 0x00, the default) or 16 (IEI 0x08); sets the capacity per segment. */
  referenceBits?: ReferenceBits;
}

export interface SplitText {
  dataCoding: number;
  alphabet: TextAlphabet;
  /** Encoded bodies, without any header; one element when the text fits a single message. */
  bodies: Buffer[];
}

/** Encodes `text` and cuts it into segment bodies. More than 255 segments throws BAD_CONCAT. */
export function splitText(text: string, options: SplitOptions = {}): SplitText {
  const encoded = encodeText(text, options);
  const bodies = splitEncodedMessage(encoded.bytes, encoded.alphabet, options.referenceBits ?? 8);
  return { dataCoding: encoded.dataCoding, alphabet: encoded.alphabet, bodies };
}

/** Cuts an encoded message: one body when it fits a single message, else segment bodies. */
export function splitEncodedMessage(
  bytes: Uint8Array,
  alphabet: SegmentAlphabet,
  referenceBits: ReferenceBits = 8,
): Buffer[] {
  const { single, perSegment } = segmentCapacity(alphabet, referenceBits);
  if (bytes.length <= single) return [Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)];
  const bodies = splitEncoded(bytes, alphabet, perSegment);
  if (bodies.length > 255)
    throw new SmppCodecError("BAD_CONCAT", `the message needs ${bodies.length} segments; at most 255 exist`);
  return bodies;
}

/** How many segments `text` takes (for per-segment charging and limits). */
export function segmentCount(text: string, options: SplitOptions = {}): number {
  return splitText(text, options).bodies.length;
}

/** The fields a segment contributes to a submit_sm / deliver_sm / data_sm. */
export interface SegmentFields {
  short_message: Buffer;
  data_coding: number;
  /** 0x40 (UDHI) for a UDH segment, else 0: OR it into the PDU's own esm_class. */
  esm_class: number;
  sar_msg_ref_num?: number;
  sar_total_segments?: number;
  sar_segment_seqnum?: number;
}

export interface SegmentOptions extends SplitOptions {
  /** "udh" (default): a concatenation IE in each segment; "sar": SMPP sar_* TLVs. */
  method?: "udh" | "sar";
  /** The concatenation reference: 0..255 for 8-bit, 0..65535 for 16-bit and sar_msg_ref_num. */
  reference: number;
  /** Further IEs to put in every segment's header (UDH method only), e.g. port addressing. */
  extraIes?: readonly InformationElement[];
}

/**
 * Text → PDU fields, one entry per segment; a single entry without header or TLVs when the text
 * fits one message.
 */
export function segmentText(text: string, options: SegmentOptions): SegmentFields[] {
  const { dataCoding, bodies } = splitText(text, options);
  return segmentBodies(bodies, dataCoding, options);
}

/** Already-split bodies → PDU fields (see segmentText). */
export function segmentBodies(
  bodies: readonly Buffer[],
  dataCoding: number,
  options: Omit<SegmentOptions, keyof EncodeTextOptions>,
): SegmentFields[] {
  const method = options.method ?? "udh";
  const referenceBits = options.referenceBits ?? 8;
  const total = bodies.length;
  if (total === 1 && !options.extraIes?.length)
    return [{ short_message: bodies[0] as Buffer, data_coding: dataCoding, esm_class: 0 }];
  return bodies.map((body, i) => {
    const sequence = i + 1;
    if (method === "sar") {
      if (total > 1 && (options.reference < 0 || options.reference > 0xffff))
        throw new SmppCodecError("BAD_CONCAT", `sar_msg_ref_num ${options.reference} is not 16-bit`);
      return {
        short_message: body,
        data_coding: dataCoding,
        esm_class: 0,
        sar_msg_ref_num: options.reference,
        sar_total_segments: total,
        sar_segment_seqnum: sequence,
      };
    }
    const ies = [...(options.extraIes ?? [])];
    if (total > 1) ies.unshift(concatIe({ reference: options.reference, total, sequence, referenceBits }));
    return {
      short_message: Buffer.concat([buildUdh(ies), body]),
      data_coding: dataCoding,
      esm_class: ESM_CLASS_UDHI,
    };
  });
}

/** The parts of a received message PDU that concatenation looks at. */
export interface MessageLike {
  esm_class: number;
  /** Absent in data_sm, which carries its text in message_payload. */
  short_message?: Buffer;
  message_payload?: Buffer;
  sar_msg_ref_num?: number;
  sar_total_segments?: number;
  sar_segment_seqnum?: number;
}

export interface ReceivedSegment {
  /** Undefined for a message that is not part of a concatenated one. */
  concat?: {
    reference: number;
    total: number;
    sequence: number;
    referenceBits: ReferenceBits;
    via: "udh" | "sar";
  };
  /** The header's IEs (empty without UDHI). */
  ies: InformationElement[];
  /** User data without the header. */
  body: Buffer;
}

/**
 * Reads a received message: the user data is message_payload when present, else short_message
 * (SMPP 3.4 §5.3.2.32 forbids both); a header is split off when UDHI is set; concatenation comes
 * from the header, else from sar_* TLVs. Throws BAD_UDH for a header whose lengths do not add up.
 */
export function readSegment(pdu: MessageLike): ReceivedSegment {
  const userData =
    pdu.message_payload && pdu.message_payload.length > 0
      ? pdu.message_payload
      : (pdu.short_message ?? Buffer.alloc(0));
  if (pdu.esm_class & ESM_CLASS_UDHI) {
    const { ies, body } = parseUdh(userData);
    const info = findConcat(ies);
    return info ? { concat: { ...info, via: "udh" }, ies, body } : { ies, body };
  }
  const { sar_msg_ref_num: ref, sar_total_segments: total, sar_segment_seqnum: seq } = pdu;
  if (ref !== undefined && total !== undefined && seq !== undefined && total >= 1 && seq >= 1 && seq <= total)
    return {
      concat: { reference: ref, total, sequence: seq, referenceBits: 16, via: "sar" },
      ies: [],
      body: userData,
    };
  return { ies: [], body: userData };
}
