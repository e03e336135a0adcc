/**
 * What a scenario run produces, as plain JSON-ready data: the verdict and exit code, thresholds
 * and invariants, checks, flows, the load generator's own health, metric totals and the time
 * series. Every reporter (summary, JSON, JUnit, HTML) reads this and nothing else.
 */
import type { IntervalPoint } from "./metrics/aggregator.js";
import type { TrendStats } from "./metrics/histogram.js";

export type ScenarioStatus = "passed" | "failed" | "saturated" | "aborted" | "invalid";

/** Exit codes (cli/cli-error.ts): 0 passed, 1 failed, 2 invalid, 3 aborted, 4 saturated. */
export const STATUS_EXIT: Readonly<Record<ScenarioStatus, number>> = {
  passed: 0,
  failed: 1,
  invalid: 2,
  aborted: 3,
  saturated: 4,
};

export interface ThresholdResult {
  readonly kind: "threshold" | "invariant";
  readonly text: string;
  readonly ok: boolean;
  readonly actual?: number | undefined;
  readonly detail: string;
}

export interface CheckResult {
  readonly name: string;
  readonly passes: number;
  readonly failures: number;
}

export interface FlowResult {
  readonly name: string;
  readonly started: number;
  readonly ok: number;
  readonly failed: number;
  readonly error: number;
  readonly interrupted: number;
  readonly p50Ms: number | undefined;
  readonly p99Ms: number | undefined;
}

export interface LoadSummary {
  readonly model: "open" | "closed";
  readonly workers: number;
  /** Arrivals due by the schedule (open) or iterations started (closed). */
  readonly scheduled: number;
  readonly started: number;
  readonly late: number;
  readonly dropped: Readonly<Record<string, number>>;
  readonly maxInFlight: number;
  readonly lagP99Ms: number | undefined;
  readonly lagMaxMs: number | undefined;
  readonly eventLoopMaxMs: number | undefined;
  readonly offeredPerSecond: number | undefined;
  readonly startedPerSecond: number;
  readonly saturated: boolean;
  readonly saturation: string | undefined;
}

export interface MetricTotals {
  readonly counters: readonly { readonly key: string; readonly value: number }[];
  readonly trends: readonly { readonly key: string; readonly unit: string; readonly stats: TrendStats }[];
}

export interface ScenarioResult {
  readonly name: string;
  readonly file: string;
  readonly status: ScenarioStatus;
  readonly exitCode: number;
  readonly seed: string | undefined;
  readonly clock: "real" | "virtual";
  readonly target: "embedded" | "external";
  readonly startedAt: string;
  /** Wall-clock duration of the whole run (core start to report), ms. */
  readonly realMs: number;
  /** Scenario time the schedule ran, ms (the base for rates). */
  readonly scenarioMs: number;
  readonly thresholds: readonly ThresholdResult[];
  readonly checks: readonly CheckResult[];
  readonly flows: readonly FlowResult[];
  readonly load: LoadSummary | undefined;
  readonly metrics: MetricTotals;
  readonly intervalMs: number;
  readonly intervals: readonly IntervalPoint[];
  /** Why the scenario is invalid or was aborted. */
  readonly problems: readonly string[];
}

export interface SuiteResult {
  readonly startedAt: string;
  readonly scenarios: readonly ScenarioResult[];
  readonly exitCode: number;
}

/** The suite's exit code: the most serious status of its scenarios (aborted, invalid, saturated, failed). */
export function suiteExitCode(results: readonly ScenarioResult[]): number {
  const order: ScenarioStatus[] = ["aborted", "invalid", "saturated", "failed"];
  for (const s of order) if (results.some((r) => r.status === s)) return STATUS_EXIT[s];
  return 0;
}
