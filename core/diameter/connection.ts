/**
 * One TCP connection carrying Diameter: framing on read, coalesced writes (all messages sent
 * in one tick go out in one syscall), Nagle off, back-pressure reported to the sender.
 * It decodes and hands typed results to its owner; it holds no protocol state.
 */
import type { Socket } from "node:net";
import { type DecodeResult, decodeMessage } from "./decoder.js";
import type { Dictionary } from "./dictionary/dictionary.js";
import { encodeMessage } from "./encoder.js";
import { DiameterFramingError } from "./errors.js";
import { MessageFramer } from "./framer.js";
import type { DiameterMessage } from "./message.js";

export interface ConnectionHandlers {
  /** A framed message: decoded, or with the error its answer must report. `raw` is valid during the call. */
  onMessage(result: DecodeResult, raw: Buffer): void;
  /** The socket closed (by either side); `reason` says why. Called once. */
  onClose(reason: string): void;
}

export interface ConnectionOptions {
  readonly dictionary: Dictionary;
  readonly maxMessageLength?: number;
}

export class DiameterConnection {
  private readonly framer: MessageFramer;
  private closed = false;
  private corked = false;
  private closeReason = "closed by peer";

  constructor(
    readonly socket: Socket,
    private readonly options: ConnectionOptions,
    private readonly handlers: ConnectionHandlers,
  ) {
    this.framer = new MessageFramer(options.maxMessageLength);
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (err) => {
      this.closeReason = `socket error: ${err.message}`;
    });
    socket.on("close", () => this.finish());
  }

  get isOpen(): boolean {
    return !this.closed && !this.socket.destroyed;
  }

  /** True while the socket's send buffer is below its high-water mark. */
  get writable(): boolean {
    return this.socket.writableNeedDrain === false;
  }

  get remote(): string {
    return `${this.socket.remoteAddress ?? "?"}:${this.socket.remotePort ?? "?"}`;
  }

  send(message: DiameterMessage): void {
    this.sendRaw(encodeMessage(message));
  }

  sendRaw(bytes: Buffer): void {
    if (!this.isOpen) return;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        if (!this.socket.destroyed) this.socket.uncork();
      });
    }
    this.socket.write(bytes);
  }

  /** Resolves when the send buffer has drained (at once if it is not full). */
  drained(): Promise<void> {
    if (this.writable || !this.isOpen) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off("drain", done);
        this.socket.off("close", done);
        resolve();
      };
      this.socket.on("drain", done);
      this.socket.on("close", done);
    });
  }

  /** Ends the connection after what was written is flushed. */
  close(reason: string): void {
    if (this.closed) return;
    this.closeReason = reason;
    this.socket.end();
    const t = setTimeout(() => this.socket.destroy(), 2000);
    t.unref();
  }

  destroy(reason: string): void {
    this.closeReason = reason;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    try {
      this.framer.push(chunk, (raw) =>
        this.handlers.onMessage(decodeMessage(raw, this.options.dictionary), raw),
      );
    } catch (e) {
      if (e instanceof DiameterFramingError) {
        // RFC 6733 §3: without a valid length the stream cannot be resynchronised.
        this.destroy(`framing lost: ${e.message}`);
        return;
      }
      throw e;
    }
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.handlers.onClose(this.closeReason);
  }
}
