/**
 * Accounts, records and cards for the store tests, with every field of the model set (or
 * deliberately unset) so a round trip shows what a store keeps.
 */
import type { Account, Bucket, ChargingRecord, Reservation } from "../../core/charging/model.js";
import type { ExpressCard } from "../../core/store/balance-store.js";

const T0 = Date.UTC(2025, 0, 1);

export function bucket(id: string, overrides: Partial<Bucket> = {}): Bucket {
  return {
    id,
    source: `allowance-${id}`,
    kind: "voice",
    priority: 100,
    total: 600,
    remaining: 420,
    validFrom: T0,
    validUntil: T0 + 30 * 86_400_000,
    ...overrides,
  };
}

export function reservation(sessionId: string, overrides: Partial<Reservation> = {}): Reservation {
  return {
    sessionId,
    ratingGroup: 10,
    kind: "data",
    destination: undefined,
    originHost: "pgw.telsim.test",
    msisdn: "375291234567",
    startedAt: T0 + 1000,
    heldBuckets: { "b-data": 1_048_576 },
    heldMoney: 25,
    grantedUnits: 2_097_152,
    throttled: false,
    usedFromBuckets: { "allowance-b-data": 524_288 },
    usedMoneyUnits: 0,
    usedThrottledUnits: 0,
    usedUnits: 524_288,
    charged: 0,
    expiresAt: T0 + 3_600_000,
    ...overrides,
  };
}

/** An account with every field: buckets with and without the optional keys, two reservations. */
export function fullAccount(id: string, overrides: Partial<Account> = {}): Account {
  return {
    id,
    state: "active",
    balance: 1234,
    creditLimit: undefined,
    planId: "comfort-m",
    subscribers: [{ msisdn: "375291234567", imsi: "257011234567890" }],
    favorites: ["375297654321", "375339876543"],
    cugId: "cug-7",
    buckets: [
      bucket("b-voice", { classes: ["on-net", "off-net"], priority: 10 }),
      bucket("b-data", { kind: "data", window: "night", total: 5_368_709_120, remaining: 1 }),
      bucket("b-sms", { kind: "sms", total: 100, remaining: 0 }),
    ],
    reservations: [
      reservation("pgw;1;1"),
      reservation("msc;2;7", { kind: "voice", destination: "international", throttled: true }),
    ],
    feePeriodStart: T0,
    nextFeeAt: T0 + 86_400_000,
    feesOwed: 0,
    pausedAt: undefined,
    createdAt: T0 - 86_400_000,
    ...overrides,
  };
}

/** The other way round: credit limit and pause set, no CUG, nothing in the lists. */
export function sparseAccount(id: string, overrides: Partial<Account> = {}): Account {
  return fullAccount(id, {
    state: "paused",
    balance: -800,
    creditLimit: 5000,
    cugId: undefined,
    favorites: [],
    buckets: [],
    reservations: [],
    subscribers: [],
    pausedAt: T0 + 5000,
    feesOwed: 1790,
    ...overrides,
  });
}

export function chargingRecord(
  id: string,
  accountId: string,
  endedAt: number,
  overrides: Partial<ChargingRecord> = {},
): ChargingRecord {
  return {
    id,
    accountId,
    msisdn: "375291234567",
    sessionId: `pgw;${id}`,
    kind: "data",
    ratingGroup: 10,
    destination: undefined,
    startedAt: endedAt - 60_000,
    endedAt,
    units: 3_145_728,
    charge: 12,
    fromBuckets: { "allowance-b-data": 1_048_576 },
    balanceAfter: 1222,
    throttled: false,
    ...overrides,
  };
}

export function card(code: string, overrides: Partial<ExpressCard> = {}): ExpressCard {
  return { code, amount: 1000, usedBy: undefined, usedAt: undefined, createdAt: T0, ...overrides };
}

export const EMPTY = { accounts: [], records: [], cards: [] } as const;

export function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export { T0 };
