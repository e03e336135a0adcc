/**
 * Who runs the group transactions. Two writers, the same statements (sqlite-group.ts):
 *  - InlineWriter: on the calling thread; persist() callers wait through the commit's fsync with
 *    the event loop blocked.
 *  - WorkerWriter (sqlite-worker-writer.ts): on a worker thread with its own connection; the
 *    event loop keeps serving while a group commits, and what arrives meanwhile forms the next
 *    group.
 */
import type Database from "better-sqlite3";
import { type EncodedGroup, WRITE_SQL } from "./sqlite-group.js";

export interface SqliteWriter {
  /** Writes the group in one transaction; durable when it returns (or resolves). */
  write(group: EncodedGroup): void | Promise<void>;
  /** Releases the writer's resources; the caller has no write under way. */
  close(): Promise<void>;
}

export class InlineWriter implements SqliteWriter {
  readonly #transaction: (group: EncodedGroup) => void;

  /** Uses `db` (already open and migrated; the caller closes it). */
  constructor(db: Database.Database) {
    const upsertAccount = db.prepare<[string, string]>(WRITE_SQL.upsertAccount);
    const appendRecord = db.prepare<[string, number, string]>(WRITE_SQL.appendRecord);
    const upsertCard = db.prepare<[string, number, string | null, number | null, number]>(
      WRITE_SQL.upsertCard,
    );
    // BEGIN IMMEDIATE: the write lock is taken up front, never half-way through.
    this.#transaction = db.transaction((group: EncodedGroup) => {
      const { accounts, records, cards } = group;
      for (let i = 0; i < accounts.length; i += 2) upsertAccount.run(accounts[i]!, accounts[i + 1]!);
      for (let i = 0; i < records.length; i += 3)
        appendRecord.run(records[i] as string, records[i + 1] as number, records[i + 2] as string);
      for (let i = 0; i < cards.length; i += 5)
        upsertCard.run(
          cards[i] as string,
          cards[i + 1] as number,
          cards[i + 2] as string | null,
          cards[i + 3] as number | null,
          cards[i + 4] as number,
        );
    }).immediate;
  }

  write(group: EncodedGroup): void {
    this.#transaction(group);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
