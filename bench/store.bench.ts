/**
 * SqliteBalanceStore figures (WAL, synchronous=FULL, group commit on setImmediate, accounts
 * appended to the account log and folded into `accounts` in the background), for both writers
 * (the default writer thread, and inline on the event loop):
 *  - seeding 100,000 accounts (persists of 1,000 accounts each), then reopening the file and
 *    loadAccounts() of the 100,000;
 *  - 50,000 persists of one account (drawn at random from the 100,000) + one record each:
 *    (a) as a server with a pipelined window of 1,000 (then 100) would issue them — each turn
 *        tops the persists under way up to the window (with the inline writer: bursts of 1,000
 *        per turn, one group each);
 *    (b) at an offered load of 40,000/s, arriving whatever the store does;
 *    persists/s, flushes, average group, persist latency, and how busy the main thread was
 *    (event-loop utilisation, also per persist: the store's share of the OCS's thread); then the
 *    close, which folds the run's log into `accounts`;
 *  - sustained: 500,000 persists at window 1,000 (writer thread), long enough for the log to pass
 *    the fold threshold (200,000 rows for 100,000 accounts) and fold for the whole second half,
 *    background folds sharing the writer with the groups;
 *  - a long unfolded log: 200,000 persists with folding off, then reopen, loadAccounts() (which
 *    replays the log over `accounts`) and the close that folds it;
 *  - commit latency: 300 persists one after the other, each awaited (one fsync each).
 * Bounded: at most 500,000 persists per run.
 *
 * Environment: STORE_BENCH_DIR (default: the OS temp folder; it must be a real disk, not tmpfs,
 * or the fsyncs cost nothing), STORE_BENCH_ACCOUNTS (100000), STORE_BENCH_PERSISTS (50000),
 * STORE_BENCH_WINDOWS (1000,100), STORE_BENCH_RATES (40000), STORE_BENCH_WRITERS (inline,thread),
 * STORE_BENCH_SUSTAINED (500000; 0: skip), STORE_BENCH_LONG_LOG (200000; 0: skip),
 * STORE_BENCH_CHECKPOINT (WAL pages; store default), STORE_BENCH_FOLD_THRESHOLD (log rows; store
 * default), STORE_BENCH_FOLD_STEP (log rows per fold step; store default).
 *
 * Run: npm run bench -- store   (or: npx tsc -p tsconfig.build.json && node dist/bench/run.js store)
 */
import { readFileSync } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { Account, ChargingRecord } from "../core/charging/model.js";
import type { GroupCommitStats } from "../core/store/group-commit.js";
import type { JournalStats } from "../core/store/sqlite-journal.js";
import { SqliteBalanceStore, type SqliteStoreOptions } from "../core/store/sqlite-store.js";

const ACCOUNTS = Number(process.env["STORE_BENCH_ACCOUNTS"] ?? 100_000);
const PERSISTS = Number(process.env["STORE_BENCH_PERSISTS"] ?? 50_000);
const WINDOWS = (process.env["STORE_BENCH_WINDOWS"] ?? "1000,100").split(",").filter(Boolean).map(Number);
const RATES = (process.env["STORE_BENCH_RATES"] ?? "40000").split(",").filter(Boolean).map(Number);
const WRITERS = (process.env["STORE_BENCH_WRITERS"] ?? "inline,thread").split(",").filter(Boolean) as (
  "thread" | "inline"
)[];
const SUSTAINED = Number(process.env["STORE_BENCH_SUSTAINED"] ?? 500_000);
const LONG_LOG = Number(process.env["STORE_BENCH_LONG_LOG"] ?? 200_000);
const SEED_BATCH = 1000;
const LATENCY_SAMPLES = 300;
const T0 = Date.UTC(2025, 0, 1);

const numberFromEnv = (name: string): number | undefined =>
  process.env[name] === undefined ? undefined : Number(process.env[name]);
const options: SqliteStoreOptions = {
  walAutocheckpointPages: numberFromEnv("STORE_BENCH_CHECKPOINT"),
  foldThresholdRows: numberFromEnv("STORE_BENCH_FOLD_THRESHOLD"),
  foldStepRows: numberFromEnv("STORE_BENCH_FOLD_STEP"),
};
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

const journalLine = (j: JournalStats): string =>
  `log ${fmt(j.logRows)} rows (fold threshold ${fmt(j.foldThresholdRows)}); ${fmt(j.foldSteps)} fold steps, ` +
  `${fmt(j.foldedRows)} rows folded, ${fmt(j.foldCopies)} copied to accounts, ${(j.foldMs / 1000).toFixed(2)} s ` +
  `(longest step ${j.longestFoldStepMs.toFixed(0)} ms)` +
  (j.foldFailures > 0 ? `, ${j.foldFailures} FAILED` : "");

