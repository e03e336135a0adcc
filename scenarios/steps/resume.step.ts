/**
 * `resume`: ends the Pause service (admin API: state active).
 *
 *   - resume: {}
 */
import { registerStep } from "../runner/step-registry.js";
import { ADMIN_METRICS, adminCall } from "./admin-common.js";

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ResumeParams {}

declare module "../runner/scenario-types.js" {
  interface StepParamsByName {
    resume: ResumeParams;
  }
}

registerStep({
  name: "resume",
  summary: "takes the account off Pause (admin API)",
  requires: ["admin"],
  schema: { type: "object", additionalProperties: false, properties: {} },
  metrics: ADMIN_METRICS,
  compile(_p, c) {
    return adminCall(c.metrics, "resume", (admin, msisdn) => admin.setState(msisdn, "active"));
  },
});
