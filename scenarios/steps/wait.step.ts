/**
 * `wait`: a think time, fixed or drawn from a distribution with the flow's seeded RNG. It counts
 * from when the flow meant to be here (its intended time), so a flow running late catches up and
 * the lateness shows in the next request's response time instead of vanishing.
 *
 *   - wait: 2s
 *   - wait: { uniform: [1s, 5s] }
 *   - wait: { exponential: 30s }
 *   - wait: { normal: { mean: 2s, stddev: 500ms } }
 */
import { compileDistribution } from "../runner/distribution.js";
import type { DistributionSpec } from "../runner/scenario-types.js";
import { registerStep } from "../runner/step-registry.js";

declare module "../runner/scenario-types.js" {
  interface StepParamsByName {
    wait: DistributionSpec;
  }
}

registerStep({
  name: "wait",
  summary: "a think time: a duration, or { uniform | exponential | normal | fixed }",
  schema: { $ref: "#/$defs/distribution" },
  compile(p, c) {
    const sample = compileDistribution(p, c.path);
    return async (ctx) => {
      const until = ctx.intendedAt + sample(ctx.rng);
      await ctx.sleepUntil(until);
      if (!ctx.stopping) ctx.intendedAt = until;
    };
  },
});
