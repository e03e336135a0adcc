/**
 * `choice`: runs one of several branches, picked by weight with the flow's seeded RNG.
 *
 *   - choice:
 *       - { weight: 3, steps: [ { gy.sms: { destination: on-net } } ] }
 *       - { weight: 1, steps: [ { gy.call: { duration: 1m } } ] }
 */
import { uniform01 } from "../runner/distribution.js";
import type { StepSpec } from "../runner/scenario-types.js";
import { registerStep, type StepRun } from "../runner/step-registry.js";

export interface ChoiceBranch {
  readonly weight?: number;
  readonly steps: readonly StepSpec[];
}

declare module "../runner/scenario-types.js" {
  interface StepParamsByName {
    choice: readonly ChoiceBranch[];
  }
}

registerStep({
  name: "choice",
  summary: "runs one branch picked by weight",
  schema: {
    type: "array",
    minItems: 1,
    items: {
      type: "object",
      additionalProperties: false,
      required: ["steps"],
      properties: { weight: { type: "number", exclusiveMinimum: 0 }, steps: { $ref: "#/$defs/steps" } },
    },
  },
  compile(p, c) {
    const branches = p.map((b, i) => ({
      weight: b.weight ?? 1,
      run: c.compileSteps(b.steps, [...c.path, i, "steps"]),
    }));
    const total = branches.reduce((s, b) => s + b.weight, 0);
    return async (ctx) => {
      let r = uniform01(ctx.rng) * total;
      let pick: StepRun | undefined;
      for (const b of branches) {
        r -= b.weight;
        if (r < 0) {
          pick = b.run;
          break;
        }
      }
      await (pick ?? (branches[branches.length - 1] as { run: StepRun }).run)(ctx);
    };
  },
});
