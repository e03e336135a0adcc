/**
 * Runs one validated scenario end to end: start the target (embedded core or external OCS),
 * provision the population, run the generator (in this thread, or in worker threads for an
 * external target), aggregate, then judge: thresholds, invariants, checks, and whether the
 * generator kept its schedule. Any failure to reach or run the target ends as `aborted`.
 *
 * Threads: with the embedded core the generator stays in the core's thread by default — the core
 * is the bottleneck, and a worker would add a socket hop and compete for the same two cores
 * (scenarios/README.md, "Measurement"). An external target gets one worker per core.
 */
import { availableParallelism } from "node:os";
import { performance } from "node:perf_hooks";
import type { Logger } from "../../core/diameter/logger.js";
import { smscConfigFrom } from "../../core/smsc/smsc-config-file.js";
import { catalogueFor, type LoadedScenario, usesHandsets, usesSmpp } from "./load-scenario.js";
import { type EventSink, type Generator } from "./load/generator.js";
import { type HostConfig, prepareGeneratorHost } from "./load/generator-host.js";
import { RealTimeline, type Timeline, VirtualTimeline } from "./load/timeline.js";
import { runInWorkers, type WorkerRun } from "./load/workers.js";
import { checkInvariants } from "./invariants.js";
import { Aggregator } from "./metrics/aggregator.js";
import { evaluateThreshold } from "./metrics/thresholds.js";
import type {
  CheckResult,
  FlowResult,
  LoadSummary,
  MetricTotals,
  ScenarioResult,
  ScenarioStatus,
  ThresholdResult,
} from "./result.js";
import { STATUS_EXIT } from "./result.js";
import { stepExecutors } from "./step-registry.js";
import { startEmbeddedTarget } from "./target/embedded-target.js";
import { ExternalTarget } from "./target/external-target.js";
import type { Target } from "./target/target.js";
import { parseDuration } from "./units.js";

export interface LiveStatus {
  readonly name: string;
  readonly virtual: boolean;
  /** Scenario ms elapsed and planned (Infinity when bounded by iterations). */
  readonly elapsedMs: number;
  readonly durationMs: number;
  readonly realMs: number;
  readonly aggregator: Aggregator;
  readonly inFlight: number | undefined;
}

export interface ProgressSink {
  update(status: LiveStatus): void;
  finish(): void;
}

export interface RunHooks {
  readonly progress?: ProgressSink;
  readonly events?: EventSink;
  readonly signal?: AbortSignal;
}

/** Generator worker threads next to the embedded core (measured: scenarios/README.md, Measurement). */
const DEFAULT_EMBEDDED_WORKERS = 0;

/** Fewest late or capped arrivals that can make a run "saturated". */
const MIN_MISSED = 5;

const NICE_INTERVALS = [1, 5, 10, 30, 60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400].map(
  (s) => s * 1000,
);

export function intervalFor(loaded: LoadedScenario, virtual: boolean): number {
  const set = loaded.spec.report?.interval;
  if (set !== undefined) return Math.max(1, parseDuration(set));
  const d = loaded.plan.durationMs;
  if (!Number.isFinite(d)) return virtual ? 3_600_000 : 1000;
  const wanted = virtual ? d / 300 : d / 600;
  return NICE_INTERVALS.find((n) => n >= wanted) ?? 86_400_000;
}

function eventLogger(events: EventSink): Logger {
  let n = 0;
  const log = (level: string) => (message: string) => {
    if (++n <= 200) events("core-log", { level, message });
  };
  return { debug: () => undefined, info: () => undefined, warn: log("warn"), error: log("error") };
}

