/**
 * One emulated handset: power, the SIM check, the SIM swap and registration (attach with AKA
 * over the link), driven by the transition table of device-state.ts. The card is reached only
 * through its APDU processor (a CardSession), so PIN counters and the SQN array are the card's.
 *
 * Attach (TS 24.008 §4.4 / §4.3.2): ATTACH REQUEST → AUTHENTICATION REQUEST (RAND, AUTN) → the
 * card's AUTHENTICATE → RES, or AUTHENTICATION FAILURE #20 (MAC) / #21 (synch, with AUTS) → the
 * network's next challenge, ATTACH ACCEPT or ATTACH REJECT (the cause is kept for +CREG / +CME).
 * A SIM that is locked never reaches the network: attach is refused locally.
 */
import type { Clock, TimerHandle } from "../../core/clock/clock.js";
import type { AttachAccept, RejectReason } from "../../core/network/link/link-messages.js";
import type { CardSession } from "../../sim/apdu.js";
import type { NetworkOperator, Registration } from "../network/handset-network.js";
import { type HandsetEvent, type HandsetState, isInService, nextState } from "./device-state.js";
import type { HandsetPort, IncomingMessage } from "./handset-port.js";
import { type SimStatus, simStatusOf } from "./sim-status.js";
import { authAnswerOf, authenticateApdu } from "./usim-authenticate.js";

/** T3210 (TS 24.008 §11.2.2): how long the MS waits for the network during attach. */
export const ATTACH_GUARD_MS = 20_000;
/** Authentication rounds the handset takes part in per attach (the first plus resynchronisations). */
const MAX_AUTH_ROUNDS = 3;

export type AttachOutcome =
  | { readonly kind: "registered"; readonly msisdn: string }
  | { readonly kind: "rejected"; readonly cause: number; readonly reason: RejectReason }
  /** Not attempted or not finished: the SIM is not ready, no network, the guard timer ran out. */
  | { readonly kind: "not-attempted"; readonly why: "sim-not-ready" | "no-network" | "state" | "timeout" };

export interface HandsetOptions {
  readonly imei: string;
  readonly clock: Clock;
  /** The card in the slot (undefined: no SIM). */
  readonly card?: CardSession;
  /** The link to the core (undefined: no network in reach). */
  readonly port?: HandsetPort;
  readonly attachGuardMs?: number;
}

export type StateListener = (state: HandsetState, previous: HandsetState) => void;

export class Handset {
  readonly imei: string;
  #state: HandsetState = "off";
  #card: CardSession | undefined;
  #port: HandsetPort | undefined;
  readonly #clock: Clock;
  readonly #guardMs: number;
  #accept: AttachAccept | undefined;
  #reject: { readonly cause: number; readonly reason: RejectReason } | undefined;
  #attaching: Promise<AttachOutcome> | undefined;
  readonly #listeners = new Set<StateListener>();
  #onMessage: (message: IncomingMessage, correlation: number) => void = () => undefined;

  constructor(options: HandsetOptions) {
    this.imei = options.imei;
    this.#clock = options.clock;
    this.#card = options.card;
    this.#port = options.port;
    this.#guardMs = options.attachGuardMs ?? ATTACH_GUARD_MS;
    options.port?.onUnsolicited((message, correlation) => {
      this.#unsolicited(message);
      this.#onMessage(message, correlation);
    });
  }

  get state(): HandsetState {
    return this.#state;
  }

  get card(): CardSession | undefined {
    return this.#card;
  }

