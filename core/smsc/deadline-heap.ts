/**
 * Many deadlines, one clock timer: a binary min-heap of (time, item) with a single timer armed for
 * the earliest. Scheduled deliveries, retries and expiries of half a million messages would
 * otherwise each hold a timer (and a virtual clock scans its timers on every step). Entries are
 * never removed early: the callback checks whether the item still wants that deadline.
 */
import type { Clock, TimerHandle } from "../clock/clock.js";

interface Entry<T> {
  at: number;
  seq: number;
  item: T;
}

export class DeadlineHeap<T> {
  private readonly heap: Entry<T>[] = [];
  private seq = 0;
  private timer: TimerHandle | undefined;
  private armedAt = Infinity;
  private closed = false;
  private firing = false;

  constructor(
    private readonly clock: Clock,
    /** Called for each entry that falls due, in time order. */
    private readonly due: (item: T, at: number) => void,
    /** Where an exception of `due` goes (it must not escape into the clock's timer). */
    private readonly onError: (error: unknown) => void,
    /** The most entries run per timer callback before yielding to a new timer. */
    private readonly batch = 10_000,
  ) {}

  get size(): number {
    return this.heap.length;
  }

  add(at: number, item: T): void {
    if (this.closed) return;
    const entry: Entry<T> = { at, seq: this.seq++, item };
    const h = this.heap;
    h.push(entry);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent] as Entry<T>;
      if (!before(entry, p)) break;
      h[i] = p;
      i = parent;
    }
    h[i] = entry;
    if (at < this.armedAt && !this.firing) this.arm();
  }

  /** Stops the timer and forgets every entry. */
  close(): void {
    this.closed = true;
    this.timer?.cancel();
    this.timer = undefined;
    this.heap.length = 0;
  }

  private arm(): void {
    const first = this.heap[0];
    this.timer?.cancel();
    if (first === undefined || this.closed) {
      this.timer = undefined;
      this.armedAt = Infinity;
      return;
    }
    this.armedAt = first.at;
    this.timer = this.clock.setTimer(Math.max(0, first.at - this.clock.now()), () => this.fire());
  }

  private fire(): void {
    this.timer = undefined;
    this.armedAt = Infinity;
    const now = this.clock.now();
    this.firing = true;
    try {
      for (let n = 0; n < this.batch; n++) {
        const first = this.heap[0];
        if (first === undefined || first.at > now) break;
        this.pop();
        try {
          this.due(first.item, first.at);
        } catch (e) {
          this.onError(e);
        }
        if (this.closed) return;
      }
    } finally {
      this.firing = false;
    }
    this.arm();
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop();
    if (last === undefined || h.length === 0) return;
    let i = 0;
    const n = h.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && before(h[r] as Entry<T>, h[l] as Entry<T>) ? r : l;
      const c = h[child] as Entry<T>;
      if (!before(c, last)) break;
      h[i] = c;
      i = child;
    }
    h[i] = last;
  }
}

function before<T>(a: Entry<T>, b: Entry<T>): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
