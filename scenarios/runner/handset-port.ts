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
import type { Handset } from "../../handsets/device/handset.js";
import type { HandsetNetwork } from "../../handsets/network/handset-network.js";
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
