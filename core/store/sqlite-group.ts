/**
 * A group of persisted batches as the SQLite writer takes it: flat arrays of column values, with
 * every JSON text made on the calling thread, once per account per group (the latest state of an
 * account persisted several times wins). The same shape is written in-thread or posted to the
 * writer thread (strings copy cheaply between threads; objects would be cloned field by field).
 */
import type { Account } from "../charging/model.js";
import type { PersistBatch } from "./balance-store.js";

export interface EncodedGroup {
  /** id, json, id, json, … — each account once (appended to account_log). */
  readonly accounts: string[];
  /** account_id, ended_at, json, … — in call order. */
  readonly records: (string | number)[];
  /** code, amount, used_by, used_at, created_at, … — in call order. */
  readonly cards: (string | number | null)[];
}

/** Throws what JSON.stringify throws (a BigInt, a cycle): the whole group fails then. */
export function encodeGroup(batches: readonly PersistBatch[]): EncodedGroup {
  const accounts: string[] = [];
  const records: (string | number)[] = [];
  const cards: (string | number | null)[] = [];
  if (batches.length === 1) {
    for (const account of batches[0]!.accounts) accounts.push(account.id, JSON.stringify(account));
  } else {
    const latest = new Map<string, Account>();
    for (const batch of batches) for (const account of batch.accounts) latest.set(account.id, account);
    for (const [id, account] of latest) accounts.push(id, JSON.stringify(account));
  }
  for (const batch of batches) {
    for (const record of batch.records)
      records.push(record.accountId, record.endedAt, JSON.stringify(record));
    for (const card of batch.cards)
      cards.push(card.code, card.amount, card.usedBy ?? null, card.usedAt ?? null, card.createdAt);
  }
  return { accounts, records, cards };
}
