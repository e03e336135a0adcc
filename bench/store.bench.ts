/**
 * SqliteBalanceStore figures (WAL, synchronous=FULL, group commit on setImmediate), for both
 * writers (the default writer thread, and inline on the event loop):
 *  - seeding 100,000 accounts (persists of 1,000 accounts each), then reopening the file and
 *    loadAccounts() of the 100,000;
 *  - 50,000 persists of one account (drawn at random from the 100,000) + one record each:
 *    (a) as a server with a pipelined window of 1,000 (then 100) would issue them — each turn
 *        tops the persists under way up to the window (with the inline writer: bursts of 1,000
 *        per turn, one group each);
 *    (b) at an offered load of 40,000/s, arriving whatever the store does;
 *    persists/s, flushes, average group, persist latency, and how busy the main thread was
 *    (event-loop utilisation, also per persist: the store's share of the OCS's thread);
 *  - commit latency: 300 persists one after the other, each awaited (one fsync each).
 * Bounded: 50,000 persists per run, 8 runs.
 *
 * Environment: STORE_BENCH_DIR (default: the OS temp folder; it must be a real disk, not tmpfs,
 * or the fsyncs cost nothing), STORE_BENCH_ACCOUNTS (100000), STORE_BENCH_PERSISTS (50000),
 * STORE_BENCH_WINDOWS (1000,100), STORE_BENCH_RATES (40000), STORE_BENCH_WRITERS (inline,thread),
 * STORE_BENCH_CHECKPOINT (WAL pages; store default).
 *
 * Run: npm run bench -- store   (or: npx tsc -p tsconfig.build.json && node dist/bench/run.js store)
 */
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Account, ChargingRecord } from "../core/charging/model.js";
import type { GroupCommitStats } from "../core/store/group-commit.js";
import { SqliteBalanceStore, type SqliteStoreOptions } from "../core/store/sqlite-store.js";

const ACCOUNTS = Number(process.env["STORE_BENCH_ACCOUNTS"] ?? 100_000);
const PERSISTS = Number(process.env["STORE_BENCH_PERSISTS"] ?? 50_000);
const WINDOWS = (process.env["STORE_BENCH_WINDOWS"] ?? "1000,100").split(",").map(Number);
const RATES = (process.env["STORE_BENCH_RATES"] ?? "40000").split(",").map(Number);
const WRITERS = (process.env["STORE_BENCH_WRITERS"] ?? "inline,thread").split(",") as ("thread" | "inline")[];
const CHECKPOINT = process.env["STORE_BENCH_CHECKPOINT"];
const SEED_BATCH = 1000;
const LATENCY_SAMPLES = 300;
const T0 = Date.UTC(2025, 0, 1);

const options: SqliteStoreOptions =
  CHECKPOINT === undefined ? {} : { walAutocheckpointPages: Number(CHECKPOINT) };
const line = (text: string): void => {
  process.stdout.write(`store | ${text}\n`);
};
const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");

/** A subscriber's account as the OCS keeps it: three buckets, one live data session. */
function account(i: number): Account {
  const msisdn = `37529${String(1_000_000 + i).padStart(7, "0")}`;
  return {
    id: `acc-${i}`,
    state: "active",
    balance: 1500,
    creditLimit: undefined,
    planId: "comfort-m",
    subscribers: [{ msisdn, imsi: `25701${String(i).padStart(10, "0")}` }],
    favorites: [],
    cugId: undefined,
    buckets: [
      bucket("voice", "voice", 18_000),
      bucket("sms", "sms", 100),
      { ...bucket("data", "data", 5_368_709_120), window: "night" },
    ],
    reservations: [
      {
        sessionId: `pgw.telsim.test;${i};1`,
        ratingGroup: 10,
        kind: "data",
        destination: undefined,
        originHost: "pgw.telsim.test",
        msisdn,
        startedAt: T0,
        heldBuckets: { data: 1_048_576 },
        heldMoney: 0,
        grantedUnits: 1_048_576,
        throttled: false,
        usedFromBuckets: { "comfort-m-data": 3_145_728 },
        usedMoneyUnits: 0,
        usedThrottledUnits: 0,
        usedUnits: 3_145_728,
        charged: 0,
        expiresAt: T0 + 3_600_000,
      },
    ],
    feePeriodStart: T0,
    nextFeeAt: T0 + 86_400_000,
    feesOwed: 0,
    pausedAt: undefined,
    createdAt: T0 - 86_400_000,
  };
}

