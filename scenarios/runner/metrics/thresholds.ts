/**
 * Threshold expressions: `metric{tag=value,...}.stat op value[unit]`, e.g.
 *   gy.cca{result=2001}.ratio > 0.999      share of the metric's events with these tags
 *   gy.ccr.latency.p99 < 20ms              a percentile of a trend (p50, p90, p95, p99, p999 = 99.9)
 *   gy.ccr{type=initial}.rate >= 100/s     events per second of scenario time
 *   scenario.arrivals.dropped.count == 0
 * Parsing is separate from checking against the metric catalogue, so both fail with a message at
 * the threshold's line before anything runs.
 */
import type { Aggregator, TagFilter } from "./aggregator.js";
import { percentileOf } from "./histogram.js";
import type { MetricCatalogue, MetricDecl } from "./metric-catalogue.js";

export type Comparison = "<" | "<=" | ">" | ">=" | "==" | "!=";

export interface ThresholdExpr {
  readonly text: string;
  readonly metric: string;
  readonly tags: TagFilter | undefined;
  readonly stat: string;
  readonly op: Comparison;
  /** In the stat's unit: ms for durations, a fraction for ratio, per second for rate. */
  readonly value: number;
  readonly unit: string | undefined;
}

export class ThresholdSyntaxError extends Error {
  override readonly name = "ThresholdSyntaxError";
}

const EXPR =
  /^\s*([a-z][a-z0-9_-]*(?:\.[a-z][a-z0-9_-]*)*?)(\{[^}]*\})?\.([a-z][a-z0-9]*)\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*(%|ms|s|us|µs|m|\/s|\/min|kbps|Mbps)?\s*$/;

const UNIT_SCALE: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  us: 0.001,
  µs: 0.001,
  "%": 0.01,
  "/s": 1,
  "/min": 1 / 60,
  kbps: 1,
  Mbps: 1000,
};

export function parseThreshold(text: string): ThresholdExpr {
  const m = EXPR.exec(text);
  if (m === null) {
    throw new ThresholdSyntaxError(
      `"${text}" is not a threshold like "gy.ccr.latency.p99 < 20ms" or "gy.cca{result=2001}.ratio > 0.999"`,
    );
  }
  const [, metric = "", braces, stat = "", op = "<", number = "0", unit] = m;
  let tags: Record<string, string> | undefined;
  if (braces !== undefined) {
    tags = {};
    const inner = braces.slice(1, -1).trim();
    for (const part of inner === "" ? [] : inner.split(",")) {
      const kv = /^\s*([a-z][a-z0-9_-]*)\s*=\s*"?([^"]*)"?\s*$/.exec(part);
      if (kv === null || kv[1] === undefined || kv[2] === undefined) {
        throw new ThresholdSyntaxError(`"${part.trim()}" in "${text}" is not a tag filter like result=2001`);
      }
      tags[kv[1]] = kv[2];
    }
  }
  // toPrecision drops binary noise: 99.9% is 0.999, not 0.9990000000000001.
  const value = Number((Number(number) * (unit === undefined ? 1 : (UNIT_SCALE[unit] ?? 1))).toPrecision(12));
  return { text: text.trim(), metric, tags, stat, op: op as Comparison, value, unit };
}

const COUNTER_STATS = ["count", "rate", "ratio"];
const TREND_STATS = ["count", "min", "max", "mean", "avg"];

/** Checks an expression against the catalogue; returns a message when it cannot be evaluated. */
export function checkThreshold(e: ThresholdExpr, catalogue: MetricCatalogue): string | undefined {
  const decl = catalogue.get(e.metric);
  if (decl === undefined) {
    const near = catalogue
      .all()
      .map((d) => d.name)
      .filter((n) => n.startsWith(e.metric.split(".")[0] ?? "") || e.metric.startsWith(n));
    return `unknown metric "${e.metric}"${near.length > 0 ? `; metrics of this scenario: ${near.sort().join(", ")}` : ""}`;
  }
  for (const t of Object.keys(e.tags ?? {})) {
    if (!decl.tags.includes(t)) {
      return `metric ${e.metric} has no tag "${t}"${decl.tags.length > 0 ? ` (tags: ${decl.tags.join(", ")})` : ""}`;
    }
  }
  const stats = decl.kind === "counter" ? COUNTER_STATS : TREND_STATS;
  if (!stats.includes(e.stat) && !(decl.kind === "trend" && percentileOf(e.stat) !== undefined)) {
    return `${e.metric} is a ${decl.kind}: use ${decl.kind === "counter" ? "count, rate or ratio" : "p50, p90, p95, p99, p999, min, max, mean or count"}, not "${e.stat}"`;
  }
  const unitKind = unitKindOf(decl, e.stat);
  if (e.unit !== undefined && !acceptsUnit(unitKind, e.unit)) {
    return `"${e.unit}" does not fit ${e.metric}.${e.stat} (${unitKind})`;
  }
  return undefined;
}

