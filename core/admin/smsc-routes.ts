/**
 * The SMSC at run time: its stats (binds with their rates and throttling, ESME accounts with
 * their daily quotas, queues, receipts and final states) and its error-injection rules, which take
 * effect on the next request an ESME sends. Every route is a 404 SMSC_NOT_RUNNING when the core
 * runs without an SMSC.
 */
import { type AdminContext, runningSmsc } from "./admin-context.js";
import { AdminError, invalidField, missingField } from "./admin-errors.js";
import { pathParam } from "./fields.js";
import type { HttpRouter } from "./http-router.js";
import { bindView, injectionRuleView, queuesView, smscStatsView } from "./smsc-views.js";

export function addSmscRoutes(router: HttpRouter, ctx: AdminContext): void {
  router
    .add("GET", "/api/smsc", () => ({ status: 200, json: smscStatsView(runningSmsc(ctx).stats()) }))
    .add("GET", "/api/smsc/binds", () => ({
      status: 200,
      json: { binds: runningSmsc(ctx).stats().binds.map(bindView) },
    }))
    .add("GET", "/api/smsc/queues", () => ({
      status: 200,
      json: queuesView(runningSmsc(ctx).stats().queues),
    }))
    .add("GET", "/api/smsc/injection-rules", () => ({
      status: 200,
      json: { rules: runningSmsc(ctx).injection.list().map(injectionRuleView) },
    }))
    .add("POST", "/api/smsc/injection-rules", async (req) => {
      const smsc = runningSmsc(ctx);
      const body = await req.body();
      if (body.action === undefined) {
        throw missingField(
          "action",
          'action is required, like { "kind": "status", "status": "ESME_RTHROTTLED" }',
        );
      }
      // the rule checker refuses anything wrong, naming each problem (InjectionRuleError → 400)
      const rule = smsc.injection.add(body);
      ctx.logger.info(`admin API: injection rule ${rule.id} added: ${JSON.stringify(body)}`);
      return { status: 201, json: injectionRuleView(rule) };
    })
    .add("DELETE", "/api/smsc/injection-rules", () => {
      const removed = runningSmsc(ctx).injection.clear();
      if (removed > 0) ctx.logger.info(`admin API: ${removed} injection rule(s) cleared`);
      return { status: 200, json: { removed } };
    })
    .add("DELETE", "/api/smsc/injection-rules/:id", (req) => {
      const smsc = runningSmsc(ctx);
      const text = pathParam(req.params, "id");
      const id = Number(text);
      if (!/^\d{1,9}$/.test(text) || id < 1)
        throw invalidField("id", `id must be a rule id (1, 2, …), got "${text}"`);
      if (!smsc.injection.remove(id)) {
        throw new AdminError(404, "INJECTION_RULE_NOT_FOUND", "id", `no injection rule ${id}`);
      }
      ctx.logger.info(`admin API: injection rule ${id} removed`);
      return { status: 204, empty: true };
    });
}
