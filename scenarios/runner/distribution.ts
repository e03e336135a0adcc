/**
 * Think times and durations drawn from a distribution with the flow's seeded generator: fixed,
 * uniform, exponential (mean) and normal (truncated at zero), as SIPp's `<pause distribution=…>`
 * offers the common ones. A sampler is made once per step when the scenario is compiled.
 */
import type { SeededRandom } from "../../sim/random.js";
import type { FieldPath } from "./scenario-error.js";
import { FieldError } from "./scenario-error.js";
import type { DistributionSpec } from "./scenario-types.js";
import { DURATION_PATTERN, parseDuration } from "./units.js";

/** Draws milliseconds. */
export type Sampler = (rng: SeededRandom) => number;

const TWO_32 = 4294967296;

/** A uniform float in [0, 1). */
export function uniform01(rng: SeededRandom): number {
  return rng.nextUint32() / TWO_32;
}

/** JSON Schema of a distribution: a duration, or one of the named forms. */
export const distributionSchema = {
  anyOf: [
    { type: "string", pattern: DURATION_PATTERN },
    {
      type: "object",
      additionalProperties: false,
      minProperties: 1,
      maxProperties: 1,
      properties: {
        fixed: { $ref: "#/$defs/duration" },
        uniform: { type: "array", minItems: 2, maxItems: 2, items: { $ref: "#/$defs/duration" } },
        exponential: { $ref: "#/$defs/duration" },
        normal: {
          type: "object",
          additionalProperties: false,
          required: ["mean", "stddev"],
          properties: { mean: { $ref: "#/$defs/duration" }, stddev: { $ref: "#/$defs/duration" } },
        },
      },
    },
  ],
} as const;

/** The mean of a distribution, ms (for reports and sizing hints). */
export function meanOf(spec: DistributionSpec): number {
  if (typeof spec === "string") return parseDuration(spec);
  if ("fixed" in spec) return parseDuration(spec.fixed);
  if ("uniform" in spec) return (parseDuration(spec.uniform[0]) + parseDuration(spec.uniform[1])) / 2;
  if ("exponential" in spec) return parseDuration(spec.exponential);
  return parseDuration(spec.normal.mean);
}

export function compileDistribution(spec: DistributionSpec, path: FieldPath): Sampler {
  if (typeof spec === "string") {
    const ms = parseDuration(spec);
    return () => ms;
  }
  if ("fixed" in spec) {
    const ms = parseDuration(spec.fixed);
    return () => ms;
  }
  if ("uniform" in spec) {
    const lo = parseDuration(spec.uniform[0]);
    const hi = parseDuration(spec.uniform[1]);
    if (hi < lo)
      throw new FieldError(
        [...path, "uniform"],
        `the upper bound ${spec.uniform[1]} is below the lower ${spec.uniform[0]}`,
      );
    return (rng) => lo + (hi - lo) * uniform01(rng);
  }
  if ("exponential" in spec) {
    const mean = parseDuration(spec.exponential);
    // Inverse transform: −mean·ln(1 − U), U in [0, 1).
    return (rng) => -mean * Math.log(1 - uniform01(rng));
  }
  const mean = parseDuration(spec.normal.mean);
  const sd = parseDuration(spec.normal.stddev);
  return (rng) => {
    // Box–Muller; negative draws are cut at zero (a think time cannot be negative).
    const u1 = 1 - uniform01(rng);
    const u2 = uniform01(rng);
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    return Math.max(0, mean + sd * z);
  };
}