function bucket(id: string, kind: "voice" | "sms" | "data", total: number): Account["buckets"][number] {
  return {
    id,
    source: `comfort-m-${id}`,
    kind,
    priority: 100,
    total,
    remaining: total,
    validFrom: T0,
    validUntil: T0 + 30 * 86_400_000,
  };
}

function record(n: number, target: Account): ChargingRecord {
  return {
    id: `cdr-${n}`,
    accountId: target.id,
    msisdn: target.subscribers[0]!.msisdn,
    sessionId: `pgw.telsim.test;${n};1`,
    kind: "data",
    ratingGroup: 10,
    destination: undefined,
    startedAt: T0 + n,
    endedAt: T0 + n + 60_000,
    units: 1_048_576,
    charge: 0,
    fromBuckets: { "comfort-m-data": 1_048_576 },
    balanceAfter: target.balance,
    throttled: false,
  };
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A tiny deterministic RNG (xorshift32), so every run updates the same accounts. */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4_294_967_296;
  };
}

async function seed(dir: string, accounts: Account[]): Promise<void> {
  const store = new SqliteBalanceStore(dir, options);
  const started = performance.now();
  for (let i = 0; i < accounts.length; i += SEED_BATCH)
    await store.persist({ accounts: accounts.slice(i, i + SEED_BATCH), records: [], cards: [] });
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  const bytes = (await stat(join(dir, "telsim.db"))).size;
  line(
    `seed ${fmt(accounts.length)} accounts (${fmt(JSON.stringify(accounts[0]).length)} bytes of JSON each) ` +
      `in persists of ${fmt(SEED_BATCH)}: ${seconds.toFixed(2)} s, ${fmt(accounts.length / seconds)} accounts/s, ` +
      `file ${(bytes / 1e6).toFixed(1)} MB`,
  );
}

async function load(dir: string): Promise<void> {
  let started = performance.now();
  const store = new SqliteBalanceStore(dir, options);
  const openMs = performance.now() - started;
  started = performance.now();
  const loaded = await store.loadAccounts();
  const loadMs = performance.now() - started;
  await store.close();
  line(
    `reopen: ${openMs.toFixed(1)} ms; loadAccounts() of ${fmt(loaded.length)}: ${loadMs.toFixed(0)} ms ` +
      `(${fmt(loaded.length / (loadMs / 1000))} accounts/s)`,
  );
}

interface RunFigures {
  seconds: number;
  latencies: number[];
  elu: number;
  stats: GroupCommitStats;
}

/**
 * Issues PERSISTS persists of one random account + one record. `next(issued, outstanding, ms)`
 * says how many to issue in the current event-loop turn.
 */
async function drive(
  store: SqliteBalanceStore,
  accounts: Account[],
  first: number,
  next: (issued: number, outstanding: number, elapsedMs: number) => number,
): Promise<RunFigures> {
  const random = rng(0x7e15 + first);
  const latencies: number[] = [];
  let issued = 0;
  let done = 0;
  let wake: (() => void) | undefined;
  const eluBefore = performance.eventLoopUtilization();
  const started = performance.now();
  while (done < PERSISTS) {
    const count = Math.min(PERSISTS - issued, next(issued, issued - done, performance.now() - started));
    for (let k = 0; k < count; k++) {
      const target = accounts[Math.floor(random() * accounts.length)]!;
      target.balance -= 1;
      target.buckets[2]!.remaining -= 1_048_576;
      const calledAt = performance.now();
      const n = first + issued++;
      store.persist({ accounts: [target], records: [record(n, target)], cards: [] }).then(
        () => {
          done++;
          if (n % 10 === 0) latencies.push(performance.now() - calledAt);
          wake?.();
        },
        (error: unknown) => {
          throw error;
        },
      );
    }
    // Nothing to issue: sleep until an answer or 1 ms (a server would sit in epoll), never spin.
    if (count > 0) await nextTurn();
    else
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1);
        wake = () => {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        };
      });
  }
  const seconds = (performance.now() - started) / 1000;
  const elu = performance.eventLoopUtilization(eluBefore).utilization;
  return { seconds, latencies: latencies.sort((a, b) => a - b), elu, stats: store.stats() };
}

