/**
 * Durability across a crash: a child process (crash-child.mjs, on the compiled store in dist/)
 * persists numbered batches and prints each number once its persist() has resolved; we SIGKILL it
 * after 300-500 ms, open the database, and require every printed batch to be there. Four rounds
 * on the same database, each child continuing after the previous one's last stored batch.
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
const ROTATING = 20; // as in crash-child.mjs
const TOUCHED = 5;
const START_TIMEOUT_MS = 15_000;

interface Run {
  start: number;
  /** Batch numbers the child said were durable. */
  reported: number[];
}

/** Starts the child, kills it with SIGKILL 300-500 ms after it has opened the store. */
function runAndKill(dir: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [CHILD, dir], { stdio: ["ignore", "pipe", "pipe"] });
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
      resolve({ start, reported: lines.map(Number) });
    });
  });
}

describe("SqliteBalanceStore across a SIGKILL", () => {
  let dir: string;
  beforeAll(async () => {
    if (!existsSync(COMPILED))
      throw new Error(`${COMPILED} is missing: build first (npx tsc -p tsconfig.build.json)`);
    dir = await mkdtemp(join(tmpdir(), "telsim-crash-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(`loses no reported batch (${ROUNDS} rounds)`, { timeout: 60_000 }, async () => {
    let previousHighest = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const { start, reported } = await runAndKill(dir);
      expect(start).toBe(previousHighest); // the child resumed from what the last round left
      expect(reported.length).toBeGreaterThan(0);
      expect(reported.every((b) => Number.isInteger(b) && b > start)).toBe(true);
      const highestReported = Math.max(...reported);

      const check = new Database(join(dir, "telsim.db"));
      expect(check.pragma("integrity_check", { simple: true })).toBe("ok");
      check.close();

      const store = new SqliteBalanceStore(dir);
      try {
        const balances = new Map((await store.loadAccounts()).map((a) => [a.id, a.balance]));
        const all = balances.get("acc-all") ?? 0;
        expect(all).toBeGreaterThanOrEqual(highestReported);
        for (const b of reported)
          for (let j = 0; j < TOUCHED; j++)
            expect(balances.get(`acc-${(b + j) % ROTATING}`) ?? 0).toBeGreaterThanOrEqual(b);

        const stored = await store.records({ afterSequence: 0, limit: Number.MAX_SAFE_INTEGER });
        const numbers = stored.map((s) => Number(s.record.id.slice(2)));
        const present = new Set(numbers);
        const missing = reported.filter((b) => !present.has(b));
        expect(missing).toStrictEqual([]);
        // Committed in call order: batch numbers only go up with the sequence, no gaps, no repeats.
        expect(numbers).toStrictEqual(Array.from({ length: numbers.length }, (_, i) => i + 1));
        // What was stored but not reported (committed, killed before the print) is at the end.
        expect(all).toBe(numbers.at(-1));
        previousHighest = all;
      } finally {
        await store.close();
      }
    }
  });
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
