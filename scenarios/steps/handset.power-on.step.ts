/**
 * `handset.power-on`: powers the subscriber's handset on (a power cycle when it is on: IMSI
 * detach, the card's PIN verification lost, TS 102 221 §9.5.1). The SIM check follows (+CPIN): a
 * card with PIN1 enabled stops at `pin-required`; a ready card registers at once (attach with AKA
 * against the HLR/AuC), as a phone does. `enterPin: true` types the user's PIN at the prompt.
 *
 *   - handset.power-on: {}
 *   - check: { outcome: pin-required, pinTries: 3 }
 *
 * Outcomes: registered, rejected (cause in `check: { cause }`), pin-required, puk-required,
 * permanently-blocked, no-network, timeout.
 */
import { registerStep } from "../runner/step-registry.js";
import { noteTries } from "./handset-sim.js";
import { ATTACH_METRICS, AttachMeter, handsetOf, requireUniquePick } from "./handset-common.js";

export interface PowerOnParams {
  /** Enter the user's PIN when the card asks for it (default false: stop at pin-required). */
  readonly enterPin?: boolean;
}

declare module "../runner/scenario-types.js" {
  interface StepParamsByName {
    "handset.power-on": PowerOnParams;
  }
}

registerStep({
  name: "handset.power-on",
  summary: "powers the handset on: the SIM check (PIN), then attach when the SIM is ready",
  requires: ["handsets"],
  schema: {
    type: "object",
    additionalProperties: false,
    properties: { enterPin: { type: "boolean" } },
  },
  metrics: [
    ...ATTACH_METRICS,
    {
      name: "handset.power-on",
      kind: "counter",
      tags: ["sim"],
      description:
        "power-ons by the SIM check's result: ready, pin-required, puk-required, permanently-blocked",
    },
  ],
  compile(p, c) {
    requireUniquePick(c);
    const attach = new AttachMeter(c.metrics);
    const powerOns = c.metrics.counter("handset.power-on");
    const enterPin = p.enterPin ?? false;
    return async (ctx) => {
      const h = handsetOf(ctx, "handset.power-on");
      ctx.last = { step: "handset.power-on" };
      if (h.device.state !== "off") h.device.powerOff();
      let outcome = await attach.run(ctx, () => h.device.powerOn());
      let sim = h.device.simStatus;
      powerOns.add({ sim: sim === "ready" ? "ready" : sim });
      if (enterPin && sim === "pin-required" && h.sim.verify("pin1", h.pin).kind === "ok") {
        outcome = await attach.run(ctx, () => h.device.simChanged());
        sim = h.device.simStatus;
      }
      if (outcome.kind === "not-attempted" && sim !== "ready") ctx.last.outcome = sim;
      noteTries(ctx.last, h);
    };
  },
});
