/**
 * The write side of the SQLite store (schema in sqlite-schema.ts), used by both writers: the
 * inline one (sqlite-writer.ts) runs it on the calling thread, the writer thread
 * (sqlite-worker-writer.ts) runs its source text. So the class is self-contained: no imports at
 * run time (types only), nothing from the module around it — it must work once stringified.
 *
 * Each group is one transaction: the latest state of every account in the group is APPENDED to
 * `account_log` (one row per account per group, never an update in place: a 1 KB account costs
 * ~1 KB of WAL, not a rewritten 4 KB page at a random spot of `accounts`), records are appended
 * and cards upserted as before.
 *
 * Folding moves the log into `accounts` in steps, each its own transaction: take the oldest
 * `foldStepRows` rows of the log; copy a row into `accounts` only if it is its account's LATEST
 * row in the whole log (an account written again later needs no copy: its newer row stays in the
 * log); then delete the step's rows. In memory the journal keeps `latest` (account id -> seq of
 * its latest log row), built by one read of the log (track(), which the writers call when they
 * start, or else the first fold) and then kept up to date after every commit (never before: a
 * rolled-back transaction leaves it as it was).
 *
 * Crash argument. The state of an account is: its latest row in `account_log` if it has one,
 * else its row in `accounts` (what loadAccounts reads, in one statement and so one snapshot).
 * A fold step is one transaction, so a crash leaves the state before or after it,
 * never between its copy and its delete. Before -> after preserves every account's state: an
 * account with a row after the step keeps that (unchanged) latest row; an account whose latest
 * row is inside the step has it copied into `accounts` in the same transaction that deletes it;
 * any other account is untouched. Seqs only grow (INTEGER PRIMARY KEY takes max + 1, and a step
 * deletes only the oldest rows), so "latest" is "highest seq". The in-memory `latest` map is only
 * an accelerator for the choice "copy or skip"; the store has one writer, but the map is still
 * checked — against max(seq) at each step, and for a gap before the seqs of each append — and
 * read again from the table when the log changed behind the journal's back, or after a failure.
 *
 * When: a fold is due while the log holds more than `foldThresholdRows` rows; the writers run
 * one step per turn of their event loop while one is due, between groups, and fold everything on
 * close. The default threshold is the larger of 50,000 and twice the rows in `accounts`: with
 * accounts written at random, a row is copied only if its account is not written again in the
 * next threshold-many rows, so about e^-2 = 14 % of the rows are copied (e^-1 = 37 % with a
 * threshold of once the accounts); a copy rewrites a page of `accounts` at a random spot, which is
 * what the journal spares the group commits. The price: a longer log for loadAccounts() to replay.
 */
import type Database from "better-sqlite3";
import type { EncodedGroup } from "./sqlite-group.js";

export interface JournalOptions {
  /**
   * Fold while `account_log` holds more rows than this. Default: the larger of 50,000 and twice
   * the number of rows in `accounts`. Infinity: never (except on close, if the writer does).
   */
  readonly foldThresholdRows?: number | undefined;
  /** Log rows taken by one fold step (one transaction). Default 2,000. */
  readonly foldStepRows?: number | undefined;
}

export interface JournalStats {
  /** Rows in `account_log` (account states not yet folded into `accounts`). */
  readonly logRows: number;
  /** The threshold in force. */
  readonly foldThresholdRows: number;
  readonly foldSteps: number;
  /** Log rows folded away (deleted from the log). */
  readonly foldedRows: number;
  /** Of those, the ones copied into `accounts` (the others had a later row in the log). */
  readonly foldCopies: number;
  /** Time in fold steps, summed, and the longest step, in ms. */
  readonly foldMs: number;
  readonly longestFoldStepMs: number;
  /** Fold steps that failed (rolled back; the log is left as it was). */
  readonly foldFailures: number;
}

type Statement<P extends unknown[]> = Database.Statement<P>;

interface StepResult {
  readonly latest: Map<string, number>;
  readonly lastSeq: number;
  readonly remaining: number;
  readonly deleted: number;
  readonly copied: string[];
}

