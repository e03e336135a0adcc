/**
 * The shape of a scenario, as TypeScript types: the same shape the YAML files have and the JSON
 * Schema (schema.ts) checks. A scenario written in TypeScript uses `defineScenario({...})` and gets
 * these types; flow steps come from the step registry, each step file adding its parameters to
 * `StepParamsByName` (module augmentation), so a new step needs no edit here.
 */

/** "200ms", "30s", "5m", "2h", "31d". */
export type DurationText = string;
/** "10.00" (BYN; kopecks inside). */
export type MoneyText = string;
/** "100/s", "600/min", "20/d", or a number per second. */
export type RateText = string | number;

/**
 * Parameters of each registered step, by step name. Step files extend it:
 * `declare module "../runner/scenario-types.js" { interface StepParamsByName { "gy.sms": GySmsParams } }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface StepParamsByName {}

export type StepName = keyof StepParamsByName & string;

/** One step of a flow: an object with exactly one key, the step's name. */
export type StepSpec = {
  [K in StepName]: { readonly [P in K]: StepParamsByName[K] };
}[StepName];

/** A think time or duration: fixed, or drawn from a distribution with the flow's seeded RNG. */
export type DistributionSpec =
  | DurationText
  | { readonly fixed: DurationText }
  | { readonly uniform: readonly [DurationText, DurationText] }
  | { readonly exponential: DurationText }
  | { readonly normal: { readonly mean: DurationText; readonly stddev: DurationText } };

export interface EmbeddedCoreSpec {
  readonly type: "embedded";
  /** virtual: the core runs on the VirtualClock, advanced as the schedule requires. */
  readonly clock?: "real" | "virtual";
  /** Virtual clock start, ISO 8601 (default 2026-01-01T00:00:00Z). */
  readonly startAt?: string;
  /** Tariff catalog (default the shipped catalog/a1-tariffs.yaml); relative to the scenario file. */
  readonly catalog?: string;
  /** Requests the core's Diameter server processes at once before answering 3004. */
  readonly maxInFlight?: number;
  /**
   * How the generator's Gy messages reach the core on the real clock: "diameter" (default, a Gy
   * client over loopback TCP) or "in-process" (the same Diameter bytes handed to the core's Gy
   * application, no socket). Worker threads always use Diameter; the virtual clock always in-process.
   */
  readonly gy?: "diameter" | "in-process";
  /**
   * The SMSC of the core's network edge for SMPP steps, in the core config file's `smsc:` format
   * (core/smsc/smsc-config-file.ts): ESME accounts with tps, window, dailyQuota; delivery outcomes.
   */
  readonly smsc?: SmscSpec;
}

/** An ESME account of `core.smsc.accounts` (SMPP 3.4 §4.1 system_id at most 15, password at most 8). */
export interface EsmeAccountSpec {
  readonly systemId: string;
  readonly password: string;
  readonly bindModes?: readonly ("transmitter" | "receiver" | "transceiver")[];
  readonly maxBinds?: number;
  /** submit_sm per second and bind (token bucket); 0: no limit. */
  readonly tps?: number;
  readonly burst?: number;
  /** Requests on a bind not yet answered; one more gets ESME_RMSGQFUL. */
  readonly window?: number;
  /** Segments per day for the account; 0: no limit. */
  readonly dailyQuota?: number;
  readonly chargingMsisdn?: string;
  readonly messageIdFormat?: "hex" | "decimal";
}

export interface SmscSpec {
  readonly systemId?: string;
  readonly accounts?: readonly EsmeAccountSpec[];
  /** reality (the handsets decide), deterministic (the last digit), percentage ({ DELIVRD: 98, … }). */
  readonly outcome?: {
    readonly mode: "reality" | "deterministic" | "percentage";
    readonly percentages?: Readonly<Record<string, number>>;
    readonly delaySeconds?: number;
  };
  readonly routes?: Readonly<Record<string, unknown>>;
  readonly validity?: Readonly<Record<string, unknown>>;
  readonly retry?: Readonly<Record<string, unknown>>;
  readonly limits?: Readonly<Record<string, unknown>>;
  readonly utcOffsetMinutes?: number;
  readonly handsetMessageIdFormat?: "hex" | "decimal";
}

export interface ExternalCoreSpec {
  readonly type: "external";
  readonly ocs: {
    readonly host: string;
    readonly port: number;
    readonly realm?: string;
    /** Our Origin-Host (default scenario.telsim.local). */
    readonly originHost?: string;
  };
  /** A telsim-compatible admin API: provisioning, top-ups, Pause, balance checks, invariants. */
  readonly admin?: { readonly url: string };
  /** Create the population through the admin API before the run (default false). */
  readonly provision?: boolean;
  /** The catalog the external core uses (for the throttle invariant). */
  readonly catalog?: string;
  /** Tx: how long to wait for a CCA (default 10s). */
  readonly txTimeout?: DurationText;
  /** An SMSC for SMPP steps (needs load.workers: 0). */
  readonly smsc?: { readonly host: string; readonly port: number };
}

