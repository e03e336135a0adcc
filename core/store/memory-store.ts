/**
 * A BalanceStore in memory, for tests and `--memory`: nothing survives the process. It keeps
 * copies made by a JSON round trip (accounts as their JSON text, as the SQLite store writes them),
 * so a caller that changes its objects after persist() — or changes what loadAccounts() gave it —
 * never changes the stored state, and undefined fields follow the rule in store-shape.ts exactly
 * as they do there. A batch is applied when persist() is called and the promise resolves on the
 * next microtask.
 */
import type { Account, ChargingRecord } from "../charging/model.js";
import type { BalanceStore, ExpressCard, PersistBatch, RecordQuery, StoredRecord } from "./balance-store.js";
import { matchesQuery, queryLimit } from "./record-query.js";
import { StoreClosedError } from "./store-errors.js";
import { cardShape, restoreAccount, restoreRecord } from "./store-shape.js";

/** A deep copy with what JSON does to undefined (store-shape.ts); native, so cheap per CCR. */
function jsonCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export class MemoryBalanceStore implements BalanceStore {
  /** Each account as JSON text. */
  readonly #accounts = new Map<string, string>();
  readonly #records: StoredRecord[] = [];
  readonly #cards = new Map<string, ExpressCard>();
  #closed = false;

  loadAccounts(): Promise<Account[]> {
    if (this.#closed) return Promise.reject(new StoreClosedError("loadAccounts"));
    return Promise.resolve(
      Array.from(this.#accounts.values(), (t) => restoreAccount(JSON.parse(t) as Account)),
    );
  }

  persist(batch: PersistBatch): Promise<void> {
    if (this.#closed) return Promise.reject(new StoreClosedError("persist"));
    try {
      // Copy everything first, so a batch that cannot be copied changes nothing.
      const accounts = batch.accounts.map((a) => [a.id, JSON.stringify(a)] as const);
      const records = batch.records.map((r) => restoreRecord(jsonCopy<ChargingRecord>(r)));
      const cards = batch.cards.map(cardShape);
      for (const [id, text] of accounts) this.#accounts.set(id, text);
      for (const record of records) this.#records.push({ sequence: this.#records.length + 1, record });
      for (const card of cards) this.#cards.set(card.code, card);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  records(query: RecordQuery): Promise<StoredRecord[]> {
    if (this.#closed) return Promise.reject(new StoreClosedError("records"));
    const limit = queryLimit(query);
    const found: StoredRecord[] = [];
    const first = query.afterSequence ?? 0; // sequence n sits at index n - 1
    for (let i = Math.max(0, Math.floor(first)); i < this.#records.length && found.length < limit; i++) {
      const stored = this.#records[i]!;
      if (matchesQuery(stored, query))
        found.push({ sequence: stored.sequence, record: restoreRecord(jsonCopy(stored.record)) });
    }
    return Promise.resolve(found);
  }

  card(code: string): Promise<ExpressCard | undefined> {
    if (this.#closed) return Promise.reject(new StoreClosedError("card"));
    const card = this.#cards.get(code);
    return Promise.resolve(card === undefined ? undefined : { ...card });
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }
}
