/**
 * `topup`: credits the subscriber's account through the admin API (a blocked account whose debt is
 * now covered is restored; live sessions are re-authorised by the core).
 *
 *   - topup: { amount: "5.00" }
 */
import { registerStep } from "../runner/step-registry.js";
import { parseAmount } from "../runner/units.js";
import { ADMIN_METRICS, adminCall } from "./admin-common.js";

export interface TopupParams {
  readonly amount: string;
}

declare module "../runner/scenario-types.js" {
  interface StepParamsByName {
    topup: TopupParams;
  }
}

registerStep({
  name: "topup",
  summary: "tops the subscriber's account up by an amount (admin API)",
  requires: ["admin"],
  schema: {
    type: "object",
    additionalProperties: false,
    required: ["amount"],
    properties: { amount: { $ref: "#/$defs/money" } },
  },
  metrics: ADMIN_METRICS,
  compile(p, c) {
    const amount = parseAmount(p.amount, "amount");
    return adminCall(c.metrics, "topup", (admin, msisdn) => admin.topUp(msisdn, amount));
  },
});
