/**
 * What the admin API shows of the charging state: plain JSON with money as "X.XX" strings, times
 * as ISO 8601 and absent values as null. Keys, OPc and PINs never appear here (only in the answer
 * that issues a SIM).
 */
import { creditLimitOf, heldMoney } from "../charging/credit-control.js";
import type { ChargingEngine } from "../charging/engine.js";
import { type Account, type ChargingRecord, type Reservation, unitOf } from "../charging/model.js";
import { formatMoney } from "../charging/money.js";
import type { ExpressCard, StoredRecord } from "../store/balance-store.js";
import type { SettleOutcome } from "../ussd/unconfirmed-payments.js";

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function subscriberView(engine: ChargingEngine, account: Account) {
  const plan = engine.planOf(account);
  const subscriber = account.subscribers[0];
  return {
    accountId: account.id,
    msisdn: subscriber?.msisdn ?? null,
    imsi: subscriber?.imsi ?? null,
    plan: { id: plan.id, name: plan.name },
    state: account.state,
    pausedAt: account.pausedAt === undefined ? null : iso(account.pausedAt),
    balance: formatMoney(account.balance),
    creditLimit: formatMoney(creditLimitOf(account, plan)),
    available: formatMoney(engine.available(account)),
    held: formatMoney(heldMoney(account)),
    feesOwed: formatMoney(account.feesOwed),
    favorites: [...account.favorites],
    cugId: account.cugId ?? null,
    iccid: account.sim?.iccid ?? null,
    buckets: account.buckets.map((b) => ({
      source: b.source,
      kind: b.kind,
      remaining: b.remaining,
      total: b.total,
      unit: unitOf[b.kind],
      validUntil: iso(b.validUntil),
    })),
    sessions: account.reservations.map((r) => ({
      sessionId: r.sessionId,
      ratingGroup: r.ratingGroup,
      kind: r.kind,
      grantedUnits: r.grantedUnits,
      heldMoney: formatMoney(r.heldMoney),
    })),
    nextFeeAt: iso(account.nextFeeAt),
    createdAt: iso(account.createdAt),
  };
}

export function sessionView(account: Account, r: Reservation) {
  return {
    sessionId: r.sessionId,
    msisdn: r.msisdn,
    accountId: account.id,
    ratingGroup: r.ratingGroup,
    kind: r.kind,
    destination: r.destination ?? null,
    grantedUnits: r.grantedUnits,
    heldMoney: formatMoney(r.heldMoney),
    usedUnits: r.usedUnits,
    charged: formatMoney(r.charged),
    throttled: r.throttled,
    startedAt: iso(r.startedAt),
    expiresAt: iso(r.expiresAt),
  };
}

export function recordView(record: ChargingRecord, sequence?: number) {
  return {
    ...(sequence !== undefined ? { sequence } : {}),
    id: record.id,
    accountId: record.accountId,
    msisdn: record.msisdn,
    sessionId: record.sessionId,
    kind: record.kind,
    ratingGroup: record.ratingGroup ?? null,
    destination: record.destination ?? null,
    startedAt: iso(record.startedAt),
    endedAt: iso(record.endedAt),
    units: record.units,
    charge: formatMoney(record.charge),
    fromBuckets: { ...record.fromBuckets },
    balanceAfter: formatMoney(record.balanceAfter),
    throttled: record.throttled,
  };
}

export function storedRecordView(stored: StoredRecord) {
  return recordView(stored.record, stored.sequence);
}

export function cardView(card: ExpressCard) {
  return {
    code: card.code,
    amount: formatMoney(card.amount),
    used: card.usedBy !== undefined,
    usedBy: card.usedBy ?? null,
    usedAt: card.usedAt === undefined ? null : iso(card.usedAt),
    createdAt: iso(card.createdAt),
  };
}

/** An unconfirmed payment a top-up settled: `blocked` when taking it put the account under its floor. */
export function unconfirmedPaymentView(settled: SettleOutcome) {
  const p = settled.payment;
  return {
    id: p.id,
    amount: formatMoney(p.amount),
    status: p.status,
    registeredAt: iso(p.registeredAt),
    expiresAt: iso(p.expiresAt),
    settledAt: p.settledAt === undefined ? null : iso(p.settledAt),
    blocked: settled.blocked,
  };
}