function describeRun(title: string, f: RunFigures): void {
  const { stats } = f;
  const at = (q: number): string =>
    (f.latencies[Math.min(f.latencies.length - 1, Math.floor(q * f.latencies.length))] ?? 0).toFixed(1);
  line(
    `${title}: ${fmt(PERSISTS / f.seconds)} persists/s (${f.seconds.toFixed(2)} s); ${fmt(stats.flushes)} flushes, ` +
      `${fmt(stats.items / stats.flushes)} per group (largest ${fmt(stats.largestGroup)}), ` +
      `${(stats.writeMs / stats.flushes).toFixed(1)} ms per group write; persist latency p50 ${at(0.5)} ms ` +
      `p99 ${at(0.99)} ms; main thread busy ${(f.elu * 100).toFixed(0)}% = ` +
      `${((f.elu * f.seconds * 1e6) / PERSISTS).toFixed(1)} µs per persist`,
  );
}

async function runWith(
  dir: string,
  writer: "thread" | "inline",
  accounts: Account[],
  first: number,
  next: (issued: number, outstanding: number, elapsedMs: number) => number,
): Promise<RunFigures> {
  const store = new SqliteBalanceStore(dir, { ...options, writer });
  await store.persist({ accounts: [accounts[0]!], records: [], cards: [] }); // the writer is up before the clock starts
  try {
    return await drive(store, accounts, first, next);
  } finally {
    await store.close();
  }
}

/** One persist at a time, each awaited: the commit latency of a lone request (one fsync each). */
async function latency(dir: string, accounts: Account[], first: number): Promise<void> {
  for (const writer of WRITERS) {
    const store = new SqliteBalanceStore(dir, { ...options, writer });
    await store.flush();
    const samples: number[] = [];
    for (let n = 0; n < LATENCY_SAMPLES; n++) {
      const target = accounts[n]!;
      target.balance -= 1;
      const started = performance.now();
      await store.persist({ accounts: [target], records: [record(first + n, target)], cards: [] });
      samples.push(performance.now() - started);
    }
    await store.close();
    first += LATENCY_SAMPLES;
    samples.sort((a, b) => a - b);
    const at = (q: number): string =>
      samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!.toFixed(2);
    line(
      `lone persists, one at a time (${LATENCY_SAMPLES}), ${writer} writer: p50 ${at(0.5)} ms, ` +
        `p99 ${at(0.99)} ms, max ${at(1)} ms`,
    );
  }
}

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(process.env["STORE_BENCH_DIR"] ?? tmpdir(), "telsim-store-bench-"));
  try {
    const accounts = Array.from({ length: ACCOUNTS }, (_, i) => account(i));
    await seed(dir, accounts);
    await load(dir);
    let first = 0;
    for (const window of WINDOWS)
      for (const writer of WRITERS) {
        // A pipelined window: each turn tops the persists under way up to `window`.
        const figures = await runWith(dir, writer, accounts, first, (_, outstanding) => window - outstanding);
        describeRun(`window ${fmt(window)}, ${writer} writer`, figures);
        first += PERSISTS;
      }
    for (const rate of RATES)
      for (const writer of WRITERS) {
        // Offered load: requests arrive at `rate`/s whatever the store does (as from many peers).
        const figures = await runWith(dir, writer, accounts, first, (issued, _, elapsedMs) =>
          Math.max(0, Math.floor((elapsedMs * rate) / 1000) - issued),
        );
        describeRun(`offered ${fmt(rate)}/s, ${writer} writer`, figures);
        first += PERSISTS;
      }
    await latency(dir, accounts, first);
    const started = performance.now();
    let bytes = 0;
    for (let i = 0; i < PERSISTS; i++) bytes += JSON.stringify(accounts[i % accounts.length]).length;
    const ms = performance.now() - started;
    line(
      `for scale: JSON.stringify of ${fmt(PERSISTS)} accounts alone: ${ms.toFixed(0)} ms ` +
        `(${((ms * 1000) / PERSISTS).toFixed(1)} µs each, ${fmt(bytes / PERSISTS)} bytes)`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
