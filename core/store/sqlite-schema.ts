/**
 * The SQLite file: opening it durable (WAL, synchronous=FULL: a commit is fsynced before it
 * returns) and bringing its schema to SCHEMA_VERSION. The version lives in the `meta` table; a
 * file written by a newer telsim is refused and left untouched, an older one is migrated step by
 * step inside one transaction.
 *
 * Tables (version 2):
 *  - account_log (seq, id, json): the account journal (sqlite-journal.ts). Each group commit
 *    appends the latest state of each of its accounts, as JSON; seq is the rowid (max + 1, so it
 *    only grows while rows are deleted from the front). No index on id: appends touch only the
 *    table's last pages.
 *  - accounts (id, json): the folded state, the whole Account as JSON by id. Written only by the
 *    fold, which moves each account's latest log row here. An account's state is its latest log
 *    row if it has one, else this row. A rowid table, not WITHOUT ROWID: accounts are hundreds of
 *    bytes to a few KB, too big for index-organised rows.
 *  - records (sequence, account_id, ended_at, json): the CDRs, appended; sequence never reused
 *    (AUTOINCREMENT). Indexes for "records of an account, in order" and "records in a time range".
 *  - cards (code, amount, used_by, used_at, created_at): express cards, upserted by code.
 * Version 1 had no account_log (accounts were upserted by every group): migrating adds the empty
 * log, and the version-1 `accounts` is already a complete folded state.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { NotTelsimDatabaseError, SchemaVersionError } from "./store-errors.js";

export const SCHEMA_VERSION = 2;

/** MIGRATIONS[n] takes a database from version n to n + 1 (version 0: empty file). */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
  );
  CREATE TABLE accounts (
    id   TEXT PRIMARY KEY NOT NULL,
    json TEXT NOT NULL
  );
  CREATE TABLE records (
    sequence   INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id TEXT NOT NULL,
    ended_at   INTEGER NOT NULL,
    json       TEXT NOT NULL
  );
  CREATE INDEX records_by_account ON records (account_id, sequence);
  CREATE INDEX records_by_end ON records (ended_at);
  CREATE TABLE cards (
    code       TEXT PRIMARY KEY NOT NULL,
    amount     INTEGER NOT NULL,
    used_by    TEXT,
    used_at    INTEGER,
    created_at INTEGER NOT NULL
  );
  `,
  `
  CREATE TABLE account_log (
    seq  INTEGER PRIMARY KEY,
    id   TEXT NOT NULL,
    json TEXT NOT NULL
  );
  `,
];

export interface OpenOptions {
  /** WAL pages before SQLite checkpoints on commit (SQLite's default: 1000). */
  readonly walAutocheckpointPages?: number | undefined;
  /** Page cache size in MiB. */
  readonly cacheMiB?: number | undefined;
}

export const DEFAULT_WAL_AUTOCHECKPOINT_PAGES = 16_000;
export const DEFAULT_CACHE_MIB = 64;

/** Opens (creating the folder and the file when missing) and migrates; closes it again on failure. */
export function openDatabase(file: string, options: OpenOptions = {}): Database.Database {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma("busy_timeout = 5000");
    // Refuse a newer file before anything (even the journal mode) is written to it.
    const found = schemaVersion(db, file);
    if (found > SCHEMA_VERSION) throw new SchemaVersionError(file, found, SCHEMA_VERSION);
    // WAL is a property of the file: every later connection uses it.
    const mode = db.pragma("journal_mode = WAL", { simple: true });
    if (mode !== "wal") throw new Error(`${file}: SQLite refused WAL mode (journal_mode is ${String(mode)})`);
    for (const pragma of connectionPragmas(options)) db.pragma(pragma);
    migrate(db, file);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * What every connection to the file sets. synchronous=FULL: in WAL mode a commit returns only
 * after the WAL is fsynced, so a commit survives a power cut, not just a process crash.
 */
export function connectionPragmas(options: OpenOptions = {}): string[] {
  return [
    "busy_timeout = 5000",
    "synchronous = FULL",
    `wal_autocheckpoint = ${Math.floor(options.walAutocheckpointPages ?? DEFAULT_WAL_AUTOCHECKPOINT_PAGES)}`,
    `cache_size = ${-1024 * Math.floor(options.cacheMiB ?? DEFAULT_CACHE_MIB)}`,
    "temp_store = MEMORY",
  ];
}

function schemaVersion(db: Database.Database, file: string): number {
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
  if (hasMeta === undefined) {
    const tables = db
      .prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .pluck()
      .get() as number;
    if (tables > 0) throw new NotTelsimDatabaseError(file);
    return 0;
  }
  const value = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get();
  const version = Number(value);
  if (!Number.isInteger(version) || version < 1)
    throw new Error(`${file}: meta.schema_version is ${String(value)}, not a schema version`);
  return version;
}

function migrate(db: Database.Database, file: string): void {
  // IMMEDIATE: two processes opening a fresh file at once do not both create the tables.
  db.transaction(() => {
    const found = schemaVersion(db, file);
    if (found > SCHEMA_VERSION) throw new SchemaVersionError(file, found, SCHEMA_VERSION);
    for (let version = found; version < SCHEMA_VERSION; version++) db.exec(MIGRATIONS[version]!);
    if (found !== SCHEMA_VERSION)
      db.prepare(
        "INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      ).run(String(SCHEMA_VERSION));
  }).immediate();
}
