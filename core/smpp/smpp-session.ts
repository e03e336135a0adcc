/**
 * One SMPP connection, client or server side, over a net.Socket: a promise API with per-request
 * timeouts, a send window, typed events, and no way for a peer to crash the process.
 *
 * Framing is ours (pdu-framer.ts) and the npm `smpp` package is used only as the PDU codec
 * (pdu-codec.ts). Its own Session is not used because, in 0.5.1: one PDU that fails to parse
 * leaves it reading nothing ever again (its `_busy` flag stays set) and sends no generic_nack; an
 * unhandled 'error' event kills the process; response callbacks are never expired; and it never
 * calls setNoDelay (Nagle plus delayed ACK cuts two-way traffic to a tenth).
 *
 * Events: "request" (a PDU from the peer that needs handling; enquire_link and unbind are answered
 * here unless disabled), "unmatched_response" (a response nobody waits for, e.g. after a timeout),
 * "malformed" (a PDU that could not be decoded; already answered with generic_nack when it was a
 * request), "fault" (an SmppSessionError: socket errors, framing loss, listener exceptions),
 * "close". There is deliberately no "error" event, so a missing listener never throws.
 */
import { EventEmitter } from "node:events";
import type { Socket } from "node:net";
import { realClock, type Clock, type TimerHandle } from "../clock/clock.js";
import { CommandStatus } from "./command-status.js";
import { DEFAULT_MAX_PDU_LENGTH, decodePdu, encodePdu, isResponseCommand, readHeader } from "./pdu-codec.js";
import type { PduDecodeFailure } from "./pdu-codec.js";
import { PduFramer } from "./pdu-framer.js";
import type {
  OutboundPdu,
  PduOf,
  RequestCommand,
  RequestPdu,
  ResponseCommandOf,
  ResponsePdu,
  ResponseTo,
  UnansweredPdu,
} from "./pdu-types.js";
import { RESPONSE_COMMAND } from "./pdu-types.js";
import { SmppSessionError } from "./session-error.js";

export interface SmppSessionOptions {
  /** Timers (request timeouts, keep-alive) run on this clock; default the real one. */
  clock?: Clock;
  /** Default per-request timeout in ms (default 10 000). */
  requestTimeoutMs?: number;
  /** Most requests awaiting a response at once (default 10). */
  window?: number;
  /** When the window is full: "queue" (default) waits for a free slot, "reject" fails at once. */
  windowFullPolicy?: "queue" | "reject";
  /** Most requests waiting for the window (default 10 000); beyond it requests fail WINDOW_FULL. */
  maxQueued?: number;
  /** Largest PDU accepted from the peer (default 16 384). */
  maxPduLength?: number;
  /** Answer enquire_link automatically (default true). */
  autoEnquireLinkResponse?: boolean;
  /** Answer unbind with unbind_resp and close (default true). */
  autoUnbindResponse?: boolean;
  /** Answer undecodable requests with generic_nack (default true). */
  nackMalformed?: boolean;
  /** Send enquire_link this often (ms) and drop the link when it goes unanswered; 0 = off. */
  enquireLinkIntervalMs?: number;
  /** A name for messages, e.g. the system_id; default the remote address. */
  label?: string;
}

export interface RequestOptions {
  timeoutMs?: number;
}

export interface CloseInfo {
  reason: string;
  hadError: boolean;
}

/** PDUs the peer sends that are not responses. */
export type InboundRequest = RequestPdu | UnansweredPdu;

export interface SmppSessionEvents {
  request: [pdu: InboundRequest];
  unmatched_response: [pdu: ResponsePdu];
  malformed: [failure: PduDecodeFailure];
  fault: [error: SmppSessionError];
  close: [info: CloseInfo];
}

export interface SmppSessionStats {
  requestsSent: number;
  responsesReceived: number;
  requestsReceived: number;
  timeouts: number;
  malformed: number;
  refusedWindowFull: number;
}

