/**
 * Top-ups: by amount, or with an express card (a code works once; a refused card is a 422 with
 * the reason). A blocked account whose debt is now covered is restored (its owed fees taken), and
 * live sessions are re-authorised so the new money is granted at once.
 *
 * When the network runs, a top-up also settles the account's unconfirmed ("promised") payment
 * (seeds, ISSA: at most 3 BYN, valid 3 days): its amount is taken from the top-up, and the answer
 * shows it as `unconfirmedPayment`. Should that take the balance below the floor again, the account
 * is blocked and its sessions are ended instead of re-authorised.
 */
import type { ChargingRecord } from "../charging/model.js";
import { formatMoney } from "../charging/money.js";
import { applyTopUp } from "../charging/topups.js";
import type { ExpressCard } from "../store/balance-store.js";
import { type AdminContext, accountOfPath } from "./admin-context.js";
import { invalidField, missingField } from "./admin-errors.js";
import { moneyField, onlyFields, requiredString } from "./fields.js";
import type { HttpRouter } from "./http-router.js";
import { cardView, recordView, unconfirmedPaymentView } from "./views.js";

export function addTopUpRoutes(router: HttpRouter, ctx: AdminContext): void {
  router.add("POST", "/api/subscribers/:msisdn/topup", async (req) => {
    const account = accountOfPath(ctx, req.params);
    const body = await req.body();
    onlyFields(body, ["amount", "card"]);
    if (body.amount !== undefined && body.card !== undefined) {
      throw invalidField("card", "give either amount or card, not both");
    }
    if (body.amount === undefined && body.card === undefined) {
      throw missingField("amount", 'amount (like "10.00") or card (an express card code) is required');
    }
    let records: readonly ChargingRecord[];
    let restored: boolean;
    let card: ExpressCard | undefined;
    if (body.card !== undefined) {
      const code = requiredString(body, "card").replace(/[\s-]/g, "");
      const result = await ctx.cards.redeem(account, code);
      ({ records, restored, card } = result);
      ctx.metrics.topUp("card", result.card.amount);
    } else {
      const amount = moneyField(body.amount, "amount", "positive");
      const result = applyTopUp(ctx.engine, account, amount, "admin");
      await ctx.engine.persist([account], result.records);
      ({ records, restored } = result);
      ctx.metrics.topUp("amount", amount);
    }
    const settled = await ctx.ussd()?.unconfirmed.onTopUp(account);
    if (account.reservations.length > 0) {
      ctx.notifySessions(account, settled?.blocked === true ? "abort" : "reauth");
    }
    return {
      status: 200,
      json: {
        msisdn: account.subscribers[0]?.msisdn ?? null,
        balance: formatMoney(account.balance),
        available: formatMoney(ctx.engine.available(account)),
        state: account.state,
        restored,
        records: records.map((r) => recordView(r)),
        ...(card !== undefined ? { card: cardView(card) } : {}),
        ...(settled !== undefined ? { unconfirmedPayment: unconfirmedPaymentView(settled) } : {}),
      },
    };
  });
}
