/**
 * Server process of the OCS load benchmark: a CoreNode (catalog, store, ChargingEngine, GyOcs on
 * a DiameterServer) on free ports, with the SQLite store in `<dataDir>` or the memory store, and
 * `accounts` accounts on a pay-per-MB plan provisioned straight through the engine before the
 * port is made known. Prints `LISTENING <port>` when ready.
 *
 * Commands on stdin, one a line:
 *  - `MARK` starts and `MARK` again ends the measured interval; the second prints `INTERVAL <json>`
 *    (requests, CPU of the whole process and per thread, main-loop utilisation).
 *  - `STOP <usage file>` stops the node cleanly, reopens the store (SQLite: a fresh connection to
 *    the file, and the CDR files), checks the balances against the records and the client's usage
 *    and prints `VERIFY <json>`, then exits.
 * It also exits when its stdin closes (the parent died) and after a hard lifetime limit.
 *
 *   node dist/bench/ocs-load-server.js <sqlite|memory> <accounts> <dataDir>
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { constants, PerformanceObserver, performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { readCdrFiles } from "../core/cdr/cdr-file-reader.js";
import type { Account, ChargingRecord } from "../core/charging/model.js";
import { reconcile } from "../core/charging/reconcile.js";
import { stderrLogger } from "../core/diameter/logger.js";
import { CoreNode } from "../core/node.js";
import { SqliteBalanceStore } from "../core/store/sqlite-store.js";
import {
  ALLOWANCE_LEFT_OCTETS,
  accountId,
  accountNumber,
  BENCH_PLAN,
  type ClientUsage,
  INITIAL_BALANCE,
  imsiOf,
  msisdnOf,
  type ServerInterval,
  type VerifyResult,
} from "./ocs-load-shared.js";

const [storeArg = "sqlite", accountsArg = "10000", dataDirArg] = process.argv.slice(2);
const memory = storeArg === "memory";
const accounts = Number(accountsArg);
const dataDir = dataDirArg ?? "";
if (!memory && dataDir === "") throw new Error("a data folder is required for the SQLite store");
const MAX_LIFETIME_MS = Number(process.env["OCS_BENCH_MAX_LIFETIME_MS"] ?? 600_000);
setTimeout(() => {
  process.stderr.write("ocs-load-server: lifetime limit reached\n");
  process.exit(4);
}, MAX_LIFETIME_MS).unref();

const node = await CoreNode.start({
  ...(memory ? { memory: true } : { dataDir }),
  diameterPort: 0,
  httpPort: 0,
  logger: stderrLogger("ocs-bench"),
  // No fee run and no Tcc expiry inside a run: the benchmark measures CCR traffic only.
  feeIntervalMs: 3_600_000,
});

// Provisioning: straight through the engine, persisted in batches, before the port is known.
const provisionStarted = performance.now();
const pending: Promise<void>[] = [];
let batch: Account[] = [];
for (let n = 0; n < accounts; n++) {
  const account = node.engine.createAccount({
    id: accountId(n),
    subscribers: [{ msisdn: msisdnOf(n), imsi: imsiOf(n) }],
    planId: BENCH_PLAN,
    balance: INITIAL_BALANCE,
    allowArchived: true,
  });
  // Most of the allowance is used up already: after the first MB every commit takes money.
  for (const b of account.buckets)
    if (b.kind === "data") b.remaining = Math.min(b.remaining, ALLOWANCE_LEFT_OCTETS);
  // No fee falls due during the run (the scheduler is idle anyway; this keeps records to sessions).
  account.nextFeeAt = Number.MAX_SAFE_INTEGER;
  batch.push(account);
  if (batch.length === 1000) {
    pending.push(node.engine.persist(batch));
    batch = [];
  }
  if (pending.length === 20) await Promise.all(pending.splice(0));
}
if (batch.length > 0) pending.push(node.engine.persist(batch));
await Promise.all(pending);
const provisionMs = performance.now() - provisionStarted;
process.stderr.write(
  `ocs-load-server: ${accounts} accounts provisioned in ${Math.round(provisionMs)} ms (${memory ? "memory" : "sqlite"})\n`,
);
process.stdout.write(`LISTENING ${node.diameterAddress.port}\n`);

/** Main-thread GC pauses by kind (count, ms), from perf_hooks "gc" entries. */
const gcTotals = { scavenge: [0, 0], markCompact: [0, 0], incremental: [0, 0], other: [0, 0] };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
    const bucket =
      kind === constants.NODE_PERFORMANCE_GC_MINOR
        ? gcTotals.scavenge
        : kind === constants.NODE_PERFORMANCE_GC_MAJOR
          ? gcTotals.markCompact
          : kind === constants.NODE_PERFORMANCE_GC_INCREMENTAL
            ? gcTotals.incremental
            : gcTotals.other;
    bucket[0]!++;
    bucket[1]! += entry.duration;
  }
}).observe({ entryTypes: ["gc"] });

