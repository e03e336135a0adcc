/**
 * The group transactions and the folds of the account log on a worker thread, with the thread's
 * own connection to the file: the main thread only makes the JSON (sqlite-group.ts) and posts
 * it; SQLite's work and the fsync of the commit happen beside the event loop. One group at a time
 * (GroupCommit guarantees it); while a fold is due the thread runs one fold step per turn of its
 * event loop, between groups (a group waits for at most one step).
 *
 * The thread's code is a small ES module given as a data: URL, so it runs the same from the
 * TypeScript sources (tests) and from dist/, whatever the parent's --input-type; it embeds the
 * source text of SqliteJournal (self-contained for this purpose), and everything else it needs —
 * the options, the pragmas, where better-sqlite3 lives — comes in workerData.
 *
 * The thread is unref'd while idle (an open store never keeps the process alive) and ref'd while
 * a group or the close (with its final fold) is under way (a persist that was called is finished
 * first). A process that ends without close() may cut a background fold step short: that is a
 * rolled-back transaction, as harmless as a crash. An SQLite error in a group comes back as an
 * SqliteError (same code and message) and fails that group only; if the thread itself dies, that
 * group and every later write fail with StoreWriterError.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";
import type { EncodedGroup } from "./sqlite-group.js";
import { type JournalStats, SqliteJournal } from "./sqlite-journal.js";
import type { SqliteWriter, WriterOptions } from "./sqlite-writer.js";
import { StoreWriterError } from "./store-errors.js";

const WORKER_SOURCE = `
import { parentPort, workerData } from "node:worker_threads";
const { default: Database } = await import(workerData.sqliteUrl);
const SqliteJournal = ${SqliteJournal.toString()};
const db = new Database(workerData.file);
for (const pragma of workerData.pragmas) db.pragma(pragma);
const journal = new SqliteJournal(db, workerData.journal);
journal.track();
let folding;
const foldLater = () => {
  if (folding === undefined && journal.foldDue) folding = setImmediate(foldStep);
};
const foldStep = () => {
  folding = undefined;
  try {
    journal.foldStep();
  } catch {
    return; // counted in the stats; tried again after the next group
  }
  foldLater();
};
parentPort.on("message", (message) => {
  if (message.type === "close") {
    if (folding !== undefined) clearImmediate(folding);
    if (workerData.foldOnClose)
      try {
        journal.foldAll();
      } catch {
        // counted; the log stays complete and is replayed next time
      }
    db.close();
    parentPort.postMessage({ ok: true, stats: journal.stats() });
    parentPort.close();
    return;
  }
  try {
    journal.write(message.group);
    parentPort.postMessage({ ok: true, stats: journal.stats() });
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    parentPort.postMessage({
      ok: false,
      error: { name: e.name, message: e.message, code: e.code },
      stats: journal.stats(),
    });
  }
  foldLater();
});
`;

const WORKER_URL = new URL(`data:text/javascript,${encodeURIComponent(WORKER_SOURCE)}`);

type WriteMessage = { type: "write"; group: EncodedGroup } | { type: "close" };
type Reply = { stats: JournalStats } & (
  { ok: true } | { ok: false; error: { name: string; message: string; code: unknown } }
);

function rebuildError(error: { name: string; message: string; code: unknown }): Error {
  if (error.name === "SqliteError" && typeof error.code === "string")
    return new Database.SqliteError(error.message, error.code);
  const rebuilt = new Error(error.message);
  rebuilt.name = error.name;
  return rebuilt;
}

export class WorkerWriter implements SqliteWriter {
  readonly #worker: Worker;
  #waiting: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  #failure: StoreWriterError | undefined;
  #exited = false;
  #closing = false;
  readonly #exit: Promise<void>;
  #stats: JournalStats;

  /**
   * `file` exists and is migrated; `pragmas` are run on the thread's connection first.
   * `initial`: the journal's figures until the thread's first answer.
   */
  constructor(file: string, pragmas: readonly string[], options: WriterOptions, initial: JournalStats) {
    const sqliteUrl = pathToFileURL(createRequire(import.meta.url).resolve("better-sqlite3")).href;
    const journal = { foldThresholdRows: options.foldThresholdRows, foldStepRows: options.foldStepRows };
    const foldOnClose = options.foldOnClose ?? true;
    this.#stats = initial;
    this.#worker = new Worker(WORKER_URL, {
      workerData: { file, pragmas, journal, foldOnClose, sqliteUrl },
    });
    this.#worker.unref();
    this.#worker.on("message", (reply: Reply) => this.#onReply(reply));
    this.#worker.on("error", (error: Error) =>
      this.#fail(new StoreWriterError(`the SQLite writer thread failed: ${error.message}`, error)),
    );
    this.#exit = new Promise((resolve) => {
      this.#worker.once("exit", (code) => {
        this.#exited = true;
        this.#fail(new StoreWriterError(`the SQLite writer thread exited (code ${code})`));
        resolve();
      });
    });
  }

  write(group: EncodedGroup): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise<void>((resolve, reject) => {
      this.#waiting = { resolve, reject };
      this.#worker.ref();
      this.#post({ type: "write", group });
    });
  }

  stats(): JournalStats {
    return this.#stats;
  }

  close(): Promise<void> {
    this.#closing = true;
    if (!this.#exited) {
      this.#worker.ref();
      this.#post({ type: "close" });
    }
    return this.#exit;
  }

  #post(message: WriteMessage): void {
    this.#worker.postMessage(message);
  }

  #onReply(reply: Reply): void {
    this.#stats = reply.stats;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (!this.#closing) this.#worker.unref();
    if (waiting === undefined) return;
    if (reply.ok) waiting.resolve();
    else waiting.reject(rebuildError(reply.error));
  }

  #fail(failure: StoreWriterError): void {
    this.#failure ??= failure;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.reject(this.#failure);
  }
}
