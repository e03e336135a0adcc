/**
 * The SMPP port: steps act as an ESME (SMPP 3.4 §2.2) against the SMSC under test — bind with a
 * system_id and password, submit_sm, wait for delivery receipts, unbind. A bind is shared by every
 * flow instance that names it (one ESME with one connection, as an application server has), so an
 * open-model load of submits meets the SMSC's per-bind throttling (tps, window) as a real ESME does.
 *
 * Binds live in the thread of the generator that opened them: the SMPP port exists only with
 * `load.workers: 0` (a validation error otherwise). target/smpp-tcp.ts implements it over TCP with
 * the project's own client (core/smpp/smpp-client.ts).
 */
import type { BindMode } from "../../core/smpp/pdu-types.js";

export interface SmppBindRequest {
  /** The name steps use for the bind (default the system_id). */
  readonly name: string;
  readonly systemId: string;
  readonly password: string;
  readonly mode: BindMode;
  /** Our requests awaiting a response at once (the client's window). */
  readonly window: number;
}

/** What became of a bind: its command_status name (ESME_ROK when bound), or a transport failure. */
export type SmppBindOutcome =
  | { readonly ok: true; readonly status: "ESME_ROK"; readonly fresh: boolean }
  | { readonly ok: false; readonly status: string; readonly detail: string };

export interface SmppSubmitRequest {
  readonly source: string;
  readonly destination: string;
  readonly text: string;
  /** registered_delivery (SMPP 3.4 §5.2.17): 0 none, 1 a final receipt, 2 a receipt on failure only. */
  readonly registeredDelivery: 0 | 1 | 2;
}

/**
 * The SMSC's answer: `status` is the command_status name (ESME_ROK, ESME_RTHROTTLED, …), or
 * `timeout` (no submit_sm_resp in time), `closed` (the connection is gone), `not-bound`.
 */
export interface SmppSubmitOutcome {
  readonly status: string;
  readonly messageId: string | undefined;
}

/** A delivery receipt (SMPP 3.4 Appendix B): `stat` is the 7-letter state (DELIVRD, UNDELIV, …). */
export interface SmppReceipt {
  readonly messageId: string;
  readonly stat: string;
  readonly err: string;
}

export interface SmppPort {
  /** Binds `name` unless it is bound already (concurrent calls share one bind attempt). */
  bind(request: SmppBindRequest): Promise<SmppBindOutcome>;
  submit(name: string, request: SmppSubmitRequest, timeoutMs: number): Promise<SmppSubmitOutcome>;
  /** The receipt for `messageId` (kept if it came first), or undefined after `timeoutMs` of real time. */
  receipt(name: string, messageId: string, timeoutMs: number): Promise<SmppReceipt | undefined>;
  /** Unbinds `name` (unbind, unbind_resp, close); false when it was not bound. */
  unbind(name: string): Promise<boolean>;
  close(): Promise<void>;
}
