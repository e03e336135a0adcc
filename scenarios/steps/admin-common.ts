/**
 * What the admin-API steps share (top-up, Pause, resume): their metrics and one timed call with
 * the outcome left for `check` steps. A refusal (a plan without Pause, a closed account) is an
 * outcome, not an error; a port that cannot be reached is a StepError.
 */
import type { FlowContext } from "../runner/flow-context.js";
import { StepError } from "../runner/flow-context.js";
import type { MetricDecl } from "../runner/metrics/metric-catalogue.js";
import type { MetricSet } from "../runner/metrics/metric-set.js";
import type { AdminOutcome, AdminPort } from "../runner/ports.js";

export const ADMIN_METRICS: readonly MetricDecl[] = [
  {
    name: "admin.ops",
    kind: "counter",
    tags: ["op", "result"],
    description: "admin API operations: ok or refused",
  },
  { name: "admin.latency", kind: "trend", unit: "ms", tags: ["op"], description: "admin API response time" },
];

export type AdminOp = "topup" | "pause" | "resume";

export function adminCall(
  metrics: MetricSet,
  op: AdminOp,
  call: (admin: AdminPort, msisdn: string) => Promise<AdminOutcome>,
): (ctx: FlowContext) => Promise<void> {
  const ops = metrics.counter("admin.ops");
  const latency = metrics.trend("admin.latency").series({ op });
  return async (ctx) => {
    const admin = ctx.ports.admin;
    if (admin === undefined) throw new StepError(`${op}: no admin port`);
    ctx.last = { step: op };
    const started = ctx.realNow();
    let outcome: AdminOutcome;
    try {
      outcome = await call(admin, ctx.subscriber.msisdn);
    } catch (e) {
      throw new StepError(`${op}: ${e instanceof Error ? e.message : String(e)}`);
    }
    latency.record(ctx.virtual ? ctx.realNow() - started : ctx.now() - ctx.intendedAt);
    ctx.intendedAt = ctx.now();
    ops.add({ op, result: outcome.ok ? "ok" : "refused" });
    ctx.last.outcome = outcome.ok ? "ok" : "refused";
    if (!outcome.ok) ctx.event("admin-refused", { op, status: outcome.status, message: outcome.message });
  };
}
