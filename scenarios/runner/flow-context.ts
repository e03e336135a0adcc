/**
 * What a running flow instance offers its steps: its subscriber, its seeded RNG, the ports, the
 * scenario clock, and `intendedAt` — when the next action was meant to happen. Latency is measured
 * from `intendedAt` (arrival time for the first request, the end of a think time or of a paced
 * consumption for later ones), never from when the generator got round to sending (load.md §6.4).
 */
import type { SeededRandom } from "../../sim/random.js";
import type { MetricSet } from "./metrics/metric-set.js";
import type { Ports, PopulationView, SubscriberRef } from "./ports.js";

/** What the last step left for `check` steps to assert on. */
export interface LastResult {
  step?: string;
  /** Result-Code of the most recent CCA (the MSCC's when it carries one); undefined: no answer. */
  resultCode?: number;
  /** The step's outcome word: completed, refused, cut, free, ok, failed, no-answer; handset steps have their own. */
  outcome?: string;
  /** The last data grant was throttled (QoS maximum bandwidth in the MSCC). */
  throttled?: boolean;
  /** QoS Max-Requested-Bandwidth-DL of the last grant, kbit/s. */
  bandwidthKbps?: number;
  /** Units of the last grant. */
  granted?: number;
  /** Handset steps: PIN1 and PUK1 presentations left on the card after the step. */
  pinTriesLeft?: number;
  pukTriesLeft?: number;
  /** Handset steps: the network's cause (attach reject, TS 24.008 §10.5.3.6; RP-cause, TS 24.011 §8.2.5.4). */
  cause?: number;
  /** `handset.ussd`: the last reply text. */
  reply?: string;
  /** `smpp.submit` with `receipt`: the receipt's stat (DELIVRD, UNDELIV, …), or "none". */
  receipt?: string;
}

export interface FlowContext {
  readonly flow: string;
  readonly subscriber: SubscriberRef;
  readonly rng: SeededRandom;
  readonly ports: Ports;
  readonly population: PopulationView;
  readonly metrics: MetricSet;
  /** True when the run is on the virtual clock. */
  readonly virtual: boolean;
  /** Initial balance of the subscriber when the runner provisioned it, kopecks. */
  readonly initialBalance: number | undefined;
  /** Scenario time, ms since the start of the run. */
  now(): number;
  /** Wall-clock ms (performance.now), for service times on the virtual clock. */
  realNow(): number;
  /** When the next action should start (scenario ms). Steps move it forward. */
  intendedAt: number;
  /** Resolves at scenario time `t`, or at once when the run is stopping. */
  sleepUntil(t: number): Promise<void>;
  /** The run is stopping: end what you hold (CCR-T) and return. */
  readonly stopping: boolean;
  last: LastResult;
  /** Records a check; `abort` ends the flow as failed when it did not pass. */
  check(name: string, ok: boolean, detail: string, abort: boolean): void;
  /** An event for --events (flow-level detail, capped by the runner). */
  event(type: string, data: Readonly<Record<string, unknown>>): void;
}

/** A step that could not do its job (no answer, a port missing): the flow ends with status error. */
export class StepError extends Error {
  override readonly name = "StepError";
}

/** A check with abort: true failed: the flow ends with status failed. */
export class FlowAborted extends Error {
  override readonly name = "FlowAborted";
}
