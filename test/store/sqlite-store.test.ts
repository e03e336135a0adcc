import { existsSync, readFileSync, rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PersistBatch } from "../../core/store/balance-store.js";
import { SCHEMA_VERSION } from "../../core/store/sqlite-schema.js";
import { SqliteBalanceStore, type SqliteStoreOptions } from "../../core/store/sqlite-store.js";
import {
  NotTelsimDatabaseError,
  SchemaVersionError,
  StoreWriterError,
} from "../../core/store/store-errors.js";
import { balanceStoreContract } from "./balance-store-contract.js";
import { chargingRecord, EMPTY, fullAccount, T0 } from "./fixtures.js";

balanceStoreContract("SqliteBalanceStore (writer thread)", {
  open: (dir) => new SqliteBalanceStore(dir),
  persistent: true,
});
balanceStoreContract("SqliteBalanceStore (inline writer)", {
  open: (dir) => new SqliteBalanceStore(dir, { writer: "inline" }),
  persistent: true,
});

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const accountBatch = (id: string, balance: number): PersistBatch => ({
  ...EMPTY,
  accounts: [fullAccount(id, { balance })],
  records: [chargingRecord(`r-${id}-${balance}`, id, T0 + balance)],
});

describe.each(["thread", "inline"] as const)("SqliteBalanceStore (writer: %s)", (writer) => {
  let dir: string;
  const stores: SqliteBalanceStore[] = [];
  const open = (options: SqliteStoreOptions = {}): SqliteBalanceStore => {
    const store = new SqliteBalanceStore(dir, { writer, ...options });
    stores.push(store);
    return store;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "telsim-sqlite-"));
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe("group commit", () => {
    it("writes the persists of one event-loop turn in one transaction", async () => {
      const store = open();
      const pending = Array.from({ length: 300 }, (_, i) => store.persist(accountBatch(`acc-${i % 7}`, i)));
      expect(store.stats().flushes).toBe(0); // nothing written yet: the group waits for the turn's end
      await Promise.all(pending);
      expect(store.stats()).toMatchObject({ flushes: 1, items: 300, largestGroup: 300, failedFlushes: 0 });

      await store.persist(accountBatch("acc-0", 1000));
      await Promise.all([
        store.persist(accountBatch("acc-1", 1001)),
        store.persist(accountBatch("acc-2", 1002)),
      ]);
      expect(store.stats()).toMatchObject({ flushes: 3, items: 303 });
    });

    it("gathers persists from several turns within commitWindowMs", async () => {
      const store = open({ commitWindowMs: 50 });
      const pending: Promise<void>[] = [];
      for (let i = 0; i < 5; i++) {
        pending.push(store.persist(accountBatch("acc-1", i)));
        await nextTurn();
      }
      await Promise.all(pending);
      expect(store.stats()).toMatchObject({ flushes: 1, items: 5 });
      expect((await store.loadAccounts())[0]!.balance).toBe(4);
    });

    it("rejects every persist of a failing group with the error and writes none of it", async () => {
      const store = open();
      await store.persist(accountBatch("acc-1", 1));
      const poisoned = fullAccount("acc-2", { balance: 10n as unknown as number }); // JSON.stringify throws
      const results = await Promise.allSettled([
        store.persist(accountBatch("acc-1", 2)),
        store.persist({ ...EMPTY, accounts: [poisoned] }),
        store.persist(accountBatch("acc-3", 3)),
      ]);
      expect(results.map((r) => r.status)).toStrictEqual(["rejected", "rejected", "rejected"]);
      const reasons = results.map((r) => (r.status === "rejected" ? r.reason : undefined));
      expect(reasons[0]).toBeInstanceOf(TypeError);
      expect(new Set(reasons).size).toBe(1);
      expect(store.stats().failedFlushes).toBe(1);

      // Rolled back: acc-1 still at 1, no acc-3, one record. The store keeps working.
      expect(await store.loadAccounts()).toStrictEqual([fullAccount("acc-1", { balance: 1 })]);
      expect(await store.records({})).toHaveLength(1);
      await store.persist(accountBatch("acc-3", 3));
      expect(await store.records({})).toHaveLength(2);
    });

    it("rejects a group that SQLite refuses with the SqliteError, and rolls it back", async () => {
      const store = open();
      const broken = chargingRecord("r-broken", "acc-1", T0, { endedAt: null as unknown as number }); // NOT NULL
      const results = await Promise.allSettled([
        store.persist(accountBatch("acc-1", 1)),
        store.persist({ ...EMPTY, records: [broken] }),
      ]);
      const reasons = results.map((r) => (r.status === "rejected" ? r.reason : undefined));
      expect(reasons[0]).toBeInstanceOf(Database.SqliteError);
      expect(reasons[1]).toBe(reasons[0]);
      expect((reasons[0] as { code: string }).code).toBe("SQLITE_CONSTRAINT_NOTNULL");
      expect(await store.loadAccounts()).toStrictEqual([]);
      await store.persist(accountBatch("acc-1", 2));
      expect(await store.records({})).toHaveLength(1);
    });

    it("writes an account's state as of the flush (never older than at persist)", async () => {
      const store = open();
      const account = fullAccount("acc-1", { balance: 1 });
      const pending = store.persist({ ...EMPTY, accounts: [account] });
      account.balance = 2; // same turn: the flush has not run yet
      await pending;
      account.balance = 3; // after: not written
      expect((await store.loadAccounts())[0]!.balance).toBe(2);
    });

    it.runIf(writer === "thread")(
      "fails every write with StoreWriterError once the writer thread is dead",
      async () => {
        const store = open();
        // The thread opens its own connection a moment later; the folder is gone by then.
        rmSync(dir, { recursive: true, force: true });
        await expect(store.persist(accountBatch("acc-1", 1))).rejects.toBeInstanceOf(StoreWriterError);
        await expect(store.persist(accountBatch("acc-1", 2))).rejects.toThrow(/writer thread/);
        await store.close();
      },
    );

    it("flush() writes the waiting group at once", async () => {
      const store = open();
      const pending = store.persist(accountBatch("acc-1", 1));
      await store.flush();
      await pending;
      expect(store.stats().flushes).toBe(1);
    });
  });

  describe("the file", () => {
    it("creates missing folders and a WAL database with the schema version", async () => {
      const nested = join(dir, "a", "b");
      const store = new SqliteBalanceStore(nested, { writer });
      stores.push(store);
      expect(store.file).toBe(join(nested, "telsim.db"));
      await store.persist(accountBatch("acc-1", 1));
      const db = new Database(store.file, { readonly: true });
      try {
        expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
        expect(db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get()).toBe(
          String(SCHEMA_VERSION),
        );
        const tables = db
          .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
          .pluck()
          .all();
        expect(tables).toEqual(
          expect.arrayContaining(["account_log", "accounts", "cards", "meta", "records"]),
        );
        // Appended to the journal; folded into accounts on close.
        const logged = db
          .prepare("SELECT json FROM account_log WHERE id = 'acc-1' ORDER BY seq DESC")
          .pluck()
          .get() as string;
        expect(JSON.parse(logged)).toEqual(fullAccount("acc-1", { balance: 1 }));
      } finally {
        db.close();
      }
      await store.close();
      const closed = new Database(store.file, { readonly: true });
      try {
        expect(closed.prepare("SELECT count(*) FROM account_log").pluck().get()).toBe(0);
        const json = closed.prepare("SELECT json FROM accounts WHERE id = 'acc-1'").pluck().get() as string;
        expect(JSON.parse(json)).toEqual(fullAccount("acc-1", { balance: 1 }));
      } finally {
        closed.close();
      }
    });

    it("honours fileName", async () => {
      const store = open({ fileName: "other.db" });
      await store.persist(accountBatch("acc-1", 1));
      expect(existsSync(join(dir, "other.db"))).toBe(true);
      expect(existsSync(join(dir, "telsim.db"))).toBe(false);
    });

    it("refuses a database written by a newer schema, leaving it untouched", async () => {
      await open().close();
      const file = join(dir, "telsim.db");
      const db = new Database(file);
      db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(String(SCHEMA_VERSION + 1));
      db.pragma("journal_mode = DELETE"); // folds the WAL into the file, so the bytes can be compared
      db.close();
      const before = readFileSync(file);
      expect(() => new SqliteBalanceStore(dir)).toThrow(SchemaVersionError);
      expect(() => new SqliteBalanceStore(dir)).toThrow(
        `schema version ${SCHEMA_VERSION + 1}, newer than the ${SCHEMA_VERSION} this telsim supports`,
      );
      expect(readFileSync(file).equals(before)).toBe(true);
    });

    it("refuses a SQLite file that is not telsim's", () => {
      const db = new Database(join(dir, "telsim.db"));
      db.exec("CREATE TABLE something (x)");
      db.close();
      expect(() => new SqliteBalanceStore(dir)).toThrow(NotTelsimDatabaseError);
    });

    it("opens an existing database again without migrating it twice", async () => {
      const first = open();
      await first.persist(accountBatch("acc-1", 1));
      await first.close();
      const second = open();
      expect(await second.loadAccounts()).toHaveLength(1);
    });
  });
});
