/**
 * `handset.pin`: the user enters PIN1 (VERIFY PIN, TS 102 221 §11.1.9) — their own, or a wrong one
 * with `wrong: true`. The card keeps the counter: three wrong entries block PIN1 and the PUK is
 * required. A right PIN makes the SIM ready; registration follows with `handset.attach`.
 *
 *   - handset.pin: { wrong: true }
 *   - check: { outcome: wrong-pin, pinTries: 2 }
 *
 * Outcomes: ok, wrong-pin, puk-required (this entry, or an earlier one, blocked PIN1),
 * permanently-blocked, error.
 */
import { registerStep } from "../runner/step-registry.js";
import { handsetOf, requirePinEnabled, requireUniquePick } from "./handset-common.js";
import { noteTries, SIM_METRICS, simOutcomeWord, wrongCode } from "./handset-sim.js";

export interface PinParams {
  /** Enter a wrong PIN (default false: the user's own). */
  readonly wrong?: boolean;
  /** Enter this PIN instead of the user's own. */
  readonly code?: string;
}

declare module "../runner/scenario-types.js" {
  interface StepParamsByName {
    "handset.pin": PinParams;
  }
}

registerStep({
  name: "handset.pin",
  summary: "enters PIN1 (the user's, a wrong one, or a given code); the card counts the tries",
  requires: ["handsets"],
  schema: {
    type: "object",
    additionalProperties: false,
    properties: { wrong: { type: "boolean" }, code: { type: "string", pattern: "^\\d{4,8}$" } },
  },
  metrics: SIM_METRICS,
  compile(p, c) {
    requireUniquePick(c);
    requirePinEnabled(c, "handset.pin");
    const ops = c.metrics.counter("handset.sim.ops");
    return (ctx) => {
      const h = handsetOf(ctx, "handset.pin");
      ctx.last = { step: "handset.pin" };
      const code = p.code ?? (p.wrong === true ? wrongCode(h.pin) : h.pin);
      const answer = h.sim.verify("pin1", code);
      const outcome = simOutcomeWord("pin", answer, h.device.simStatus);
      ops.add({ op: "pin", outcome });
      ctx.last.outcome = outcome;
      noteTries(ctx.last, h);
      ctx.intendedAt = ctx.now();
      return Promise.resolve();
    };
  },
});
