/**
 * The group transactions on a worker thread, with the thread's own connection to the file: the
 * main thread only makes the JSON (sqlite-group.ts) and posts it; SQLite's work and the fsync of
 * the commit happen beside the event loop. One group at a time (GroupCommit guarantees it).
 *
 * The thread's code is a small ES module given as a data: URL, so it runs the same from the
 * TypeScript sources (tests) and from dist/, whatever the parent's --input-type; everything it
 * needs — the statements, the pragmas, where better-sqlite3 lives — comes in workerData.
 *
 * The thread is unref'd while idle (an open store never keeps the process alive) and ref'd while
 * a group or the close is under way (a persist that was called is finished first).
 * An SQLite error in a group comes back as an SqliteError (same code and message) and fails that
 * group only; if the thread itself dies, that group and every later write fail with
 * StoreWriterError.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";
import { type EncodedGroup, WRITE_SQL } from "./sqlite-group.js";
import type { SqliteWriter } from "./sqlite-writer.js";
import { StoreWriterError } from "./store-errors.js";

const WORKER_SOURCE = `
import { parentPort, workerData } from "node:worker_threads";
const { default: Database } = await import(workerData.sqliteUrl);
const db = new Database(workerData.file);
for (const pragma of workerData.pragmas) db.pragma(pragma);
const upsertAccount = db.prepare(workerData.sql.upsertAccount);
const appendRecord = db.prepare(workerData.sql.appendRecord);
const upsertCard = db.prepare(workerData.sql.upsertCard);
const transaction = db.transaction((group) => {
  const { accounts, records, cards } = group;
  for (let i = 0; i < accounts.length; i += 2) upsertAccount.run(accounts[i], accounts[i + 1]);
  for (let i = 0; i < records.length; i += 3) appendRecord.run(records[i], records[i + 1], records[i + 2]);
  for (let i = 0; i < cards.length; i += 5)
    upsertCard.run(cards[i], cards[i + 1], cards[i + 2], cards[i + 3], cards[i + 4]);
}).immediate;
parentPort.on("message", (message) => {
  if (message.type === "close") {
    db.close();
    parentPort.close();
    return;
  }
  try {
    transaction(message.group);
    parentPort.postMessage({ ok: true });
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    parentPort.postMessage({ ok: false, error: { name: e.name, message: e.message, code: e.code } });
  }
});
`;

const WORKER_URL = new URL(`data:text/javascript,${encodeURIComponent(WORKER_SOURCE)}`);

type WriteMessage = { type: "write"; group: EncodedGroup } | { type: "close" };
type Reply = { ok: true } | { ok: false; error: { name: string; message: string; code: unknown } };

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
  readonly #exit: Promise<void>;

  /** `file` exists and is migrated; `pragmas` are run on the thread's connection first. */
  constructor(file: string, pragmas: readonly string[]) {
    const sqliteUrl = pathToFileURL(createRequire(import.meta.url).resolve("better-sqlite3")).href;
    this.#worker = new Worker(WORKER_URL, { workerData: { file, pragmas, sql: WRITE_SQL, sqliteUrl } });
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

  close(): Promise<void> {
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
    const waiting = this.#waiting;
    this.#waiting = undefined;
    this.#worker.unref();
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
