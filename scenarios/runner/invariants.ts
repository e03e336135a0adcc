/**
 * Domain invariants, checked on the target's accounts after the run (when every flow has ended):
 *  - balance-floor: no usage record left a balance below the account's floor (−credit limit), and
 *    no active account ends below it (a fee may take a blocked account below: that is the rule);
 *  - balances-reconcile: initial − Σ charges (top-ups are negative charges) = final balance, per
 *    account (core/charging/reconcile.ts);
 *  - no-reservations-left: no credit-control session still holds units or money;
 *  - throttle-within-plan: every throttled grant's QoS bandwidth is within the subscriber's plan.
 */
import { formatMoney, type Kopecks } from "../../core/charging/money.js";
import type { InvariantName } from "./scenario-types.js";
import type { AccountFacts, Target } from "./target/target.js";

export interface InvariantOutcome {
  readonly text: string;
  readonly ok: boolean;
  readonly detail: string;
}

const USAGE = new Set(["voice", "sms", "mms", "data"]);
const SHOWN = 3;

function summarise(name: string, checked: number, problems: string[]): InvariantOutcome {
  return {
    text: `invariant: ${name}`,
    ok: problems.length === 0,
    detail:
      problems.length === 0
        ? `${checked} account(s) checked`
        : `${problems.length} of ${checked} account(s): ${problems.slice(0, SHOWN).join("; ")}${problems.length > SHOWN ? "; ..." : ""}`,
  };
}

export async function checkInvariants(
  names: readonly InvariantName[],
  target: Target,
  initial: ReadonlyMap<string, Kopecks>,
  facts: ReadonlyMap<string, number>,
): Promise<InvariantOutcome[]> {
  if (names.length === 0) return [];
  const pending = target.accountFacts();
  if (pending === undefined) {
    return names.map((n) => ({
      text: `invariant: ${n}`,
      ok: false,
      detail: "the target has no admin API to read accounts from",
    }));
  }
  const accounts = await pending;
  return names.map((name) => check(name, accounts, target, initial, facts));
}

function check(
  name: InvariantName,
  accounts: readonly AccountFacts[],
  target: Target,
  initial: ReadonlyMap<string, Kopecks>,
  facts: ReadonlyMap<string, number>,
): InvariantOutcome {
  const problems: string[] = [];
  switch (name) {
    case "balance-floor":
      for (const a of accounts) {
        const low = a.records.filter((r) => USAGE.has(r.kind) && r.balanceAfter < a.floor);
        if (low.length > 0) {
          const worst = Math.min(...low.map((r) => r.balanceAfter));
          problems.push(
            `${a.msisdn}: ${low.length} usage record(s) below the floor ${formatMoney(a.floor)} (lowest ${formatMoney(worst)})`,
          );
        } else if (a.state === "active" && a.balance < a.floor) {
          problems.push(
            `${a.msisdn}: active with ${formatMoney(a.balance)} below the floor ${formatMoney(a.floor)}`,
          );
        }
      }
      break;
    case "balances-reconcile":
      for (const a of accounts) {
        const start = initial.get(a.msisdn);
        if (start === undefined) {
          problems.push(`${a.msisdn}: initial balance unknown (not provisioned by this run)`);
          continue;
        }
        const expected = a.records.reduce((b, r) => b - r.charge, start);
        if (expected !== a.balance) {
          problems.push(
            `${a.msisdn}: records say ${formatMoney(expected)}, balance is ${formatMoney(a.balance)}`,
          );
        }
      }
      break;
    case "no-reservations-left":
      for (const a of accounts)
        if (a.reservations > 0) problems.push(`${a.msisdn}: ${a.reservations} reservation(s) open`);
      break;
    case "throttle-within-plan":
      for (const a of accounts) {
        const seen = facts.get(`throttle-kbps:${a.msisdn}`);
        if (seen === undefined) continue;
        const allowed = a.plan === undefined ? undefined : target.throttleKbps(a.plan);
        if (allowed === undefined)
          problems.push(
            `${a.msisdn}: throttled to ${seen}kbps but plan ${a.plan ?? "?"} has no throttled speed`,
          );
        else if (seen > allowed)
          problems.push(`${a.msisdn}: throttled to ${seen}kbps, plan ${a.plan ?? "?"} allows ${allowed}kbps`);
      }
      break;
  }
  return summarise(name, accounts.length, problems);
}