function gcSnapshot(): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  for (const [k, [count, ms]] of Object.entries(gcTotals)) out[k] = [count!, ms!];
  return out;
}

interface ThreadTimes {
  readonly name: string;
  readonly ticks: number;
}

/** CPU ticks per thread of this process, from /proc/self/task/<tid>/stat (Linux). */
function threadTimes(): Map<number, ThreadTimes> {
  const out = new Map<number, ThreadTimes>();
  let tids: string[];
  try {
    tids = readdirSync("/proc/self/task");
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const name = stat.slice(stat.indexOf("(") + 1, close);
      const fields = stat.slice(close + 2).split(" ");
      // After the comm: state is field 3, utime 14, stime 15 (1-based in proc(5)).
      const ticks = Number(fields[11]) + Number(fields[12]);
      out.set(Number(tid), { name: Number(tid) === process.pid ? "main" : name, ticks });
    } catch {
      // The thread ended between readdir and read.
    }
  }
  return out;
}

interface Mark {
  readonly requests: number;
  readonly cpu: NodeJS.CpuUsage;
  readonly at: number;
  readonly elu: ReturnType<typeof performance.eventLoopUtilization>;
  readonly threads: Map<number, ThreadTimes>;
  readonly gc: Record<string, [number, number]>;
}

function mark(): Mark {
  return {
    requests: node.diameter.stats.requests,
    cpu: process.cpuUsage(),
    at: performance.now(),
    elu: performance.eventLoopUtilization(),
    threads: threadTimes(),
    gc: gcSnapshot(),
  };
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

function interval(from: Mark, to: Mark): ServerInterval {
  const threads: { name: string; cpuMs: number }[] = [];
  for (const [tid, t] of to.threads) {
    const before = from.threads.get(tid)?.ticks ?? 0;
    const cpuMs = (t.ticks - before) * TICK_MS;
    if (cpuMs > 0) threads.push({ name: `${t.name}#${tid}`, cpuMs });
  }
  threads.sort((a, b) => b.cpuMs - a.cpuMs);
  return {
    requests: to.requests - from.requests,
    cpuUserMs: (to.cpu.user - from.cpu.user) / 1000,
    cpuSystemMs: (to.cpu.system - from.cpu.system) / 1000,
    wallMs: to.at - from.at,
    mainLoopUtilisation:
      Math.round(performance.eventLoopUtilization(to.elu, from.elu).utilization * 1000) / 1000,
    threads: threads.slice(0, 8),
    rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
    openSessions: node.engine.sessionCount(),
    gcPauses: Object.fromEntries(
      Object.entries(to.gc).map(([k, [count, ms]]) => {
        const [c0, ms0] = from.gc[k] ?? [0, 0];
        return [k, { count: count - c0, ms: Math.round(ms - ms0) }];
      }),
    ),
  };
}

interface Snapshot {
  readonly accounts: Account[];
  readonly records: ChargingRecord[];
  readonly reopenMs?: number;
  readonly cdrFileRecords?: number;
}

/** After a clean stop: a new connection to the file, every account and record, and the CDR files. */
async function reopenSqlite(): Promise<Snapshot> {
  const started = performance.now();
  const store = new SqliteBalanceStore(dataDir);
  try {
    const loaded = await store.loadAccounts();
    const records = (await store.records({ limit: Number.POSITIVE_INFINITY })).map((s) => s.record);
    const reopenMs = Math.round(performance.now() - started);
    let cdrFileRecords = 0;
    for await (const _ of readCdrFiles(join(dataDir, "cdr"))) cdrFileRecords++;
    return { accounts: loaded, records, reopenMs, cdrFileRecords };
  } finally {
    await store.close();
  }
}

async function snapshotMemory(): Promise<Snapshot> {
  return {
    accounts: await node.store.loadAccounts(),
    records: (await node.store.records({ limit: Number.POSITIVE_INFINITY })).map((s) => s.record),
  };
}

function verify(snapshot: Snapshot, usage: ClientUsage): VerifyResult {
  const reported = new Map<number, number>(usage.usage.map(([n, octets]) => [n, octets]));
  const recordsOf = new Map<string, ChargingRecord[]>();
  let dataRecords = 0;
  let otherRecords = 0;
  let recordedCharges = 0;
  let octetsFromAllowance = 0;
  for (const r of snapshot.records) {
    if (r.kind === "data") dataRecords++;
    else otherRecords++;
    recordedCharges += r.charge;
    for (const units of Object.values(r.fromBuckets)) octetsFromAllowance += units;
    let list = recordsOf.get(r.accountId);
    if (list === undefined) recordsOf.set(r.accountId, (list = []));
    list.push(r);
  }
  let open = 0;
  let mismatches = 0;
  let firstMismatch: string | undefined;
  let usageMismatches = 0;
  let usageRecordedOctets = 0;
  let balanceDrop = 0;
  for (const account of snapshot.accounts) {
    if (account.reservations.length > 0) open++;
    const records = recordsOf.get(account.id) ?? [];
    const r = reconcile(account, INITIAL_BALANCE, records);
    if (!r.ok) {
      mismatches++;
      firstMismatch ??= `${account.id}: expected ${r.expected}, balance ${r.actual}`;
    }
    balanceDrop += INITIAL_BALANCE - account.balance;
    let units = 0;
    for (const rec of records) if (rec.kind === "data") units += rec.units;
    usageRecordedOctets += units;
    if (units !== (reported.get(accountNumber(account.id)) ?? 0)) usageMismatches++;
  }
  let usageReportedOctets = 0;
  for (const octets of reported.values()) usageReportedOctets += octets;
  const ok =
    snapshot.accounts.length === accounts &&
    open === 0 &&
    mismatches === 0 &&
    usageMismatches === 0 &&
    dataRecords === usage.ccrTAnswered &&
    recordedCharges === balanceDrop &&
    (snapshot.cdrFileRecords === undefined || snapshot.cdrFileRecords === snapshot.records.length);
  return {
    store: memory ? "memory" : "sqlite",
    accounts: snapshot.accounts.length,
    accountsWithOpenReservations: open,
    reconcileMismatches: mismatches,
    ...(firstMismatch !== undefined ? { firstMismatch } : {}),
    dataRecords,
    otherRecords,
    ccrTAnswered: usage.ccrTAnswered,
    usageMismatches,
    usageReportedOctets,
    usageRecordedOctets,
    recordedCharges,
    balanceDrop,
    octetsFromAllowance,
    ...(snapshot.cdrFileRecords !== undefined ? { cdrFileRecords: snapshot.cdrFileRecords } : {}),
    ...(snapshot.reopenMs !== undefined ? { reopenMs: snapshot.reopenMs } : {}),
    ok,
  };
}

let started: Mark | undefined;
let stopping = false;

async function stop(usageFile: string | undefined): Promise<void> {
  if (stopping) return;
  stopping = true;
  try {
    if (usageFile === undefined) {
      await node.stop();
      return;
    }
    const usage = JSON.parse(readFileSync(usageFile, "utf8")) as ClientUsage;
    const serverRequestsTotal = node.diameter.stats.requests;
    let snapshot: Snapshot;
    if (memory) {
      snapshot = await snapshotMemory();
      await node.stop();
    } else {
      await node.stop();
      snapshot = await reopenSqlite();
    }
    const result: VerifyResult = { ...verify(snapshot, usage), serverRequestsTotal };
    process.stdout.write(`VERIFY ${JSON.stringify(result)}\n`);
  } catch (e) {
    process.stderr.write(`ocs-load-server: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  }
  process.exit();
}

const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => {
  const [command, arg] = line.trim().split(" ");
  if (command === "MARK") {
    if (started === undefined) started = mark();
    else process.stdout.write(`INTERVAL ${JSON.stringify(interval(started, mark()))}\n`);
  } else if (command === "STOP") {
    void stop(arg);
  }
});
lines.on("close", () => void stop(undefined));
