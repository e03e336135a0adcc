/**
 * Per-account daily quotas: segments accepted since the last midnight (UTC plus the configured
 * offset) on the injected clock. A submit reserves its segments before charging and gives them
 * back when it is refused, so submits in flight cannot overshoot the quota together.
 */
import type { Clock } from "../clock/clock.js";

const DAY_MS = 86_400_000;

interface Usage {
  day: number;
  used: number;
}

export class DailyQuotas {
  private readonly usage = new Map<string, Usage>();

  constructor(
    private readonly clock: Clock,
    private readonly utcOffsetMinutes: number,
  ) {}

  /** The day number (days since the epoch in local time) now. */
  private today(): number {
    return Math.floor((this.clock.now() + this.utcOffsetMinutes * 60_000) / DAY_MS);
  }

  private entry(key: string): Usage {
    const day = this.today();
    let u = this.usage.get(key);
    if (u === undefined) {
      u = { day, used: 0 };
      this.usage.set(key, u);
    } else if (u.day !== day) {
      u.day = day;
      u.used = 0;
    }
    return u;
  }

  /** Reserves `units` under `limit` (0 = unlimited); false when they do not fit today. */
  reserve(key: string, units: number, limit: number): boolean {
    const u = this.entry(key);
    if (limit > 0 && u.used + units > limit) return false;
    u.used += units;
    return true;
  }

  /** Gives back units reserved today (a refused submit). */
  release(key: string, units: number): void {
    const u = this.entry(key);
    u.used = Math.max(0, u.used - units);
  }

  /** Units used today. */
  used(key: string): number {
    return this.entry(key).used;
  }

  /** The instant of the next reset. */
  nextReset(): number {
    return (this.today() + 1) * DAY_MS - this.utcOffsetMinutes * 60_000;
  }
}
