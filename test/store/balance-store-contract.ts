/**
 * The BalanceStore contract as tests, defined once and run against every implementation
 * (memory-store.test.ts, sqlite-store.test.ts): each test gets a fresh temporary folder and opens
 * the store under test on it; a persistent store opened again on the same folder must see
 * everything.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Account, ChargingRecord } from "../../core/charging/model.js";
import type { BalanceStore, PersistBatch, StoredRecord } from "../../core/store/balance-store.js";
import { StoreClosedError } from "../../core/store/store-errors.js";
import {
  byId,
  card,
  chargingRecord,
  EMPTY,
  fullAccount,
  reservation,
  sparseAccount,
  T0,
} from "./fixtures.js";

export interface StoreFactory {
  /** Opens the store kept in `dir` (an empty folder at first). */
  open(dir: string): BalanceStore;
  /** Whether opening the same folder again gives the same data. */
  readonly persistent: boolean;
}

function batch(parts: Partial<PersistBatch>): PersistBatch {
  return { ...EMPTY, ...parts };
}

const sequences = (stored: StoredRecord[]): number[] => stored.map((s) => s.sequence);
const ids = (stored: StoredRecord[]): string[] => stored.map((s) => s.record.id);

export function balanceStoreContract(name: string, factory: StoreFactory): void {
  describe(`BalanceStore contract: ${name}`, () => {
    let dir: string;
    let store: BalanceStore;
    const opened: BalanceStore[] = [];
    const open = (): BalanceStore => {
      const s = factory.open(dir);
      opened.push(s);
      return s;
    };

    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), "telsim-store-"));
      store = open();
    });
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
      await rm(dir, { recursive: true, force: true });
    });

    it("starts empty", async () => {
      expect(await store.loadAccounts()).toStrictEqual([]);
      expect(await store.records({})).toStrictEqual([]);
      expect(await store.card("12345678901234")).toBeUndefined();
    });

    it("gives back accounts with every field, deep-equal in the strict sense", async () => {
      const accounts = [fullAccount("acc-1"), sparseAccount("acc-2")];
      await store.persist(batch({ accounts }));
      const loaded = (await store.loadAccounts()).sort(byId);
      expect(loaded).toStrictEqual(accounts);
      // The undefined-valued keys are own keys, as the model declares them.
      expect(Object.hasOwn(loaded[0]!, "creditLimit")).toBe(true);
      expect(Object.hasOwn(loaded[0]!, "pausedAt")).toBe(true);
      expect(Object.hasOwn(loaded[1]!, "cugId")).toBe(true);
      expect(Object.hasOwn(loaded[0]!.reservations[0]!, "destination")).toBe(true);
      // Optional keys that were absent stay absent.
      expect(Object.hasOwn(loaded[0]!.buckets[2]!, "classes")).toBe(false);
      expect(Object.hasOwn(loaded[0]!.buckets[2]!, "window")).toBe(false);
    });

    it("applies the undefined rule to objects that are not type-correct", async () => {
      const account = fullAccount("acc-loose") as unknown as Record<string, unknown>;
      delete account["creditLimit"]; // a required `T | undefined` key missing: comes back present
      delete account["pausedAt"];
      account["extra"] = undefined; // an unknown undefined key: dropped
      const buckets = account["buckets"] as Record<string, unknown>[];
      buckets[0]!["classes"] = undefined; // an optional key set to undefined: dropped
      const record = chargingRecord("r-loose", "acc-loose", T0) as unknown as Record<string, unknown>;
      delete record["ratingGroup"];
      await store.persist(
        batch({ accounts: [account as unknown as Account], records: [record as unknown as ChargingRecord] }),
      );
      const [loaded] = await store.loadAccounts();
      expect(Object.hasOwn(loaded!, "creditLimit") && loaded!.creditLimit === undefined).toBe(true);
      expect(Object.hasOwn(loaded!, "pausedAt")).toBe(true);
      expect(Object.hasOwn(loaded!, "extra")).toBe(false);
      expect(Object.hasOwn(loaded!.buckets[0]!, "classes")).toBe(false);
      const [stored] = await store.records({});
      expect(Object.hasOwn(stored!.record, "ratingGroup")).toBe(true);
      expect(stored!.record.ratingGroup).toBeUndefined();
    });

    it("keeps its own copies: changing objects after persist or after load changes nothing", async () => {
      const account = fullAccount("acc-1");
      const record = chargingRecord("r-1", "acc-1", T0);
      await store.persist(batch({ accounts: [account], records: [record] }));
      account.balance = 0;
      account.buckets[0]!.remaining = 0;
      account.reservations.push(reservation("late"));
      (record.fromBuckets as Record<string, number>)["x"] = 1;
      const [loaded] = await store.loadAccounts();
      expect(loaded).toStrictEqual(fullAccount("acc-1"));
      loaded!.balance = -1;
      loaded!.favorites.length = 0;
      expect(await store.loadAccounts()).toStrictEqual([fullAccount("acc-1")]);
      const [stored] = await store.records({});
      expect(stored!.record).toStrictEqual(chargingRecord("r-1", "acc-1", T0));
    });

    it("replaces an account on upsert", async () => {
      await store.persist(batch({ accounts: [fullAccount("acc-1"), fullAccount("acc-2")] }));
      const replaced = sparseAccount("acc-1", { balance: 5 });
      await store.persist(batch({ accounts: [replaced] }));
      expect((await store.loadAccounts()).sort(byId)).toStrictEqual([replaced, fullAccount("acc-2")]);
    });

    it("keeps the latest state of an account persisted several times in one tick", async () => {
      const pending = [1, 2, 3].map((balance) =>
        store.persist(batch({ accounts: [fullAccount("acc-1", { balance })] })),
      );
      await Promise.all(pending);
      expect(await store.loadAccounts()).toStrictEqual([fullAccount("acc-1", { balance: 3 })]);
    });

    it("applies batches in call order across ticks", async () => {
      const first = store.persist(batch({ accounts: [fullAccount("acc-1", { balance: 1 })] }));
      await new Promise((resolve) => setImmediate(resolve));
      const second = store.persist(batch({ accounts: [fullAccount("acc-1", { balance: 2 })] }));
      await Promise.all([first, second]);
      expect((await store.loadAccounts())[0]!.balance).toBe(2);
    });

    it("appends records in order with sequences increasing from 1", async () => {
      await store.persist(
        batch({ records: [chargingRecord("r-1", "a", T0), chargingRecord("r-2", "b", T0 + 1)] }),
      );
      await store.persist(batch({ records: [chargingRecord("r-3", "a", T0 - 5)] }));
      const stored = await store.records({});
      expect(sequences(stored)).toStrictEqual([1, 2, 3]);
      expect(stored.map((s) => s.record)).toStrictEqual([
        chargingRecord("r-1", "a", T0),
        chargingRecord("r-2", "b", T0 + 1),
        chargingRecord("r-3", "a", T0 - 5),
      ]);
    });

    it("filters records by account, time (until exclusive), sequence and limit", async () => {
      const records = Array.from({ length: 30 }, (_, i) =>
        chargingRecord(`r-${i + 1}`, i % 3 === 0 ? "a" : "b", T0 + (i % 10) * 1000),
      );
      await store.persist(batch({ records }));
      const expected = (keep: (r: ChargingRecord, sequence: number) => boolean, limit = 1000): string[] =>
        records
          .filter((r, i) => keep(r, i + 1))
          .slice(0, limit)
          .map((r) => r.id);

      expect(ids(await store.records({ accountId: "a" }))).toStrictEqual(
        expected((r) => r.accountId === "a"),
      );
      expect(ids(await store.records({ accountId: "nobody" }))).toStrictEqual([]);
      expect(ids(await store.records({ since: T0 + 7000 }))).toStrictEqual(
        expected((r) => r.endedAt >= T0 + 7000),
      );
      expect(ids(await store.records({ until: T0 + 2000 }))).toStrictEqual(
        expected((r) => r.endedAt < T0 + 2000),
      );
      expect(ids(await store.records({ since: T0 + 2000, until: T0 + 4000, accountId: "b" }))).toStrictEqual(
        expected((r) => r.accountId === "b" && r.endedAt >= T0 + 2000 && r.endedAt < T0 + 4000),
      );
      expect(ids(await store.records({ afterSequence: 25 }))).toStrictEqual(expected((_, seq) => seq > 25));
      expect(ids(await store.records({ limit: 4 }))).toStrictEqual(expected(() => true, 4));
      expect(ids(await store.records({ limit: 0 }))).toStrictEqual([]);
      expect(await store.records({ limit: Number.POSITIVE_INFINITY })).toHaveLength(30);
      expect(ids(await store.records({ accountId: "b", afterSequence: 10, limit: 3 }))).toStrictEqual(
        expected((r, seq) => r.accountId === "b" && seq > 10, 3),
      );
    });

    it("pages through records with afterSequence; limit defaults to 1000", async () => {
      const records = Array.from({ length: 2500 }, (_, i) => chargingRecord(`r-${i + 1}`, "a", T0 + i));
      await store.persist(batch({ records }));
      const pages: number[] = [];
      let after = 0;
      for (;;) {
        const page = await store.records({ afterSequence: after });
        if (page.length === 0) break;
        pages.push(page.length);
        after = page.at(-1)!.sequence;
      }
      expect(pages).toStrictEqual([1000, 1000, 500]);
      expect(after).toBe(2500);
    });

    it("upserts cards and reads them back, unused and used", async () => {
      await store.persist(
        batch({ cards: [card("11112222333344"), card("55556666777788", { amount: 500 })] }),
      );
      expect(await store.card("11112222333344")).toStrictEqual(card("11112222333344"));
      const used = card("11112222333344", { usedBy: "acc-1", usedAt: T0 + 60_000 });
      await store.persist(batch({ cards: [used] }));
      expect(await store.card("11112222333344")).toStrictEqual(used);
      expect(await store.card("55556666777788")).toStrictEqual(card("55556666777788", { amount: 500 }));
      expect(await store.card("00000000000000")).toBeUndefined();
    });

    it("resolves and stores every one of many persists made in one tick", async () => {
      const count = 2000;
      const pending: Promise<void>[] = [];
      for (let i = 0; i < count; i++)
        pending.push(
          store.persist(
            batch({
              accounts: [fullAccount(`acc-${i % 500}`, { balance: i })],
              records: [chargingRecord(`r-${i}`, `acc-${i % 500}`, T0 + i)],
              cards: i % 100 === 0 ? [card(String(10_000_000_000_000 + i))] : [],
            }),
          ),
        );
      await Promise.all(pending);
      const accounts = await store.loadAccounts();
      expect(accounts).toHaveLength(500);
      for (const account of accounts) expect(account.balance).toBe(1500 + Number(account.id.slice(4)));
      const stored = await store.records({ limit: count });
      expect(ids(stored)).toStrictEqual(Array.from({ length: count }, (_, i) => `r-${i}`));
      expect(sequences(stored)).toStrictEqual(Array.from({ length: count }, (_, i) => i + 1));
      expect(await store.card("10000000001900")).toStrictEqual(card("10000000001900"));
    });

    it("lets a read see a persist made before it, even unawaited", async () => {
      const pending = store.persist(
        batch({ accounts: [fullAccount("acc-1")], records: [chargingRecord("r-1", "acc-1", T0)] }),
      );
      expect(await store.loadAccounts()).toHaveLength(1);
      expect(await store.records({})).toHaveLength(1);
      await pending;
    });

    it("closes twice harmlessly and refuses work once closed", async () => {
      await store.persist(batch({ accounts: [fullAccount("acc-1")] }));
      await store.close();
      await store.close();
      await expect(store.persist(batch({}))).rejects.toBeInstanceOf(StoreClosedError);
      await expect(store.loadAccounts()).rejects.toBeInstanceOf(StoreClosedError);
      await expect(store.records({})).rejects.toBeInstanceOf(StoreClosedError);
      await expect(store.card("1")).rejects.toBeInstanceOf(StoreClosedError);
    });

    it.runIf(factory.persistent)("sees everything when opened again", async () => {
      const accounts = [fullAccount("acc-1"), sparseAccount("acc-2")];
      const records = [chargingRecord("r-1", "acc-1", T0), chargingRecord("r-2", "acc-2", T0 + 1)];
      const cards = [card("11112222333344", { usedBy: "acc-2", usedAt: T0 })];
      await store.persist(batch({ accounts, records, cards }));
      // Persisted but not awaited: close() still writes it.
      const last = store.persist(batch({ accounts: [fullAccount("acc-3")] }));
      await store.close();
      await last;

      const again = open();
      expect((await again.loadAccounts()).sort(byId)).toStrictEqual([...accounts, fullAccount("acc-3")]);
      expect(await again.records({})).toStrictEqual(
        records.map((record, i) => ({ sequence: i + 1, record })),
      );
      expect(await again.card("11112222333344")).toStrictEqual(cards[0]);
      // Sequences continue where they stopped.
      await again.persist(batch({ records: [chargingRecord("r-3", "acc-1", T0 + 2)] }));
      expect(sequences(await again.records({ afterSequence: 2 }))).toStrictEqual([3]);
    });
  });
}
