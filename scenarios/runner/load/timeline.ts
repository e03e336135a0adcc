/**
 * Scenario time. Everything the generator schedules (arrivals, think times, paced data, interval
 * ticks) goes into one timer heap keyed by absolute scenario time (ms since the run started):
 *  - RealTimeline arms a single setTimeout for the earliest entry, and on waking runs every entry
 *    already due, so a late wake-up catches up instead of drifting (k6 `period × i`, load.md §6.4);
 *  - VirtualTimeline is a discrete-event loop: it lets in-flight work settle, moves the core's
 *    VirtualClock to the next entry and runs it, so a month of scenario time takes as long as the
 *    work in it.
 */
import { performance } from "node:perf_hooks";
import { setImmediate as yieldToLoop } from "node:timers/promises";
import type { VirtualClock } from "../../../core/clock/virtual-clock.js";

interface Entry {
  readonly t: number;
  readonly seq: number;
  readonly fn: () => void;
}

/** A binary min-heap on (t, seq): equal times run in the order they were scheduled. */
export class TimerHeap {
  private readonly items: Entry[] = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  peek(): Entry | undefined {
    return this.items[0];
  }

  push(t: number, fn: () => void): void {
    const items = this.items;
    const e: Entry = { t, seq: this.seq++, fn };
    let i = items.push(e) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent] as Entry;
      if (p.t < e.t || (p.t === e.t && p.seq < e.seq)) break;
      items[i] = p;
      i = parent;
    }
    items[i] = e;
  }

  pop(): Entry | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let i = 0;
    const n = items.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const lc = items[l] as Entry;
      const rc = items[r];
      const c = rc !== undefined && (rc.t < lc.t || (rc.t === lc.t && rc.seq < lc.seq)) ? r : l;
      const child = items[c] as Entry;
      if (last.t < child.t || (last.t === child.t && last.seq < child.seq)) break;
      items[i] = child;
      i = c;
    }
    items[i] = last;
    return top;
  }
}

export interface Timeline {
  readonly virtual: boolean;
  /** Scenario ms since the start. */
  now(): number;
  /** Runs `fn` at scenario time `t` (at once if `t` has passed). */
  at(t: number, fn: () => void): void;
  sleepUntil(t: number): Promise<void>;
  /** Drops everything still scheduled (the run is over). */
  dispose(): void;
  /** Work started outside the heap (a request in flight): the virtual loop waits for it. */
  begin(): void;
  end(): void;
}

/** Real time from `originMs` on the performance clock (so threads can share one origin). */
export class RealTimeline implements Timeline {
  readonly virtual = false;
  private readonly heap = new TimerHeap();
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Number.POSITIVE_INFINITY;

  constructor(private readonly originMs = performance.now()) {}

  now(): number {
    return performance.now() - this.originMs;
  }

  at(t: number, fn: () => void): void {
    this.heap.push(t, fn);
    if (t < this.armedFor) this.arm();
  }

  sleepUntil(t: number): Promise<void> {
    return new Promise((resolve) => this.at(t, resolve));
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Number.NEGATIVE_INFINITY;
    while (this.heap.pop() !== undefined);
  }

  begin(): void {}
  end(): void {}

  private arm(): void {
    const head = this.heap.peek();
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (head === undefined) {
      this.armedFor = Number.POSITIVE_INFINITY;
      return;
    }
    this.armedFor = head.t;
    this.timer = setTimeout(() => this.fire(), Math.max(0, head.t - this.now()));
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    const now = this.now();
    // Bounded catch-up: at most 50,000 entries per wake-up, then yield to I/O and continue.
    for (let n = 0; n < 50_000; n++) {
      const head = this.heap.peek();
      if (head === undefined || head.t > now) break;
      this.heap.pop();
      head.fn();
    }
    this.arm();
  }
}

export class VirtualTimeStalled extends Error {
  override readonly name = "VirtualTimeStalled";
}

/**
 * Scenario time on a VirtualClock. `run()` drives it: settle (every begun request ended), move the
 * clock to the earliest entry (the core's own timers — fees, Tcc — fire on the way, in order) and
 * run all entries due then; until nothing is scheduled.
 */
export class VirtualTimeline implements Timeline {
  readonly virtual = true;
  private readonly heap = new TimerHeap();
  private readonly origin: number;
  private inFlight = 0;

  constructor(private readonly clock: VirtualClock) {
    this.origin = clock.now();
  }

  now(): number {
    return this.clock.now() - this.origin;
  }

  at(t: number, fn: () => void): void {
    this.heap.push(Math.max(t, this.now()), fn);
  }

  sleepUntil(t: number): Promise<void> {
    return new Promise((resolve) => this.at(t, resolve));
  }

  dispose(): void {
    while (this.heap.pop() !== undefined);
  }

  begin(): void {
    this.inFlight++;
  }

  end(): void {
    this.inFlight--;
  }

  /** Lets microtasks and in-process I/O finish; bounded so a request that never ends is reported. */
  private async settle(): Promise<void> {
    for (let turns = 0; turns < 100_000; turns++) {
      await yieldToLoop();
      if (this.inFlight === 0) return;
    }
    throw new VirtualTimeStalled(`${this.inFlight} request(s) never finished in virtual time`);
  }

  /** Runs until the heap is empty or `shouldStop()`; `maxSteps` bounds the loop. */
  async run(shouldStop: () => boolean = () => false, maxSteps = 100_000_000): Promise<void> {
    for (let steps = 0; steps < maxSteps; steps++) {
      await this.settle();
      if (shouldStop()) return;
      const head = this.heap.peek();
      if (head === undefined) return;
      const target = head.t + this.origin;
      if (target > this.clock.now()) this.clock.advance(target - this.clock.now());
      for (
        let e = this.heap.peek();
        e !== undefined && e.t + this.origin <= this.clock.now();
        e = this.heap.peek()
      ) {
        this.heap.pop();
        e.fn();
      }
    }
    throw new VirtualTimeStalled(`more than ${maxSteps} scheduling steps`);
  }
}