  /** The SIM check as it stands (+CPIN). */
  get simStatus(): SimStatus {
    return simStatusOf(this.#card?.pinState("pin1"));
  }

  /** The last attach reject (TS 24.008 §10.5.3.6 cause), kept until the next accept. */
  get rejection(): { readonly cause: number; readonly reason: RejectReason } | undefined {
    return this.#reject;
  }

  get msisdn(): string | undefined {
    return isInService(this.#state) ? this.#accept?.msisdn : undefined;
  }

  /** The registration as +CREG / +COPS show it. */
  registration(): Registration {
    switch (this.#state) {
      case "searching":
        return { status: this.#attaching === undefined ? "not-registered" : "searching" };
      case "denied":
        return { status: "denied" };
      case "registered":
      case "in-call":
      case "in-data":
      case "in-ussd":
        return registrationOf(this.#accept);
      default:
        return { status: "not-registered" };
    }
  }

  /** The one listener of the frames the core sends on its own (calls, SMS, USSD), after the handset's own. */
  onUnsolicited(listener: (message: IncomingMessage, correlation: number) => void): void {
    this.#onMessage = listener;
  }

  onStateChange(listener: StateListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Applies `event`; returns whether the state changed (ignored events change nothing). */
  apply(event: HandsetEvent): boolean {
    const next = nextState(this.#state, event);
    if (next === undefined || next === this.#state) return next !== undefined;
    const previous = this.#state;
    this.#state = next;
    for (const l of [...this.#listeners]) l(next, previous);
    return true;
  }

  /** Power on: the SIM check, then (SIM ready and a network in reach) attach. */
  async powerOn(): Promise<AttachOutcome> {
    if (!this.apply("power-on")) return { kind: "not-attempted", why: "state" };
    this.#checkSim();
    return this.#autoAttach();
  }

  /** Power off: IMSI detach if registered (no answer awaited, TS 24.008 §4.3.4), the card powers down. */
  powerOff(): void {
    if (this.#state === "off") return;
    if (isInService(this.#state) && this.#port !== undefined && !this.#port.down) {
      this.#port.send(this.#port.nextCorrelation(), { type: "detach-request" });
    }
    this.#card?.powerOff();
    this.#accept = undefined;
    this.apply("power-off");
  }

  /** Takes the card out: registration ends; returns the card as stored. */
  removeSim(): CardSession | undefined {
    const card = this.#card;
    if (card === undefined) return undefined;
    if (isInService(this.#state) && this.#port !== undefined && !this.#port.down) {
      this.#port.send(this.#port.nextCorrelation(), { type: "detach-request" });
    }
    card.powerOff();
    this.#card = undefined;
    this.#accept = undefined;
    this.#reject = undefined;
    this.apply("sim-removed");
    return card;
  }

  /** Puts a card in (SIM swap after removeSim); with the handset on, the SIM check and attach follow. */
  async insertSim(card: CardSession): Promise<AttachOutcome> {
    if (this.#card !== undefined) this.removeSim();
    this.#card = card;
    if (this.#state === "off") return { kind: "not-attempted", why: "state" };
    this.#checkSim();
    return this.#autoAttach();
  }

  /**
   * Re-reads the SIM after a PIN command (AT+CPIN, MMI **05*): a card that became ready takes the
   * handset to searching and on to attach.
   */
  async simChanged(): Promise<AttachOutcome> {
    if (this.#state !== "sim-locked" && this.#state !== "sim-check") {
      return { kind: "not-attempted", why: "state" };
    }
    this.#checkSim();
    return this.#autoAttach();
  }

  /** Attach (or attach again after a reject or a network detach). */
  attach(): Promise<AttachOutcome> {
    if (this.#attaching !== undefined) return this.#attaching;
    if (this.simStatus !== "ready") return Promise.resolve({ kind: "not-attempted", why: "sim-not-ready" });
    if (this.#state === "denied") this.apply("sim-ready");
    if (this.#state !== "searching") return Promise.resolve({ kind: "not-attempted", why: "state" });
    const port = this.#port;
    if (port === undefined || port.down) return Promise.resolve({ kind: "not-attempted", why: "no-network" });
    const attaching = this.#runAttach(port).finally(() => {
      this.#attaching = undefined;
    });
    this.#attaching = attaching;
    return attaching;
  }

  /** Detach on request (AT+COPS=2): the handset stays on, not registered. */
  detach(): void {
    if (!isInService(this.#state) || this.#port === undefined) return;
    this.#port.send(this.#port.nextCorrelation(), { type: "detach-request" });
    this.#accept = undefined;
    this.apply("network-detach");
  }

  #checkSim(): void {
    const status = this.simStatus;
    if (status === "absent") this.apply("sim-absent");
    else if (status === "ready") this.apply("sim-ready");
    else this.apply("sim-locked");
  }

  #autoAttach(): Promise<AttachOutcome> {
    if (this.#state !== "searching") return Promise.resolve({ kind: "not-attempted", why: "sim-not-ready" });
    return this.attach();
  }

  #runAttach(port: HandsetPort): Promise<AttachOutcome> {
    const imsi = this.#card?.card.imsi ?? "";
    const correlation = port.nextCorrelation();
    return new Promise<AttachOutcome>((resolve) => {
      let rounds = 0;
      let guard: TimerHandle | undefined;
      const finish = (outcome: AttachOutcome): boolean => {
        guard?.cancel();
        resolve(outcome);
        return true;
      };
      guard = this.#clock.setTimer(this.#guardMs, () => {
        port.forget(correlation);
        finish({ kind: "not-attempted", why: "timeout" });
      });
      port.onDown(() => finish({ kind: "not-attempted", why: "no-network" }));
      port.expect(correlation, (message) => {
        switch (message.type) {
          case "auth-request": {
            rounds++;
            const card = this.#card;
            if (card === undefined || rounds > MAX_AUTH_ROUNDS || this.#state !== "searching") {
              return finish({ kind: "not-attempted", why: "state" });
            }
            const answer = authAnswerOf(card.transmit(authenticateApdu(message.rand, message.autn)));
            if (answer.type === "card-refused")
              return finish({ kind: "not-attempted", why: "sim-not-ready" });
            port.send(correlation, answer);
            return false;
          }
          case "attach-accept":
            this.#accept = message;
            this.#reject = undefined;
            this.apply("attach-accepted");
            return finish({ kind: "registered", msisdn: message.msisdn });
          case "attach-reject":
            this.#reject = { cause: message.cause, reason: message.reason };
            this.apply("attach-rejected");
            return finish({ kind: "rejected", cause: message.cause, reason: message.reason });
          case "refused":
          case "error":
            return finish({ kind: "not-attempted", why: "no-network" });
          default:
            return false;
        }
      });
      port.send(correlation, { type: "attach-request", imsi, imei: this.imei });
    });
  }

  #unsolicited(message: IncomingMessage): void {
    if (message.type === "network-detach") {
      this.#accept = undefined;
      this.#reject = { cause: message.cause, reason: message.reason };
      this.apply("network-detach");
    }
  }
}

function registrationOf(accept: AttachAccept | undefined): Registration {
  if (accept === undefined) return { status: "registered-home" };
  const operator: NetworkOperator = accept.operator;
  // Home when the serving PLMN is the IMSI's own; the core serves only its own PLMN.
  return {
    status: "registered-home",
    operator,
    accessTechnology: accept.accessTechnology,
    areaCode: accept.areaCode,
    cellId: accept.cellId,
  };
}
