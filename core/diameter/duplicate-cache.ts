/**
 * Duplicate detection (RFC 6733 §5.5.4, §6.1.9): answers are remembered by Origin-Host and
 * End-to-End id for a window, so a request retransmitted with the T flag (after a failover) gets
 * the first answer again instead of being charged twice. A request whose first copy is still
 * being processed waits for that answer.
 */
import type { Clock } from "../clock/clock.js";

/** The answers remembered for one Origin-Host. */
interface HostEntries {
  readonly originHost: string;
  readonly byEndToEnd: Map<number, Entry>;
}

interface Entry {
  readonly host: HostEntries;
  /** The End-to-End id as a signed 32-bit integer. */
  readonly key: number;
  readonly at: number;
  answer: Buffer | undefined;
  /** Duplicates waiting for the answer; created on the first one. */
  waiters: ((answer: Buffer) => void)[] | undefined;
}

export interface DuplicateCacheOptions {
  /** How long an answer is kept (default 60 s). */
  readonly windowMs?: number;
  /** Most answers kept; the oldest go first (default 500,000). */
  readonly maxEntries?: number;
}

/**
 * One map per Origin-Host keyed by the End-to-End id as a signed 32-bit integer (a small
 * integer to V8): no key string is built and kept per request (half the cost in a micro-benchmark).
 */
export class DuplicateCache {
  private readonly hosts = new Map<string, HostEntries>();
  private count = 0;
  /**
   * Entries in insertion order, oldest at `head`, for eviction. Iterating a Map from its start
   * instead walks over every slot deleted since V8 last rehashed it: O(n) per insert once the
   * cache is full. An entry replaced by a later begin() of the same id stays here, stale,
   * until it reaches the head.
   */
  private order: (Entry | undefined)[] = [];
  private head = 0;
  private readonly windowMs: number;
  private readonly maxEntries: number;

  constructor(
    private readonly clock: Clock,
    options: DuplicateCacheOptions = {},
  ) {
    this.windowMs = options.windowMs ?? 60_000;
    this.maxEntries = options.maxEntries ?? 500_000;
  }

  get size(): number {
    return this.count;
  }

  /**
   * For a retransmitted request: the stored answer, a promise of the answer still being
   * produced, or undefined when the request was never seen (process it).
   */
  lookup(originHost: string, endToEnd: number): Buffer | Promise<Buffer> | undefined {
    const e = this.hosts.get(originHost)?.byEndToEnd.get(endToEnd | 0);
    if (e === undefined || this.clock.now() - e.at > this.windowMs) return undefined;
    if (e.answer !== undefined) return e.answer;
    return new Promise((resolve) => {
      if (e.waiters === undefined) e.waiters = [resolve];
      else e.waiters.push(resolve);
    });
  }

  /** Marks a request as being processed. */
  begin(originHost: string, endToEnd: number): void {
    const now = this.clock.now();
    this.evict(now);
    let host = this.hosts.get(originHost);
    if (host === undefined) {
      host = { originHost, byEndToEnd: new Map() };
      this.hosts.set(originHost, host);
    }
    const key = endToEnd | 0;
    const entry: Entry = { host, key, at: now, answer: undefined, waiters: undefined };
    if (!host.byEndToEnd.has(key)) this.count++;
    host.byEndToEnd.set(key, entry);
    this.order.push(entry);
  }

  /** Stores the answer sent for a request and releases duplicates waiting for it. */
  complete(originHost: string, endToEnd: number, answer: Buffer): void {
    const e = this.hosts.get(originHost)?.byEndToEnd.get(endToEnd | 0);
    if (e === undefined) return;
    e.answer = answer;
    const waiters = e.waiters;
    e.waiters = undefined;
    if (waiters !== undefined) for (const w of waiters) w(answer);
  }

  private evict(now: number): void {
    const order = this.order;
    while (this.head < order.length) {
      const oldest = order[this.head] as Entry;
      const host = oldest.host;
      const current = host.byEndToEnd.get(oldest.key) === oldest;
      const mustGo =
        !current ||
        this.count >= this.maxEntries ||
        now - oldest.at > this.windowMs ||
        order.length - this.head > 2 * this.maxEntries;
      if (!mustGo) break;
      if (current) {
        host.byEndToEnd.delete(oldest.key);
        this.count--;
        // Forget an Origin-Host with nothing cached: the host table stays bounded by the cache.
        if (host.byEndToEnd.size === 0 && this.hosts.get(host.originHost) === host) {
          this.hosts.delete(host.originHost);
        }
      }
      order[this.head++] = undefined; // let the answer be collected now
    }
    // Drop the evicted prefix once it is the larger part of the array (amortised O(1)).
    if (this.head > 1024 && this.head * 2 > order.length) {
      this.order = order.slice(this.head);
      this.head = 0;
    }
  }
}
