/**
 * Command APDU parsing (ISO/IEC 7816-3 §12.1 cases, short length fields only).
 *
 * A 5-byte APDU is ambiguous: its last byte (P3 in T=0 terms) is Lc for a command that sends
 * data and Le for one that reads. The parser keeps it as `p3`; the command decides.
 */

export interface CommandHeader {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
}

export type CommandBody =
  /** Case 1: header only. */
  | { readonly kind: "none" }
  /** Header + one byte: Lc with no data (must be 0) or Le, depending on the command. */
  | { readonly kind: "p3"; readonly value: number }
  /** Case 3 / case 4: Lc (1-255), the data, and possibly Le. */
  | { readonly kind: "data"; readonly data: Uint8Array; readonly le: number | undefined };

export interface CommandApdu extends CommandHeader {
  readonly body: CommandBody;
}

export type ParsedApdu =
  | { readonly kind: "ok"; readonly command: CommandApdu }
  /** Fewer than 4 bytes: not even a header. */
  | { readonly kind: "truncated" }
  /** A header, but the length bytes do not match the APDU's size (or use extended length). */
  | { readonly kind: "bad-length"; readonly header: CommandHeader };

export function parseCommandApdu(bytes: Uint8Array): ParsedApdu {
  if (bytes.length < 4) return { kind: "truncated" };
  const header: CommandHeader = { cla: bytes[0]!, ins: bytes[1]!, p1: bytes[2]!, p2: bytes[3]! };
  if (bytes.length === 4) return { kind: "ok", command: { ...header, body: { kind: "none" } } };
  const p3 = bytes[4]!;
  if (bytes.length === 5) return { kind: "ok", command: { ...header, body: { kind: "p3", value: p3 } } };
  // Lc = 0 followed by more bytes is an extended-length APDU: not supported by this card.
  if (p3 === 0) return { kind: "bad-length", header };
  const data = bytes.slice(5, 5 + p3);
  if (bytes.length === 5 + p3)
    return { kind: "ok", command: { ...header, body: { kind: "data", data, le: undefined } } };
  if (bytes.length === 6 + p3) {
    return { kind: "ok", command: { ...header, body: { kind: "data", data, le: bytes[5 + p3]! } } };
  }
  return { kind: "bad-length", header };
}

/**
 * The data of a command that sends data: empty for case 1 or P3 = 0, `undefined` when the
 * APDU announces data it does not carry (a 5-byte APDU with P3 != 0). A trailing Le is ignored.
 */
export function incomingData(body: CommandBody): Uint8Array | undefined {
  switch (body.kind) {
    case "none":
      return new Uint8Array(0);
    case "p3":
      return body.value === 0 ? new Uint8Array(0) : undefined;
    case "data":
      return body.data;
  }
}

/**
 * Le of a command that reads: `0` means "as much as there is, up to 256" (absent Le or
 * Le = 00, ISO/IEC 7816-4 §5.1); `undefined` when the command wrongly carries data.
 */
export function expectedLength(body: CommandBody): number | undefined {
  switch (body.kind) {
    case "none":
      return 0;
    case "p3":
      return body.value;
    case "data":
      return undefined;
  }
}
