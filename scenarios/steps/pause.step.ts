/**
 * `pause`: turns the Pause service on for the subscriber's account (admin API: state paused).
 * From the next day the plan's fee is halved; sessions are re-authorised and refused service.
 *
 *   - pause: {}
 */
import { registerStep } from "../runner/step-registry.js";
import { ADMIN_METRICS, adminCall } from "./admin-common.js";

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PauseParams {}

declare module "../runner/scenario-types.js" {
  interface StepParamsByName {
    pause: PauseParams;
  }
}

registerStep({
  name: "pause",
  summary: "puts the account on Pause (admin API)",
  requires: ["admin"],
  schema: { type: "object", additionalProperties: false, properties: {} },
  metrics: ADMIN_METRICS,
  compile(_p, c) {
    return adminCall(c.metrics, "pause", (admin, msisdn) => admin.setState(msisdn, "paused"));
  },
});