export class SqliteJournal {
  static readonly DEFAULT_MIN_FOLD_THRESHOLD_ROWS = 50_000;
  static readonly DEFAULT_FOLD_THRESHOLD_PER_ACCOUNT = 2;
  static readonly DEFAULT_FOLD_STEP_ROWS = 2_000;
  static readonly SQL = {
    appendAccount: "INSERT INTO account_log (id, json) VALUES (?, ?)",
    appendRecord: "INSERT INTO records (account_id, ended_at, json) VALUES (?, ?, ?)",
    upsertCard:
      "INSERT INTO cards (code, amount, used_by, used_at, created_at) VALUES (?, ?, ?, ?, ?) " +
      "ON CONFLICT (code) DO UPDATE SET amount = excluded.amount, used_by = excluded.used_by, " +
      "used_at = excluded.used_at, created_at = excluded.created_at",
    firstSeq: "SELECT min(seq) FROM account_log",
    lastSeq: "SELECT max(seq) FROM account_log",
    // accounts are never deleted, so its largest rowid is its row count (without a full scan).
    accountRows: "SELECT coalesce(max(rowid), 0) FROM accounts",
    logIds: "SELECT seq, id FROM account_log ORDER BY seq",
    stepIds: "SELECT seq, id FROM account_log WHERE seq <= ? ORDER BY seq",
    // The SELECT needs its WHERE: it tells SQLite's parser that ON CONFLICT is the upsert's.
    copyToAccounts:
      "INSERT INTO accounts (id, json) SELECT id, json FROM account_log WHERE seq = ? " +
      "ON CONFLICT (id) DO UPDATE SET json = excluded.json",
    deleteStep: "DELETE FROM account_log WHERE seq <= ?",
  } as const;

  readonly #writeGroup: (group: EncodedGroup) => number[];
  readonly #foldStep: (maxRows: number) => StepResult;
  readonly #trackTx: () => Map<string, number>;
  readonly #firstSeq: Statement<[]>;
  readonly #lastSeq: Statement<[]>;
  readonly #accountRowsQuery: Statement<[]>;
  readonly #logIds: Statement<[]>;
  readonly #thresholdOption: number | undefined;
  readonly #stepRows: number;
  /** account id -> seq of its latest row in the log; undefined until a fold needs it. */
  #latest: Map<string, number> | undefined;
  /** The highest seq this journal knows of (0: empty log). */
  #knownLastSeq: number;
  #logRows: number;
  #accountRows: number;
  #foldSteps = 0;
  #foldedRows = 0;
  #foldCopies = 0;
  #foldMs = 0;
  #longestFoldStepMs = 0;
  #foldFailures = 0;

