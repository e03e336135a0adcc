/**
 * `handset.puk`: the user unblocks PIN1 with PUK1 and chooses a new PIN (UNBLOCK PIN,
 * TS 102 221 §11.1.13); `wrong: true` enters a wrong PUK (ten of them block the card for good).
 * After an unblock the PIN is verified for the session and the new one is what the user knows.
 *
 *   - handset.puk: { newPin: "4321" }
 *   - check: { outcome: ok, pinTries: 3 }
 *
 * Outcomes: ok, wrong-puk, permanently-blocked, error.
 */
import { registerStep } from "../runner/step-registry.js";
import { handsetOf, requirePinEnabled, requireUniquePick } from "./handset-common.js";
import { noteTries, SIM_METRICS, simOutcomeWord, wrongCode } from "./handset-sim.js";

export interface PukParams {
  /** The new PIN1 (default: the user's current one). */
  readonly newPin?: string;
  /** Enter a wrong PUK (default false). */
  readonly wrong?: boolean;
}

declare module "../runner/scenario-types.js" {
  interface StepParamsByName {
    "handset.puk": PukParams;
  }
}

registerStep({
  name: "handset.puk",
  summary: "unblocks PIN1 with PUK1 and a new PIN (or enters a wrong PUK)",
  requires: ["handsets"],
  schema: {
    type: "object",
    additionalProperties: false,
    properties: { newPin: { type: "string", pattern: "^\\d{4,8}$" }, wrong: { type: "boolean" } },
  },
  metrics: SIM_METRICS,
  compile(p, c) {
    requireUniquePick(c);
    requirePinEnabled(c, "handset.puk");
    const ops = c.metrics.counter("handset.sim.ops");
    return (ctx) => {
      const h = handsetOf(ctx, "handset.puk");
      ctx.last = { step: "handset.puk" };
      const newPin = p.newPin ?? h.pin;
      const answer = h.sim.unblock("pin1", p.wrong === true ? wrongCode(h.puk) : h.puk, newPin);
      const outcome = simOutcomeWord("puk", answer, h.device.simStatus);
      if (answer.kind === "ok") h.pin = newPin;
      ops.add({ op: "puk", outcome });
      ctx.last.outcome = outcome;
      noteTries(ctx.last, h);
      ctx.intendedAt = ctx.now();
      return Promise.resolve();
    };
  },
});
