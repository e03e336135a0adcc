/**
 * `smpp.bind`: binds as an ESME (SMPP 3.4 §4.1: bind_transmitter / bind_receiver /
 * bind_transceiver) to the SMSC under test. The bind is shared: the first flow instance to reach
 * the step opens it, every later one finds it bound (one application with one connection, as a
 * real ESME), so the SMSC's per-bind limits (tps, window) apply to all submits through it.
 *
 *   - smpp.bind: { systemId: bulk, password: bulkpw }
 *   - check: { outcome: bound, abort: true }
 *
 * Outcomes: bound; a refusal's command_status name (ESME_RINVPASWD, ESME_RINVSYSID,
 * ESME_RBINDFAIL, …); unreachable (no SMSC at the address).
 */
import type { BindMode } from "../../core/smpp/pdu-types.js";
import { registerStep } from "../runner/step-registry.js";
import { SMPP_BIND_METRIC, smppOf } from "./smpp-common.js";

export interface SmppBindParams {
  readonly systemId: string;
  readonly password: string;
  /** Default transceiver (submits and receipts on one connection). */
  readonly mode?: BindMode;
  /** The name other SMPP steps use for this bind (default the system_id). */
  readonly name?: string;
  /** Our submits awaiting a response at once (default 10). */
  readonly window?: number;
}

declare module "../runner/scenario-types.js" {
  interface StepParamsByName {
    "smpp.bind": SmppBindParams;
  }
}

registerStep({
  name: "smpp.bind",
  summary: "binds as an ESME to the SMSC (shared by every flow instance naming the bind)",
  requires: ["smpp"],
  schema: {
    type: "object",
    additionalProperties: false,
    required: ["systemId", "password"],
    properties: {
      systemId: { type: "string", pattern: "^[\\x21-\\x7e]{1,15}$" },
      password: { type: "string", pattern: "^[\\x20-\\x7e]{0,8}$" },
      mode: { enum: ["transmitter", "receiver", "transceiver"] },
      name: { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]*$" },
      window: { type: "integer", minimum: 1, maximum: 10_000 },
    },
  },
  metrics: [SMPP_BIND_METRIC],
  compile(p, c) {
    const binds = c.metrics.counter("smpp.binds");
    const request = {
      name: p.name ?? p.systemId,
      systemId: p.systemId,
      password: p.password,
      mode: p.mode ?? "transceiver",
      window: p.window ?? 10,
    };
    return async (ctx) => {
      const port = smppOf(ctx, "smpp.bind");
      ctx.last = { step: "smpp.bind" };
      const outcome = await port.bind(request);
      ctx.intendedAt = ctx.now();
      if (outcome.ok) {
        if (outcome.fresh) binds.add({ system: p.systemId, result: outcome.status });
        ctx.last.outcome = "bound";
        return;
      }
      binds.add({ system: p.systemId, result: outcome.status });
      ctx.last.outcome = outcome.status;
      ctx.event("smpp-bind-refused", { system: p.systemId, status: outcome.status, detail: outcome.detail });
    };
  },
});