export async function runLoadedScenario(
  loaded: LoadedScenario,
  hooks: RunHooks = {},
): Promise<ScenarioResult> {
  const events: EventSink = hooks.events ?? (() => undefined);
  const startedAt = new Date().toISOString();
  const realStart = performance.now();
  const core = loaded.spec.core;
  const virtual = core.type === "embedded" && core.clock === "virtual";
  const plan = loaded.plan;
  const intervalMs = intervalFor(loaded, virtual);
  // 0: the generator runs in this thread (with the embedded core, next to it).
  const workers = virtual
    ? 0
    : (plan.workers ?? (core.type === "external" ? availableParallelism() : DEFAULT_EMBEDDED_WORKERS));
  const aggregator = new Aggregator(
    catalogueFor(stepExecutors().map((e) => e.name)),
    intervalMs,
    Math.max(1, workers),
  );
  const problems: string[] = [];
  let target: Target | undefined;
  let endedAt = 0;
  let maxInFlight = 0;
  let aborted = false;
  let timeline: Timeline | undefined;
  let generator: Generator | undefined;
  let workerRun: WorkerRun | undefined;
  let progressTimer: NodeJS.Timeout | undefined;
  let initial = new Map<string, number>();

  const onAbort = (): void => {
    aborted = true;
    problems.push("aborted (interrupt)");
    generator?.abort();
    workerRun?.abort();
  };
  hooks.signal?.addEventListener("abort", onAbort, { once: true });
  events("scenario-start", {
    scenario: loaded.spec.name,
    file: loaded.file,
    seed: plan.seed,
    clock: virtual ? "virtual" : "real",
    workers,
  });

  try {
    const logger = eventLogger(events);
    target =
      core.type === "embedded"
        ? await startEmbeddedTarget(core, loaded.dir, logger, {
            ...(usesHandsets(loaded) ? { handsets: { seed: plan.seed } } : {}),
            ...(usesSmpp(loaded) || core.smsc !== undefined
              ? { smsc: { seed: plan.seed, config: smscConfigFrom(core.smsc, "core.smsc") } }
              : {}),
          })
        : new ExternalTarget(core, loaded.dir, logger);
    await target.probe();
    initial = await target.provision(loaded.population);
    events("population-ready", { subscribers: loaded.population.subscribers.length });
    const config: Omit<HostConfig, "partition"> = {
      spec: loaded.spec,
      subscribers: loaded.population.subscribers,
      groups: loaded.population.groups,
      plan,
      intervalMs,
      initialBalances: [...initial],
      ports: [...target.portNames],
    };
    const liveTarget = target;
    const started = performance.now();
    if (hooks.progress !== undefined) {
      const progress = hooks.progress;
      progressTimer = setInterval(() => {
        progress.update({
          name: loaded.spec.name,
          virtual,
          elapsedMs: timeline?.now() ?? performance.now() - started,
          durationMs: plan.durationMs,
          realMs: performance.now() - realStart,
          aggregator,
          inFlight: generator?.inFlight,
        });
      }, 250);
    }
    if (workers === 0) {
      const vt = target.virtualClock !== undefined ? new VirtualTimeline(target.virtualClock) : undefined;
      const ports = await target.localPorts(vt ?? new RealTimeline());
      const host = await prepareGeneratorHost(
        { ...config, partition: { index: 0, count: 1 } },
        ports,
        vt !== undefined,
      );
      if (aborted) throw new Error("aborted");
      // Scenario time 0 is now: connecting and compiling are not part of the schedule.
      const t = vt ?? new RealTimeline();
      timeline = t;
      const result = await host.run(t, {
        onInterval: (k, snapshot) => {
          aggregator.add(k, snapshot);
          const b = liveTarget.sampleBalances();
          if (b !== undefined) aggregator.sampleBalance(k, b);
        },
        events,
        onStart: (g) => {
          generator = g;
          if (aborted) g.abort();
        },
      });
      endedAt = result.endedAt;
      maxInFlight = result.maxInFlight;
    } else {
      const balanceTimer = setInterval(() => {
        const b = liveTarget.sampleBalances();
        if (b !== undefined)
          aggregator.sampleBalance(Math.floor((performance.now() - started) / intervalMs) - 1, b);
      }, intervalMs);
      workerRun = runInWorkers(config, workers, target.remote(), aggregator, events);
      try {
        const result = await workerRun.done;
        endedAt = result.endedAt;
        maxInFlight = result.maxInFlight;
      } finally {
        clearInterval(balanceTimer);
      }
    }
  } catch (e) {
    if (!aborted) problems.push(e instanceof Error ? e.message : String(e));
    aborted = true;
  } finally {
    if (progressTimer !== undefined) clearInterval(progressTimer);
    hooks.signal?.removeEventListener("abort", onAbort);
  }
  aggregator.finish();

  const scenarioMs = Math.max(1, endedAt);
  const thresholds: ThresholdResult[] = loaded.thresholds.map((e) => ({
    kind: "threshold",
    ...evaluateThreshold(e, aggregator, scenarioMs),
  }));
  if (!aborted && target !== undefined) {
    try {
      for (const inv of await checkInvariants(loaded.invariants, target, initial, aggregator.facts))
        thresholds.push({ kind: "invariant", ...inv });
    } catch (e) {
      problems.push(`invariants: ${e instanceof Error ? e.message : String(e)}`);
      aborted = true;
    }
  }
  try {
    await target?.close();
  } catch (e) {
    problems.push(`closing the target: ${e instanceof Error ? e.message : String(e)}`);
  }

  const checks = checkResults(loaded, aggregator);
  const load = loadSummary(loaded, aggregator, workers, scenarioMs, maxInFlight);
  let status: ScenarioStatus = "passed";
  if (aborted) status = "aborted";
  else if (load.saturated) status = "saturated";
  else if (thresholds.some((t) => !t.ok) || checks.some((c) => c.failures > 0)) status = "failed";
  const result: ScenarioResult = {
    name: loaded.spec.name,
    file: loaded.file,
    status,
    exitCode: STATUS_EXIT[status],
    seed: plan.seed,
    clock: virtual ? "virtual" : "real",
    target: core.type,
    startedAt,
    realMs: Math.round(performance.now() - realStart),
    scenarioMs,
    thresholds,
    checks,
    flows: flowResults(loaded, aggregator),
    load,
    metrics: metricTotals(aggregator),
    intervalMs,
    intervals: aggregator.intervals,
    problems,
  };
  hooks.progress?.finish();
  events("scenario-end", { scenario: result.name, status, exitCode: result.exitCode, thresholds, problems });
  return result;
}

