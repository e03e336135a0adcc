/**
 * Durability across a crash: a child process (crash-child.mjs, on the compiled store in dist/)
 * persists numbered batches and prints each number once its persist() has resolved; we SIGKILL it
 * after 300-500 ms, open the database, and require every printed batch to be there, and every
 * account to hold exactly the state of the last batch that touched it among those stored. Four
 * rounds on the same database, each child continuing after the previous one's last stored batch.
 * Run with the default fold policy (the log never reaches the threshold: it is replayed), and
 * with a tiny threshold so the account log folds all the time and the kill lands in folds (for
 * each writer): whatever fold step was cut, loadAccounts must give the latest state.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqliteBalanceStore } from "../../core/store/sqlite-store.js";

const CHILD = fileURLToPath(new URL("./crash-child.mjs", import.meta.url));
const COMPILED = fileURLToPath(new URL("../../dist/core/store/sqlite-store.js", import.meta.url));
const ROUNDS = 4;
const TOUCHED = 5; // as in crash-child.mjs
const START_TIMEOUT_MS = 15_000;

interface Run {
  start: number;
  /** Batch numbers the child said were durable. */
  reported: number[];
  /** Fold steps the child's writer had done, and rows they copied, as last printed. */
  foldSteps: number;
  foldCopies: number;
}

/** Starts the child, kills it with SIGKILL 300-500 ms after it has opened the store. */
function runAndKill(dir: string, args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [CHILD, dir, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    let start: number | undefined;
    const startTimer = setTimeout(() => child.kill("SIGKILL"), START_TIMEOUT_MS);
    child.stderr?.on("data", (chunk: Buffer) => {
      err += chunk.toString("utf8");
    });
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      if (start === undefined) {
        const match = /^start (\d+)\n/.exec(out);
        if (match === null) return;
        start = Number(match[1]);
        clearTimeout(startTimer);
        setTimeout(() => child.kill("SIGKILL"), 300 + Math.random() * 200);
      }
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(startTimer);
      if (start === undefined || signal !== "SIGKILL") {
        reject(new Error(`the child ended (code ${code}, signal ${signal}) before it was killed:\n${err}`));
        return;
      }
      // Only complete lines: a number is reported once its newline is out.
      const lines = out.split("\n").slice(1, -1);
      const folds = lines.filter((l) => l.startsWith("f ")).map((l) => l.split(" ").map(Number));
      const reported = lines.filter((l) => !l.startsWith("f ")).map(Number);
      const [, foldSteps = 0, foldCopies = 0] = folds.at(-1) ?? [];
      resolve({ start, reported, foldSteps, foldCopies });
    });
  });
}

/** The balance that batches 1..last leave on rotating account `account` (crash-child.mjs). */
function expectedRotating(account: number, last: number, rotating: number): number | undefined {
  for (let b = last; b >= Math.max(1, last - rotating); b--)
    if ((((account - b) % rotating) + rotating) % rotating < TOUCHED) return b;
  return undefined;
}

// Child arguments: writer, foldThresholdRows, foldStepRows, rotating accounts.
const MODES = [
  { name: "default fold policy, writer thread", rotating: 20, args: [] },
  { name: "folding all the time, writer thread", rotating: 400, args: ["thread", "50", "40", "400"] },
  { name: "folding all the time, inline writer", rotating: 400, args: ["inline", "50", "40", "400"] },
] as const;

describe.each(MODES)("SqliteBalanceStore across a SIGKILL ($name)", ({ args, rotating }) => {
  let dir: string;
  beforeAll(async () => {
    if (!existsSync(COMPILED))
      throw new Error(`${COMPILED} is missing: build first (npx tsc -p tsconfig.build.json)`);
    dir = await mkdtemp(join(tmpdir(), "telsim-crash-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(
    `loses no reported batch and gives every account its latest state (${ROUNDS} rounds)`,
    { timeout: 60_000 },
    async () => {
      let previousHighest = 0;
      let foldSteps = 0;
      let foldCopies = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const run = await runAndKill(dir, args);
        const { start, reported } = run;
        foldSteps += run.foldSteps;
        foldCopies += run.foldCopies;
        expect(start).toBe(previousHighest); // the child resumed from what the last round left
        expect(reported.length).toBeGreaterThan(0);
        expect(reported.every((b) => Number.isInteger(b) && b > start)).toBe(true);
        const highestReported = Math.max(...reported);

        const check = new Database(join(dir, "telsim.db"));
        expect(check.pragma("integrity_check", { simple: true })).toBe("ok");
        check.close();

        // No fold on close: the next child starts on the log as the kill left it.
        const store = new SqliteBalanceStore(dir, { foldOnClose: false });
        try {
          const balances = new Map((await store.loadAccounts()).map((a) => [a.id, a.balance]));
          const all = balances.get("acc-all") ?? 0;
          expect(all).toBeGreaterThanOrEqual(highestReported);

          const stored = await store.records({ afterSequence: 0, limit: Number.MAX_SAFE_INTEGER });
          const numbers = stored.map((s) => Number(s.record.id.slice(2)));
          const present = new Set(numbers);
          const missing = reported.filter((b) => !present.has(b));
          expect(missing).toStrictEqual([]);
          // Committed in call order: batch numbers only go up with the sequence, no gaps, no repeats.
          expect(numbers).toStrictEqual(Array.from({ length: numbers.length }, (_, i) => i + 1));
          // What was stored but not reported (committed, killed before the print) is at the end.
          expect(all).toBe(numbers.at(-1));
          // Batches 1..all are stored, and each account holds the last of them that touched it.
          const expected = new Map<string, number>([["acc-all", all]]);
          for (let k = 0; k < rotating; k++) {
            const b = expectedRotating(k, all, rotating);
            if (b !== undefined) expected.set(`acc-${k}`, b);
          }
          expect(balances).toStrictEqual(expected);
          previousHighest = all;
        } finally {
          await store.close();
        }
      }
      if (args.length > 0) {
        expect(foldSteps).toBeGreaterThan(ROUNDS * 5);
        expect(foldCopies).toBeGreaterThan(0);
      }
    },
  );
});

describe("SqliteBalanceStore in a process that ends", () => {
  it("does not keep the process alive once its persists are durable", async () => {
    const dir = await mkdtemp(join(tmpdir(), "telsim-exit-"));
    try {
      // No close(): the writer thread must not hold the event loop open.
      const script = `
        import { SqliteBalanceStore } from ${JSON.stringify(pathToFileURL(COMPILED).href)};
        const store = new SqliteBalanceStore(${JSON.stringify(dir)});
        await store.persist({ accounts: [], records: [], cards: [{ code: "12345678901234", amount: 500,
          usedBy: undefined, usedAt: undefined, createdAt: 1 }] });
        // This one is not awaited: the process stays until it is durable, then ends.
        store.persist({ accounts: [], records: [], cards: [{ code: "99999999999999", amount: 700,
          usedBy: undefined, usedAt: undefined, createdAt: 2 }] });
      `;
      const started = performance.now();
      await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], { timeout: 20_000 });
      expect(performance.now() - started).toBeLessThan(15_000);
      const store = new SqliteBalanceStore(dir);
      try {
        expect((await store.card("12345678901234"))?.amount).toBe(500);
        expect((await store.card("99999999999999"))?.amount).toBe(700);
      } finally {
        await store.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
