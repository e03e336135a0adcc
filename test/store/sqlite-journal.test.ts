/**
 * The account journal of the SQLite store (sqlite-journal.ts): appends, folds (in the background,
 * step by step, on close), the state at every point between fold steps, failed and foreign
 * changes, and the migration of version-1 files.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Account } from "../../core/charging/model.js";
import type { PersistBatch } from "../../core/store/balance-store.js";
import { encodeGroup } from "../../core/store/sqlite-group.js";
import { SqliteJournal } from "../../core/store/sqlite-journal.js";
import { openDatabase, SCHEMA_VERSION } from "../../core/store/sqlite-schema.js";
import { SqliteBalanceStore, type SqliteStoreOptions } from "../../core/store/sqlite-store.js";
import { byId, card, chargingRecord, EMPTY, fullAccount, sparseAccount, T0 } from "./fixtures.js";

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A tiny deterministic RNG (xorshift32). */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4_294_967_296;
  };
}

/** Persists and remembers what the store must give back. */
class Model {
  readonly accounts = new Map<string, Account>();
  #version = 0;

  constructor(readonly random: () => number) {}

  /** A batch of 1 to 4 of `population` accounts, each with a new balance. */
  batch(population: number): PersistBatch {
    const accounts: Account[] = [];
    const count = 1 + Math.floor(this.random() * 4);
    for (let k = 0; k < count; k++) {
      const id = `acc-${Math.floor(this.random() * population)}`;
      const make = this.#version % 3 === 0 ? sparseAccount : fullAccount;
      accounts.push(make(id, { balance: ++this.#version }));
    }
    return { ...EMPTY, accounts };
  }

  /** Call once the batch is durable (batches are applied in call order). */
  applied(batch: PersistBatch): void {
    for (const account of batch.accounts) this.accounts.set(account.id, structuredClone(account));
  }

  expected(): Account[] {
    return [...this.accounts.values()].sort(byId);
  }
}

async function loadSorted(store: SqliteBalanceStore): Promise<Account[]> {
  return (await store.loadAccounts()).sort(byId);
}

describe("SqliteBalanceStore account journal", () => {
  let dir: string;
  const stores: SqliteBalanceStore[] = [];
  const dbs: Database.Database[] = [];
  const open = (options: SqliteStoreOptions = {}): SqliteBalanceStore => {
    const store = new SqliteBalanceStore(dir, options);
    stores.push(store);
    return store;
  };
  /** Reads the file as a fresh process would after a crash: no fold on this store's close. */
  const loadFresh = async (): Promise<Account[]> => {
    const reader = new SqliteBalanceStore(dir, {
      writer: "inline",
      foldOnClose: false,
      foldThresholdRows: Number.POSITIVE_INFINITY,
    });
    try {
      return await loadSorted(reader);
    } finally {
      await reader.close();
    }
  };
  const tableCount = (table: "account_log" | "accounts"): number => {
    const db = new Database(join(dir, "telsim.db"), { readonly: true });
    try {
      return db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
    } finally {
      db.close();
    }
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "telsim-journal-"));
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    for (const db of dbs.splice(0)) db.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe.each(["thread", "inline"] as const)("writer: %s", (writer) => {
    it("folds in the background past the threshold and gives back the latest state throughout", async () => {
      const store = open({ writer, foldThresholdRows: 40, foldStepRows: 15 });
      const model = new Model(rng(0x5eed));
      for (let turn = 0; turn < 120; turn++) {
        const batches = Array.from({ length: 1 + (turn % 7) }, () => model.batch(60));
        await Promise.all(batches.map((b) => store.persist(b)));
        for (const b of batches) model.applied(b);
        if (turn % 10 === 0) expect(await loadSorted(store)).toStrictEqual(model.expected());
        await nextTurn(); // lets a fold step run (inline: on this thread)
      }
      expect(await loadSorted(store)).toStrictEqual(model.expected());
      const stats = store.journalStats();
      expect(stats.foldSteps).toBeGreaterThan(5);
      expect(stats.foldFailures).toBe(0);
      expect(stats.foldThresholdRows).toBe(40);
      // Rows of accounts written again later were dropped, not copied.
      expect(stats.foldCopies).toBeLessThan(stats.foldedRows);
      await store.close();
      expect(tableCount("account_log")).toBe(0); // folded on close
      expect(tableCount("accounts")).toBe(model.accounts.size);
      expect(await loadFresh()).toStrictEqual(model.expected());
    });

    it("leaves the log for the next open with foldOnClose: false", async () => {
      const model = new Model(rng(7));
      const first = open({ writer, foldOnClose: false });
      for (let i = 0; i < 30; i++) {
        const b = model.batch(10);
        await first.persist(b);
        model.applied(b);
      }
      expect(first.journalStats()).toMatchObject({ foldSteps: 0, foldThresholdRows: 50_000 });
      await first.close();
      expect(tableCount("accounts")).toBe(0);
      expect(tableCount("account_log")).toBeGreaterThan(model.accounts.size);
      const second = open({ writer });
      expect(second.journalStats().logRows).toBe(tableCount("account_log"));
      expect(await loadSorted(second)).toStrictEqual(model.expected());
      await second.close();
      expect(tableCount("account_log")).toBe(0);
      expect(await loadFresh()).toStrictEqual(model.expected());
    });
  });

  it("returns the latest state while the writer thread folds beside the reads", async () => {
    const store = open({ foldThresholdRows: 0, foldStepRows: 1 }); // one tiny fold step after another
    const model = new Model(rng(99));
    for (let round = 0; round < 60; round++) {
      const batches = Array.from({ length: 4 }, () => model.batch(25));
      const pending = batches.map((b) => store.persist(b));
      const loaded = loadSorted(store); // waits for the persists above, then reads
      await Promise.all(pending);
      for (const b of batches) model.applied(b);
      expect(await loaded).toStrictEqual(model.expected());
    }
    expect(store.journalStats().foldSteps).toBeGreaterThan(0);
  });

  it("has every account's latest state after each fold step (a crash between steps loses nothing)", async () => {
    const file = join(dir, "telsim.db");
    const db = openDatabase(file);
    dbs.push(db);
    const journal = new SqliteJournal(db, { foldThresholdRows: 0, foldStepRows: 4 });
    const model = new Model(rng(0xf01d));
    for (let group = 0; group < 40; group++) {
      const batches = Array.from({ length: 1 + (group % 3) }, () => model.batch(12));
      journal.write(encodeGroup(batches));
      for (const b of batches) model.applied(b);
      if (group === 20) {
        // A few steps mid-way: later rows then land behind folded ones.
        for (let k = 0; k < 3; k++) journal.foldStep();
        expect(await loadFresh()).toStrictEqual(model.expected());
      }
    }
    const logged = tableCount("account_log");
    let steps = 0;
    while (journal.foldStep() > 0) {
      steps++;
      expect(await loadFresh()).toStrictEqual(model.expected());
    }
    expect(steps).toBe(Math.ceil(logged / 4));
    expect(tableCount("account_log")).toBe(0);
    expect(journal.stats()).toMatchObject({ logRows: 0, foldSteps: steps + 3, foldFailures: 0 });
    expect(tableCount("accounts")).toBe(model.accounts.size);
    expect(journal.stats().foldCopies).toBeLessThan(journal.stats().foldedRows);
  });

  it("copies only each account's latest row when it folds", () => {
    const db = openDatabase(join(dir, "telsim.db"));
    dbs.push(db);
    const journal = new SqliteJournal(db, { foldStepRows: 2 });
    const put = (...accounts: Account[]): void => journal.write(encodeGroup([{ ...EMPTY, accounts }]));
    put(fullAccount("a", { balance: 1 }), fullAccount("b", { balance: 1 })); // seq 1, 2
    put(fullAccount("a", { balance: 2 })); // seq 3
    expect(journal.foldStep()).toBe(2); // seq 1 (a, superseded by 3) dropped, seq 2 (b) copied
    expect(journal.stats()).toMatchObject({ foldedRows: 2, foldCopies: 1, logRows: 1 });
    const folded = db.prepare("SELECT id, json FROM accounts ORDER BY id").raw().all() as [string, string][];
    expect(folded.map(([id, json]) => [id, (JSON.parse(json) as Account).balance])).toStrictEqual([["b", 1]]);
    expect(journal.foldStep()).toBe(1); // seq 3: a at 2
    expect(journal.foldStep()).toBe(0);
    const balances = db.prepare("SELECT id, json ->> '$.balance' FROM accounts ORDER BY id").raw().all();
    expect(balances).toStrictEqual([
      ["a", 2],
      ["b", 1],
    ]);
  });

  it("rolls a failed fold step back whole, and folds correctly afterwards", async () => {
    const db = openDatabase(join(dir, "telsim.db"));
    dbs.push(db);
    const journal = new SqliteJournal(db, { foldThresholdRows: 0, foldStepRows: 3 });
    const model = new Model(rng(31));
    const write = (): void => {
      const b = model.batch(8);
      journal.write(encodeGroup([b]));
      model.applied(b);
    };
    for (let i = 0; i < 10; i++) write();
    journal.foldStep(); // builds the in-memory picture of the log
    const logged = tableCount("account_log");
    const folded = (): unknown[] => db.prepare("SELECT id, json FROM accounts ORDER BY id").raw().all();
    const before = folded();
    // The step copies its rows into accounts, then its delete fails: all of it must roll back.
    db.exec(
      "CREATE TEMP TRIGGER fail_fold BEFORE DELETE ON main.account_log BEGIN SELECT RAISE(ABORT, 'injected'); END",
    );
    expect(() => journal.foldAll()).toThrow(/injected/);
    expect(journal.stats().foldFailures).toBe(1);
    expect(tableCount("account_log")).toBe(logged);
    expect(folded()).toStrictEqual(before);
    expect(await loadFresh()).toStrictEqual(model.expected());
    db.exec("DROP TRIGGER fail_fold");
    for (let i = 0; i < 5; i++) write();
    journal.foldAll();
    expect(tableCount("account_log")).toBe(0);
    expect(await loadFresh()).toStrictEqual(model.expected());
  });

  it("trusts the table over its memory when the log changed behind its back", async () => {
    const db = openDatabase(join(dir, "telsim.db"));
    dbs.push(db);
    const journal = new SqliteJournal(db, { foldThresholdRows: 0, foldStepRows: 100 });
    journal.write(encodeGroup([{ ...EMPTY, accounts: [fullAccount("a", { balance: 1 })] }]));
    journal.foldAll(); // the journal now tracks the log in memory
    journal.write(encodeGroup([{ ...EMPTY, accounts: [fullAccount("a", { balance: 2 })] }]));
    // Another connection appends a newer state of "a" that the journal never saw.
    const other = new Database(join(dir, "telsim.db"));
    other
      .prepare("INSERT INTO account_log (id, json) VALUES (?, ?)")
      .run("a", JSON.stringify(fullAccount("a", { balance: 3 })));
    other.close();
    journal.foldAll();
    expect(await loadFresh()).toStrictEqual([fullAccount("a", { balance: 3 })]);

    // And a foreign append followed by one of the journal's own (so max(seq) is its own again).
    journal.write(encodeGroup([{ ...EMPTY, accounts: [fullAccount("b", { balance: 1 })] }]));
    journal.foldStep(); // the journal tracks the log again
    const again = new Database(join(dir, "telsim.db"));
    again
      .prepare("INSERT INTO account_log (id, json) VALUES (?, ?)")
      .run("c", JSON.stringify(fullAccount("c", { balance: 1 })));
    again.close();
    journal.write(encodeGroup([{ ...EMPTY, accounts: [fullAccount("b", { balance: 2 })] }]));
    journal.foldAll();
    expect(await loadFresh()).toStrictEqual([
      fullAccount("a", { balance: 3 }),
      fullAccount("b", { balance: 2 }),
      fullAccount("c", { balance: 1 }),
    ]);
  });

  it("rejects fold options that make no sense", () => {
    expect(() => open({ foldStepRows: 0 })).toThrow(RangeError);
    expect(() => open({ foldThresholdRows: -1, writer: "inline" })).toThrow(RangeError);
  });

  it("migrates a version-1 file: its accounts are the folded state, the log starts empty", async () => {
    const file = join(dir, "telsim.db");
    const v1 = new Database(file);
    v1.pragma("journal_mode = WAL");
    v1.exec(`
      CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
      CREATE TABLE accounts (id TEXT PRIMARY KEY NOT NULL, json TEXT NOT NULL);
      CREATE TABLE records (sequence INTEGER PRIMARY KEY AUTOINCREMENT, account_id TEXT NOT NULL,
        ended_at INTEGER NOT NULL, json TEXT NOT NULL);
      CREATE INDEX records_by_account ON records (account_id, sequence);
      CREATE INDEX records_by_end ON records (ended_at);
      CREATE TABLE cards (code TEXT PRIMARY KEY NOT NULL, amount INTEGER NOT NULL, used_by TEXT,
        used_at INTEGER, created_at INTEGER NOT NULL);
      INSERT INTO meta (key, value) VALUES ('schema_version', '1');
    `);
    const accounts = [fullAccount("acc-1"), sparseAccount("acc-2")];
    for (const account of accounts)
      v1.prepare("INSERT INTO accounts (id, json) VALUES (?, ?)").run(account.id, JSON.stringify(account));
    const record = chargingRecord("r-1", "acc-1", T0);
    v1.prepare("INSERT INTO records (account_id, ended_at, json) VALUES (?, ?, ?)").run(
      record.accountId,
      record.endedAt,
      JSON.stringify(record),
    );
    v1.prepare("INSERT INTO cards (code, amount, used_by, used_at, created_at) VALUES (?, ?, ?, ?, ?)").run(
      "11112222333344",
      1000,
      null,
      null,
      T0,
    );
    v1.close();

    const store = open();
    expect(await loadSorted(store)).toStrictEqual(accounts);
    expect(await store.records({})).toStrictEqual([{ sequence: 1, record }]);
    expect(await store.card("11112222333344")).toStrictEqual(card("11112222333344"));
    expect(store.journalStats().logRows).toBe(0);
    const replaced = fullAccount("acc-2", { balance: 77 });
    await store.persist({ ...EMPTY, accounts: [replaced] });
    expect(await loadSorted(store)).toStrictEqual([accounts[0], replaced]);
    await store.close();

    const check = new Database(file, { readonly: true });
    try {
      expect(check.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get()).toBe(
        String(SCHEMA_VERSION),
      );
      expect(check.prepare("SELECT count(*) FROM account_log").pluck().get()).toBe(0);
    } finally {
      check.close();
    }
    expect(await loadFresh()).toStrictEqual([accounts[0], replaced]);
  });
});
