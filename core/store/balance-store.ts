/**
 * Where the charging core keeps what must survive a crash. The core owns the live state in
 * memory; after each change it hands the store the new state of every account it touched, the
 * records it produced and the express cards it used, and answers the peer only once `persist`
 * has resolved (durable). Implementations: MemoryBalanceStore (tests, `--memory`) and
 * SqliteBalanceStore (the default; WAL and group commit, accounts appended to a journal that is
 * folded in the background).
 */

import type { Account, ChargingRecord } from "../charging/model.js";
import type { Kopecks } from "../charging/money.js";

/** A 14-digit express payment card (seeds: top-up by card code, `*…#`). */
export interface ExpressCard {
  readonly code: string;
  readonly amount: Kopecks;
  /** Set once the card has been used. */
  readonly usedBy: string | undefined;
  readonly usedAt: number | undefined;
  readonly createdAt: number;
}

export interface PersistBatch {
  /** The whole current state of every account that changed (upserted by id). */
  readonly accounts: readonly Account[];
  /** New charging records (CDRs), appended. */
  readonly records: readonly ChargingRecord[];
  /** Express cards created or used (upserted by code). */
  readonly cards: readonly ExpressCard[];
}

export interface RecordQuery {
  readonly accountId?: string;
  /** Records whose endedAt is at or after this time. */
  readonly since?: number;
  readonly until?: number;
  /** Default 1000. */
  readonly limit?: number;
  /** Records after this id (paging, in insertion order). */
  readonly afterSequence?: number;
}

export interface StoredRecord {
  /** Insertion order, from 1. */
  readonly sequence: number;
  readonly record: ChargingRecord;
}

export interface BalanceStore {
  /** Every account, as last persisted. */
  loadAccounts(): Promise<Account[]>;
  /** Durable when the promise resolves; batches are applied in call order. */
  persist(batch: PersistBatch): Promise<void>;
  records(query: RecordQuery): Promise<StoredRecord[]>;
  card(code: string): Promise<ExpressCard | undefined>;
  close(): Promise<void>;
}