type UnitKind = "duration" | "fraction" | "per-second" | "count" | "kbps" | "number";

function unitKindOf(decl: MetricDecl, stat: string): UnitKind {
  if (stat === "ratio") return "fraction";
  if (stat === "rate") return "per-second";
  if (stat === "count") return "count";
  if (decl.unit === "ms") return "duration";
  if (decl.unit === "kbps") return "kbps";
  return "number";
}

function acceptsUnit(kind: UnitKind, unit: string): boolean {
  switch (kind) {
    case "duration":
      return ["ms", "s", "m", "us", "µs"].includes(unit);
    case "fraction":
      return unit === "%";
    case "per-second":
      return unit === "/s" || unit === "/min";
    case "kbps":
      return unit === "kbps" || unit === "Mbps";
    default:
      return false;
  }
}

export interface ThresholdOutcome {
  readonly text: string;
  readonly ok: boolean;
  /** The measured value in the stat's unit; undefined when there was no data. */
  readonly actual: number | undefined;
  readonly detail: string;
}

function compare(a: number, op: Comparison, b: number): boolean {
  switch (op) {
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "==":
      return a === b;
    case "!=":
      return a !== b;
  }
}

/** The measured value of an expression's left-hand side. */
export function measure(e: ThresholdExpr, agg: Aggregator, scenarioMs: number): number | undefined {
  const decl = agg.catalogue.get(e.metric);
  if (decl === undefined) return undefined;
  if (decl.kind === "counter") {
    const n = agg.counterTotal(e.metric, e.tags);
    if (e.stat === "count") return n;
    if (e.stat === "rate") return scenarioMs > 0 ? n / (scenarioMs / 1000) : undefined;
    const all = agg.counterTotal(e.metric);
    return all === 0 ? undefined : n / all;
  }
  const s = agg.trendStats(e.metric, e.tags);
  if (e.stat === "count") return s.count;
  if (s.count === 0) return undefined;
  const p = percentileOf(e.stat);
  if (p !== undefined) {
    const scale = decl.unit === "ms" ? 1000 : 1;
    return agg.trendHistogram(e.metric, e.tags).getValueAtPercentile(p) / scale;
  }
  switch (e.stat) {
    case "min":
      return s.min;
    case "max":
      return s.max;
    default:
      return s.mean;
  }
}

export function evaluateThreshold(e: ThresholdExpr, agg: Aggregator, scenarioMs: number): ThresholdOutcome {
  const actual = measure(e, agg, scenarioMs);
  if (actual === undefined) return { text: e.text, ok: false, actual, detail: "no data" };
  const ok = compare(actual, e.op, e.value);
  return {
    text: e.text,
    ok,
    actual,
    detail: `${e.stat} = ${formatActual(actual, e, agg.catalogue.get(e.metric))}`,
  };
}

function formatActual(v: number, e: ThresholdExpr, decl: MetricDecl | undefined): string {
  const kind = decl === undefined ? "number" : unitKindOf(decl, e.stat);
  switch (kind) {
    case "duration":
      return `${v < 10 ? v.toFixed(3) : v.toFixed(1)}ms`;
    case "fraction":
      return `${(v * 100).toFixed(3)}%`;
    case "per-second":
      return `${v.toFixed(2)}/s`;
    case "kbps":
      return `${v}kbps`;
    default:
      return Number.isInteger(v) ? String(v) : v.toFixed(3);
  }
}
