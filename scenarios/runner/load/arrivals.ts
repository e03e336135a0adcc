/**
 * The open-model arrival schedule: a piecewise-linear rate r(t) (a start rate and stages ramping
 * to a target, the last rate held to the end), and the intended time of arrival n found by
 * inverting the cumulative count N(t) = ∫r. Evenly spaced arrivals are at N(t) = n; a Poisson
 * process uses N(t) = E1 + … + En with Ei ~ Exp(1) (time rescaling of a non-homogeneous Poisson
 * process). Times never depend on answers from the system under test.
 */
import type { SeededRandom } from "../../../sim/random.js";
import { uniform01 } from "../distribution.js";

interface Segment {
  /** Start time, ms. */
  readonly t0: number;
  readonly duration: number;
  /** Rates at the start and end, per ms. */
  readonly r0: number;
  readonly r1: number;
  /** Arrivals before the segment. */
  readonly n0: number;
}

export interface RatePlan {
  /** Per second. */
  readonly start: number;
  readonly stages: readonly { readonly durationMs: number; readonly target: number }[];
  readonly durationMs: number;
}

export class ArrivalSchedule {
  private readonly segments: Segment[] = [];
  /** Arrivals expected over the whole duration (fractional). */
  readonly expected: number;

  constructor(readonly plan: RatePlan) {
    let t = 0;
    let n = 0;
    let rate = plan.start / 1000;
    for (const s of plan.stages) {
      if (t >= plan.durationMs) break;
      const duration = Math.min(s.durationMs, plan.durationMs - t);
      const target = s.target / 1000;
      // A truncated ramp ends at the rate reached at the cut.
      const r1 = s.durationMs === 0 ? target : rate + ((target - rate) * duration) / s.durationMs;
      this.segments.push({ t0: t, duration, r0: rate, r1, n0: n });
      n += ((rate + r1) / 2) * duration;
      t += duration;
      rate = r1;
    }
    if (t < plan.durationMs) {
      const duration = plan.durationMs - t;
      this.segments.push({ t0: t, duration, r0: rate, r1: rate, n0: n });
      n += rate * duration;
    }
    this.expected = n;
  }

  /** Scenario time (ms) at which the cumulative count reaches `s`, or undefined past the end. */
  timeOf(s: number): number | undefined {
    for (const seg of this.segments) {
      const count = ((seg.r0 + seg.r1) / 2) * seg.duration;
      if (s > seg.n0 + count) continue;
      const c = s - seg.n0;
      const a = (seg.r1 - seg.r0) / (2 * seg.duration);
      const b = seg.r0;
      // a·x² + b·x = c, in the form that stays exact when a → 0 and for a < 0.
      const disc = b * b + 4 * a * c;
      const x = c === 0 ? 0 : (2 * c) / (b + Math.sqrt(Math.max(0, disc)));
      if (!Number.isFinite(x)) continue;
      return seg.t0 + Math.min(seg.duration, Math.max(0, x));
    }
    return undefined;
  }
}

/** Arrival n's cumulative-count position: n (even spacing) or a running sum of Exp(1) draws. */
export class ArrivalCursor {
  private position = 0;
  index = 0;

  constructor(
    private readonly schedule: ArrivalSchedule,
    private readonly poisson: SeededRandom | undefined,
  ) {
    if (poisson !== undefined) this.position = -Math.log(1 - uniform01(poisson));
  }

  /** Intended time of the current arrival, or undefined when the schedule has ended. */
  due(): number | undefined {
    return this.schedule.timeOf(this.position);
  }

  next(): void {
    this.index++;
    this.position =
      this.poisson === undefined ? this.index : this.position - Math.log(1 - uniform01(this.poisson));
  }
}
