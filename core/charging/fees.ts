/**
 * Recurring subscription fees (seeds: "charged daily in equal instalments depending on the
 * number of days in a calendar month", "in full every 30 days", calendar-month plans) and what
 * follows from them: allowances renewed with each grant period, Pause at half the fee, fees that
 * fall due while blocked for debt owed and taken in full on restoration without extending the
 * period, and blocking when a fee takes the balance below the floor.
 */
import { floorOf } from "./credit-control.js";
import {
  DAY,
  daysInLocalMonth,
  localDate,
  localMonthStart,
  nextLocalMidnight,
  nextLocalMonthStart,
} from "./local-time.js";
import type { Account, Plan } from "./model.js";
import type { Kopecks } from "./money.js";
import { periodEnd, renewAllowances } from "./periods.js";

export interface FeeCharge {
  readonly at: number;
  /** Taken from the balance now. */
  readonly charged: Kopecks;
  /** Added to what the account owes (blocked). */
  readonly owed: Kopecks;
  readonly note: "instalment" | "monthly" | "30-days" | "pause-half" | "owed-on-restore";
}

export interface FeeOutcome {
  readonly charges: FeeCharge[];
  /** The account became blocked for debt (its sessions must be aborted). */
  readonly blocked: boolean;
  /** The allowances were renewed (a new grant period started). */
  readonly renewed: boolean;
}

/** The daily instalment of a monthly fee: equal parts, the remainder on the month's last day. */
export function dailyInstalment(amount: Kopecks, at: number): Kopecks {
  const days = daysInLocalMonth(at);
  const base = Math.floor(amount / days);
  return localDate(at).day === days ? amount - base * (days - 1) : base;
}

/** A calendar-month fee for a partial first month, prorated by days left (including today). */
export function proratedMonthly(amount: Kopecks, at: number): Kopecks {
  const days = daysInLocalMonth(at);
  const left = days - localDate(at).day + 1;
  return Math.round((amount * left) / days);
}

/**
 * Charges every fee of `account` that fell due up to `now` (catching up after a jump of the
 * virtual clock), renewing allowances at period boundaries. Mutates the account.
 */
export function chargeDueFees(account: Account, plan: Plan, now: number): FeeOutcome {
  const charges: FeeCharge[] = [];
  let blocked = false;
  let renewed = false;
  if (account.state === "closed") return { charges, blocked, renewed };
  while (account.nextFeeAt <= now) {
    const at = account.nextFeeAt;
    const first = at === account.createdAt;
    // Allowances: a new grant period starts when the previous one ended.
    const currentEnd = periodEnd(plan, account.feePeriodStart);
    if (!first && at >= currentEnd) {
      account.feePeriodStart = plan.fee.charging === "every-30-days" ? at : localMonthStart(at);
      renewAllowances(account, plan, account.feePeriodStart, periodEnd(plan, account.feePeriodStart));
      renewed = true;
    }
    let due: Kopecks;
    let note: FeeCharge["note"];
    switch (plan.fee.charging) {
      case "daily":
        due = dailyInstalment(plan.fee.amount, at);
        note = "instalment";
        account.nextFeeAt = nextLocalMidnight(at);
        break;
      case "monthly":
        due = first ? proratedMonthly(plan.fee.amount, at) : plan.fee.amount;
        note = "monthly";
        account.nextFeeAt = nextLocalMonthStart(at);
        break;
      case "every-30-days":
        due = plan.fee.amount;
        note = "30-days";
        account.nextFeeAt = at + 30 * DAY;
        break;
    }
    if (
      account.state === "paused" &&
      account.pausedAt !== undefined &&
      at >= nextLocalMidnight(account.pausedAt)
    ) {
      // Seeds: with Pause, from the day after activation, half the plan's fee.
      due = Math.round(due / 2);
      note = "pause-half";
    }
    if (due <= 0) continue;
    if (account.state === "blocked") {
      account.feesOwed += due;
      charges.push({ at, charged: 0, owed: due, note });
      continue;
    }
    account.balance -= due;
    charges.push({ at, charged: due, owed: 0, note });
    if (account.balance < floorOf(account, plan) && account.state === "active") {
      account.state = "blocked";
      blocked = true;
    }
  }
  return { charges, blocked, renewed };
}

/**
 * After money came in: a blocked account whose balance covers what it owes is restored and the
 * owed fees are taken in full (seeds: "written off after the restoration of service in a single
 * amount in full"). Returns the amount taken, or undefined when it stays blocked.
 */
export function restoreIfPaid(account: Account, plan: Plan): Kopecks | undefined {
  if (account.state !== "blocked") return undefined;
  if (account.balance - account.feesOwed < floorOf(account, plan)) return undefined;
  const owed = account.feesOwed;
  account.balance -= owed;
  account.feesOwed = 0;
  account.state = "active";
  return owed;
}
