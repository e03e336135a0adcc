/**
 * The default BalanceStore: one SQLite file, `<dir>/telsim.db` (schema in sqlite-schema.ts), in
 * WAL mode with synchronous=FULL (a commit is fsynced before it counts), written by group commit
 * (group-commit.ts).
 *
 * persist() queues its batch; the batches queued during one event-loop turn (or the configured
 * window) — plus any that queued while the previous group was being written — are written in ONE
 * transaction, then all their promises resolve together, or all reject with the error the
 * transaction threw (nothing of that group is written then). Within a group an account is written
 * once, with its latest state; records are appended in call order; groups are written in call
 * order. A resolved persist survives a crash of the process or of the machine.
 *
 * By default the transactions run on a writer thread (sqlite-worker-writer.ts), so the event loop
 * serves the network while SQLite works and fsyncs; `writer: "inline"` runs them on the calling
 * thread instead (simpler, but every commit blocks the event loop).
 *
 * Accounts are journaled (sqlite-journal.ts): a group appends the latest state of each of its
 * accounts to `account_log`, and the writer folds the log into `accounts` in the background once
 * it grows past a threshold, and on close. loadAccounts() reads `accounts` with the log replayed
 * on top (each account's latest log row wins), in one snapshot, so it returns every account's
 * latest persisted state at any point of a fold (or after a crash in the middle of one).
 *
 * The JSON is made when a group is handed to the writer, not when persist() is called: a caller
 * that changes an account in between gets the newer state written (never an older one). Reads
 * (loadAccounts, records, card) first wait for every persist called before them, and run on the
 * calling thread's own connection. Undefined fields follow the rule in store-shape.ts.
 */
import { join } from "node:path";
import type Database from "better-sqlite3";
import type { Account, ChargingRecord } from "../charging/model.js";
import type { BalanceStore, ExpressCard, PersistBatch, RecordQuery, StoredRecord } from "./balance-store.js";
import { GroupCommit, type GroupCommitStats } from "./group-commit.js";
import { queryLimit } from "./record-query.js";
import { encodeGroup } from "./sqlite-group.js";
import { type JournalStats, SqliteJournal } from "./sqlite-journal.js";
import { connectionPragmas, openDatabase } from "./sqlite-schema.js";
import { WorkerWriter } from "./sqlite-worker-writer.js";
import { InlineWriter, type SqliteWriter, type WriterOptions } from "./sqlite-writer.js";
import { StoreClosedError } from "./store-errors.js";
import { restoreAccount, restoreRecord } from "./store-shape.js";

export interface SqliteStoreOptions extends WriterOptions {
  /** The file inside the folder. Default "telsim.db". */
  readonly fileName?: string;
  /**
   * Group commit window in ms. 0 (default): a group is due at the end of the event-loop turn in
   * which its first persist() was called (setImmediate).
   */
  readonly commitWindowMs?: number;
  /** "thread" (default): transactions on a worker thread; "inline": on the calling thread. */
  readonly writer?: "thread" | "inline";
  /**
   * WAL pages before SQLite checkpoints on commit. Default 16000 (64 MB of 4 KB pages): pages
   * written again and again (the records' account index, folds into `accounts`) are copied into
   * the file once per checkpoint, not once per 16 MB; measured +15-20 % persists/s against 4000,
   * for a longer stall (p99) in the group that runs the checkpoint.
   */
  readonly walAutocheckpointPages?: number | undefined;
  /** SQLite page cache per connection, in MiB. Default 64. */
  readonly cacheMiB?: number | undefined;
  // And the account log's fold policy (WriterOptions): foldThresholdRows, foldStepRows, foldOnClose.
}

export const DEFAULT_DB_FILE = "telsim.db";

type CardRow = [
  code: string,
  amount: number,
  usedBy: string | null,
  usedAt: number | null,
  createdAt: number,
];

export class SqliteBalanceStore implements BalanceStore {
  /** The database file. */
  readonly file: string;
  readonly #db: Database.Database;
  readonly #writer: SqliteWriter;
  readonly #commit: GroupCommit<PersistBatch>;
  readonly #allAccounts: Database.Statement<[]>;
  readonly #cardByCode: Database.Statement<[string]>;
  readonly #recordQueries = new Map<number, Database.Statement<unknown[]>>();
  #closing: Promise<void> | undefined;

