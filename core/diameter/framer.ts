/**
 * Splits a TCP byte stream into Diameter messages by the 24-bit length field (RFC 6733 §3):
 * many messages per read, one message across many reads. Socket-free, so tests can feed it
 * input split at every byte offset.
 */
import { DiameterFramingError } from "./errors.js";
import { HEADER_LENGTH } from "./message.js";

export const DEFAULT_MAX_MESSAGE_LENGTH = 1024 * 1024;

export class MessageFramer {
  private pending: Buffer | undefined;

  constructor(private readonly maxMessageLength = DEFAULT_MAX_MESSAGE_LENGTH) {}

  /**
   * Feeds one chunk; calls `onMessage` for each complete message (a view into the chunk or a
   * copy: valid only during the call). Throws DiameterFramingError when the stream cannot be
   * framed any more; the caller must then close the connection.
   */
  push(chunk: Buffer, onMessage: (message: Buffer) => void): void {
    let buf = chunk;
    if (this.pending !== undefined) {
      buf = Buffer.concat([this.pending, chunk]);
      this.pending = undefined;
    }
    let offset = 0;
    while (buf.length - offset >= 4) {
      const length = buf.readUIntBE(offset + 1, 3);
      if (length < HEADER_LENGTH || length % 4 !== 0 || length > this.maxMessageLength) {
        throw new DiameterFramingError(`bad message length ${length} at stream offset ${offset}`);
      }
      if (buf.length - offset < length) break;
      onMessage(buf.subarray(offset, offset + length));
      offset += length;
    }
    if (offset < buf.length) this.pending = Buffer.from(buf.subarray(offset));
  }

  /** Octets received that do not yet make a whole message. */
  get bufferedBytes(): number {
    return this.pending?.length ?? 0;
  }
}
