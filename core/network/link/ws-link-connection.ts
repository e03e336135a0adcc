/**
 * A `LinkConnection` over one WebSocket, the same on the core's end and on a farm's end: frames
 * queued in one turn go out together in one binary message (delimited frames, link-codec.ts);
 * every incoming binary message is split into its frames. A bad frame (or a text message) is
 * answered with an error frame naming the offending correlation; the connection stays up.
 *
 * Bounded buffers: when the socket's unsent bytes pass `highWaterBytes`, this end stops reading
 * from the peer (so a farm cannot make the core queue answers without end) and stops writing
 * until they drain below `lowWaterBytes`; frames wait in a queue of at most `maxQueuedFrames`.
 * A queue that overflows anyway closes the connection with 1013 (try again later): bounded
 * memory, never silent loss.
 */
import type WebSocket from "ws";
import type { CloseListener, FrameReceiver, LinkConnection } from "./link-connection.js";
import { decodeFrames, encodeFrames, isDecodeFailure } from "./link-codec.js";
import type { LinkFrame } from "./link-messages.js";

export interface WsLinkOptions {
  /** Unsent socket bytes above which this end pauses (default 8 MiB). */
  readonly highWaterBytes?: number;
  /** ... and below which it resumes (default 1 MiB). */
  readonly lowWaterBytes?: number;
  /** Frames waiting to be encoded; beyond this the connection is closed (default 2,000,000). */
  readonly maxQueuedFrames?: number;
  /** Frames per WebSocket message (default 4096). */
  readonly framesPerMessage?: number;
}

const CLOSE_NORMAL = 1000;
const CLOSE_TRY_AGAIN_LATER = 1013;

export class WsLinkConnection implements LinkConnection {
  private receiver: FrameReceiver | undefined;
  private held: LinkFrame[] = [];
  private readonly closeListeners: CloseListener[] = [];
  private queue: LinkFrame[] = [];
  private queueHead = 0;
  private scheduled = false;
  private isClosed = false;
  private blocked = false;
  private readonly high: number;
  private readonly low: number;
  private readonly maxQueued: number;
  private readonly perMessage: number;
  /** Frames in and out, and bad frames answered: for metrics and tests. */
  readonly counters = { framesIn: 0, framesOut: 0, messagesIn: 0, messagesOut: 0, badFrames: 0 };

  constructor(
    private readonly socket: WebSocket,
    options: WsLinkOptions = {},
  ) {
    this.high = options.highWaterBytes ?? 8 * 1024 * 1024;
    this.low = options.lowWaterBytes ?? 1024 * 1024;
    this.maxQueued = options.maxQueuedFrames ?? 2_000_000;
    this.perMessage = options.framesPerMessage ?? 4096;
    socket.binaryType = "nodebuffer";
    socket.on("message", (data, isBinary) => this.onMessage(data, isBinary));
    socket.on("close", (code, reason) =>
      this.finish(`closed (${code}${reason.length > 0 ? ` ${reason.toString()}` : ""})`),
    );
    socket.on("error", (error) => this.finish(`error: ${error.message}`));
  }

  get closed(): boolean {
    return this.isClosed;
  }

  get queuedFrames(): number {
    return this.queue.length - this.queueHead;
  }

  send(frame: LinkFrame): void {
    if (this.isClosed) return;
    if (this.queuedFrames >= this.maxQueued) {
      this.close(`send queue overflow (${this.maxQueued} frames)`, CLOSE_TRY_AGAIN_LATER);
      return;
    }
    this.queue.push(frame);
    this.schedule();
  }

  onFrame(receiver: FrameReceiver): void {
    this.receiver = receiver;
    const held = this.held;
    this.held = [];
    for (const frame of held) receiver(frame);
  }

  onClose(listener: CloseListener): void {
    if (this.isClosed) listener("closed");
    else this.closeListeners.push(listener);
  }

  close(reason = "closed", code = CLOSE_NORMAL): void {
    if (this.isClosed) return;
    this.flush();
    this.socket.close(code, reason.slice(0, 120));
    this.finish(reason);
  }

  private schedule(): void {
    if (this.scheduled || this.blocked) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  /** Encodes and writes queued frames until the queue is empty or the socket is over high water. */
  private flush(): void {
    // Bounded: each pass takes up to `perMessage` frames off a finite queue.
    while (!this.isClosed && this.queuedFrames > 0) {
      if (this.socket.readyState !== this.socket.OPEN) return;
      if (this.socket.bufferedAmount > this.high) {
        this.block();
        return;
      }
      const end = Math.min(this.queue.length, this.queueHead + this.perMessage);
      const batch = this.queue.slice(this.queueHead, end);
      this.queueHead = end;
      if (this.queueHead === this.queue.length) {
        this.queue = [];
        this.queueHead = 0;
      } else if (this.queueHead > 65_536 && this.queueHead * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.queueHead);
        this.queueHead = 0;
      }
      this.counters.framesOut += batch.length;
      this.counters.messagesOut++;
      this.socket.send(encodeFrames(batch), { binary: true }, () => this.maybeUnblock());
    }
  }

  /** Over high water: stop reading the peer's requests and wait for the socket to drain. */
  private block(): void {
    if (this.blocked) return;
    this.blocked = true;
    this.socket.pause();
  }

  private maybeUnblock(): void {
    if (!this.blocked || this.socket.bufferedAmount > this.low) return;
    this.blocked = false;
    this.socket.resume();
    this.schedule();
  }

  private onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    this.counters.messagesIn++;
    if (!isBinary) {
      this.counters.badFrames++;
      this.send(errorFrame(0, 0, "bad-frame", "text messages are not frames: send binary"));
      return;
    }
    const bytes = Array.isArray(data)
      ? Buffer.concat(data)
      : Buffer.isBuffer(data)
        ? data
        : Buffer.from(data);
    for (const item of decodeFrames(bytes)) {
      if (isDecodeFailure(item)) {
        this.counters.badFrames++;
        this.send(errorFrame(item.handset, item.correlation, item.code, item.message));
        continue;
      }
      this.counters.framesIn++;
      if (this.receiver === undefined) this.held.push(item);
      else this.receiver(item);
    }
  }

  private finish(reason: string): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.queue = [];
    this.queueHead = 0;
    for (const l of this.closeListeners.splice(0)) l(reason);
  }
}

export function errorFrame(
  handset: number,
  correlation: number,
  code: "bad-frame" | "no-body" | "bad-field" | "wrong-direction" | "overload",
  message: string,
): LinkFrame {
  return {
    handset,
    correlation,
    message: { type: "error", code, message, offendingCorrelation: correlation },
  };
}
