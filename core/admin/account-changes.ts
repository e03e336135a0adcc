/**
 * Changes an operator makes to an account through the admin API: a tariff change and the account
 * state (the Pause service, blocking, closing). Each function checks first and changes nothing
 * when it refuses, so a PATCH applies all of its fields or none.
 */
import type { ChargingEngine } from "../charging/engine.js";
import { restoreIfPaid } from "../charging/fees.js";
import type { Account, AccountState, ChargingRecord, Plan } from "../charging/model.js";
import { formatMoney, type Kopecks } from "../charging/money.js";
import { allowanceBuckets, periodEnd } from "../charging/periods.js";
import { feeRecord } from "../charging/topups.js";
import { AdminError } from "./admin-errors.js";

export const ACCOUNT_STATES: readonly AccountState[] = ["active", "paused", "blocked", "closed"];

export interface StateChange {
  /** What the account's live sessions must be told. */
  readonly notify: "reauth" | "abort" | undefined;
  readonly records: readonly ChargingRecord[];
}

function refuse(message: string): AdminError {
  return new AdminError(400, "INVALID_STATE", "state", message);
}

/**
 * Checks that `account` may go to `target` under `plan` and `floor` (the plan and floor it will
 * have once the rest of the request is applied), and returns the function that makes the change,
 * to be called after the plan and credit limit changes. Allowed: active <-> paused (the Pause service, if the plan has
 * it); active/paused -> blocked; blocked -> active only when the balance covers the debt (the
 * owed fees are then taken, as on a top-up); anything -> closed. A closed account stays closed.
 */
export function planStateChange(
  engine: ChargingEngine,
  account: Account,
  plan: Plan,
  target: AccountState,
  floor: Kopecks,
): () => StateChange {
  const from = account.state;
  const unchanged = (): StateChange => ({ notify: undefined, records: [] });
  if (from === target) return unchanged;
  if (from === "closed") {
    throw new AdminError(409, "ACCOUNT_CLOSED", "state", `account ${account.id} is closed`);
  }
  const now = engine.clock.now();
  switch (target) {
    case "closed":
    case "blocked":
      return () => {
        account.state = target;
        return { notify: "abort", records: [] };
      };
    case "paused":
      if (from !== "active") throw refuse(`a ${from} account cannot be paused`);
      if (!plan.pauseAllowed) throw refuse(`plan ${plan.id} does not offer the Pause service`);
      return () => {
        account.state = "paused";
        account.pausedAt = now;
        return { notify: "reauth", records: [] };
      };
    case "active":
      if (from === "paused") {
        return () => {
          account.state = "active";
          account.pausedAt = undefined;
          return { notify: "reauth", records: [] };
        };
      }
      if (account.balance - account.feesOwed < floor) {
        throw refuse(
          `the balance ${formatMoney(account.balance)} does not cover the fees owed ` +
            `(${formatMoney(account.feesOwed)}): top up first`,
        );
      }
      return () => {
        const owed = restoreIfPaid(account, plan) ?? 0;
        const records = owed > 0 ? [feeRecord(engine, account, owed, "owed fees on restoration")] : [];
        return { notify: "reauth", records };
      };
  }
}

/**
 * A tariff change, effective now: the old plan's allowance buckets go, the new plan's come for
 * a grant period starting now (add-on package buckets stay). Fees keep their schedule: the next
 * one falls due when it would have, at the new plan's terms.
 */
export function changePlan(account: Account, from: Plan, to: Plan, now: number): void {
  const oldSources = new Set(from.allowances.map((a) => a.id));
  account.planId = to.id;
  account.feePeriodStart = now;
  account.buckets = [
    ...account.buckets.filter((b) => !oldSources.has(b.source)),
    ...allowanceBuckets(to, now, periodEnd(to, now)),
  ];
}
