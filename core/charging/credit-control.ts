/**
 * Reservations and commits on one account (pure functions over the account; the engine owns the
 * state). A grant takes units from the buckets that apply (priority, then expiry), then from
 * money at the plan's rate within balance + credit limit minus what other sessions hold; on a
 * throttled plan whose data is used up it grants free units at the reduced speed instead.
 * Usage is billed on the session's cumulative units (voice per started minute), so no update
 * rounds up twice, and money never goes below the account's floor.
 */
import { applicableBuckets } from "./buckets.js";
import type { Account, DestinationClass, Plan, Reservation, ServiceKind } from "./model.js";
import type { Kopecks } from "./money.js";
import { affordableUnits, priceOf, rateFor } from "./pricing.js";

export interface ChargingConfig {
  /** Units granted when the request names no amount (e.g. voice 300 s, data 10 MB, SMS 1). */
  readonly defaultQuota: Readonly<Record<ServiceKind, number>>;
  /** Most units one grant gives. */
  readonly maxQuota: Readonly<Record<ServiceKind, number>>;
  /** Session supervision (Tcc): a reservation not refreshed within this is released. */
  readonly tccMs: number;
}

/** RFC 4006 §9 / RFC 6733 result codes the rating gives. */
export const Refusal = {
  serviceDenied: 4010,
  notApplicable: 4011,
  creditLimit: 4012,
  ratingFailed: 5031,
} as const;
export type RefusalCode = (typeof Refusal)[keyof typeof Refusal];

export type GrantOutcome =
  | {
      readonly kind: "granted";
      readonly units: number;
      readonly throttled: boolean;
      /** The balance cannot pay for more after this grant: send Final-Unit-Indication. */
      readonly final: boolean;
      readonly reservation: Reservation;
    }
  | { readonly kind: "refused"; readonly resultCode: RefusalCode; readonly reason: string };

export interface UsageRequest {
  readonly sessionId: string;
  readonly ratingGroup: number;
  readonly kind: ServiceKind;
  readonly destination: DestinationClass | undefined;
  /** Units asked for; undefined or 0: the default quota. */
  readonly requested: number | undefined;
  readonly originHost: string;
  readonly msisdn: string;
  readonly now: number;
}

/** Billing quantum: voice is billed per started minute, everything else per unit. */
export function quantumOf(kind: ServiceKind): number {
  return kind === "voice" ? 60 : 1;
}

function billed(kind: ServiceKind, units: number): number {
  const q = quantumOf(kind);
  return Math.ceil(units / q) * q;
}

export function creditLimitOf(account: Account, plan: Plan): Kopecks {
  return account.creditLimit ?? plan.creditLimit;
}

/** The lowest balance the account may reach: −credit limit (0 when prepaid). */
export function floorOf(account: Account, plan: Plan): Kopecks {
  return -creditLimitOf(account, plan);
}

export function heldMoney(account: Account): Kopecks {
  let sum = 0;
  for (const r of account.reservations) sum += r.heldMoney;
  return sum;
}

/** Money the account can still commit to new grants. */
export function availableMoney(account: Account, plan: Plan): Kopecks {
  return account.balance - floorOf(account, plan) - heldMoney(account);
}

export function findReservation(
  account: Account,
  sessionId: string,
  ratingGroup: number,
): Reservation | undefined {
  return account.reservations.find((r) => r.sessionId === sessionId && r.ratingGroup === ratingGroup);
}

/** Why a usage cannot be credit-controlled at all, before looking at money. */
export function refusalFor(
  account: Account,
  plan: Plan,
  kind: ServiceKind,
  destination: DestinationClass | undefined,
): { resultCode: RefusalCode; reason: string } | undefined {
  if (account.state !== "active")
    return { resultCode: Refusal.serviceDenied, reason: `account ${account.state}` };
  if (!plan.services.includes(kind))
    return { resultCode: Refusal.serviceDenied, reason: `${kind} is not on ${plan.id}` };
  if (destination === "cug" && plan.cugUnlimited) {
    return { resultCode: Refusal.notApplicable, reason: "calls within the closed user group are free" };
  }
  if (destination === "favorite" && plan.favoritesUnlimited) {
    return { resultCode: Refusal.notApplicable, reason: "calls to favorite numbers are free" };
  }
  return undefined;
}

/** A reservation holding nothing yet, added to the account (usage reported without a grant). */
export function openReservation(account: Account, req: UsageRequest, tccMs: number): Reservation {
  const r = newReservation(req, tccMs);
  account.reservations.push(r);
  return r;
}

function newReservation(req: UsageRequest, tccMs: number): Reservation {
  return {
    sessionId: req.sessionId,
    ratingGroup: req.ratingGroup,
    kind: req.kind,
    destination: req.destination,
    originHost: req.originHost,
    msisdn: req.msisdn,
    startedAt: req.now,
    heldBuckets: {},
    heldMoney: 0,
    grantedUnits: 0,
    throttled: false,
    usedFromBuckets: {},
    usedMoneyUnits: 0,
    usedThrottledUnits: 0,
    usedUnits: 0,
    charged: 0,
    expiresAt: req.now + tccMs,
  };
}

/**
 * Grants units for a session's rating group (CCR-I, or CCR-U after its commit), holding them
 * on the account. The reservation is created on first use and kept across updates.
 */