export type CoreSpec = EmbeddedCoreSpec | ExternalCoreSpec;

export interface GroupSpec {
  readonly name: string;
  /** Generated subscribers (with `msisdn`/`imsi` as the first numbers), or rows of `csv`. */
  readonly count?: number;
  /** A CSV file (header row; columns msisdn, imsi, and optionally plan, balance, creditLimit, cug). */
  readonly csv?: string;
  readonly plan?: string;
  readonly balance?: MoneyText;
  readonly creditLimit?: MoneyText;
  /** First MSISDN of the range (international format without +, e.g. 375291000001). */
  readonly msisdn?: string;
  readonly imsi?: string;
  /** Favorite numbers per subscriber (generated off-net numbers). */
  readonly favorites?: number;
  /** Closed user group id shared by the whole group. */
  readonly cug?: string;
  /** Allow an archived plan. */
  readonly allowArchived?: boolean;
  /** The SIM cards of the group's handsets (handset steps): PIN1 enabled or not, the codes. */
  readonly sim?: SimSpec;
}

export interface SimSpec {
  /** PIN1 asked at power-on (default disabled). */
  readonly pin?: "enabled" | "disabled";
  /** PIN1 of every card (default 0000, the 3GPP test card's). */
  readonly code?: string;
  /** PUK1 of every card (default 11111111). */
  readonly puk?: string;
}

/**
 * How a flow instance gets its subscriber: sequential (round robin), random, or unique (leased to
 * one running flow at a time, released when it ends; SIPp's USER mode).
 */
export type PickStrategy = "sequential" | "random" | "unique";

export interface PopulationSpec {
  readonly groups: readonly GroupSpec[];
  readonly pick?: PickStrategy;
}

export interface FlowSpec {
  readonly name: string;
  readonly weight?: number;
  /** Subscribers come from these groups (default all). */
  readonly groups?: readonly string[];
  readonly pick?: PickStrategy;
  readonly steps: readonly StepSpec[];
}

interface LoadCommon {
  readonly duration?: DurationText;
  readonly seed?: string | number;
  /** After the schedule ends, how long running flows may take before they are stopped (default 30s). */
  readonly gracefulStop?: DurationText;
  /**
   * Generator worker threads; 0 runs the generator in the main thread (next to the embedded core).
   * Default: one per core for an external target, 0 with the embedded core.
   */
  readonly workers?: number;
}

export interface OpenLoadSpec extends LoadCommon {
  readonly model: "open";
  /** Arrival rate (the start rate when there are stages). */
  readonly rate?: RateText;
  /** Each stage ramps linearly from the previous rate to `target` over `duration`. */
  readonly stages?: readonly { readonly duration: DurationText; readonly target: RateText }[];
  /** Exponential inter-arrival times (a Poisson process) instead of even spacing. */
  readonly poisson?: boolean;
  /** Flows running at once beyond which an arrival is dropped (counted), default 100000. */
  readonly maxInFlight?: number;
  /** An arrival started later than this after its intended time counts as late (default 10ms). */
  readonly lateAfter?: DurationText;
  /** Late + dropped-at-the-cap arrivals above this share (and at least 5) mean the generator saturated (default 0.01). */
  readonly maxLateRatio?: number;
}

export interface ClosedLoadSpec extends LoadCommon {
  readonly model: "closed";
  /** Virtual users, each running flows back to back. */
  readonly users: number;
  /** Flows per user (default: until the duration ends). */
  readonly iterations?: number;
  /** Users start evenly over this time (default all at once). */
  readonly rampUp?: DurationText;
}

export type LoadSpec = OpenLoadSpec | ClosedLoadSpec;

export type InvariantName =
  "balance-floor" | "balances-reconcile" | "no-reservations-left" | "throttle-within-plan";

/** A metric expression (`gy.ccr.latency.p99 < 20ms`) or a domain invariant. */
export type ThresholdSpec = string | { readonly invariant: InvariantName };

export interface Scenario {
  readonly name: string;
  readonly description?: string;
  readonly core: CoreSpec;
  readonly population: PopulationSpec;
  readonly flows: readonly FlowSpec[];
  readonly load: LoadSpec;
  readonly thresholds?: readonly ThresholdSpec[];
  /** Time-series interval (default 1s, or duration/300 in virtual time). */
  readonly report?: { readonly interval?: DurationText };
}

/** Identity with types: `export default defineScenario({...})` in a TypeScript scenario. */
export function defineScenario(scenario: Scenario): Scenario {
  return scenario;
}
