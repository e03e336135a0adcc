/**
 * Merges what the generator threads record: run totals per series (counters summed, HDR
 * histograms added) and a time series with one point per interval. A point is closed when every
 * thread has sent its snapshot for it (or at the end of the run), so a slow worker never splits
 * an interval's counts across two points.
 */
import { type Histogram, newHistogram, type TrendStats, trendStats } from "./histogram.js";
import type { MetricCatalogue } from "./metric-catalogue.js";
import type { MetricSnapshot } from "./metric-set.js";

export interface BalanceSample {
  /** Sum of the population's balances, kopecks. */
  readonly total: number;
  readonly min: number;
  /** Money held by open reservations, kopecks. */
  readonly held: number;
  /** Accounts below their floor right now. */
  readonly belowFloor: number;
}

export interface IntervalPoint {
  readonly index: number;
  /** Scenario time at the end of the interval, ms from the start. */
  readonly t: number;
  /** Count per series key in this interval. */
  readonly counters: Readonly<Record<string, number>>;
  /** Per metric name (all tags merged), in the metric's display unit. */
  readonly trends: Readonly<Record<string, TrendStats>>;
  balance?: BalanceSample;
}

export interface CounterTotal {
  readonly name: string;
  readonly key: string;
  readonly tags: Readonly<Record<string, string>>;
  value: number;
}

export interface TrendTotal {
  readonly name: string;
  readonly key: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly hist: Histogram;
}

interface OpenInterval {
  reports: number;
  readonly counters: Map<string, number>;
  readonly trends: Map<string, Histogram>;
  balance?: BalanceSample;
}

export type TagFilter = Readonly<Record<string, string>>;

function matches(tags: Readonly<Record<string, string>>, filter: TagFilter | undefined): boolean {
  if (filter === undefined) return true;
  for (const [k, v] of Object.entries(filter)) if (tags[k] !== v) return false;
  return true;
}

export class Aggregator {
  readonly counters = new Map<string, CounterTotal>();
  readonly trends = new Map<string, TrendTotal>();
  readonly facts = new Map<string, number>();
  readonly intervals: IntervalPoint[] = [];
  private readonly open = new Map<number, OpenInterval>();
  private lastClosed = -1;

  constructor(
    readonly catalogue: MetricCatalogue,
    readonly intervalMs: number,
    /** Threads that report each interval. */
    private readonly sources: number,
  ) {}

  /** One thread's snapshot for interval `index` (its histograms are taken over, not copied). */
  add(index: number, snapshot: MetricSnapshot): void {
    const slot = this.slot(index);
    for (const c of snapshot.counters) {
      const total = this.counters.get(c.key);
      if (total === undefined)
        this.counters.set(c.key, { name: c.name, key: c.key, tags: c.tags, value: c.value });
      else total.value += c.value;
      slot.counters.set(c.key, (slot.counters.get(c.key) ?? 0) + c.value);
    }
    for (const t of snapshot.trends) {
      const total = this.trends.get(t.key);
      if (total === undefined) {
        const hist = newHistogram();
        hist.add(t.hist);
        this.trends.set(t.key, { name: t.name, key: t.key, tags: t.tags, hist });
      } else total.hist.add(t.hist);
      let byName = slot.trends.get(t.name);
      if (byName === undefined) {
        byName = newHistogram();
        slot.trends.set(t.name, byName);
      }
      byName.add(t.hist);
    }
    for (const [k, v] of snapshot.facts) {
      const old = this.facts.get(k);
      if (old === undefined || v > old) this.facts.set(k, v);
    }
    slot.reports++;
    if (slot.reports >= this.sources) this.closeUpTo(index);
  }

  /** A balance sample taken at the end of interval `index` (main thread, embedded core). */
  sampleBalance(index: number, sample: BalanceSample): void {
    const point = this.intervals.find((p) => p.index === index);
    if (point !== undefined) point.balance = sample;
    else this.slot(index).balance = sample;
  }

  /** Closes every interval still open (the end of the run). */
  finish(): void {
    const last = Math.max(-1, ...this.open.keys());
    this.closeUpTo(last);
  }

  private slot(index: number): OpenInterval {
    let s = this.open.get(index);
    if (s === undefined) {
      s = { reports: 0, counters: new Map(), trends: new Map() };
      this.open.set(index, s);
    }
    return s;
  }

  private closeUpTo(index: number): void {
    for (let i = this.lastClosed + 1; i <= index; i++) {
      const s = this.open.get(i);
      this.open.delete(i);
      const trends: Record<string, TrendStats> = {};
      for (const [name, h] of s?.trends ?? []) {
        const decl = this.catalogue.get(name);
        trends[name] = trendStats(h, decl?.unit === "ms" ? 1000 : 1);
      }
      const point: IntervalPoint = {
        index: i,
        t: (i + 1) * this.intervalMs,
        counters: Object.fromEntries(s?.counters ?? []),
        trends,
      };
      if (s?.balance !== undefined) point.balance = s.balance;
      this.intervals.push(point);
    }
    this.lastClosed = Math.max(this.lastClosed, index);
  }

  /** Sum of a counter over the series whose tags match `filter`. */
  counterTotal(name: string, filter?: TagFilter): number {
    let sum = 0;
    for (const c of this.counters.values()) if (c.name === name && matches(c.tags, filter)) sum += c.value;
    return sum;
  }

  /** The series of a counter, for tables. */
  counterSeries(name: string): CounterTotal[] {
    return [...this.counters.values()].filter((c) => c.name === name);
  }

  /** The merged histogram of a trend over the series whose tags match `filter`. */
  trendHistogram(name: string, filter?: TagFilter): Histogram {
    const merged = newHistogram();
    for (const t of this.trends.values()) if (t.name === name && matches(t.tags, filter)) merged.add(t.hist);
    return merged;
  }

  trendStats(name: string, filter?: TagFilter): TrendStats {
    const decl = this.catalogue.get(name);
    return trendStats(this.trendHistogram(name, filter), decl?.unit === "ms" ? 1000 : 1);
  }

  /** Counter sums over the last `n` closed intervals, for live rates. */
  recent(n: number): {
    ms: number;
    sum: (name: string, filter?: TagFilter) => number;
    points: IntervalPoint[];
  } {
    const points = this.intervals.slice(-n);
    return {
      ms: points.length * this.intervalMs,
      points,
      sum: (name, filter) => {
        let s = 0;
        for (const p of points) {
          for (const [key, v] of Object.entries(p.counters)) {
            const c = this.counters.get(key);
            if (c !== undefined && c.name === name && matches(c.tags, filter)) s += v;
          }
        }
        return s;
      },
    };
  }
}
