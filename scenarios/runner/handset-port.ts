/**
 * The handset port: emulated handsets with SIM cards, one per population subscriber, attached to
 * the embedded core's network edge (HLR/AuC, MSC, SMSC, USSD gateway) over the in-process link.
 * Handset steps (scenarios/steps/handset.*.step.ts) drive them; the runner's target creates them
 * (target/handset-fleet.ts). A handset keeps its state between flow instances (powered on,
 * registered, PIN counters), as a phone does between two uses.
 *
 * Handsets run in the core's thread only: the generator must not use worker threads with handset
 * steps (a validation error), so the link needs no encoding and a step sees the handset's state
 * directly.
 */
import type {
  CallReleaseReason,
  DataEnded,
  DataGrant,
  FailureCause,
} from "../../core/network/link/link-messages.js";
import type { Handset } from "../../handsets/device/handset.js";
import type { HandsetNetwork, NetworkListener } from "../../handsets/network/handset-network.js";
import type { SimAccess } from "../../handsets/sim-access.js";
import type { SeededRandom } from "../../sim/random.js";
import type { SubscriberRef } from "./ports.js";

export interface ScenarioHandset {
  /** Power, the SIM check and registration (attach with AKA). */
  readonly device: Handset;
  /** PIN/PUK commands, as APDUs to the card. */
  readonly sim: SimAccess;
  /** Calls, USSD and SMS over the link. */
  readonly network: HandsetNetwork;
  readonly imei: string;
  /** What the user knows: PIN1 (a new one after an unblock) and PUK1. */
  pin: string;
  readonly puk: string;
  /**
   * Resolves with true when an SMS whose text contains `tag` has reached this handset (before or
   * after the call), false after `timeoutMs` of real time.
   */
  awaitSms(tag: string, timeoutMs: number): Promise<boolean>;
  /** Network events (ringing, call progress, SMS, USSD) besides the fleet's own listener. */
  onNetworkEvent(listener: NetworkListener): () => void;
  /**
   * Why the network last released a call of this handset abnormally (busy, no-answer,
   * credit-exhausted, …, with the TS 24.008 §10.5.4.11 cause); undefined after `clearRelease()`
   * until the next one. A normal release leaves it undefined.
   */
  readonly lastRelease: CallRelease | undefined;
  clearRelease(): void;
  /** Data sessions through the PGW (link procedures data-start / data-usage / data-stop). */
  readonly data: HandsetData;
}

export interface CallRelease {
  readonly reason: CallReleaseReason;
  readonly cause: number;
}

/** The core's answer to a data procedure. */
export type DataAnswer =
  | { readonly kind: "grant"; readonly grant: DataGrant }
  | { readonly kind: "ended"; readonly ended: DataEnded }
  | { readonly kind: "refused"; readonly cause: FailureCause }
  | { readonly kind: "timeout" };

export interface HandsetData {
  /** data-start: the first grant, or the session refused (data-ended "refused" or a link refusal). */
  start(apn: string): Promise<DataAnswer>;
  /** data-usage: octets used since the last report; the grant as it now stands, or the end. */
  usage(sessionId: number, octets: number): Promise<DataAnswer>;
  /** data-stop with the octets since the last report: data-ended. */
  stop(sessionId: number, octets: number): Promise<DataAnswer>;
  /** The last grant or end the core pushed on its own (Validity-Time, RAR, ASR) for the session, once. */
  pushed(sessionId: number): DataAnswer | undefined;
}

export interface HandsetsPort {
  /** The subscriber's handset (created on first use, powered off). */
  of(subscriber: SubscriberRef): ScenarioHandset;
  /** Another subscriber whose handset is registered now (an on-net recipient that can take an SMS). */
  registeredPeer(rng: SeededRandom, caller: SubscriberRef): SubscriberRef | undefined;
  /** The handset of a population number (an SMS recipient), undefined for other numbers. */
  ofNumber(msisdn: string): ScenarioHandset | undefined;
  close(): void;
}
