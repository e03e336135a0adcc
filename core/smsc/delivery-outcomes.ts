/**
 * Final states and how the synthetic outcome modes choose them. Names follow SMPP 3.4 §5.2.28
 * (message_state) and Appendix B (the receipt's 7-letter `stat:` values).
 */
import { MessageState } from "../smpp/pdu-types.js";
import type { FinalState, OutcomeConfig } from "./smsc-config.js";

/** message_state value of each final state. */
export const STATE_CODE: Readonly<Record<FinalState, number>> = {
  DELIVERED: MessageState.DELIVERED,
  EXPIRED: MessageState.EXPIRED,
  DELETED: MessageState.DELETED,
  UNDELIVERABLE: MessageState.UNDELIVERABLE,
  ACCEPTED: MessageState.ACCEPTED,
  UNKNOWN: MessageState.UNKNOWN,
  REJECTED: MessageState.REJECTED,
};

/** The receipt's `stat:` text for each message_state (SMPP 3.4 Appendix B). */
export const RECEIPT_STAT: Readonly<Record<number, string>> = {
  [MessageState.ENROUTE]: "ENROUTE",
  [MessageState.DELIVERED]: "DELIVRD",
  [MessageState.EXPIRED]: "EXPIRED",
  [MessageState.DELETED]: "DELETED",
  [MessageState.UNDELIVERABLE]: "UNDELIV",
  [MessageState.ACCEPTED]: "ACCEPTD",
  [MessageState.UNKNOWN]: "UNKNOWN",
  [MessageState.REJECTED]: "REJECTD",
};

const BY_NAME = new Map<string, FinalState>();
for (const [state, code] of Object.entries(STATE_CODE) as [FinalState, number][]) {
  BY_NAME.set(state, state);
  const stat = RECEIPT_STAT[code];
  if (stat !== undefined) BY_NAME.set(stat, state);
}

/** "DELIVRD" or "DELIVERED" → DELIVERED; undefined for anything else (ENROUTE is not final). */
export function finalStateByName(name: string): FinalState | undefined {
  return BY_NAME.get(name.toUpperCase());
}

/**
 * Success for the receipt rules of registered_delivery (SMPP 3.4 §5.2.17): DELIVERED, and
 * ACCEPTED (read on the subscriber's behalf, §5.2.28). Every other final state is a failure.
 */
export function isSuccess(state: number): boolean {
  return state === MessageState.DELIVERED || state === MessageState.ACCEPTED;
}

/**
 * Deterministic mode: the last digit of the destination picks the final state.
 *
 * | last digit | final state   | receipt stat |
 * | ---------- | ------------- | ------------ |
 * | 1          | EXPIRED       | EXPIRED      |
 * | 2          | DELETED       | DELETED      |
 * | 3          | UNDELIVERABLE | UNDELIV      |
 * | 4          | ACCEPTED      | ACCEPTD      |
 * | 5          | REJECTED      | REJECTD      |
 * | 6          | UNKNOWN       | UNKNOWN      |
 * | 0, 7, 8, 9 | DELIVERED     | DELIVRD      |
 *
 * A destination that does not end in a digit is DELIVERED.
 */
export const DETERMINISTIC_TABLE: readonly FinalState[] = [
  "DELIVERED",
  "EXPIRED",
  "DELETED",
  "UNDELIVERABLE",
  "ACCEPTED",
  "REJECTED",
  "UNKNOWN",
  "DELIVERED",
  "DELIVERED",
  "DELIVERED",
];

export function deterministicOutcome(destination: string): FinalState {
  const last = destination.charCodeAt(destination.length - 1) - 0x30;
  return last >= 0 && last <= 9 ? (DETERMINISTIC_TABLE[last] ?? "DELIVERED") : "DELIVERED";
}

/** What the outcome draw needs from the injected generator (SeededRandom has it). */
export interface Rng {
  /** A uniform integer in [0, n). */
  nextInt(n: number): number;
}

/** Percentage mode: draws over the weights in steps of 1/10,000 (hundredths of a percent). */
export class PercentagePicker {
  private readonly states: FinalState[] = [];
  private readonly bounds: number[] = [];

  constructor(
    weights: readonly { readonly state: FinalState; readonly percent: number }[],
    private readonly rng: Rng,
  ) {
    let upTo = 0;
    for (const w of weights) {
      if (w.percent <= 0) continue;
      upTo += Math.round(w.percent * 100);
      this.states.push(w.state);
      this.bounds.push(upTo);
    }
    if (this.states.length === 0) {
      this.states.push("DELIVERED");
      this.bounds.push(10_000);
    }
  }

  next(): FinalState {
    const total = this.bounds[this.bounds.length - 1] ?? 10_000;
    const x = this.rng.nextInt(total);
    for (let i = 0; i < this.bounds.length; i++)
      if (x < (this.bounds[i] as number)) return this.states[i] as FinalState;
    return this.states[this.states.length - 1] as FinalState;
  }
}

/** The synthetic outcome of a mode, or undefined in reality mode (the handset decides). */
export type SyntheticOutcome = (destination: string) => FinalState;

export function syntheticOutcome(config: OutcomeConfig, rng: Rng): SyntheticOutcome | undefined {
  switch (config.mode) {
    case "reality":
      return undefined;
    case "deterministic":
      return deterministicOutcome;
    case "percentage": {
      const picker = new PercentagePicker(config.weights, rng);
      return () => picker.next();
    }
  }
}
