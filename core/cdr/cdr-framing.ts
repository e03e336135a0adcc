/**
 * Length-delimited framing: each message is preceded by its length as a base-128 varint (the
 * protobuf "writeDelimited" form). Splitting a byte stream tells three cases apart: a whole
 * message, a prefix that needs more bytes (the end of a torn write, or the end of a read
 * chunk), and bytes that can never be a frame.
 */

/** The longest message a reader accepts. A CDR is a few hundred bytes; more is corruption. */
export const MAX_MESSAGE_BYTES = 1 << 20;

export type FrameScan =
  | { readonly kind: "frame"; readonly bodyStart: number; readonly end: number }
  | { readonly kind: "incomplete"; readonly needed: number }
  | { readonly kind: "malformed"; readonly reason: string };

/** The frame that starts at `offset` in `bytes`. */
export function scanFrame(bytes: Uint8Array, offset: number): FrameScan {
  let length = 0;
  let shift = 0;
  let at = offset;
  for (;;) {
    if (at >= bytes.length) return { kind: "incomplete", needed: at - offset + 1 };
    const byte = bytes[at] as number;
    at++;
    length += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) break;
    shift += 7;
    // MAX_MESSAGE_BYTES fits in 3 varint bytes; a 4th continuation byte is already too long.
    if (shift > 21) return { kind: "malformed", reason: "length prefix longer than 4 bytes" };
  }
  if (length > MAX_MESSAGE_BYTES) {
    return { kind: "malformed", reason: `message length ${length} exceeds ${MAX_MESSAGE_BYTES}` };
  }
  const end = at + length;
  if (end > bytes.length) return { kind: "incomplete", needed: end - offset };
  return { kind: "frame", bodyStart: at, end };
}
