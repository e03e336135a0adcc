/**
 * Charging records (CDRs) from the store: `?msisdn=&since=&until=&limit=&after=`. `since` is
 * inclusive and `until` exclusive on the record's end time (core/store/record-query.ts); `after`
 * is the `sequence` of the last record of the previous page.
 */
import { type AdminContext, accountOfQuery } from "./admin-context.js";
import { intParam, isoTimeParam } from "./fields.js";
import type { HttpRouter } from "./http-router.js";
import { storedRecordView } from "./views.js";

export const MAX_RECORDS_PER_PAGE = 10_000;

export function addRecordRoutes(router: HttpRouter, ctx: AdminContext): void {
  router.add("GET", "/api/cdrs", async (req) => {
    const account = accountOfQuery(ctx, req.query);
    const since = isoTimeParam(req.query, "since");
    const until = isoTimeParam(req.query, "until");
    const limit = intParam(req.query, "limit", 0, MAX_RECORDS_PER_PAGE);
    const after = intParam(req.query, "after", 0, Number.MAX_SAFE_INTEGER);
    const stored = await ctx.engine.store.records({
      ...(account !== undefined ? { accountId: account.id } : {}),
      ...(since !== undefined ? { since } : {}),
      ...(until !== undefined ? { until } : {}),
      ...(limit !== undefined ? { limit } : {}),
      ...(after !== undefined ? { afterSequence: after } : {}),
    });
    return { status: 200, json: { records: stored.map(storedRecordView) } };
  });
}