  /** `db` is open and migrated; the journal prepares its statements on it (the caller closes it). */
  constructor(db: Database.Database, options: JournalOptions = {}) {
    const sql = SqliteJournal.SQL;
    const threshold = options.foldThresholdRows;
    if (threshold !== undefined && !(threshold >= 0))
      throw new RangeError(`foldThresholdRows must be a number >= 0, got ${threshold}`);
    const step = options.foldStepRows ?? SqliteJournal.DEFAULT_FOLD_STEP_ROWS;
    if (!(Number.isInteger(step) && step >= 1))
      throw new RangeError(`foldStepRows must be an integer >= 1, got ${step}`);
    this.#thresholdOption = threshold;
    this.#stepRows = step;

    const appendAccount = db.prepare<[string, string]>(sql.appendAccount);
    const appendRecord = db.prepare<[string, number, string]>(sql.appendRecord);
    const upsertCard = db.prepare<[string, number, string | null, number | null, number]>(sql.upsertCard);
    this.#firstSeq = db.prepare<[]>(sql.firstSeq).pluck();
    this.#lastSeq = db.prepare<[]>(sql.lastSeq).pluck();
    this.#accountRowsQuery = db.prepare<[]>(sql.accountRows).pluck();
    this.#logIds = db.prepare<[]>(sql.logIds).raw();
    const stepIds = db.prepare<[number]>(sql.stepIds).raw();
    const copyToAccounts = db.prepare<[number]>(sql.copyToAccounts);
    const deleteStep = db.prepare<[number]>(sql.deleteStep);

    // BEGIN IMMEDIATE: the write lock is taken up front, never half-way through.
    this.#writeGroup = db.transaction((group: EncodedGroup): number[] => {
      const { accounts, records, cards } = group;
      const seqs = new Array<number>(accounts.length / 2);
      for (let i = 0; i < accounts.length; i += 2)
        seqs[i / 2] = Number(appendAccount.run(accounts[i]!, accounts[i + 1]!).lastInsertRowid);
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
      return seqs;
    }).immediate;

    this.#foldStep = db.transaction((maxRows: number): StepResult => {
      const lastSeq = (this.#lastSeq.get() as number | null) ?? 0;
      const firstSeq = (this.#firstSeq.get() as number | null) ?? 0;
      // Anyone else's append (or a failed step) since we last looked: trust only the table.
      let latest = this.#latest;
      if (latest === undefined || lastSeq !== this.#knownLastSeq) latest = this.#scanLog();
      if (lastSeq === 0) return { latest, lastSeq, remaining: 0, deleted: 0, copied: [] };
      const upTo = Math.min(lastSeq, firstSeq + maxRows - 1);
      const copied: string[] = [];
      for (const [seq, id] of stepIds.all(upTo) as [number, string][])
        if (latest.get(id) === seq) {
          copyToAccounts.run(seq);
          copied.push(id);
        }
      const { changes } = deleteStep.run(upTo);
      return { latest, lastSeq, remaining: lastSeq - upTo, deleted: changes, copied };
    }).immediate;

    // One snapshot: the ids, and the last seq they go up to.
    this.#trackTx = db.transaction(() => {
      this.#knownLastSeq = (this.#lastSeq.get() as number | null) ?? 0;
      return this.#scanLog();
    });

    const first = (this.#firstSeq.get() as number | null) ?? 0;
    this.#knownLastSeq = (this.#lastSeq.get() as number | null) ?? 0;
    this.#logRows = this.#knownLastSeq === 0 ? 0 : this.#knownLastSeq - first + 1;
    this.#accountRows = this.#accountRowsQuery.get() as number;
  }

  /**
   * Reads the log's account ids now (one pass over the log), so that the first fold step does not
   * stall a group with it. The writers call it when they start.
   */
  track(): void {
    if (this.#latest !== undefined) return;
    this.#latest = this.#trackTx();
  }

  /** Writes the group in one transaction; durable when it returns. Throws what SQLite throws. */
  write(group: EncodedGroup): void {
    const seqs = this.#writeGroup(group);
    const count = seqs.length;
    if (count === 0) return;
    // Committed: only now does the in-memory picture follow — unless someone else appended since
    // the journal last looked (a gap before our seqs): then the next fold reads the table again.
    if (seqs[0] !== this.#knownLastSeq + 1) this.#latest = undefined;
    this.#logRows += count;
    this.#knownLastSeq = seqs[count - 1]!;
    const latest = this.#latest;
    if (latest !== undefined) {
      const { accounts } = group;
      for (let k = 0; k < count; k++) latest.set(accounts[2 * k]!, seqs[k]!);
    }
  }

  get foldThresholdRows(): number {
    return (
      this.#thresholdOption ??
      Math.max(
        SqliteJournal.DEFAULT_MIN_FOLD_THRESHOLD_ROWS,
        SqliteJournal.DEFAULT_FOLD_THRESHOLD_PER_ACCOUNT * this.#accountRows,
      )
    );
  }

  /** The log holds more rows than the threshold. */
  get foldDue(): boolean {
    return this.#logRows > this.foldThresholdRows;
  }

  /**
   * Folds the oldest `maxRows` rows of the log (one transaction); returns how many were deleted
   * (0: the log is empty). On failure nothing changed, and the error is thrown.
   */
  foldStep(maxRows: number = this.#stepRows): number {
    const started = performance.now();
    let result: StepResult;
    try {
      result = this.#foldStep(maxRows);
    } catch (error) {
      this.#latest = undefined; // rebuilt from the table by the next step
      this.#foldFailures++;
      throw error;
    }
    const { latest, copied } = result;
    for (const id of copied) latest.delete(id); // their latest row has left the log
    this.#latest = latest;
    // An emptied log starts again at seq 1 (max + 1 of nothing).
    this.#knownLastSeq = result.remaining === 0 ? 0 : result.lastSeq;
    this.#logRows = result.remaining;
    if (copied.length > 0) this.#accountRows = this.#accountRowsQuery.get() as number;
    if (result.deleted > 0) {
      const ms = performance.now() - started;
      this.#foldSteps++;
      this.#foldedRows += result.deleted;
      this.#foldCopies += copied.length;
      this.#foldMs += ms;
      if (ms > this.#longestFoldStepMs) this.#longestFoldStepMs = ms;
    }
    return result.deleted;
  }

  /** Folds the whole log, in steps of at least `minStepRows` rows. */
  foldAll(minStepRows = 50_000): void {
    const step = Math.max(this.#stepRows, minStepRows);
    while (this.foldStep(step) > 0);
  }

  stats(): JournalStats {
    return {
      logRows: this.#logRows,
      foldThresholdRows: this.foldThresholdRows,
      foldSteps: this.#foldSteps,
      foldedRows: this.#foldedRows,
      foldCopies: this.#foldCopies,
      foldMs: this.#foldMs,
      longestFoldStepMs: this.#longestFoldStepMs,
      foldFailures: this.#foldFailures,
    };
  }

  /** Every account's latest seq, from the table (inside a fold's transaction). */
  #scanLog(): Map<string, number> {
    const latest = new Map<string, number>();
    for (const [seq, id] of this.#logIds.iterate() as IterableIterator<[number, string]>) latest.set(id, seq);
    return latest;
  }
}
