/**
 * Live credit-control sessions: the reservations the accounts hold right now, one entry per
 * session and rating group, optionally for one subscriber (`?msisdn=`).
 */
import { type AdminContext, accountOfQuery } from "./admin-context.js";
import type { HttpRouter } from "./http-router.js";
import { sessionView } from "./views.js";

export function addSessionRoutes(router: HttpRouter, ctx: AdminContext): void {
  router.add("GET", "/api/sessions", (req) => {
    const only = accountOfQuery(ctx, req.query);
    const accounts = only !== undefined ? [only] : ctx.engine.accounts();
    const sessions = [];
    for (const account of accounts) {
      for (const r of account.reservations) sessions.push(sessionView(account, r));
    }
    return { status: 200, json: { sessions } };
  });
}
