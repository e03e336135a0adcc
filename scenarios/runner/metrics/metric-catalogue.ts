/**
 * The metric catalogue: every metric a run can record, declared up front by the runner and by the
 * step executors. Thresholds are checked against it when the scenario is loaded, so a typo in a
 * threshold is a validation error, not a threshold that silently never fails (k6 #1526).
 *
 * Counters count events (a tag set per series); trends keep an HDR histogram per series. Durations
 * are recorded in microseconds and shown and compared in milliseconds.
 */

export type MetricKind = "counter" | "trend";
export type MetricUnit = "ms" | "kbps" | "octets" | "count";

export interface MetricDecl {
  readonly name: string;
  readonly kind: MetricKind;
  /** Trends only: what a recorded value means (ms = a duration recorded in µs). */
  readonly unit?: MetricUnit;
  /** Tag names a series of this metric may carry (in this order in series keys). */
  readonly tags: readonly string[];
  readonly description: string;
}

/** Metrics of the runner itself (schedule, flows, checks), present in every run. */
export const RUNNER_METRICS: readonly MetricDecl[] = [
  {
    name: "scenario.arrivals",
    kind: "counter",
    tags: ["flow"],
    description: "flow instances started (open model: arrivals; closed model: iterations)",
  },
  {
    name: "scenario.arrivals.late",
    kind: "counter",
    tags: [],
    description: "arrivals started later than load.lateAfter after their intended time",
  },
  {
    name: "scenario.arrivals.dropped",
    kind: "counter",
    tags: ["reason"],
    description: "arrivals not started: in-flight-cap (load.maxInFlight) or no-subscriber (unique pick)",
  },
  {
    name: "scenario.schedule.lag",
    kind: "trend",
    unit: "ms",
    tags: [],
    description: "actual start − intended start of each arrival",
  },
  {
    name: "scenario.flows",
    kind: "counter",
    tags: ["flow", "status"],
    description: "flow instances ended: ok, failed (an aborting check), error (a step failed), interrupted",
  },
  {
    name: "scenario.flow.duration",
    kind: "trend",
    unit: "ms",
    tags: ["flow"],
    description: "flow instance duration from its intended start",
  },
  {
    name: "scenario.checks",
    kind: "counter",
    tags: ["check", "result"],
    description: "check step outcomes: pass or fail",
  },
  {
    name: "scenario.eventloop.delay",
    kind: "trend",
    unit: "ms",
    tags: [],
    description: "worst event-loop delay of the generator thread per interval",
  },
];

export class MetricCatalogue {
  private readonly byName = new Map<string, { decl: MetricDecl; owner: string }>();

  constructor(groups: readonly { owner: string; metrics: readonly MetricDecl[] }[] = []) {
    this.add("runner", RUNNER_METRICS);
    for (const g of groups) this.add(g.owner, g.metrics);
  }

  /** Declares metrics; the same declaration from several steps (shared Gy metrics) is fine. */
  add(owner: string, metrics: readonly MetricDecl[]): void {
    for (const m of metrics) {
      const known = this.byName.get(m.name);
      if (known === undefined) this.byName.set(m.name, { decl: m, owner });
      else if (known.decl.kind !== m.kind || known.decl.tags.join() !== m.tags.join()) {
        throw new Error(`metric ${m.name} is declared differently by ${known.owner} and ${owner}`);
      }
    }
  }

  get(name: string): MetricDecl | undefined {
    return this.byName.get(name)?.decl;
  }

  ownerOf(name: string): string | undefined {
    return this.byName.get(name)?.owner;
  }

  all(): MetricDecl[] {
    return [...this.byName.values()].map((v) => v.decl);
  }
}
