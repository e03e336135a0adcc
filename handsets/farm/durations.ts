/**
 * Duration distributions for farm behaviours (call holding times, think times between USSD
 * menus, data session lengths), drawn from an injected seeded generator so a scenario repeats
 * exactly. All results are whole milliseconds, at least 1.
 */
import type { SeededRandom } from "../../sim/random.js";

export type DurationDistribution =
  | { readonly kind: "fixed"; readonly ms: number }
  | { readonly kind: "uniform"; readonly minMs: number; readonly maxMs: number }
  /** Exponential holding time (the classic Erlang traffic model) with this mean. */
  | { readonly kind: "exponential"; readonly meanMs: number; readonly maxMs?: number };

const UNIT = 2 ** 32;

/** A uniform number in (0, 1) from 32 random bits (never 0, so log() is finite). */
function unit(random: SeededRandom): number {
  return (random.nextInt(UNIT - 1) + 1) / UNIT;
}

export function drawDuration(distribution: DurationDistribution, random: SeededRandom): number {
  switch (distribution.kind) {
    case "fixed":
      return Math.max(1, Math.round(distribution.ms));
    case "uniform": {
      const span = Math.max(0, Math.round(distribution.maxMs - distribution.minMs));
      return Math.max(1, Math.round(distribution.minMs) + random.nextInt(span + 1));
    }
    case "exponential": {
      const ms = -distribution.meanMs * Math.log(unit(random));
      return Math.max(1, Math.round(Math.min(ms, distribution.maxMs ?? Infinity)));
    }
  }
}
