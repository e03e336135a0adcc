/**
 * What a run needs from the system under test, whichever it is: ports for an in-thread generator,
 * endpoints for worker threads, provisioning, balance samples for the report and the account
 * facts the invariants are checked on.
 */
import type { Kopecks } from "../../../core/charging/money.js";
import type { VirtualClock } from "../../../core/clock/virtual-clock.js";
import type { BalanceSample } from "../metrics/aggregator.js";
import type { Timeline } from "../load/timeline.js";
import type { PopulationPlan } from "../population.js";
import type { Ports } from "../ports.js";
import type { PortName } from "../step-registry.js";

export interface RemoteEndpoints {
  readonly gy: {
    readonly host: string;
    readonly port: number;
    readonly realm: string;
    readonly txMs: number;
  };
  readonly adminUrl: string | undefined;
}

export interface RecordFact {
  readonly kind: string;
  readonly charge: Kopecks;
  readonly balanceAfter: Kopecks;
}

export interface AccountFacts {
  readonly msisdn: string;
  readonly plan: string | undefined;
  readonly balance: Kopecks;
  readonly floor: Kopecks;
  readonly state: string;
  readonly reservations: number;
  readonly records: readonly RecordFact[];
}

export interface Target {
  readonly kind: "embedded" | "external";
  readonly virtualClock: VirtualClock | undefined;
  readonly portNames: ReadonlySet<PortName>;
  /** Fails with TargetUnreachable when the target cannot be reached (before anything else runs). */
  probe(): Promise<void>;
  /** Creates the population's accounts (when the target does); returns the initial balances. */
  provision(population: PopulationPlan): Promise<Map<string, Kopecks>>;
  localPorts(timeline: Timeline): Promise<Ports>;
  remote(): RemoteEndpoints;
  /** Embedded only: the population's balances now. */
  sampleBalances(): BalanceSample | undefined;
  /** Account facts for invariants; undefined when the target has no way to tell. */
  accountFacts(): Promise<AccountFacts[]> | undefined;
  /** The plan's throttled speed, kbit/s (from the catalog), if known. */
  throttleKbps(plan: string): number | undefined;
  close(): Promise<void>;
}

export class TargetUnreachable extends Error {
  override readonly name = "TargetUnreachable";
}
