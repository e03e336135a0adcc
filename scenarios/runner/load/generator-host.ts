/**
 * One generator thread's whole job, the same in the main thread and in a worker: compile the
 * scenario against this thread's metric set, build the subscriber pool for its partition, start
 * the generator on the timeline, and every interval hand over a metrics snapshot (with the
 * thread's worst event-loop delay, the first sign of a saturated generator).
 */
import { type IntervalHistogram, monitorEventLoopDelay } from "node:perf_hooks";
import { type CompiledScenario, compileScenario } from "../compile.js";
import { catalogueFor } from "../load-scenario.js";
import { type MetricSnapshot, MetricSet } from "../metrics/metric-set.js";
import { SubscriberPool, type SubscriberRecord } from "../population.js";
import type { Ports } from "../ports.js";
import type { Scenario } from "../scenario-types.js";
import { loadStepFiles, type PortName, stepExecutors } from "../step-registry.js";
import { type EventSink, Generator, type Partition } from "./generator.js";
import type { LoadPlan } from "./load-plan.js";
import { type Timeline, VirtualTimeline, VirtualTimeStalled } from "./timeline.js";

/** monitorEventLoopDelay's sampling period. */
const LOOP_RESOLUTION_MS = 10;

/** Plain data: crosses to a worker thread with postMessage. */
export interface HostConfig {
  readonly spec: Scenario;
  readonly subscribers: readonly SubscriberRecord[];
  readonly groups: readonly string[];
  readonly plan: LoadPlan;
  readonly partition: Partition;
  readonly intervalMs: number;
  readonly initialBalances: readonly (readonly [string, number])[];
  readonly ports: readonly PortName[];
}

export interface HostCallbacks {
  readonly onInterval: (index: number, snapshot: MetricSnapshot) => void;
  readonly events: EventSink;
  /** Called once the generator is running (for abort wiring). */
  readonly onStart?: (generator: Generator) => void;
}

export interface HostResult {
  /** Scenario time the schedule ended. */
  readonly endedAt: number;
  readonly maxInFlight: number;
}

/**
 * Loads the steps and compiles the scenario for this thread, before the clock starts: compiling
 * (and a worker's first imports) must not eat into the schedule.
 */
export async function prepareGeneratorHost(
  cfg: HostConfig,
  ports: Ports,
  virtual: boolean,
): Promise<PreparedHost> {
  await loadStepFiles();
  const metrics = new MetricSet(catalogueFor(stepExecutors().map((e) => e.name)));
  const compiled = compileScenario(cfg.spec, {
    population: { subscribers: cfg.subscribers, groups: cfg.groups },
    metrics,
    virtual,
    ports: new Set(cfg.ports),
  });
  return new PreparedHost(cfg, ports, metrics, compiled);
}

export class PreparedHost {
  constructor(
    private readonly cfg: HostConfig,
    private readonly ports: Ports,
    private readonly metrics: MetricSet,
    private readonly compiled: CompiledScenario,
  ) {}

  /** Runs the load from scenario time 0 of `timeline` until every flow has ended. */
  async run(timeline: Timeline, cb: HostCallbacks): Promise<HostResult> {
    const { cfg, metrics, compiled } = this;
    const { index, count } = cfg.partition;
    // With unique picks each thread owns a disjoint share, so no subscriber runs twice at once.
    const unique = compiled.flows.some((f) => f.pick === "unique");
    const pool = new SubscriberPool(
      cfg.subscribers,
      unique && count > 1 ? (s) => s.index % count === index : () => true,
    );
    const generator = new Generator({
      compiled,
      plan: cfg.plan,
      timeline,
      ports: this.ports,
      pool,
      metrics,
      partition: cfg.partition,
      initialBalances: new Map(cfg.initialBalances),
      events: cb.events,
    });

    let loopDelay: IntervalHistogram | undefined;
    if (!timeline.virtual) {
      loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
      loopDelay.enable();
    }
    const delayTrend = metrics.trend("scenario.eventloop.delay");
    let lastIndex = -1;
    const emit = (k: number): void => {
      if (loopDelay !== undefined && loopDelay.count > 0) {
        // The histogram holds whole timer periods (resolution included): what exceeds it is delay.
        delayTrend.record(Math.max(0, loopDelay.max / 1e6 - LOOP_RESOLUTION_MS));
        loopDelay.reset();
      }
      lastIndex = k;
      cb.onInterval(k, metrics.drain());
    };
    const tick = (k: number) => (): void => {
      if (generator.isFinished) return;
      emit(k);
      // After the hard stop only flows winding down remain; the last snapshot is taken at the end.
      if (!generator.stopping) timeline.at((k + 2) * cfg.intervalMs, tick(k + 1));
    };
    timeline.at(cfg.intervalMs, tick(0));

    generator.start();
    cb.onStart?.(generator);
    if (timeline instanceof VirtualTimeline) {
      await timeline.run(() => generator.isFinished);
      // Nothing left to schedule, yet flows are running: they wait on something that never comes.
      if (!generator.isFinished)
        throw new VirtualTimeStalled(`${generator.inFlight} flow(s) never finished in virtual time`);
    }
    await generator.done;
    emit(lastIndex + 1);
    timeline.dispose();
    loopDelay?.disable();
    return { endedAt: generator.endedAt, maxInFlight: generator.maxInFlight };
  }
}