/** Fields of the response to a request, for respond(). */
export type ResponseFields<C extends RequestCommand> = Partial<
  Omit<PduOf<ResponseCommandOf[C]>, "command" | "sequence_number">
>;

interface Pending {
  pdu: OutboundPdu;
  expected: string;
  /** new → (queued →) sent → done */
  state: "new" | "queued" | "sent" | "done";
  sequence: number;
  timer: TimerHandle | undefined;
  resolve: (pdu: ResponsePdu) => void;
  reject: (error: SmppSessionError) => void;
}

const MAX_SEQUENCE = 0x7fffffff;

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class SmppSession extends EventEmitter<SmppSessionEvents> {
  readonly socket: Socket;
  readonly label: string;
  readonly stats: SmppSessionStats = {
    requestsSent: 0,
    responsesReceived: 0,
    requestsReceived: 0,
    timeouts: 0,
    malformed: 0,
    refusedWindowFull: 0,
  };

  private readonly clock: Clock;
  private readonly framer: PduFramer;
  private readonly requestTimeoutMs: number;
  private readonly window: number;
  private readonly windowFullPolicy: "queue" | "reject";
  private readonly maxQueued: number;
  private readonly autoEnquireLink: boolean;
  private readonly autoUnbind: boolean;
  private readonly nackMalformed: boolean;
  private readonly enquireLinkIntervalMs: number;
  private readonly inFlight = new Map<number, Pending>();
  private queue: Pending[] = [];
  private queueHead = 0;
  private waiting = 0;
  private lastSequence = 0;
  private paused = false;
  private corked = false;
  private closed = false;
  private closeEmitted = false;
  private closeReason: string | undefined;
  private keepAlive: TimerHandle | undefined;
  private readonly closedPromise: Promise<void>;
  private resolveClosed: () => void = () => undefined;

  constructor(socket: Socket, options: SmppSessionOptions = {}) {
    super();
    this.socket = socket;
    this.clock = options.clock ?? realClock;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.window = Math.max(1, options.window ?? 10);
    this.windowFullPolicy = options.windowFullPolicy ?? "queue";
    this.maxQueued = options.maxQueued ?? 10_000;
    this.autoEnquireLink = options.autoEnquireLinkResponse ?? true;
    this.autoUnbind = options.autoUnbindResponse ?? true;
    this.nackMalformed = options.nackMalformed ?? true;
    this.enquireLinkIntervalMs = options.enquireLinkIntervalMs ?? 0;
    this.framer = new PduFramer({ maxLength: options.maxPduLength ?? DEFAULT_MAX_PDU_LENGTH });
    this.label = options.label ?? `${socket.remoteAddress ?? "?"}:${socket.remotePort ?? "?"}`;

    // Nagle plus delayed ACK stalls request/response traffic by ~40 ms per exchange
    socket.setNoDelay(true);
    this.closedPromise = new Promise((resolve) => (this.resolveClosed = resolve));
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (err: Error) =>
      this.fault("SOCKET", `socket error on ${this.label}: ${err.message}`, err),
    );
    socket.on("close", (hadError: boolean) => this.onClose(hadError));
    if (socket.destroyed) this.onClose(false);
    else this.scheduleKeepAlive();
  }

  /** Requests sent and awaiting a response. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Requests waiting for a free slot in the window. */
  get queuedCount(): number {
    return this.waiting;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Sends a request and resolves with its response, or with generic_nack when the peer answers
   * that. A non-zero command_status is data, not an error: check `response.command_status`.
   * Rejects with SmppSessionError TIMEOUT, CLOSED, WINDOW_FULL, ENCODE, UNEXPECTED_RESPONSE or
   * MALFORMED_RESPONSE. The timeout covers the wait for a window slot as well.
   */
  request<C extends RequestCommand>(
    pdu: OutboundPdu<C>,
    options: RequestOptions = {},
  ): Promise<ResponseTo<C>> {
    return new Promise<ResponseTo<C>>((resolve, reject) => {
      if (this.closed) {
        reject(new SmppSessionError("CLOSED", `${pdu.command} not sent: session ${this.label} is closed`));
        return;
      }
      const entry: Pending = {
        pdu,
        expected: RESPONSE_COMMAND[pdu.command],
        state: "new",
        sequence: 0,
        timer: undefined,
        resolve: resolve as (pdu: ResponsePdu) => void,
        reject,
      };
      if (this.inFlight.size >= this.window) {
        if (this.windowFullPolicy === "reject" || this.waiting >= this.maxQueued) {
          this.stats.refusedWindowFull++;
          reject(
            new SmppSessionError(
              "WINDOW_FULL",
              `${pdu.command} refused: ${this.inFlight.size} requests in flight (window ${this.window}), ` +
                `${this.waiting} queued on ${this.label}`,
            ),
          );
          return;
        }
        entry.state = "queued";
        this.queue.push(entry);
        this.waiting++;
      } else {
        this.dispatch(entry);
      }
      if (entry.state !== "done") {
        const timeoutMs = options.timeoutMs ?? this.requestTimeoutMs;
        entry.timer = this.clock.setTimer(timeoutMs, () => this.onTimeout(entry, timeoutMs));
      }
    });
  }

  /** Answers a request from the peer with its response (same sequence_number). */
  respond<R extends RequestPdu>(request: R, fields: ResponseFields<R["command"]> = {}): boolean {
    const response = {
      ...fields,
      command: RESPONSE_COMMAND[request.command],
      sequence_number: request.sequence_number,
    } as OutboundPdu;
    return this.send(response);
  }

  /** Sends generic_nack with a status for a sequence number (SMPP 3.4 §4.3). */
  nack(sequenceNumber: number, status: number): boolean {
    return this.send({ command: "generic_nack", command_status: status, sequence_number: sequenceNumber });
  }

  /**
   * Writes a PDU as it is, without waiting for anything: responses, generic_nack, outbind,
   * alert_notification. A request sent this way gets a sequence number but no tracking; its
   * response arrives as "unmatched_response". Returns false when the PDU could not be written
   * (closed session, or encoding failed; the latter is reported as a fault).
   */
  send(pdu: OutboundPdu): boolean {
    if (this.closed || !this.socket.writable) return false;
    let bytes: Buffer;
    try {
      const sequence_number =
        pdu.sequence_number ?? (isResponseCommand(pdu.command) ? 0 : this.nextSequence());
      bytes = encodePdu(pdu, sequence_number);
    } catch (e) {
      this.fault("ENCODE", `${pdu.command} not sent on ${this.label}: ${messageOf(e)}`, e);
      return false;
    }
    this.write(bytes);
    return true;
  }

  /** Stops reading from the peer (backpressure); PDUs already received wait. */
  pause(): void {
    this.paused = true;
    this.socket.pause();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.socket.resume();
    this.drainFrames();
  }

  /**
   * Sends unbind, waits (at most `timeoutMs`) for unbind_resp, then closes. Resolves once the
   * socket has closed; never rejects.
   */
  async unbind(timeoutMs = 5_000): Promise<void> {
    if (!this.closed) {
      try {
        await this.request({ command: "unbind" }, { timeoutMs });
      } catch {
        // closing anyway
      }
    }
    await this.close("unbound");
  }

  /**
   * Closes the connection: pending requests fail with CLOSED, the socket is ended, and destroyed
   * if it has not closed after `graceMs` on the session's clock. Resolves when it has closed.
   */
  close(reason = "closed locally", graceMs = 2_000): Promise<void> {
    if (!this.closed) {
      this.closeReason ??= reason;
      this.failAll("CLOSED", `session ${this.label} closed (${reason})`);
      this.socket.end();
      const timer = this.clock.setTimer(graceMs, () => this.socket.destroy());
      void this.closedPromise.then(() => timer.cancel());
    }
    return this.closedPromise;
  }

  /** Drops the connection at once. */
  destroy(reason = "destroyed locally"): void {
    this.closeReason ??= reason;
    this.socket.destroy();
  }

  /** Resolves when the socket has closed. */
  whenClosed(): Promise<void> {
    return this.closedPromise;
  }

  private nextSequence(): number {
    // SMPP 3.4 §5.1.4: 0x00000001..0x7FFFFFFF, wrapping; skip numbers still awaiting a response
    do {
      this.lastSequence = this.lastSequence >= MAX_SEQUENCE ? 1 : this.lastSequence + 1;
    } while (this.inFlight.has(this.lastSequence));
    return this.lastSequence;
  }

  private dispatch(entry: Pending): void {
    if (this.closed || !this.socket.writable) {
      this.settle(
        entry,
        new SmppSessionError("CLOSED", `${entry.pdu.command} not sent: ${this.label} is closed`),
      );
      return;
    }
    const sequence = this.nextSequence();
    let bytes: Buffer;
    try {
      bytes = encodePdu(entry.pdu, sequence);
    } catch (e) {
      const error = new SmppSessionError("ENCODE", `${entry.pdu.command}: ${messageOf(e)}`, undefined, {
        cause: e,
      });
      this.settle(entry, error);
      return;
    }
    entry.state = "sent";
    entry.sequence = sequence;
    this.inFlight.set(sequence, entry);
    this.stats.requestsSent++;
    this.write(bytes);
  }

  /**
   * Writes, corking the socket until the end of the tick: PDUs produced together leave in one
   * segment and one syscall instead of one each (with Nagle off, each write would be sent alone).
   */
  private write(bytes: Buffer): void {
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(bytes);
  }

  private settle(entry: Pending, outcome: ResponsePdu | SmppSessionError): void {
    if (entry.state === "done") return;
    if (entry.state === "sent") this.inFlight.delete(entry.sequence);
    else if (entry.state === "queued") this.waiting--;
    entry.state = "done";
    entry.timer?.cancel();
    if (outcome instanceof SmppSessionError) entry.reject(outcome);
    else entry.resolve(outcome);
    this.pump();
  }

  private pump(): void {
    while (this.inFlight.size < this.window && this.queueHead < this.queue.length && !this.closed) {
      const next = this.queue[this.queueHead++] as Pending;
      if (next.state !== "queued") continue;
      this.waiting--;
      next.state = "new";
      this.dispatch(next);
    }
    if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
  }

  private onTimeout(entry: Pending, timeoutMs: number): void {
    if (entry.state === "done") return;
    this.stats.timeouts++;
    const where = entry.state === "sent" ? `sequence ${entry.sequence}` : "still queued for the window";
    this.settle(
      entry,
      new SmppSessionError(
        "TIMEOUT",
        `${entry.pdu.command} (${where}) got no response within ${timeoutMs} ms on ${this.label}`,
      ),
    );
  }

  private onData(chunk: Buffer): void {
    this.framer.push(chunk);
    this.drainFrames();
  }

  private drainFrames(): void {
    while (!this.paused && !this.socket.destroyed) {
      const next = this.framer.next();
      if (!next) return;
      if (next.kind === "frame") {
        this.onFrame(next.frame);
        continue;
      }
      const header = next.header ? readHeader(next.header) : undefined;
      const sequence = header?.sequenceNumber ?? 0;
      const isRequest = header !== undefined && (header.commandId & 0x80000000) === 0;
      if (next.kind === "oversized") {
        this.stats.malformed++;
        if (isRequest && this.nackMalformed) this.nack(sequence, CommandStatus.ESME_RINVCMDLEN);
        this.emitSafe("malformed", {
          header: header ?? {
            commandLength: next.commandLength,
            commandId: 0,
            commandStatus: 0,
            sequenceNumber: 0,
          },
          command: undefined,
          isResponse: !isRequest,
          status: CommandStatus.ESME_RINVCMDLEN,
          reason: `command_length ${next.commandLength} is above the maximum; its octets were skipped`,
        });
        continue;
      }
      // the stream is lost: answer once (SMPP 3.4 §4.3) and drop the connection
      this.stats.malformed++;
      if (this.nackMalformed) this.nack(sequence, CommandStatus.ESME_RINVCMDLEN);
      this.fault("FRAMING", `${next.reason} on ${this.label}; closing`);
      void this.close("framing lost");
      return;
    }
  }

  private onFrame(frame: Buffer): void {
    const result = decodePdu(frame);
    if (!result.ok) {
      const f = result.failure;
      this.stats.malformed++;
      if (f.isResponse) {
        const entry = this.inFlight.get(f.header.sequenceNumber);
        if (entry)
          this.settle(
            entry,
            new SmppSessionError("MALFORMED_RESPONSE", `response to ${entry.pdu.command}: ${f.reason}`),
          );
      } else if (this.nackMalformed) {
        this.nack(f.header.sequenceNumber, f.status);
      }
      this.emitSafe("malformed", f);
      return;
    }
    const pdu = result.pdu;
    if (isResponseCommand(pdu.command)) {
      const response = pdu as ResponsePdu;
      const entry = this.inFlight.get(response.sequence_number);
      if (!entry) {
        this.emitSafe("unmatched_response", response);
        return;
      }
      this.stats.responsesReceived++;
      if (response.command === entry.expected || response.command === "generic_nack")
        this.settle(entry, response);
      else
        this.settle(
          entry,
          new SmppSessionError(
            "UNEXPECTED_RESPONSE",
            `${entry.pdu.command} (sequence ${entry.sequence}) was answered with ${response.command}`,
          ),
        );
      return;
    }
    const request = pdu as InboundRequest;
    this.stats.requestsReceived++;
    if (request.command === "enquire_link" && this.autoEnquireLink) {
      this.respond(request);
      return;
    }
    if (request.command === "unbind" && this.autoUnbind) {
      this.respond(request);
      void this.close("unbound by peer");
      return;
    }
    this.emitSafe("request", request);
  }

  private onClose(hadError: boolean): void {
    if (this.closeEmitted) return;
    this.closeEmitted = true;
    this.closed = true;
    this.keepAlive?.cancel();
    this.failAll("CLOSED", `session ${this.label} closed`);
    this.resolveClosed();
    this.emitSafe("close", {
      reason: this.closeReason ?? (hadError ? "socket error" : "closed by peer"),
      hadError,
    });
  }

  private failAll(code: "CLOSED", message: string): void {
    this.closed = true;
    const queued = this.queue.slice(this.queueHead);
    this.queue = [];
    this.queueHead = 0;
    for (const entry of [...this.inFlight.values(), ...queued])
      this.settle(entry, new SmppSessionError(code, message));
  }

  private scheduleKeepAlive(): void {
    if (this.enquireLinkIntervalMs <= 0 || this.closed) return;
    this.keepAlive = this.clock.setTimer(this.enquireLinkIntervalMs, () => {
      this.request({ command: "enquire_link" }).then(
        () => this.scheduleKeepAlive(),
        (e: unknown) => {
          if (e instanceof SmppSessionError && e.code === "TIMEOUT") {
            this.fault("ENQUIRE_LINK", `${this.label} did not answer enquire_link; dropping the link`, e);
            this.destroy("enquire_link unanswered");
          }
        },
      );
    });
  }

  private fault(code: SmppSessionError["code"], message: string, cause?: unknown): void {
    this.emitSafe("fault", new SmppSessionError(code, message, undefined, { cause }));
  }

  /** Emits without letting a listener's exception escape into the socket's event handler. */
  private emitSafe<K extends keyof SmppSessionEvents>(event: K, ...args: SmppSessionEvents[K]): void {
    try {
      // the generic emit cannot see that K indexes the same map; the signature above keeps callers typed
      (this.emit as (event: K, ...rest: SmppSessionEvents[K]) => boolean)(event, ...args);
    } catch (e) {
      if (event === "fault") return; // a throwing fault listener has nowhere left to report to
      this.fault("HANDLER", `a "${event}" listener threw on ${this.label}: ${messageOf(e)}`, e);
    }
  }
}
