/**
 * `handset.attach`: registers the handset — attach with AKA against the core's HLR/AuC (TS 24.008
 * §4.4, TS 33.102 §6.3): after the PIN was entered, after a reject or a network detach, or from
 * off (the handset is powered on first). A registered handset stays registered unless `again:
 * true` (detach, then a fresh attach with a new authentication vector).
 *
 *   - handset.attach: {}
 *   - check: { outcome: registered }
 *
 * Outcomes: registered, rejected (cause in `check: { cause }`: 3 authentication, 8 blocked account),
 * pin-required, puk-required, permanently-blocked (the SIM is not ready), no-network, timeout.
 */
import { isInService } from "../../handsets/device/device-state.js";
import { registerStep } from "../runner/step-registry.js";
import { ATTACH_METRICS, AttachMeter, handsetOf, requireUniquePick } from "./handset-common.js";

export interface AttachParams {
  /** Detach and attach again when already registered (default false). */
  readonly again?: boolean;
}

declare module "../runner/scenario-types.js" {
  interface StepParamsByName {
    "handset.attach": AttachParams;
  }
}

registerStep({
  name: "handset.attach",
  summary: "registers the handset: attach with AKA against the HLR/AuC (latency, accept or reject cause)",
  requires: ["handsets"],
  schema: { type: "object", additionalProperties: false, properties: { again: { type: "boolean" } } },
  metrics: ATTACH_METRICS,
  compile(p, c) {
    requireUniquePick(c);
    const meter = new AttachMeter(c.metrics);
    const again = p.again ?? false;
    return async (ctx) => {
      const h = handsetOf(ctx, "handset.attach");
      const device = h.device;
      ctx.last = { step: "handset.attach" };
      if (isInService(device.state) && again) device.detach();
      if (isInService(device.state)) {
        ctx.last.outcome = "registered";
        return;
      }
      const outcome = await meter.run(ctx, () => {
        if (device.state === "off") return device.powerOn();
        if (device.state === "sim-locked" || device.state === "sim-check") return device.simChanged();
        return device.attach();
      });
      const sim = device.simStatus;
      if (outcome.kind === "not-attempted" && sim !== "ready") ctx.last.outcome = sim;
    };
  },
});
