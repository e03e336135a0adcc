/**
 * A Diameter client connection to one peer: connects over TCP, runs the capabilities exchange,
 * watches the peer (DWR), and reconnects with exponential back-off when the connection is lost
 * (the new connection starts in the watchdog's REOPEN state, RFC 3539 §3.4.1).
 */
import { connect as tcpConnect } from "node:net";
import { type Clock, realClock, type TimerHandle } from "../clock/clock.js";
import type { NodeIdentity } from "./capabilities.js";
import { APPLICATION_CREDIT_CONTROL } from "./dictionary/commands.js";
import { type Dictionary, gyDictionary } from "./dictionary/dictionary.js";
import { DiameterError } from "./errors.js";
import { type Logger, stderrLogger } from "./logger.js";
import type { DiameterMessage } from "./message.js";
import { DiameterPeer, type OutgoingRequest, type PeerEvents, type PeerOptions } from "./peer.js";
import type { WatchdogState } from "./watchdog.js";

export interface ReconnectOptions {
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
}

export interface DiameterClientOptions {
  readonly host: string;
  readonly port: number;
  readonly identity: NodeIdentity;
  readonly applications?: readonly number[];
  readonly dictionary?: Dictionary;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly watchdogMs?: number;
  readonly requestTimeoutMs?: number;
  /** TCP connect + CER/CEA (default 5 s). */
  readonly connectTimeoutMs?: number;
  /** false: never reconnect. */
  readonly reconnect?: ReconnectOptions | false;
  /** Requests the server sends us (RAR, ASR). */
  readonly onRequest?: PeerEvents["onRequest"];
  readonly onStateChange?: (state: ClientState) => void;
}

export type ClientState = "connecting" | "open" | "suspect" | "down" | "closed";

export class DiameterClient {
  private peer: DiameterPeer | undefined;
  private stateValue: ClientState = "down";
  private closing = false;
  private attempt = 0;
  private retryTimer: TimerHandle | undefined;
  private everOpened = false;
  private readonly peerOptions: PeerOptions;
  private lastError = "";

  constructor(private readonly options: DiameterClientOptions) {
    this.peerOptions = {
      identity: options.identity,
      dictionary: options.dictionary ?? gyDictionary,
      applications: options.applications ?? [APPLICATION_CREDIT_CONTROL],
      clock: options.clock ?? realClock,
      logger: options.logger ?? stderrLogger("diameter-client"),
      capabilitiesTimeoutMs: options.connectTimeoutMs ?? 5000,
      ...(options.watchdogMs !== undefined ? { watchdogMs: options.watchdogMs } : {}),
      ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    };
  }

  get state(): ClientState {
    return this.stateValue;
  }

  get target(): string {
    return `${this.options.host}:${this.options.port}`;
  }

  get currentPeer(): DiameterPeer | undefined {
    return this.peer?.state === "open" ? this.peer : undefined;
  }

  /** Whether requests can be sent now (open, and not suspected by the watchdog). */
  get available(): boolean {
    return this.stateValue === "open";
  }

  /** Connects once; rejects with the reason if the connection or the capabilities exchange fails. */
  async connect(): Promise<void> {
    this.closing = false;
    await this.open();
  }

  request(req: OutgoingRequest): Promise<DiameterMessage> {
    const peer = this.currentPeer;
    if (peer === undefined) {
      return Promise.reject(
        new DiameterError(
          "DIAMETER_NOT_CONNECTED",
          `no connection to ${this.target} (${this.lastError || this.stateValue})`,
        ),
      );
    }
    return peer.request(req);
  }

  nextEndToEnd(): number | undefined {
    return this.currentPeer?.nextEndToEnd();
  }

  async close(): Promise<void> {
    this.closing = true;
    this.retryTimer?.cancel();
    const peer = this.peer;
    if (peer !== undefined) await peer.disconnect("REBOOTING");
    this.setState("closed");
  }

  private open(): Promise<void> {
    this.setState("connecting");
    const socket = tcpConnect({ host: this.options.host, port: this.options.port });
    socket.on("error", (e) => {
      this.lastError = e.message;
    });
    const peer = new DiameterPeer(
      socket,
      "initiator",
      this.peerOptions,
      {
        ...(this.options.onRequest !== undefined ? { onRequest: this.options.onRequest } : {}),
        onOpen: () => {
          this.attempt = 0;
          this.everOpened = true;
          this.setState("open");
        },
        onWatchdog: (_p, s: WatchdogState) => {
          if (s === "suspect") this.setState("suspect");
          else if (s === "okay") this.setState("open");
        },
        onClose: (_p, reason) => {
          this.lastError = reason;
          if (this.peer === peer) this.peer = undefined;
          this.setState("down");
          this.scheduleReconnect();
        },
      },
      this.everOpened,
    );
    this.peer = peer;
    return peer.opened();
  }

  private scheduleReconnect(): void {
    if (this.closing || this.options.reconnect === false || !this.everOpened) return;
    const initial = this.options.reconnect?.initialDelayMs ?? 200;
    const max = this.options.reconnect?.maxDelayMs ?? 10_000;
    const delay = Math.min(max, initial * 2 ** this.attempt);
    this.attempt++;
    this.retryTimer = this.peerOptions.clock.setTimer(delay, () => {
      if (this.closing) return;
      this.open().catch(() => undefined);
    });
  }

  private setState(state: ClientState): void {
    if (state === this.stateValue) return;
    this.stateValue = state;
    this.options.onStateChange?.(state);
  }
}
