/**
 * Express payment cards: issue a batch (from a seed, for reproducible runs, or a random one) and
 * look one up. A batch that would reissue an existing code is refused whole, so a used card can
 * never be made new again by replaying a seed.
 */
import { randomBytes } from "node:crypto";
import { checkCardCode, generateCards } from "../charging/express-cards.js";
import type { AdminContext } from "./admin-context.js";
import { AdminError, invalidField, missingField } from "./admin-errors.js";
import { moneyField, onlyFields, pathParam, requiredString } from "./fields.js";
import type { HttpRouter } from "./http-router.js";
import { cardView } from "./views.js";

export const MAX_CARDS_PER_BATCH = 10_000;

export function addCardRoutes(router: HttpRouter, ctx: AdminContext): void {
  router
    .add("POST", "/api/cards", async (req) => {
      const body = await req.body();
      onlyFields(body, ["count", "amount", "seed"]);
      const count = body.count;
      if (count === undefined) throw missingField("count");
      if (typeof count !== "number" || !Number.isInteger(count) || count < 1 || count > MAX_CARDS_PER_BATCH) {
        throw invalidField("count", `count must be an integer from 1 to ${MAX_CARDS_PER_BATCH}`);
      }
      const amount = moneyField(body.amount ?? requiredString(body, "amount"), "amount", "positive");
      const seed = body.seed ?? randomBytes(16).toString("hex");
      if ((typeof seed !== "string" || seed === "") && (typeof seed !== "number" || !Number.isFinite(seed))) {
        throw invalidField("seed", "seed must be a non-empty string or a number");
      }
      const cards = generateCards(count, amount, seed, ctx.engine.clock.now());
      for (const card of cards) {
        if ((await ctx.engine.store.card(card.code)) !== undefined) {
          throw new AdminError(
            409,
            "DUPLICATE_CARD",
            "seed",
            `card ${card.code} of this batch exists already (seed used before?)`,
          );
        }
      }
      await ctx.engine.persist([], [], cards);
      return {
        status: 201,
        json: { cards: cards.map((c) => ({ code: c.code, amount: cardView(c).amount })) },
      };
    })
    .add("GET", "/api/cards/:code", async (req) => {
      const code = pathParam(req.params, "code");
      const problem = checkCardCode(code);
      if (problem !== undefined) {
        throw invalidField(
          "code",
          problem === "malformed"
            ? "an express card code is 14 digits"
            : "the code's check digit is wrong (mistyped?)",
        );
      }
      const card = await ctx.engine.store.card(code);
      if (card === undefined) throw new AdminError(404, "CARD_NOT_FOUND", "code", `no express card ${code}`);
      return { status: 200, json: cardView(card) };
    });
}