/** Closes, timing the close (which folds the log) and describing the fold it did. */
async function closeTimed(store: SqliteBalanceStore, before: JournalStats): Promise<string> {
  const started = performance.now();
  await store.close();
  const ms = performance.now() - started;
  const after = store.journalStats();
  return (
    `close ${(ms / 1000).toFixed(2)} s (folded ${fmt(after.foldedRows - before.foldedRows)} log rows, ` +
    `${fmt(after.foldCopies - before.foldCopies)} copied)`
  );
}

async function seed(dir: string, accounts: Account[]): Promise<void> {
  const store = new SqliteBalanceStore(dir, options);
  const started = performance.now();
  for (let i = 0; i < accounts.length; i += SEED_BATCH)
    await store.persist({ accounts: accounts.slice(i, i + SEED_BATCH), records: [], cards: [] });
  const seconds = (performance.now() - started) / 1000;
  const journal = store.journalStats();
  const closed = await closeTimed(store, journal);
  const bytes = (await stat(join(dir, "telsim.db"))).size;
  line(
    `seed ${fmt(accounts.length)} accounts (${fmt(JSON.stringify(accounts[0]).length)} bytes of JSON each) ` +
      `in persists of ${fmt(SEED_BATCH)}: ${seconds.toFixed(2)} s, ${fmt(accounts.length / seconds)} accounts/s; ` +
      `${journalLine(journal)}; ${closed}; file ${(bytes / 1e6).toFixed(1)} MB`,
  );
}

async function load(dir: string, what: string): Promise<void> {
  let started = performance.now();
  const store = new SqliteBalanceStore(dir, options);
  const openMs = performance.now() - started;
  const journal = store.journalStats();
  started = performance.now();
  const loaded = await store.loadAccounts();
  const loadMs = performance.now() - started;
  const closed = await closeTimed(store, journal);
  line(
    `${what}: reopen ${openMs.toFixed(1)} ms; loadAccounts() of ${fmt(loaded.length)} with ` +
      `${fmt(journal.logRows)} log rows to replay: ${loadMs.toFixed(0)} ms ` +
      `(${fmt(loaded.length / (loadMs / 1000))} accounts/s); ${closed}`,
  );
}

interface RunFigures {
  count: number;
  seconds: number;
  /** Seconds for the second half of the persists (a steady state, once the log is folding). */
  secondHalf: number;
  latencies: number[];
  elu: number;
  stats: GroupCommitStats;
  journal: JournalStats;
  closed: string;
}

/**
 * Issues `count` persists of one random account + one record. `next(issued, outstanding, ms)`
 * says how many to issue in the current event-loop turn.
 */
