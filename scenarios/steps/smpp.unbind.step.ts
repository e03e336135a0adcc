/**
 * `smpp.unbind`: ends a bind (unbind, unbind_resp, SMPP 3.4 §4.2) and closes its connection; the
 * next `smpp.bind` of that name binds afresh. Outcomes: unbound, not-bound.
 *
 *   - smpp.unbind: {}
 */
import { registerStep } from "../runner/step-registry.js";
import { resolveBind, smppOf } from "./smpp-common.js";

export interface SmppUnbindParams {
  /** The bind's name (default the scenario's only bind). */
  readonly bind?: string;
}

declare module "../runner/scenario-types.js" {
  interface StepParamsByName {
    "smpp.unbind": SmppUnbindParams;
  }
}

registerStep({
  name: "smpp.unbind",
  summary: "unbinds an ESME bind and closes its connection",
  requires: ["smpp"],
  schema: {
    type: "object",
    additionalProperties: false,
    properties: { bind: { type: "string", minLength: 1 } },
  },
  compile(p, c) {
    const bind = resolveBind(c, p.bind, "smpp.unbind");
    return async (ctx) => {
      const done = await smppOf(ctx, "smpp.unbind").unbind(bind.name);
      ctx.intendedAt = ctx.now();
      ctx.last = { step: "smpp.unbind", outcome: done ? "unbound" : "not-bound" };
    };
  },
});
