/**
 * The load generator of one thread. Open model: arrivals at their intended times from the
 * schedule, each starting a flow instance that runs on its own (sending is never held back by
 * answers); an arrival that starts late is counted, one that cannot start (in-flight cap, no free
 * subscriber) is dropped and counted — the offered rate is never silently lowered (SIPp `-l`,
 * load.md §6.2). Closed model: `users` loops running flows back to back (coordinated omission is
 * inherent there, and the report says which model ran).
 *
 * With several threads the arrival sequence is striped (arrival n runs on thread n mod W, k6
 * execution segments) and every thread draws arrival n's randomness from stream n of the seed, so
 * flow choices do not depend on the thread count.
 */
import { performance } from "node:perf_hooks";
import { SeededRandom } from "../../../sim/random.js";
import type { CompiledFlow, CompiledScenario } from "../compile.js";
import { uniform01 } from "../distribution.js";
import { FlowAborted, type FlowContext, type LastResult, StepError } from "../flow-context.js";
import type {
  CounterHandle,
  CounterSeries,
  MetricSet,
  TrendHandle,
  TrendSeries,
} from "../metrics/metric-set.js";
import type { SubscriberPool } from "../population.js";
import type { Ports, SubscriberRef } from "../ports.js";
import { ArrivalCursor, ArrivalSchedule } from "./arrivals.js";
import type { LoadPlan } from "./load-plan.js";
import type { Timeline } from "./timeline.js";

export interface Partition {
  readonly index: number;
  readonly count: number;
}

export type EventSink = (type: string, data: Readonly<Record<string, unknown>>) => void;

export interface GeneratorDeps {
  readonly compiled: CompiledScenario;
  readonly plan: LoadPlan;
  readonly timeline: Timeline;
  readonly ports: Ports;
  readonly pool: SubscriberPool;
  readonly metrics: MetricSet;
  readonly partition: Partition;
  readonly initialBalances: ReadonlyMap<string, number>;
  readonly events: EventSink;
  /** Real-time bound on waiting for flows after the hard stop (default 30 s). */
  readonly drainMs?: number;
}

const EVENTS_PER_TYPE = 200;
const TWO_32 = 4294967296;

type FlowStatus = "ok" | "failed" | "error" | "interrupted";

interface FlowSeries {
  readonly arrivals: CounterSeries;
  readonly duration: TrendSeries;
  readonly ended: Readonly<Record<FlowStatus, CounterSeries>>;
}

export class Generator {
  private readonly arrivals: CounterHandle;
  private readonly late: CounterSeries;
  private readonly dropped: CounterHandle;
  private readonly lag: TrendSeries;
  private readonly flowsEnded: CounterHandle;
  private readonly flowDuration: TrendHandle;
  private readonly checks: CounterHandle;
  /** Per-flow series, resolved once (no tag objects on the hot path). */
  private readonly perFlow = new Map<string, FlowSeries>();
  private readonly root: SeededRandom;
  private readonly weights: number[];
  private readonly totalWeight: number;
  private readonly sleepers = new Set<() => void>();
  private readonly eventCounts = new Map<string, number>();
  private cursor: ArrivalCursor | undefined;
  private scheduleEnded = false;
  private stoppingNow = false;
  private running = 0;
  private vusRunning = 0;
  private finished = false;
  private resolveDone: (() => void) | undefined;
  /** Scenario time the schedule ended (the run's measured span). */
  endedAt = 0;
  maxInFlight = 0;
  readonly done: Promise<void>;

