/**
 * One handset's view of a link connection: it sends frames under its own handset number and
 * receives the frames addressed to it. Answers are routed by correlation to the procedure that
 * opened it (a procedure keeps its first correlation, proto/link.proto); frames the core sends
 * on its own go to the unsolicited handler.
 *
 * `SingleHandsetLink` serves a connection that carries one handset (the AT console); a farm
 * routes frames itself and does not use this class.
 */
import { HANDSET_CORRELATION_LAST } from "../../core/network/link/link-messages.js";
import type { LinkConnection } from "../../core/network/link/link-connection.js";
import {
  type CoreToHandset,
  type HandsetToCore,
  isCoreToHandset,
  type LinkErrorMessage,
  type LinkFrame,
} from "../../core/network/link/link-messages.js";

export type IncomingMessage = CoreToHandset | LinkErrorMessage;

/** Returns true when the procedure is finished (its handler is then dropped). */
export type ProcedureHandler = (message: IncomingMessage) => boolean;

export interface HandsetPort {
  /** A fresh correlation id (never 0). */
  nextCorrelation(): number;
  send(correlation: number, message: HandsetToCore): void;
  /** Routes the frames carrying `correlation` to `handler` until it returns true. */
  expect(correlation: number, handler: ProcedureHandler): void;
  /** Stops routing `correlation` (a procedure given up after a timeout). */
  forget(correlation: number): void;
  /** The one handler of frames no procedure expects. */
  onUnsolicited(handler: (message: IncomingMessage, correlation: number) => void): void;
  /** Called once when the link goes down. */
  onDown(listener: (reason: string) => void): void;
  readonly down: boolean;
}

/** The handset's half of the correlation space (proto/link.proto): the core numbers from 0x80000000. */
const MAX_CORRELATION = HANDSET_CORRELATION_LAST;

export class SingleHandsetLink implements HandsetPort {
  #correlation = 0;
  readonly #procedures = new Map<number, ProcedureHandler>();
  #unsolicited: (message: IncomingMessage, correlation: number) => void = () => undefined;
  readonly #downListeners: ((reason: string) => void)[] = [];
  #down = false;

  constructor(
    private readonly connection: LinkConnection,
    readonly handsetId = 1,
  ) {
    connection.onFrame((frame) => this.#receive(frame));
    connection.onClose((reason) => {
      this.#down = true;
      this.#procedures.clear();
      for (const l of this.#downListeners.splice(0)) l(reason);
    });
  }

  get down(): boolean {
    return this.#down || this.connection.closed;
  }

  nextCorrelation(): number {
    this.#correlation = this.#correlation >= MAX_CORRELATION ? 1 : this.#correlation + 1;
    return this.#correlation;
  }

  send(correlation: number, message: HandsetToCore): void {
    this.connection.send({ handset: this.handsetId, correlation, message });
  }

  expect(correlation: number, handler: ProcedureHandler): void {
    this.#procedures.set(correlation, handler);
  }

  forget(correlation: number): void {
    this.#procedures.delete(correlation);
  }

  onUnsolicited(handler: (message: IncomingMessage, correlation: number) => void): void {
    this.#unsolicited = handler;
  }

  onDown(listener: (reason: string) => void): void {
    if (this.#down) listener("closed");
    else this.#downListeners.push(listener);
  }

  close(): void {
    this.connection.close("handset closed");
  }

  #receive(frame: LinkFrame): void {
    if (frame.handset !== this.handsetId) return;
    const message = frame.message;
    if (!(message.type === "error" || isCoreToHandset(message))) return;
    const handler = frame.correlation === 0 ? undefined : this.#procedures.get(frame.correlation);
    if (handler === undefined) {
      this.#unsolicited(message, frame.correlation);
      return;
    }
    if (handler(message)) this.#procedures.delete(frame.correlation);
  }
}