export function reserve(
  account: Account,
  plan: Plan,
  req: UsageRequest,
  config: ChargingConfig,
): GrantOutcome {
  const refusal = refusalFor(account, plan, req.kind, req.destination);
  if (refusal !== undefined) return { kind: "refused", ...refusal };
  const existing = findReservation(account, req.sessionId, req.ratingGroup);
  const r = existing ?? newReservation(req, config.tccMs);
  releaseHeld(r);
  const wanted =
    req.requested !== undefined && req.requested > 0
      ? Math.min(req.requested, config.maxQuota[req.kind])
      : config.defaultQuota[req.kind];
  // The rest of a started, already billed minute comes free.
  const prepaid = billed(req.kind, r.usedUnits) - r.usedUnits;
  let granted = Math.min(prepaid, wanted);
  const heldBuckets: Record<string, number> = {};
  for (const { bucket, free } of applicableBuckets(account, req.kind, req.destination, req.now)) {
    if (granted >= wanted) break;
    const take = Math.min(free, wanted - granted);
    heldBuckets[bucket.id] = take;
    granted += take;
  }
  let throttled = false;
  let money = 0;
  let final = false;
  if (granted < wanted) {
    if (plan.throttleKbps !== undefined && req.kind === "data") {
      // Seeds (Business Unlim, Unlim L, Mobile Cabinet): once the included data is used up,
      // access continues at the reduced speed instead of being charged.
      if (granted === 0) {
        throttled = true;
        granted = wanted;
      }
    } else {
      const rate = rateFor(plan, req.kind, req.destination);
      const moneyUnitsBefore = r.usedMoneyUnits;
      const need = wanted - granted;
      const canAfford = affordableUnits(req.kind, rate, availableMoney(account, plan), moneyUnitsBefore);
      // Voice from money in whole minutes (a started minute is paid in full anyway), so
      // cumulative billing stays exact.
      const units =
        req.kind === "voice"
          ? Math.min(Math.ceil(need / 60) * 60, Math.floor(canAfford / 60) * 60)
          : Math.min(need, canAfford);
      money = priceOf(req.kind, rate, moneyUnitsBefore + units) - priceOf(req.kind, rate, moneyUnitsBefore);
      granted += units;
      final = canAfford < need && rate > 0;
    }
  }
  if (granted <= 0) {
    if (existing === undefined)
      return { kind: "refused", resultCode: Refusal.creditLimit, reason: "no credit left" };
    r.grantedUnits = 0;
    return { kind: "refused", resultCode: Refusal.creditLimit, reason: "no credit left" };
  }
  r.heldBuckets = heldBuckets;
  r.heldMoney = money;
  r.grantedUnits = granted;
  r.throttled = throttled;
  r.expiresAt = req.now + config.tccMs;
  if (existing === undefined) account.reservations.push(r);
  return { kind: "granted", units: granted, throttled, final, reservation: r };
}

export function releaseHeld(r: Reservation): void {
  r.heldBuckets = {};
  r.heldMoney = 0;
  r.grantedUnits = 0;
}

export interface CommitResult {
  /** Money taken from the balance by this commit. */
  readonly charged: Kopecks;
  /** Units taken from buckets by this commit, by bucket source. */
  readonly fromBuckets: Readonly<Record<string, number>>;
}

/**
 * Commits `used` units (Used-Service-Unit) of a reservation: billed on the cumulative usage,
 * taken from the held buckets, then from other buckets that apply, then from money (never
 * below the floor), or free when the grant was throttled. Releases what was held.
 */
export function commitUsage(
  account: Account,
  plan: Plan,
  r: Reservation,
  used: number,
  now: number,
): CommitResult {
  const fromBuckets: Record<string, number> = {};
  let charged = 0;
  if (used > 0) {
    if (r.throttled) {
      r.usedThrottledUnits += used;
      r.usedUnits += used;
    } else {
      const before = billed(r.kind, r.usedUnits);
      r.usedUnits += used;
      let toBill = billed(r.kind, r.usedUnits) - before;
      const take = (bucketId: string, units: number): void => {
        const bucket = account.buckets.find((b) => b.id === bucketId);
        if (bucket === undefined || units <= 0) return;
        const n = Math.min(units, bucket.remaining, toBill);
        if (n <= 0) return;
        bucket.remaining -= n;
        toBill -= n;
        fromBuckets[bucket.source] = (fromBuckets[bucket.source] ?? 0) + n;
        r.usedFromBuckets[bucket.source] = (r.usedFromBuckets[bucket.source] ?? 0) + n;
      };
      for (const [id, units] of Object.entries(r.heldBuckets)) take(id, units);
      r.heldBuckets = {};
      if (toBill > 0) {
        for (const { bucket, free } of applicableBuckets(account, r.kind, r.destination, now))
          take(bucket.id, free);
      }
      if (toBill > 0) {
        const rate = rateFor(plan, r.kind, r.destination);
        const newMoneyUnits = r.usedMoneyUnits + toBill;
        const due = priceOf(r.kind, rate, newMoneyUnits) - priceOf(r.kind, rate, r.usedMoneyUnits);
        r.heldMoney = 0;
        const payable = Math.max(0, account.balance - floorOf(account, plan) - heldMoney(account));
        charged = Math.min(due, payable);
        account.balance -= charged;
        r.charged += charged;
        r.usedMoneyUnits = newMoneyUnits;
      }
    }
  }
  releaseHeld(r);
  return { charged, fromBuckets };
}

/** Removes a finished reservation from the account. */
export function removeReservation(account: Account, r: Reservation): void {
  const i = account.reservations.indexOf(r);
  if (i >= 0) account.reservations.splice(i, 1);
}