async function drive(
  store: SqliteBalanceStore,
  accounts: Account[],
  first: number,
  count: number,
  next: (issued: number, outstanding: number, elapsedMs: number) => number,
): Promise<Omit<RunFigures, "closed">> {
  const random = rng(0x7e15 + first);
  const latencies: number[] = [];
  let issued = 0;
  let done = 0;
  let wake: (() => void) | undefined;
  let halfAt = 0;
  const eluBefore = performance.eventLoopUtilization();
  const started = performance.now();
  while (done < count) {
    const turn = Math.min(count - issued, next(issued, issued - done, performance.now() - started));
    for (let k = 0; k < turn; k++) {
      const target = accounts[Math.floor(random() * accounts.length)]!;
      target.balance -= 1;
      target.buckets[2]!.remaining -= 1_048_576;
      const calledAt = performance.now();
      const n = first + issued++;
      store.persist({ accounts: [target], records: [record(n, target)], cards: [] }).then(
        () => {
          if (++done === count >> 1) halfAt = performance.now();
          if (n % 10 === 0) latencies.push(performance.now() - calledAt);
          wake?.();
        },
        (error: unknown) => {
          throw error;
        },
      );
    }
    // Nothing to issue: sleep until an answer or 1 ms (a server would sit in epoll), never spin.
    if (turn > 0) await nextTurn();
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
  const ended = performance.now();
  const seconds = (ended - started) / 1000;
  const elu = performance.eventLoopUtilization(eluBefore).utilization;
  return {
    count,
    seconds,
    secondHalf: (ended - halfAt) / 1000,
    latencies: latencies.sort((a, b) => a - b),
    elu,
    stats: store.stats(),
    journal: store.journalStats(),
  };
}

/** `halves`: also the rate of the second half (meaningful for a window, not an offered load). */
function describeRun(title: string, f: RunFigures, halves = false): void {
  const { stats } = f;
  const at = (q: number): string =>
    (f.latencies[Math.min(f.latencies.length - 1, Math.floor(q * f.latencies.length))] ?? 0).toFixed(1);
  line(
    `${title}: ${fmt(f.count / f.seconds)} persists/s (${f.seconds.toFixed(2)} s` +
      (halves ? `; second half ${fmt((f.count - (f.count >> 1)) / f.secondHalf)}/s` : "") +
      `); ${fmt(stats.flushes)} flushes, ` +
      `${fmt(stats.items / stats.flushes)} per group (largest ${fmt(stats.largestGroup)}), ` +
      `${(stats.writeMs / stats.flushes).toFixed(1)} ms per group write; persist latency p50 ${at(0.5)} ms ` +
      `p99 ${at(0.99)} ms; main thread busy ${(f.elu * 100).toFixed(0)}% = ` +
      `${((f.elu * f.seconds * 1e6) / f.count).toFixed(1)} µs per persist; ${journalLine(f.journal)}; ${f.closed}`,
  );
}

async function runWith(
  dir: string,
  storeOptions: SqliteStoreOptions,
  accounts: Account[],
  first: number,
  count: number,
  next: (issued: number, outstanding: number, elapsedMs: number) => number,
): Promise<RunFigures> {
  const store = new SqliteBalanceStore(dir, { ...options, ...storeOptions });
  await store.persist({ accounts: [accounts[0]!], records: [], cards: [] }); // the writer is up before the clock starts
  let figures: Omit<RunFigures, "closed">;
  try {
    figures = await drive(store, accounts, first, count, next);
  } catch (error) {
    await store.close();
    throw error;
  }
  return { ...figures, closed: await closeTimed(store, figures.journal) };
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

/** Load average and (where the kernel has it) CPU pressure: the machine is shared. */
function machineLoad(): string {
  let pressure = "";
  try {
    const some = /some avg10=([\d.]+) avg60=([\d.]+)/.exec(readFileSync("/proc/pressure/cpu", "utf8"));
    if (some !== null) pressure = `, CPU pressure ${some[1]}% (10 s) ${some[2]}% (60 s)`;
  } catch {
    // not Linux, or no PSI
  }
  return `load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}${pressure}`;
}

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(process.env["STORE_BENCH_DIR"] ?? tmpdir(), "telsim-store-bench-"));
  const window = (size: number) => (_: number, outstanding: number) => size - outstanding;
  try {
    line(`start: ${machineLoad()}`);
    const accounts = Array.from({ length: ACCOUNTS }, (_, i) => account(i));
    await seed(dir, accounts);
    await load(dir, "folded");
    let first = 0;
    for (const size of WINDOWS)
      for (const writer of WRITERS) {
        // A pipelined window: each turn tops the persists under way up to `size`.
        const figures = await runWith(dir, { writer }, accounts, first, PERSISTS, window(size));
        describeRun(`window ${fmt(size)}, ${writer} writer`, figures);
        first += PERSISTS;
      }
    for (const rate of RATES)
      for (const writer of WRITERS) {
        // Offered load: requests arrive at `rate`/s whatever the store does (as from many peers).
        const figures = await runWith(dir, { writer }, accounts, first, PERSISTS, (issued, _, elapsedMs) =>
          Math.max(0, Math.floor((elapsedMs * rate) / 1000) - issued),
        );
        describeRun(`offered ${fmt(rate)}/s, ${writer} writer`, figures);
        first += PERSISTS;
      }
    if (SUSTAINED > 0) {
      const figures = await runWith(dir, { writer: "thread" }, accounts, first, SUSTAINED, window(1000));
      describeRun(`sustained ${fmt(SUSTAINED)} persists, window 1,000, thread writer`, figures, true);
      first += SUSTAINED;
    }
    if (LONG_LOG > 0) {
      const unfolded = {
        writer: "thread",
        foldThresholdRows: Number.POSITIVE_INFINITY,
        foldOnClose: false,
      } as const;
      const figures = await runWith(dir, unfolded, accounts, first, LONG_LOG, window(1000));
      describeRun(`${fmt(LONG_LOG)} persists with folding off, window 1,000, thread writer`, figures);
      first += LONG_LOG;
      await load(dir, "long unfolded log");
    }
    await latency(dir, accounts, first);
    const started = performance.now();
    let bytes = 0;
    for (let i = 0; i < PERSISTS; i++) bytes += JSON.stringify(accounts[i % accounts.length]).length;
    const ms = performance.now() - started;
    line(
      `for scale: JSON.stringify of ${fmt(PERSISTS)} accounts alone: ${ms.toFixed(0)} ms ` +
        `(${((ms * 1000) / PERSISTS).toFixed(1)} µs each, ${fmt(bytes / PERSISTS)} bytes); end: ${machineLoad()}`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
