/**
 * Where a generator thread records: counters and HDR trends per series (metric + tag values), and
 * "facts" (a maximum per key, e.g. the highest throttled bandwidth granted to each subscriber).
 * Every interval the thread drains the set into a snapshot; snapshots merge in the aggregator,
 * directly or (from a worker thread) encoded.
 *
 * Hot path: a step resolves a series once (`counter.series({...})`) or through a small cache keyed
 * by the tag text, so recording is a field increment or one histogram record.
 */
import { encodeHistogram, type Histogram, newHistogram } from "./histogram.js";
import type { MetricCatalogue, MetricDecl } from "./metric-catalogue.js";

export type TagValues = Readonly<Record<string, string | number | boolean>>;

/** `gy.cca{result=2001,type=initial}`: the series key, tags in declaration order. */
export function seriesKey(decl: MetricDecl, tags: TagValues | undefined): string {
  if (tags === undefined || decl.tags.length === 0) return decl.name;
  let inner = "";
  for (const t of decl.tags) {
    const v = tags[t];
    if (v === undefined) continue;
    inner += inner === "" ? `${t}=${String(v)}` : `,${t}=${String(v)}`;
  }
  return inner === "" ? decl.name : `${decl.name}{${inner}}`;
}

function checkTags(decl: MetricDecl, tags: TagValues | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (tags === undefined) return out;
  for (const [k, v] of Object.entries(tags)) {
    if (!decl.tags.includes(k)) throw new Error(`metric ${decl.name} has no tag "${k}"`);
    out[k] = String(v);
  }
  return out;
}

export class CounterSeries {
  value = 0;
  constructor(
    readonly decl: MetricDecl,
    readonly key: string,
    readonly tags: Readonly<Record<string, string>>,
  ) {}
  add(n = 1): void {
    this.value += n;
  }
}

export class TrendSeries {
  hist: Histogram | undefined;
  /** Durations are recorded in µs; other units as given. */
  private readonly scale: number;
  constructor(
    readonly decl: MetricDecl,
    readonly key: string,
    readonly tags: Readonly<Record<string, string>>,
  ) {
    this.scale = decl.unit === "ms" ? 1000 : 1;
  }
  /** A value in the metric's unit (milliseconds for durations). */
  record(value: number): void {
    const v = Math.max(0, Math.round(value * this.scale));
    (this.hist ??= newHistogram()).recordValue(v);
  }
}

abstract class Handle<S> {
  private readonly cache = new Map<string, S>();
  constructor(readonly decl: MetricDecl) {}
  protected abstract make(key: string, tags: Record<string, string>): S;
  /** The series for these tag values (created once, then cached by key). */
  series(tags?: TagValues): S {
    const key = seriesKey(this.decl, tags);
    let s = this.cache.get(key);
    if (s === undefined) {
      s = this.make(key, checkTags(this.decl, tags));
      this.cache.set(key, s);
    }
    return s;
  }
}

export class CounterHandle extends Handle<CounterSeries> {
  constructor(
    decl: MetricDecl,
    private readonly owner: MetricSet,
  ) {
    super(decl);
  }
  protected make(key: string, tags: Record<string, string>): CounterSeries {
    return this.owner.registerCounter(new CounterSeries(this.decl, key, tags));
  }
  add(tags?: TagValues, n = 1): void {
    this.series(tags).add(n);
  }
}

export class TrendHandle extends Handle<TrendSeries> {
  constructor(
    decl: MetricDecl,
    private readonly owner: MetricSet,
  ) {
    super(decl);
  }
  protected make(key: string, tags: Record<string, string>): TrendSeries {
    return this.owner.registerTrend(new TrendSeries(this.decl, key, tags));
  }
  record(value: number, tags?: TagValues): void {
    this.series(tags).record(value);
  }
}

export interface CounterPoint {
  readonly name: string;
  readonly key: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface TrendPoint<H = Histogram> {
  readonly name: string;
  readonly key: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly hist: H;
}

/** What one thread recorded in one interval. `H` is Histogram in-thread, string when encoded. */
export interface MetricSnapshot<H = Histogram> {
  readonly counters: readonly CounterPoint[];
  readonly trends: readonly TrendPoint<H>[];
  readonly facts: readonly (readonly [string, number])[];
}

export class MetricSet {
  private readonly counters: CounterSeries[] = [];
  private readonly trends: TrendSeries[] = [];
  private readonly counterHandles = new Map<string, CounterHandle>();
  private readonly trendHandles = new Map<string, TrendHandle>();
  private facts = new Map<string, number>();

  constructor(readonly catalogue: MetricCatalogue) {}

  counter(name: string): CounterHandle {
    let h = this.counterHandles.get(name);
    if (h === undefined) {
      const decl = this.catalogue.get(name);
      if (decl?.kind !== "counter") throw new Error(`no counter metric "${name}" in the catalogue`);
      h = new CounterHandle(decl, this);
      this.counterHandles.set(name, h);
    }
    return h;
  }

  trend(name: string): TrendHandle {
    let h = this.trendHandles.get(name);
    if (h === undefined) {
      const decl = this.catalogue.get(name);
      if (decl?.kind !== "trend") throw new Error(`no trend metric "${name}" in the catalogue`);
      h = new TrendHandle(decl, this);
      this.trendHandles.set(name, h);
    }
    return h;
  }

  /** Keeps the largest value seen for `key` (merged across threads with max). */
  fact(key: string, value: number): void {
    const old = this.facts.get(key);
    if (old === undefined || value > old) this.facts.set(key, value);
  }

  /** @internal */
  registerCounter(s: CounterSeries): CounterSeries {
    this.counters.push(s);
    return s;
  }

  /** @internal */
  registerTrend(s: TrendSeries): TrendSeries {
    this.trends.push(s);
    return s;
  }

  /** Takes what was recorded since the last drain and starts afresh. */
  drain(): MetricSnapshot {
    const counters: CounterPoint[] = [];
    for (const s of this.counters) {
      if (s.value === 0) continue;
      counters.push({ name: s.decl.name, key: s.key, tags: s.tags, value: s.value });
      s.value = 0;
    }
    const trends: TrendPoint[] = [];
    for (const s of this.trends) {
      if (s.hist === undefined || s.hist.totalCount === 0) continue;
      trends.push({ name: s.decl.name, key: s.key, tags: s.tags, hist: s.hist });
      s.hist = undefined;
    }
    const facts = [...this.facts];
    this.facts = new Map();
    return { counters, trends, facts };
  }
}

/** For postMessage: histograms as compressed base64. */
export function encodeSnapshot(s: MetricSnapshot): MetricSnapshot<string> {
  return {
    counters: s.counters,
    trends: s.trends.map((t) => ({ ...t, hist: encodeHistogram(t.hist) })),
    facts: s.facts,
  };
}
