/**
 * Who runs the group transactions and the folds of the account log. Two writers, the same code
 * (SqliteJournal, sqlite-journal.ts):
 *  - InlineWriter: on the calling thread; persist() callers wait through the commit's fsync with
 *    the event loop blocked, and fold steps block it too (one step per turn while one is due).
 *  - WorkerWriter (sqlite-worker-writer.ts): on a worker thread with its own connection; the
 *    event loop keeps serving while a group commits or the log folds, and what arrives meanwhile
 *    forms the next group.
 * Both fold the whole log on close unless told not to. A fold that fails is counted in the
 * stats and retried after the next group; the log it left is complete (see sqlite-journal.ts).
 */
import type Database from "better-sqlite3";
import type { EncodedGroup } from "./sqlite-group.js";
import { type JournalOptions, type JournalStats, SqliteJournal } from "./sqlite-journal.js";

export interface WriterOptions extends JournalOptions {
  /** Fold the whole account log on close (default true), so the next open replays none. */
  readonly foldOnClose?: boolean | undefined;
}

export interface SqliteWriter {
  /** Writes the group in one transaction; durable when it returns (or resolves). */
  write(group: EncodedGroup): void | Promise<void>;
  /** The journal's figures (the writer thread's: as of its last answer). */
  stats(): JournalStats;
  /** Folds the log (unless foldOnClose is false) and releases the writer; no write is under way. */
  close(): Promise<void>;
}

export class InlineWriter implements SqliteWriter {
  readonly #journal: SqliteJournal;
  readonly #foldOnClose: boolean;
  #folding: NodeJS.Immediate | undefined;

  /** Uses `db` (already open and migrated; the caller closes it). */
  constructor(db: Database.Database, options: WriterOptions = {}) {
    this.#journal = new SqliteJournal(db, options);
    this.#journal.track();
    this.#foldOnClose = options.foldOnClose ?? true;
  }

  write(group: EncodedGroup): void {
    this.#journal.write(group);
    this.#foldLater();
  }

  stats(): JournalStats {
    return this.#journal.stats();
  }

  close(): Promise<void> {
    if (this.#folding !== undefined) clearImmediate(this.#folding);
    this.#folding = undefined;
    if (this.#foldOnClose)
      try {
        this.#journal.foldAll();
      } catch {
        // Counted in the stats; the log stays complete and is replayed (and folded) next time.
      }
    return Promise.resolve();
  }

  /** One fold step on a later turn, after the callers of this group have been answered. */
  #foldLater(): void {
    if (this.#folding !== undefined || !this.#journal.foldDue) return;
    // Unref'd: a process with nothing else to do ends, and the log is folded another time.
    this.#folding = setImmediate(this.#foldStep).unref();
  }

  readonly #foldStep = (): void => {
    this.#folding = undefined;
    try {
      this.#journal.foldStep();
    } catch {
      return; // counted; tried again after the next group
    }
    this.#foldLater();
  };
}
