/**
 * The `load` section in numbers: model, duration, the arrival schedule (open) or users (closed),
 * the stop rules and the saturation limits. Command-line `--seed` and `--duration` override the
 * file's values here, so every later stage sees one plan.
 */
import { FieldError } from "../scenario-error.js";
import type { LoadSpec } from "../scenario-types.js";
import { parseDuration, parseRate } from "../units.js";
import type { RatePlan } from "./arrivals.js";

export interface LoadPlan {
  readonly model: "open" | "closed";
  /** The schedule ends here (ms); Infinity for a closed model bounded by iterations only. */
  readonly durationMs: number;
  readonly gracefulStopMs: number;
  readonly seed: string;
  readonly workers: number | undefined;
  /** Open model. */
  readonly rates: RatePlan | undefined;
  readonly poisson: boolean;
  readonly maxInFlight: number;
  readonly lateAfterMs: number;
  readonly maxLateRatio: number;
  /** Closed model. */
  readonly users: number;
  readonly iterations: number | undefined;
  readonly rampUpMs: number;
}

export interface LoadOverrides {
  readonly seed?: string;
  readonly durationMs?: number;
}

const DEFAULT_SEED = "telsim";

export function loadPlanOf(spec: LoadSpec, overrides: LoadOverrides = {}): LoadPlan {
  const path = ["load"];
  const fileDuration = spec.duration === undefined ? undefined : parseDuration(spec.duration);
  const common = {
    gracefulStopMs: spec.gracefulStop === undefined ? 30_000 : parseDuration(spec.gracefulStop),
    seed: overrides.seed ?? (spec.seed === undefined ? DEFAULT_SEED : String(spec.seed)),
    workers: spec.workers,
  };
  if (spec.model === "open") {
    const stages = (spec.stages ?? []).map((s) => ({
      durationMs: parseDuration(s.duration),
      target: parseRate(s.target),
    }));
    const stageTotal = stages.reduce((sum, s) => sum + s.durationMs, 0);
    const durationMs = overrides.durationMs ?? fileDuration ?? (stages.length > 0 ? stageTotal : undefined);
    if (durationMs === undefined)
      throw new FieldError([...path, "duration"], "an open model needs a duration (or stages)");
    if (spec.rate === undefined && stages.length === 0)
      throw new FieldError([...path, "rate"], "an open model needs a rate (or stages)");
    const start = spec.rate === undefined ? 0 : parseRate(spec.rate);
    return {
      model: "open",
      durationMs,
      ...common,
      rates: { start, stages, durationMs },
      poisson: spec.poisson ?? false,
      maxInFlight: spec.maxInFlight ?? 100_000,
      lateAfterMs: spec.lateAfter === undefined ? 10 : parseDuration(spec.lateAfter),
      maxLateRatio: spec.maxLateRatio ?? 0.01,
      users: 0,
      iterations: undefined,
      rampUpMs: 0,
    };
  }
  const durationMs = overrides.durationMs ?? fileDuration;
  if (durationMs === undefined && spec.iterations === undefined) {
    throw new FieldError([...path, "duration"], "a closed model needs a duration or iterations");
  }
  return {
    model: "closed",
    durationMs: durationMs ?? Number.POSITIVE_INFINITY,
    ...common,
    rates: undefined,
    poisson: false,
    maxInFlight: Number.POSITIVE_INFINITY,
    lateAfterMs: Number.POSITIVE_INFINITY,
    maxLateRatio: 1,
    users: spec.users,
    iterations: spec.iterations,
    rampUpMs: spec.rampUp === undefined ? 0 : parseDuration(spec.rampUp),
  };
}
