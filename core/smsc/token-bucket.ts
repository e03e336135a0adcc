/**
 * A token bucket on the injected clock: `rate` tokens per second, at most `capacity` saved up.
 * Refilled lazily from the elapsed time, so it needs no timer and runs on virtual time as well.
 */
import type { Clock } from "../clock/clock.js";

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly clock: Clock,
    /** Tokens per second; 0 or less = unlimited. */
    readonly rate: number,
    readonly capacity: number = Math.max(1, rate),
  ) {
    this.tokens = capacity;
    this.last = clock.now();
  }

  get unlimited(): boolean {
    return this.rate <= 0;
  }

  /** Takes one token; false when none is left. */
  take(): boolean {
    if (this.rate <= 0) return true;
    const now = this.clock.now();
    if (now > this.last) {
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) * this.rate) / 1000);
      this.last = now;
    } else if (now < this.last) {
      // the clock went back (a new virtual clock): start afresh
      this.last = now;
    }
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
