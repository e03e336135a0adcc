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

export interface MemoryStoreOptions {
  /**
   * false: keep the caller's objects instead of copies (the state then follows the live accounts,
   * and nothing can be reloaded from it). For a core nothing reloads, such as a scenario's
   * embedded core, where the copy would be most of the store's cost per CCR. Default true.
   */
  readonly copies?: boolean;
}

export class MemoryBalanceStore implements BalanceStore {
  /** Each account as JSON text (with copies) or the account itself. */
  readonly #accounts = new Map<string, string | Account>();
  readonly #copies: boolean;
  readonly #records: StoredRecord[] = [];
  readonly #cards = new Map<string, ExpressCard>();
  #closed = false;

  constructor(options: MemoryStoreOptions = {}) {
    this.#copies = options.copies ?? true;
  }

  loadAccounts(): Promise<Account[]> {
    if (this.#closed) return Promise.reject(new StoreClosedError("loadAccounts"));
    return Promise.resolve(
      Array.from(this.#accounts.values(), (a) =>
        typeof a === "string" ? restoreAccount(JSON.parse(a) as Account) : a,
      ),
    );
  }

  persist(batch: PersistBatch): Promise<void> {
    if (this.#closed) return Promise.reject(new StoreClosedError("persist"));
    try {
      if (!this.#copies) {
        for (const a of batch.accounts) this.#accounts.set(a.id, a);
        for (const record of batch.records)
          this.#records.push({ sequence: this.#records.length + 1, record });
        for (const card of batch.cards) this.#cards.set(card.code, cardShape(card));
        return Promise.resolve();
      }
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
        found.push({
          sequence: stored.sequence,
          record: this.#copies ? restoreRecord(jsonCopy(stored.record)) : stored.record,
        });
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
