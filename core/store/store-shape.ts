/**
 * The shape the stores give back, identical for MemoryBalanceStore and SqliteBalanceStore.
 *
 * JSON drops undefined-valued keys, so "what was persisted" needs one rule for undefined:
 *  - a key the model declares as `k: T | undefined` (present, possibly undefined: Account.creditLimit,
 *    cugId, pausedAt; Reservation.destination; ChargingRecord.ratingGroup, destination;
 *    ExpressCard.usedBy, usedAt) always comes back as an own key, holding undefined when unset,
 *    even if the persisted object lacked the key;
 *  - a key the model declares optional (`k?: T`: Bucket.classes, Bucket.window) comes back absent
 *    when it was absent or undefined;
 *  - any other undefined-valued key is dropped, and undefined inside an array becomes null
 *    (what JSON does).
 * So a type-correct object comes back deep-equal to what was persisted, in the strict sense
 * (vitest `toStrictEqual`, node `assert.deepStrictEqual`). The values themselves are assumed to be
 * JSON values (strings, finite numbers, booleans, null, arrays, plain objects), as the model says.
 * Cards are stored as columns: exactly the five ExpressCard fields come back.
 *
 * The key lists are checked by the compiler: adding a `k: T | undefined` field to Account,
 * Reservation or ChargingRecord fails the build here until the key is listed.
 */
import type { Account, ChargingRecord, Reservation } from "../charging/model.js";
import type { ExpressCard } from "./balance-store.js";

/** Keys of T that must be present but may hold undefined (`k: X | undefined`, not `k?: X`). */
type UndefinableKeys<T> = {
  [K in keyof T]-?: undefined extends T[K] ? (Partial<Pick<T, K>> extends Pick<T, K> ? never : K) : never;
}[keyof T];

const accountKeys: Record<UndefinableKeys<Account>, true> = {
  creditLimit: true,
  cugId: true,
  pausedAt: true,
};
const reservationKeys: Record<UndefinableKeys<Reservation>, true> = { destination: true };
const recordKeys: Record<UndefinableKeys<ChargingRecord>, true> = { ratingGroup: true, destination: true };

const ACCOUNT_KEYS = Object.keys(accountKeys);
const RESERVATION_KEYS = Object.keys(reservationKeys);
const RECORD_KEYS = Object.keys(recordKeys);

type Loose = Record<string, unknown>;

function presentKeys(target: Loose, keys: readonly string[]): void {
  // Assigning undefined to an absent key makes it an own key holding undefined.
  for (const key of keys) if (target[key] === undefined) target[key] = undefined;
}

/** Gives a decoded (or cleaned) account the model's shape, in place. */
export function restoreAccount(account: Account): Account {
  presentKeys(account as unknown as Loose, ACCOUNT_KEYS);
  const reservations: unknown = account.reservations;
  if (Array.isArray(reservations))
    for (const reservation of reservations) presentKeys(reservation as Loose, RESERVATION_KEYS);
  return account;
}

/** Gives a decoded (or cleaned) charging record the model's shape, in place. */
export function restoreRecord(record: ChargingRecord): ChargingRecord {
  presentKeys(record as unknown as Loose, RECORD_KEYS);
  return record;
}

/** The five fields of a card, as the SQLite store keeps them in columns. */
export function cardShape(card: ExpressCard): ExpressCard {
  return {
    code: card.code,
    amount: card.amount,
    usedBy: card.usedBy ?? undefined,
    usedAt: card.usedAt ?? undefined,
    createdAt: card.createdAt,
  };
}
