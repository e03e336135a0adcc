/** Grant periods of plans (seeds: "calendar month" or "30 days") and the buckets they bring. */
import { DAY, nextLocalMonthStart } from "./local-time.js";
import type { Account, Bucket, Plan } from "./model.js";
import { OCTETS_PER_MEGABYTE } from "./pricing.js";

/** When a grant period that starts at `start` ends. */
export function periodEnd(plan: Plan, start: number): number {
  return plan.fee.charging === "every-30-days" ? start + 30 * DAY : nextLocalMonthStart(start);
}

function unitsOfAllowance(kind: Bucket["kind"], amount: number): number {
  if (kind === "voice") return amount * 60;
  if (kind === "data") return amount * OCTETS_PER_MEGABYTE;
  return amount;
}

/** Fresh buckets for the plan's allowances, valid for [start, end). */
export function allowanceBuckets(plan: Plan, start: number, end: number): Bucket[] {
  return plan.allowances.map((a) => {
    const units = unitsOfAllowance(a.kind, a.amount);
    return {
      id: `${a.id}@${start}`,
      source: a.id,
      kind: a.kind,
      ...(a.classes !== undefined ? { classes: a.classes } : {}),
      ...(a.window !== undefined ? { window: a.window } : {}),
      priority: a.priority ?? 100,
      total: units,
      remaining: units,
      validFrom: start,
      validUntil: end,
    };
  });
}

/** Replaces the account's plan buckets with those of a new period (packages are kept). */
export function renewAllowances(account: Account, plan: Plan, start: number, end: number): void {
  const planSources = new Set(plan.allowances.map((a) => a.id));
  account.buckets = [
    ...account.buckets.filter((b) => !planSources.has(b.source) && b.validUntil > start),
    ...allowanceBuckets(plan, start, end),
  ];
}
