/**
 * Cuts a TCP byte stream into PDUs by command_length (SMPP 3.4 §3.2). Pure: bytes in, frames out.
 *
 * A command_length below 16 cannot be skipped safely, so the stream is lost ("fatal"). One above
 * the maximum but within `skipLimit` is announced and its octets are discarded as they arrive, so
 * the session stays in step and can answer with generic_nack (ESME_RINVCMDLEN).
 */
import { HEADER_LENGTH } from "./pdu-codec.js";

export type FrameResult =
  | { kind: "frame"; frame: Buffer }
  /** An over-long PDU whose octets are being skipped; the header is for the generic_nack. */
  | { kind: "oversized"; commandLength: number; header: Buffer }
  /** The stream cannot be followed any further. */
  | { kind: "fatal"; reason: string; header: Buffer | undefined };

export interface PduFramerOptions {
  /** Largest PDU accepted (default 16384, the npm `smpp` package's own limit). */
  maxLength?: number;
  /** Largest PDU that is skipped rather than treated as a lost stream (default 1 MiB). */
  skipLimit?: number;
}

export class PduFramer {
  private buffer: Buffer = Buffer.alloc(0);
  private skipping = 0;
  private dead = false;
  private readonly maxLength: number;
  private readonly skipLimit: number;

  constructor(options: PduFramerOptions = {}) {
    this.maxLength = options.maxLength ?? 16_384;
    this.skipLimit = Math.max(options.skipLimit ?? 1 << 20, this.maxLength);
  }

  /** Octets received but not yet returned as a frame. */
  get buffered(): number {
    return this.buffer.length;
  }

  push(chunk: Buffer): void {
    if (this.dead) return;
    let data = chunk;
    if (this.skipping > 0) {
      const n = Math.min(this.skipping, data.length);
      this.skipping -= n;
      data = data.subarray(n);
      if (data.length === 0) return;
    }
    this.buffer = this.buffer.length === 0 ? data : Buffer.concat([this.buffer, data]);
  }

  /** The next complete frame, or an error, or undefined when more octets are needed. */
  next(): FrameResult | undefined {
    if (this.dead || this.skipping > 0 || this.buffer.length < 4) return undefined;
    const length = this.buffer.readUInt32BE(0);
    if (length < HEADER_LENGTH) {
      this.dead = true;
      const header =
        this.buffer.length >= HEADER_LENGTH ? Buffer.from(this.buffer.subarray(0, HEADER_LENGTH)) : undefined;
      this.buffer = Buffer.alloc(0);
      return { kind: "fatal", reason: `command_length ${length} is below the 16-octet header`, header };
    }
    if (length > this.maxLength) {
      if (this.buffer.length < HEADER_LENGTH) return undefined;
      const header = Buffer.from(this.buffer.subarray(0, HEADER_LENGTH));
      if (length > this.skipLimit) {
        this.dead = true;
        this.buffer = Buffer.alloc(0);
        return { kind: "fatal", reason: `command_length ${length} is beyond any plausible PDU`, header };
      }
      const have = Math.min(length, this.buffer.length);
      this.skipping = length - have;
      this.buffer = this.buffer.subarray(have);
      return { kind: "oversized", commandLength: length, header };
    }
    if (this.buffer.length < length) return undefined;
    const frame = this.buffer.subarray(0, length);
    this.buffer = this.buffer.subarray(length);
    return { kind: "frame", frame };
  }
}