  constructor(private readonly d: GeneratorDeps) {
    const m = d.metrics;
    this.arrivals = m.counter("scenario.arrivals");
    this.late = m.counter("scenario.arrivals.late").series();
    this.dropped = m.counter("scenario.arrivals.dropped");
    this.lag = m.trend("scenario.schedule.lag").series();
    this.flowsEnded = m.counter("scenario.flows");
    this.flowDuration = m.trend("scenario.flow.duration");
    this.checks = m.counter("scenario.checks");
    this.root = SeededRandom.from(d.plan.seed);
    this.weights = d.compiled.flows.map((f) => f.weight);
    for (const f of d.compiled.flows) {
      this.perFlow.set(f.name, {
        arrivals: this.arrivals.series({ flow: f.name }),
        duration: this.flowDuration.series({ flow: f.name }),
        ended: {
          ok: this.flowsEnded.series({ flow: f.name, status: "ok" }),
          failed: this.flowsEnded.series({ flow: f.name, status: "failed" }),
          error: this.flowsEnded.series({ flow: f.name, status: "error" }),
          interrupted: this.flowsEnded.series({ flow: f.name, status: "interrupted" }),
        },
      });
    }
    this.totalWeight = this.weights.reduce((a, b) => a + b, 0);
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  get inFlight(): number {
    return this.running;
  }

  get stopping(): boolean {
    return this.stoppingNow;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  /** Schedules the load from scenario time 0 of the timeline. */
  start(): void {
    const { plan, timeline } = this.d;
    if (plan.durationMs !== Number.POSITIVE_INFINITY) {
      timeline.at(plan.durationMs, () => this.endSchedule());
      timeline.at(plan.durationMs + plan.gracefulStopMs, () => this.hardStop());
    }
    if (plan.model === "open" && plan.rates !== undefined) {
      const poisson = plan.poisson ? SeededRandom.from(`${plan.seed}/arrivals`) : undefined;
      this.cursor = new ArrivalCursor(new ArrivalSchedule(plan.rates), poisson);
      this.armArrivals();
    } else {
      const { count, index } = this.d.partition;
      for (let u = index; u < plan.users; u += count) {
        this.vusRunning++;
        const offset = plan.users <= 1 ? 0 : (plan.rampUpMs * u) / plan.users;
        timeline.at(offset, () => void this.virtualUser(u));
      }
      if (this.vusRunning === 0) this.endSchedule();
    }
  }

  /** Stops at once (an abort): no more arrivals, sleepers woken, sessions end. */
  abort(): void {
    this.endSchedule();
    this.hardStop();
  }

  private endSchedule(): void {
    if (this.scheduleEnded) return;
    this.scheduleEnded = true;
    this.endedAt = Math.min(this.d.timeline.now(), this.d.plan.durationMs);
    this.maybeDone();
  }

  private hardStop(): void {
    if (this.stoppingNow || this.finished) return;
    this.stoppingNow = true;
    for (const wake of [...this.sleepers]) wake();
    if (!this.d.timeline.virtual) {
      // Flows get a bounded time to send their CCR-Ts; whatever is left is abandoned.
      setTimeout(() => this.finish(), this.d.drainMs ?? 30_000).unref();
    }
  }

  private maybeDone(): void {
    if (this.scheduleEnded && this.running === 0 && this.vusRunning === 0) this.finish();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (!this.scheduleEnded) this.endSchedule();
    this.resolveDone?.();
  }

  // ---- Open model ---------------------------------------------------------------------------

  private armArrivals(): void {
    const cursor = this.cursor;
    if (cursor === undefined) return;
    const { count, index } = this.d.partition;
    while (cursor.index % count !== index) cursor.next();
    const due = cursor.due();
    if (due === undefined || due >= this.d.plan.durationMs || this.scheduleEnded) {
      this.endSchedule();
      return;
    }
    this.d.timeline.at(due, this.onArrivalTick);
  }

  private readonly onArrivalTick = (): void => {
    const cursor = this.cursor;
    if (cursor === undefined || this.scheduleEnded) return;
    const now = this.d.timeline.now();
    const { count, index } = this.d.partition;
    // Bounded catch-up per wake-up; the rest continues on the next turn of the loop.
    for (let n = 0; n < 10_000; n++) {
      while (cursor.index % count !== index) cursor.next();
      const due = cursor.due();
      if (due === undefined || due >= this.d.plan.durationMs) {
        this.endSchedule();
        return;
      }
      if (due > now) break;
      this.arrive(cursor.index, due, now);
      cursor.next();
    }
    this.armArrivals();
  };

  private arrive(n: number, due: number, now: number): void {
    const lag = now - due;
    this.lag.record(lag);
    if (lag > this.d.plan.lateAfterMs) this.late.add();
    if (this.running >= this.d.plan.maxInFlight) {
      this.dropped.add({ reason: "in-flight-cap" });
      return;
    }
    const rng = this.root.stream(n);
    const flow = this.pickFlow(rng);
    const subscriber = this.d.pool.acquire(flow.groups, flow.pick, rng);
    if (subscriber === undefined) {
      this.dropped.add({ reason: "no-subscriber" });
      return;
    }
    void this.runFlow(flow, subscriber, rng, due);
  }

  // ---- Closed model -------------------------------------------------------------------------

  private async virtualUser(u: number): Promise<void> {
    const { plan, timeline } = this.d;
    const root = SeededRandom.from(`${plan.seed}/users`);
    try {
      for (let i = 0; plan.iterations === undefined || i < plan.iterations; i++) {
        if (this.scheduleEnded || this.stoppingNow) break;
        const rng = root.stream(u * TWO_32 + i);
        const flow = this.pickFlow(rng);
        const subscriber = this.d.pool.acquire(flow.groups, flow.pick, rng);
        if (subscriber === undefined) {
          this.dropped.add({ reason: "no-subscriber" });
          await this.sleep(timeline.now() + 100);
          continue;
        }
        await this.runFlow(flow, subscriber, rng, timeline.now());
      }
    } finally {
      this.vusRunning--;
      if (this.vusRunning === 0 && this.d.plan.model === "closed") this.endSchedule();
      this.maybeDone();
    }
  }

  // ---- Flow instances -----------------------------------------------------------------------

  private pickFlow(rng: SeededRandom): CompiledFlow {
    const flows = this.d.compiled.flows;
    if (flows.length === 1) return flows[0] as CompiledFlow;
    let r = uniform01(rng) * this.totalWeight;
    for (let i = 0; i < flows.length; i++) {
      r -= this.weights[i] as number;
      if (r < 0) return flows[i] as CompiledFlow;
    }
    return flows[flows.length - 1] as CompiledFlow;
  }

  private sleep(t: number): Promise<void> {
    if (this.stoppingNow) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        if (this.sleepers.delete(wake)) resolve();
      };
      this.sleepers.add(wake);
      this.d.timeline.at(t, wake);
    });
  }

  private async runFlow(
    flow: CompiledFlow,
    subscriber: SubscriberRef,
    rng: SeededRandom,
    due: number,
  ): Promise<void> {
    this.running++;
    if (this.running > this.maxInFlight) this.maxInFlight = this.running;
    const series = this.perFlow.get(flow.name) as FlowSeries;
    series.arrivals.add();
    const ctx = new FlowRun(this, flow.name, subscriber, rng, due);
    let status: FlowStatus = "ok";
    try {
      await flow.run(ctx);
      if (this.stoppingNow) status = "interrupted";
    } catch (e) {
      if (e instanceof FlowAborted) status = "failed";
      else {
        status = "error";
        this.emit("flow-error", {
          flow: flow.name,
          msisdn: subscriber.msisdn,
          error: e instanceof StepError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e),
        });
      }
    } finally {
      series.ended[status].add();
      series.duration.record(this.d.timeline.now() - due);
      this.d.pool.release(subscriber, flow.pick);
      this.running--;
      this.maybeDone();
    }
  }

  /** @internal for FlowRun */
  recordCheck(name: string, ok: boolean, detail: string, flow: string, msisdn: string): void {
    this.checks.add({ check: name, result: ok ? "pass" : "fail" });
    if (!ok) this.emit("check-failed", { check: name, flow, msisdn, detail });
  }

  /** @internal */
  emit(type: string, data: Readonly<Record<string, unknown>>): void {
    const n = (this.eventCounts.get(type) ?? 0) + 1;
    this.eventCounts.set(type, n);
    if (n <= EVENTS_PER_TYPE) this.d.events(type, { t: this.d.timeline.now(), ...data });
    else if (n === EVENTS_PER_TYPE + 1) this.d.events("events-capped", { type, after: EVENTS_PER_TYPE });
  }

  /** @internal */
  get deps(): GeneratorDeps {
    return this.d;
  }

  /** @internal */
  sleepFor(t: number): Promise<void> {
    return this.sleep(t);
  }
}

