/**
 * A BalanceStore in memory, for tests and `--memory`: nothing survives the process. It keeps deep
 * copies (structuredClone), so a caller that changes its objects after persist() — or changes what
 * loadAccounts() gave it — never changes the stored state. A batch is applied when persist() is
 * called and the promise resolves on the next microtask. Undefined fields follow the rule in
 * store-shape.ts, exactly as the SQLite store does.
 */
import type { Account } from "../charging/model.js";
import type { BalanceStore, ExpressCard, PersistBatch, RecordQuery, StoredRecord } from "./balance-store.js";
import { matchesQuery, queryLimit } from "./record-query.js";
import { StoreClosedError } from "./store-errors.js";
import { cardShape, dropUndefined, restoreAccount, restoreRecord } from "./store-shape.js";

export class MemoryBalanceStore implements BalanceStore {
  readonly #accounts = new Map<string, Account>();
  readonly #records: StoredRecord[] = [];
  readonly #cards = new Map<string, ExpressCard>();
  #closed = false;

  loadAccounts(): Promise<Account[]> {
    if (this.#closed) return Promise.reject(new StoreClosedError("loadAccounts"));
    return Promise.resolve(Array.from(this.#accounts.values(), (a) => structuredClone(a)));
  }

  persist(batch: PersistBatch): Promise<void> {
    if (this.#closed) return Promise.reject(new StoreClosedError("persist"));
    try {
      // Copy everything first, so a batch that cannot be copied changes nothing.
      const accounts = batch.accounts.map((a) => restoreAccount(dropUndefined(structuredClone(a))));
      const records = batch.records.map((r) => restoreRecord(dropUndefined(structuredClone(r))));
      const cards = batch.cards.map(cardShape);
      for (const account of accounts) this.#accounts.set(account.id, account);
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
        found.push({ sequence: stored.sequence, record: structuredClone(stored.record) });
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
