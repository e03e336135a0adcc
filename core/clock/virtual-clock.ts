import type { Clock, TimerHandle } from "./clock.js";

interface Scheduled {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * A clock that moves only when told to. `advance(ms)` runs every timer that falls due, in time
 * order (ties in scheduling order), with `now()` equal to each timer's due time while it runs.
 */
export class VirtualClock implements Clock {
  private current: number;
  private seq = 0;
  private readonly queue: Scheduled[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const entry: Scheduled = { at: this.current + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.queue.push(entry);
    return {
      cancel: () => {
        entry.cancelled = true;
      },
    };
  }

  /** Moves time forward by `ms`, running due timers (including ones they schedule). */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const next = this.nextDue(target);
      if (next === undefined) break;
      this.current = next.at;
      next.fn();
    }
    this.current = target;
  }

  /** Number of timers still scheduled. */
  get pendingTimers(): number {
    return this.queue.filter((e) => !e.cancelled).length;
  }

  private nextDue(limit: number): Scheduled | undefined {
    let best = -1;
    for (let i = 0; i < this.queue.length; i++) {
      const e = this.queue[i] as Scheduled;
      if (e.cancelled || e.at > limit) continue;
      const b = this.queue[best];
      if (b === undefined || e.at < b.at || (e.at === b.at && e.seq < b.seq)) best = i;
    }
    if (best < 0) {
      for (let i = this.queue.length - 1; i >= 0; i--)
        if ((this.queue[i] as Scheduled).cancelled) this.queue.splice(i, 1);
      return undefined;
    }
    const [entry] = this.queue.splice(best, 1);
    return entry;
  }
}