class FlowRun implements FlowContext {
  intendedAt: number;
  last: LastResult = {};
  readonly ports: Ports;
  readonly population: SubscriberPool;
  readonly metrics: MetricSet;
  readonly virtual: boolean;
  readonly initialBalance: number | undefined;

  constructor(
    private readonly gen: Generator,
    readonly flow: string,
    readonly subscriber: SubscriberRef,
    readonly rng: SeededRandom,
    due: number,
  ) {
    const d = gen.deps;
    this.intendedAt = due;
    this.ports = d.ports;
    this.population = d.pool;
    this.metrics = d.metrics;
    this.virtual = d.timeline.virtual;
    this.initialBalance = d.initialBalances.get(subscriber.msisdn);
  }

  get stopping(): boolean {
    return this.gen.stopping;
  }

  now(): number {
    return this.gen.deps.timeline.now();
  }

  realNow(): number {
    return performance.now();
  }

  sleepUntil(t: number): Promise<void> {
    return this.gen.sleepFor(t);
  }

  check(name: string, ok: boolean, detail: string, abort: boolean): void {
    this.gen.recordCheck(name, ok, detail, this.flow, this.subscriber.msisdn);
    if (!ok && abort) throw new FlowAborted(`check ${name} failed: ${detail}`);
  }

  event(type: string, data: Readonly<Record<string, unknown>>): void {
    this.gen.emit(type, { flow: this.flow, msisdn: this.subscriber.msisdn, ...data });
  }
}
