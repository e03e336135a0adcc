/**
 * Subscribers: create one (with the SIM issued for it), show it, change its plan, state, credit
 * limit, favorites and CUG. Changes are durable before the answer; live sessions are then told
 * (RAR when their terms changed, ASR when they must end).
 */
import type { Account, AccountState, Plan } from "../charging/model.js";
import { ACCOUNT_STATES, changePlan, planStateChange } from "./account-changes.js";
import { type AdminContext, accountOfPath } from "./admin-context.js";
import { AdminError, invalidField } from "./admin-errors.js";
import {
  favoritesField,
  imsiField,
  moneyField,
  msisdnField,
  onlyFields,
  optionalBoolean,
  optionalString,
  requiredString,
} from "./fields.js";
import type { AdminResponse, HttpRouter } from "./http-router.js";
import { accountSimOf } from "./sim-profile.js";
import { subscriberView } from "./views.js";

const CREATE_FIELDS = [
  "msisdn",
  "imsi",
  "plan",
  "balance",
  "creditLimit",
  "favorites",
  "cugId",
  "allowArchived",
] as const;
const UPDATE_FIELDS = ["plan", "state", "creditLimit", "favorites", "cugId"] as const;

export function addSubscriberRoutes(router: HttpRouter, ctx: AdminContext): void {
  router
    .add("POST", "/api/subscribers", async (req) => createSubscriber(ctx, await req.body()))
    .add("GET", "/api/subscribers/:msisdn", (req) => ({
      status: 200,
      json: subscriberView(ctx.engine, accountOfPath(ctx, req.params)),
    }))
    .add("PATCH", "/api/subscribers/:msisdn", async (req) => {
      const account = accountOfPath(ctx, req.params);
      return updateSubscriber(ctx, account, await req.body());
    });
}

/** A catalog plan open to `field`: 400 when unknown, or archived unless `allowArchived`. */
function planField(ctx: AdminContext, id: string, allowArchived: boolean): Plan {
  const plan = ctx.catalog.findPlan(id);
  if (plan === undefined) throw new AdminError(400, "UNKNOWN_PLAN", "plan", `no tariff plan "${id}"`);
  if (plan.archived && !allowArchived) {
    throw new AdminError(400, "ARCHIVED_PLAN", "plan", `plan "${id}" is archived: no new connections`);
  }
  return plan;
}

async function createSubscriber(ctx: AdminContext, body: Record<string, unknown>): Promise<AdminResponse> {
  onlyFields(body, CREATE_FIELDS);
  const msisdn = msisdnField(body.msisdn ?? requiredString(body, "msisdn"));
  const imsi = imsiField(body.imsi ?? requiredString(body, "imsi"));
  const allowArchived = optionalBoolean(body, "allowArchived") ?? false;
  const plan = planField(ctx, requiredString(body, "plan"), allowArchived);
  const balance = moneyField(body.balance ?? requiredString(body, "balance"), "balance", "non-negative");
  const creditLimit =
    body.creditLimit === undefined ? undefined : moneyField(body.creditLimit, "creditLimit", "non-negative");
  const favorites =
    body.favorites === undefined ? [] : favoritesField(body.favorites, plan.favoriteNumbers, plan.id);
  if (favorites.includes(msisdn)) throw invalidField("favorites", "a subscriber cannot be its own favorite");
  const cugId = optionalString(body, "cugId");

  const account = ctx.engine.createAccount({
    subscribers: [{ msisdn, imsi }],
    planId: plan.id,
    balance,
    ...(creditLimit !== undefined ? { creditLimit } : {}),
    favorites,
    ...(cugId !== undefined ? { cugId } : {}),
    allowArchived,
  });
  const sim = ctx.sims.issue(msisdn, imsi);
  account.sim = accountSimOf(sim);
  await ctx.engine.persist([account]);
  return {
    status: 201,
    json: { ...subscriberView(ctx.engine, account), sim },
    headers: { location: `/api/subscribers/${msisdn}` },
  };
}

async function updateSubscriber(
  ctx: AdminContext,
  account: Account,
  body: Record<string, unknown>,
): Promise<AdminResponse> {
  onlyFields(body, UPDATE_FIELDS);
  // Check every field before changing anything.
  const oldPlan = ctx.engine.planOf(account);
  const plan =
    body.plan === undefined || body.plan === account.planId
      ? oldPlan
      : planField(ctx, requiredString(body, "plan"), false);
  const creditLimit =
    body.creditLimit === undefined
      ? account.creditLimit
      : body.creditLimit === null
        ? undefined
        : moneyField(body.creditLimit, "creditLimit", "non-negative");
  const favorites =
    body.favorites === undefined ? undefined : favoritesField(body.favorites, plan.favoriteNumbers, plan.id);
  if (favorites === undefined && account.favorites.length > plan.favoriteNumbers) {
    throw invalidField(
      "favorites",
      `plan ${plan.id} allows ${plan.favoriteNumbers} favorite numbers: send the favorites to keep`,
    );
  }
  const cugId = body.cugId === undefined ? account.cugId : optionalString(body, "cugId");
  const target = body.state === undefined ? account.state : stateField(body.state);
  const applyState = planStateChange(ctx.engine, account, plan, target, -(creditLimit ?? plan.creditLimit));
  if (account.state === "closed") {
    throw new AdminError(409, "ACCOUNT_CLOSED", "state", `account ${account.id} is closed`);
  }

  const planChanged = plan !== oldPlan;
  const limitChanged = creditLimit !== account.creditLimit;
  if (planChanged) changePlan(account, oldPlan, plan, ctx.engine.clock.now());
  account.creditLimit = creditLimit;
  if (favorites !== undefined) account.favorites = favorites;
  account.cugId = cugId;
  const change = applyState();
  await ctx.engine.persist([account], change.records);

  const notify = change.notify ?? (planChanged || limitChanged ? "reauth" : undefined);
  if (notify !== undefined && account.reservations.length > 0) ctx.notifySessions(account, notify);
  return { status: 200, json: subscriberView(ctx.engine, account) };
}

function stateField(value: unknown): AccountState {
  if (typeof value !== "string" || !(ACCOUNT_STATES as readonly string[]).includes(value)) {
    throw invalidField("state", `state must be one of ${ACCOUNT_STATES.join(", ")}`);
  }
  return value as AccountState;
}
