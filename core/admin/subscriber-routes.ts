/**
 * Subscribers: create one (with the SIM issued for it), show it, change its plan, state, credit
 * limit, favorites and CUG. Changes are durable before the answer; live sessions are then told
 * (RAR when their terms changed, ASR when they must end).
 */
import type { Account, AccountState, Plan } from "../charging/model.js";
import { ACCOUNT_STATES, changePlan, planStateChange } from "./account-changes.js";
import { type AdminContext, accountOfPath } from "./admin-context.js";
import { AdminError, invalidField, missingField } from "./admin-errors.js";
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
import { accountSimOf, iccidForImsi, type IssuedSim } from "./sim-profile.js";
import { validateIccid } from "../../sim/iccid.js";
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
  "sim",
] as const;
const SIM_FIELDS = ["k", "opc", "iccid", "puk1"] as const;
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

/** The keys of an existing card: K and OPc (32 hex digits each), optionally its ICCID and PUK1. */
function simField(value: unknown, imsi: string): { iccid: string; k: string; opc: string; puk1?: string } {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalidField("sim", "sim must be an object with k and opc (32 hex digits each)");
  }
  const sim = value as Record<string, unknown>;
  for (const key of Object.keys(sim)) {
    if (!(SIM_FIELDS as readonly string[]).includes(key)) {
      throw invalidField(`sim.${key}`, `unknown field (expected ${SIM_FIELDS.join(", ")})`);
    }
  }
  const hex = (key: "k" | "opc"): string => {
    const v = sim[key];
    if (v === undefined) throw missingField(`sim.${key}`, `sim.${key} is required (32 hex digits)`);
    if (typeof v !== "string" || !/^[0-9a-fA-F]{32}$/.test(v)) {
      throw invalidField(`sim.${key}`, `sim.${key} must be 32 hex digits (16 bytes)`);
    }
    return v.toLowerCase();
  };
  const k = hex("k");
  const opc = hex("opc");
  let iccid = iccidForImsi(imsi);
  if (sim.iccid !== undefined) {
    try {
      iccid = validateIccid(String(sim.iccid), {}, "sim.iccid");
    } catch (e) {
      throw invalidField("sim.iccid", e instanceof Error ? e.message : String(e));
    }
  }
  const puk1 = sim.puk1;
  if (puk1 !== undefined && (typeof puk1 !== "string" || !/^\d{8}$/.test(puk1))) {
    throw invalidField("sim.puk1", "sim.puk1 must be 8 digits");
  }
  return { iccid, k, opc, ...(puk1 !== undefined ? { puk1 } : {}) };
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
  const given = body.sim === undefined ? undefined : simField(body.sim, imsi);

  const account = ctx.engine.createAccount({
    subscribers: [{ msisdn, imsi }],
    planId: plan.id,
    balance,
    ...(creditLimit !== undefined ? { creditLimit } : {}),
    favorites,
    ...(cugId !== undefined ? { cugId } : {}),
    allowArchived,
  });
  // The core issues the SIM, unless the card exists already (a batch from `telsim sim generate`).
  let sim: IssuedSim | { iccid: string; imsi: string; msisdn: string; k: string; opc: string };
  if (given === undefined) {
    const issued = ctx.sims.issue(msisdn, imsi);
    account.sim = accountSimOf(issued);
    sim = issued;
  } else {
    account.sim = { ...given, sqn: 0 };
    sim = { iccid: given.iccid, imsi, msisdn, k: given.k, opc: given.opc };
  }
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
