/**
 * What step executors talk to, as interfaces: a Gy port (credit-control sessions and events), an
 * admin port (top-ups, Pause, account state), the population, handsets (handset-port.ts) and ESME
 * binds to an SMSC (smpp-port.ts). The runner supplies TCP or
 * in-process implementations (target/); steps never know which, so the same step runs against the
 * embedded core, the embedded core on the virtual clock, or an external OCS.
 */
import type { CcOutcome } from "../../core/diameter/gy/gy-client.js";
import type { CreditControlRequest, MsccRequest, SmsInfo } from "../../core/diameter/gy/gy-types.js";
import type { Kopecks } from "../../core/charging/money.js";
import type { SeededRandom } from "../../sim/random.js";
import type { HandsetsPort } from "./handset-port.js";
import type { SmppPort } from "./smpp-port.js";

export type { CcOutcome };

export interface SubscriberRef {
  /** Position in the population (stable for a seed). */
  readonly index: number;
  readonly msisdn: string;
  readonly imsi: string;
  readonly group: string;
  readonly plan: string | undefined;
  readonly cug: string | undefined;
  readonly favorites: readonly string[];
}

/** One credit-control session (RFC 4006 §7 client side): request numbers are the port's job. */
export interface ChargingSession {
  readonly sessionId: string;
  initial(mscc: readonly MsccRequest[]): Promise<CcOutcome>;
  update(mscc: readonly MsccRequest[]): Promise<CcOutcome>;
  /** `cause` per RFC 6733 §8.15 (1 LOGOUT, 4 ADMINISTRATIVE). */
  terminate(mscc: readonly MsccRequest[], cause?: number): Promise<CcOutcome>;
  /** The OCS sent ASR for this session: end it (CCR-T) at the next chance. */
  readonly abortRequested: boolean;
}

export interface SessionOptions {
  readonly serviceContextId: string;
  readonly calledParty?: string;
}

export interface EventRequest {
  readonly serviceContextId: string;
  readonly requestedAction: NonNullable<CreditControlRequest["requestedAction"]>;
  readonly mscc: readonly MsccRequest[];
  readonly sms?: SmsInfo;
  readonly calledParty?: string;
}

export interface GyPort {
  session(subscriber: SubscriberRef, options: SessionOptions): ChargingSession;
  event(subscriber: SubscriberRef, request: EventRequest): Promise<CcOutcome>;
  close(): Promise<void>;
}

export interface AccountView {
  readonly balance: Kopecks;
  /** The lowest balance allowed: −credit limit. */
  readonly floor: Kopecks;
  readonly available: Kopecks;
  readonly state: "active" | "paused" | "blocked" | "closed";
  /** Open reservations (credit-control sessions holding units or money). */
  readonly reservations: number;
}

export type AdminOutcome =
  { readonly ok: true } | { readonly ok: false; readonly status: number; readonly message: string };

export interface AdminPort {
  topUp(msisdn: string, amount: Kopecks): Promise<AdminOutcome>;
  /** The Pause service (paused) and back (active). */
  setState(msisdn: string, state: "paused" | "active"): Promise<AdminOutcome>;
  account(msisdn: string): Promise<AccountView | undefined>;
}

/** The subscribers a flow may call or message. */
export interface PopulationView {
  readonly size: number;
  /** Another subscriber of the core outside the caller's CUG (classified on-net), if any. */
  onNetPeer(rng: SeededRandom, caller: SubscriberRef): SubscriberRef | undefined;
  /** Another member of the caller's closed user group, if any. */
  cugPeer(rng: SeededRandom, caller: SubscriberRef): SubscriberRef | undefined;
}

export interface Ports {
  readonly gy: GyPort | undefined;
  readonly admin: AdminPort | undefined;
  /** Emulated handsets on the embedded core's network edge (handset-port.ts), when the run has them. */
  readonly handsets?: HandsetsPort;
  /** ESME binds to the SMSC under test (smpp-port.ts), when the run has an SMSC to bind to. */
  readonly smpp?: SmppPort;
}