function checkResults(loaded: LoadedScenario, agg: Aggregator): CheckResult[] {
  return loaded.checks.map((name) => ({
    name,
    passes: agg.counterTotal("scenario.checks", { check: name, result: "pass" }),
    failures: agg.counterTotal("scenario.checks", { check: name, result: "fail" }),
  }));
}

function flowResults(loaded: LoadedScenario, agg: Aggregator): FlowResult[] {
  return loaded.flows.map((name) => {
    const n = (status: string) => agg.counterTotal("scenario.flows", { flow: name, status });
    const d = agg.trendStats("scenario.flow.duration", { flow: name });
    return {
      name,
      started: agg.counterTotal("scenario.arrivals", { flow: name }),
      ok: n("ok"),
      failed: n("failed"),
      error: n("error"),
      interrupted: n("interrupted"),
      p50Ms: d.count > 0 ? d.p50 : undefined,
      p99Ms: d.count > 0 ? d.p99 : undefined,
    };
  });
}

function loadSummary(
  loaded: LoadedScenario,
  agg: Aggregator,
  workers: number,
  scenarioMs: number,
  maxInFlight: number,
): LoadSummary {
  const plan = loaded.plan;
  const started = agg.counterTotal("scenario.arrivals");
  const late = agg.counterTotal("scenario.arrivals.late");
  const dropped: Record<string, number> = {};
  for (const c of agg.counterSeries("scenario.arrivals.dropped"))
    dropped[c.tags.reason ?? "?"] = (dropped[c.tags.reason ?? "?"] ?? 0) + c.value;
  const droppedTotal = Object.values(dropped).reduce((a, b) => a + b, 0);
  const scheduled = started + droppedTotal;
  const lag = agg.trendStats("scenario.schedule.lag");
  const loop = agg.trendStats("scenario.eventloop.delay");
  let saturation: string | undefined;
  if (plan.model === "open" && scheduled > 0) {
    const missed = late + (dropped["in-flight-cap"] ?? 0);
    const ratio = missed / scheduled;
    // A couple of late arrivals in a short run (one GC pause) is noise, not a saturated generator.
    if (ratio > plan.maxLateRatio && missed >= MIN_MISSED) {
      saturation =
        `${missed} of ${scheduled} arrivals (${(ratio * 100).toFixed(2)}%) started more than ${plan.lateAfterMs}ms late or were dropped ` +
        `at the in-flight cap (limit ${(plan.maxLateRatio * 100).toFixed(2)}%); worst schedule lag ${lag.max.toFixed(1)}ms, ` +
        `event-loop delay up to ${Number.isNaN(loop.max) ? "-" : loop.max.toFixed(1)}ms`;
      if (workers === 0 && loaded.spec.core.type === "embedded" && loaded.spec.core.clock !== "virtual") {
        saturation +=
          "; the embedded core shares the generator's thread, so an overloaded core delays it too (load.workers: 1 separates them)";
      }
    }
  }
  const seconds = scenarioMs / 1000;
  return {
    model: plan.model,
    workers,
    scheduled,
    started,
    late,
    dropped,
    maxInFlight,
    lagP99Ms: lag.count > 0 ? lag.p99 : undefined,
    lagMaxMs: lag.count > 0 ? lag.max : undefined,
    eventLoopMaxMs: loop.count > 0 ? loop.max : undefined,
    offeredPerSecond: plan.model === "open" ? scheduled / seconds : undefined,
    startedPerSecond: started / seconds,
    saturated: saturation !== undefined,
    saturation,
  };
}

function metricTotals(agg: Aggregator): MetricTotals {
  const counters = [...agg.counters.values()]
    .map((c) => ({ key: c.key, value: c.value }))
    .sort((a, b) => a.key.localeCompare(b.key));
  const names = [...new Set([...agg.trends.values()].map((t) => t.name))].sort();
  const trends = names.flatMap((name) => {
    const unit = agg.catalogue.get(name)?.unit ?? "count";
    const series = [...agg.trends.values()].filter((t) => t.name === name);
    const merged = { key: name, unit, stats: agg.trendStats(name) };
    if (series.length <= 1) return [merged];
    return [merged, ...series.map((s) => ({ key: s.key, unit, stats: agg.trendStats(name, s.tags) }))];
  });
  return { counters, trends };
}
