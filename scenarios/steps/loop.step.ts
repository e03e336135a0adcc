/**
 * `loop`: runs nested steps a fixed number of times (bounded: at most 1,000,000), stopping early
 * when the run stops.
 *
 *   - loop: { times: 31, steps: [ { gy.data: { volume: 100MB } }, { wait: 1d } ] }
 */
import type { StepSpec } from "../runner/scenario-types.js";
import { registerStep } from "../runner/step-registry.js";

export interface LoopParams {
  readonly times: number;
  readonly steps: readonly StepSpec[];
}

declare module "../runner/scenario-types.js" {
  interface StepParamsByName {
    loop: LoopParams;
  }
}

registerStep({
  name: "loop",
  summary: "repeats nested steps `times` times",
  schema: {
    type: "object",
    additionalProperties: false,
    required: ["times", "steps"],
    properties: {
      times: { type: "integer", minimum: 1, maximum: 1_000_000 },
      steps: { $ref: "#/$defs/steps" },
    },
  },
  compile(p, c) {
    const body = c.compileSteps(p.steps, [...c.path, "steps"]);
    return async (ctx) => {
      for (let i = 0; i < p.times && !ctx.stopping; i++) await body(ctx);
    };
  },
});
