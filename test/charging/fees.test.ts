import { describe, expect, it } from "vitest";
import { chargeDueFees, dailyInstalment, proratedMonthly, restoreIfPaid } from "../../core/charging/fees.js";
import { MINSK_OFFSET_MS } from "../../core/charging/local-time.js";
import type { Account, Plan } from "../../core/charging/model.js";
import { allowanceBuckets, periodEnd } from "../../core/charging/periods.js";
import { payg } from "./plans.js";

const DAY = 86_400_000;
/** Local midnight (UTC+3) of a date. */
const local = (y: number, m: number, d: number, h = 0) => Date.UTC(y, m - 1, d, h) - MINSK_OFFSET_MS;

const daily: Plan = {
  ...payg,
  id: "daily",
  fee: { amount: 3000, charging: "daily" },
  allowances: [{ id: "data", kind: "data", amount: 100 }],
};
const monthly: Plan = {
  ...payg,
  id: "monthly",
  fee: { amount: 3000, charging: "monthly" },
  allowances: [{ id: "data", kind: "data", amount: 100 }],
};
const web: Plan = {
  ...payg,
  id: "web",
  fee: { amount: 1500, charging: "every-30-days" },
  allowances: [{ id: "data", kind: "data", amount: 900 }],
};

function account(plan: Plan, balance: number, createdAt: number): Account {
  return {
    id: "a",
    state: "active",
    balance,
    creditLimit: undefined,
    planId: plan.id,
    subscribers: [],
    favorites: [],
    cugId: undefined,
    buckets: allowanceBuckets(plan, createdAt, periodEnd(plan, createdAt)),
    reservations: [],
    feePeriodStart: createdAt,
    nextFeeAt: createdAt,
    feesOwed: 0,
    pausedAt: undefined,
    createdAt,
  };
}

const sum = (charges: { charged: number }[]) => charges.reduce((s, c) => s + c.charged, 0);

describe("recurring fees on the virtual clock", () => {
  it("daily instalments add up exactly to the monthly fee (30 and 31 day months, February)", () => {
    for (const [y, m, days] of [
      [2026, 11, 30],
      [2026, 12, 31],
      [2027, 2, 28],
    ] as const) {
      let total = 0;
      for (let d = 1; d <= days; d++) total += dailyInstalment(3000, local(y, m, d, 12));
      expect(total).toBe(3000);
    }
  });

  it("a daily plan charges one instalment per local day over a month and renews allowances on the 1st", () => {
    const a = account(daily, 10_000, local(2026, 11, 1));
    const month = chargeDueFees(a, daily, local(2026, 11, 30, 23));
    expect(month.charges).toHaveLength(30);
    expect(sum(month.charges)).toBe(3000);
    expect(a.balance).toBe(7000);
    a.buckets[0]!.remaining = 0;
    const next = chargeDueFees(a, daily, local(2026, 12, 1, 1));
    expect(next.renewed).toBe(true);
    expect(a.buckets.map((b) => [b.source, b.remaining])).toEqual([["data", 100 * 1024 * 1024]]);
  });

  it("a calendar-month plan is prorated in the first month, then charged in full on the 1st", () => {
    const a = account(monthly, 10_000, local(2026, 11, 16, 10));
    chargeDueFees(a, monthly, local(2026, 11, 16, 10));
    expect(a.balance).toBe(10_000 - proratedMonthly(3000, local(2026, 11, 16, 10)));
    expect(proratedMonthly(3000, local(2026, 11, 16, 10))).toBe(1500);
    chargeDueFees(a, monthly, local(2027, 1, 15));
    expect(a.balance).toBe(10_000 - 1500 - 3000 - 3000);
  });

  it("a 30-day plan is charged in full on connection and every 30 days", () => {
    const start = local(2026, 11, 22, 15);
    const a = account(web, 5000, start);
    const out = chargeDueFees(a, web, start + 61 * DAY);
    expect(out.charges.map((c) => c.at)).toEqual([start, start + 30 * DAY, start + 60 * DAY]);
    expect(a.balance).toBe(500);
  });

  it("blocks for debt, owes fees while blocked without extending the period, and takes them in full on restoration", () => {
    const start = local(2026, 11, 22, 15);
    const a = account(web, 1000, start);
    const first = chargeDueFees(a, web, start);
    expect(first.blocked).toBe(true);
    expect(a.state).toBe("blocked");
    expect(a.balance).toBe(-500);
    chargeDueFees(a, web, start + 30 * DAY);
    expect(a.feesOwed).toBe(1500);
    expect(a.nextFeeAt).toBe(start + 60 * DAY); // the period is not extended
    a.balance += 1000;
    expect(restoreIfPaid(a, web)).toBeUndefined();
    a.balance += 2000;
    expect(restoreIfPaid(a, web)).toBe(1500);
    expect(a).toMatchObject({ state: "active", balance: 1000, feesOwed: 0 });
  });

  it("Pause: half the plan fee from the day after activation", () => {
    const a = account(daily, 10_000, local(2026, 11, 1));
    chargeDueFees(a, daily, local(2026, 11, 10, 12));
    a.state = "paused";
    a.pausedAt = local(2026, 11, 10, 12);
    const before = a.balance;
    const out = chargeDueFees(a, daily, local(2026, 11, 12, 12));
    expect(out.charges.map((c) => [c.note, c.charged])).toEqual([
      ["pause-half", 50],
      ["pause-half", 50],
    ]);
    expect(a.balance).toBe(before - 100);
  });
});
