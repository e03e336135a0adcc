/**
 * The one clock every component takes: real wall time in production, a virtual clock in tests
 * and scenarios (a month of fees runs in seconds). Times are milliseconds since the Unix epoch.
 */
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  now(): number;
  /** Runs `fn` once after `ms`. The timer does not keep the process alive. */
  setTimer(ms: number, fn: () => void): TimerHandle;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const t = setTimeout(fn, ms);
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};