  /**
   * Opens or creates `<dir>/telsim.db` (and dir), migrating it to the current schema; throws
   * SchemaVersionError for a file of a newer telsim, NotTelsimDatabaseError for a foreign one.
   */
  constructor(dir: string, options: SqliteStoreOptions = {}) {
    this.file = join(dir, options.fileName ?? DEFAULT_DB_FILE);
    const db = openDatabase(this.file, options);
    this.#db = db;
    try {
      // Every account's state: its latest log row (the highest seq), else its folded row. One
      // statement reads in one snapshot, so a fold committing meanwhile cannot tear it.
      this.#allAccounts = db
        .prepare<[]>(
          "SELECT json FROM account_log WHERE seq IN (SELECT max(seq) FROM account_log GROUP BY id) " +
            "UNION ALL SELECT json FROM accounts WHERE id NOT IN (SELECT id FROM account_log)",
        )
        .pluck();
      this.#cardByCode = db
        .prepare<[string]>("SELECT code, amount, used_by, used_at, created_at FROM cards WHERE code = ?")
        .raw();
      this.#writer =
        options.writer === "inline"
          ? new InlineWriter(db, options)
          : new WorkerWriter(
              this.file,
              connectionPragmas(options),
              options,
              new SqliteJournal(db, options).stats(), // also checks the options, here
            );
      const writer = this.#writer;
      this.#commit = new GroupCommit<PersistBatch>((batches) => writer.write(encodeGroup(batches)), {
        windowMs: options.commitWindowMs ?? 0,
      });
    } catch (error) {
      db.close();
      throw error;
    }
  }

  persist(batch: PersistBatch): Promise<void> {
    if (this.#closing !== undefined) return Promise.reject(new StoreClosedError("persist"));
    return this.#commit.submit(batch);
  }

  /** Ends the current group's window now; resolves when every persist so far is durable. */
  flush(): Promise<void> {
    return this.#commit.flushNow();
  }

  /** Group commit figures since the store was opened. */
  stats(): GroupCommitStats {
    return this.#commit.stats();
  }

  /** The account journal's figures: log rows, folds (the writer thread's as of its last answer). */
  journalStats(): JournalStats {
    return this.#writer.stats();
  }

  loadAccounts(): Promise<Account[]> {
    return this.#read("loadAccounts", () => {
      const rows = this.#allAccounts.all() as string[];
      const accounts = new Array<Account>(rows.length);
      for (let i = 0; i < rows.length; i++) accounts[i] = restoreAccount(JSON.parse(rows[i]!) as Account);
      return accounts;
    });
  }

  records(query: RecordQuery): Promise<StoredRecord[]> {
    return this.#read("records", () => {
      // One prepared statement per combination of filters (16 at most), cached.
      const filters = [query.accountId, query.since, query.until, query.afterSequence];
      const params: unknown[] = [];
      let shape = 0;
      filters.forEach((value, bit) => {
        if (value === undefined) return;
        shape |= 1 << bit;
        params.push(value);
      });
      params.push(queryLimit(query));
      const rows = this.#recordQuery(shape).all(...params) as [number, string][];
      return rows.map(([sequence, json]) => ({
        sequence,
        record: restoreRecord(JSON.parse(json) as ChargingRecord),
      }));
    });
  }

  card(code: string): Promise<ExpressCard | undefined> {
    return this.#read("card", () => {
      const row = this.#cardByCode.get(code) as CardRow | undefined;
      if (row === undefined) return undefined;
      const [cardCode, amount, usedBy, usedAt, createdAt] = row;
      return { code: cardCode, amount, usedBy: usedBy ?? undefined, usedAt: usedAt ?? undefined, createdAt };
    });
  }

  /**
   * Refuses new work, writes what was persisted before, stops the writer and closes the file.
   * Calling it again returns the same promise.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutDown();
    return this.#closing;
  }

  async #shutDown(): Promise<void> {
    try {
      // A failed last group is reported to its persist() callers, not here.
      await this.#commit.flushNow().catch(() => {});
      await this.#writer.close();
    } finally {
      this.#db.close();
    }
  }

  async #read<T>(what: string, read: () => T): Promise<T> {
    if (this.#closing !== undefined) throw new StoreClosedError(what);
    // Read your writes: what was persisted before goes first (its callers learn how it went).
    await this.#commit.flushNow().catch(() => {});
    if (this.#closing !== undefined) throw new StoreClosedError(what);
    return read();
  }

  #recordQuery(shape: number): Database.Statement<unknown[]> {
    let statement = this.#recordQueries.get(shape);
    if (statement === undefined) {
      const where: string[] = [];
      if (shape & 1) where.push("account_id = ?");
      if (shape & 2) where.push("ended_at >= ?");
      if (shape & 4) where.push("ended_at < ?");
      if (shape & 8) where.push("sequence > ?");
      const sql =
        "SELECT sequence, json FROM records" +
        (where.length > 0 ? ` WHERE ${where.join(" AND ")}` : "") +
        " ORDER BY sequence LIMIT ?";
      statement = this.#db.prepare<unknown[]>(sql).raw();
      this.#recordQueries.set(shape, statement);
    }
    return statement;
  }
}
