/**
 * OCS load over the full path: a load client process sends Gy CCR-I/U/T over TCP to a CoreNode
 * process (decode → rate → reserve/commit in the store, durable → encode). Each case gets a fresh
 * server with its own data folder, provisioned with N accounts on a pay-per-MB plan, and a fresh
 * client; after the run every session is terminated, the server stops cleanly, reopens its store
 * and checks that no debit was lost (see ocs-load-server.ts). Issue targets: closed loop, window
 * 1,000: ≥ 40,000 CCR/s, zero failures, no lost debits; open loop at 10,000 CCR/s: p99 ≤ 10 ms;
 * 100,000 accounts and 50,000 concurrent sessions within 20 % of those rates.
 *
 * Environment:
 *  - OCS_BENCH_CASES: cases as store/accounts/closed|open[@rate][/sessions], comma-separated,
 *    e.g. `sqlite/10000/closed,memory/100000/open/50000,sqlite/10000/open@5000` (default: the
 *    whole matrix below);
 *  - OCS_BENCH_DURATION_MS (15000), OCS_BENCH_WARMUP_MS (3000), OCS_BENCH_WINDOW (1000),
 *    OCS_BENCH_RATE (10000, open loop), OCS_BENCH_SESSIONS (1000, when a case names none),
 *    OCS_BENCH_UPDATES (3: CCR-Us per session on average), OCS_BENCH_CONNECTIONS (1 or 2);
 *  - OCS_BENCH_PROFILE=<dir>: server and client run with --cpu-prof into that folder;
 *    OCS_BENCH_NODE_ARGS: node flags for both processes (default --max-semi-space-size=64, as
 *    `telsim` runs); OCS_BENCH_DIR: where the data folders go;
 *  - OCS_BENCH_JSON=<file>: appends each case's figures as one JSON line.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { appendFileSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ClientConfig, ClientResult } from "./ocs-load-client.js";
import { exited, nextLine, type ServerInterval, type VerifyResult, watchLines } from "./ocs-load-shared.js";

const here = dirname(fileURLToPath(import.meta.url));
const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const durationMs = env("OCS_BENCH_DURATION_MS", 15_000);
const warmupMs = env("OCS_BENCH_WARMUP_MS", 3000);
const windowSize = env("OCS_BENCH_WINDOW", 1000);
const rate = env("OCS_BENCH_RATE", 10_000);
const defaultSessions = env("OCS_BENCH_SESSIONS", 1000);
const updates = env("OCS_BENCH_UPDATES", 3);
const connections = env("OCS_BENCH_CONNECTIONS", 1);
const profileDir = process.env["OCS_BENCH_PROFILE"];
const jsonOut = process.env["OCS_BENCH_JSON"];
/** Both processes run with the young generation `telsim` itself runs with (see cli/telsim.ts). */
const extraNodeArgs = (process.env["OCS_BENCH_NODE_ARGS"] ?? "--max-semi-space-size=64")
  .split(" ")
  .filter((a) => a !== "");
/** Longest a case may take beyond warm-up and run (provisioning 100,000 accounts, drain, verify). */
const MARGIN_MS = 240_000;

const DEFAULT_CASES = [
  "sqlite/10000/closed",
  "sqlite/10000/open",
  "sqlite/100000/closed",
  "sqlite/100000/open",
  "memory/10000/closed",
  "memory/10000/open",
  "memory/100000/closed",
  "memory/100000/open",
  "sqlite/100000/closed/50000",
  "sqlite/100000/open/50000",
  "memory/100000/closed/50000",
  "memory/100000/open/50000",
];

interface Case {
  readonly store: "sqlite" | "memory";
  readonly accounts: number;
  readonly mode: "closed" | "open";
  /** Offered CCR/s (open loop). */
  readonly rate: number;
  readonly sessions: number;
}

function parseCase(text: string): Case {
  const [store, accounts, modeText = "", sessions] = text.trim().split("/");
  const [mode, rateText] = modeText.split("@");
  if ((store !== "sqlite" && store !== "memory") || (mode !== "closed" && mode !== "open")) {
    throw new Error(`OCS_BENCH_CASES: "${text}" is not store/accounts/closed|open[@rate][/sessions]`);
  }
  return {
    store,
    accounts: Number(accounts),
    mode,
    rate: rateText === undefined ? rate : Number(rateText),
    sessions: sessions === undefined ? defaultSessions : Number(sessions),
  };
}

function label(c: Case): string {
  const n = (v: number): string => v.toLocaleString("en-US");
  const how = c.mode === "closed" ? `closed window ${n(windowSize)}` : `open ${n(c.rate)}/s`;
  return `${c.store}, ${n(c.accounts)} accounts, ${n(c.sessions)} sessions, ${how}`;
}

async function runCase(c: Case): Promise<void> {
  const dir = await mkdtemp(join(process.env["OCS_BENCH_DIR"] ?? tmpdir(), "telsim-ocs-bench-"));
  const load = loadavg().map((l) => l.toFixed(2));
  const name = `${c.store}-${c.accounts}-${c.mode}${c.mode === "open" ? c.rate : ""}-${c.sessions}`;
  const prof = (who: string): string[] =>
    profileDir !== undefined
      ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${who}-${name}.cpuprofile`]
      : [];
  const server = spawn(
    process.execPath,
    [
      ...extraNodeArgs,
      ...prof("server"),
      join(here, "ocs-load-server.js"),
      c.store,
      String(c.accounts),
      join(dir, "data"),
    ],
    {
      stdio: ["pipe", "pipe", "inherit"],
      env: { ...process.env, OCS_BENCH_MAX_LIFETIME_MS: String(2 * (warmupMs + durationMs + MARGIN_MS)) },
    },
  );
  let client: ChildProcess | undefined;
  try {
    const port = Number(await nextLine(server, "LISTENING", MARGIN_MS));
    const intervalLine = nextLine(server, "INTERVAL", warmupMs + durationMs + MARGIN_MS);
    const clientConfig: ClientConfig = {
      port,
      mode: c.mode,
      window: windowSize,
      rate: c.rate,
      sessions: c.sessions,
      accounts: c.accounts,
      updates,
      durationMs,
      warmupMs,
      usageFile: join(dir, "client-usage.json"),
      connections,
      seed: 20261122,
    };
    client = spawn(
      process.execPath,
      [...extraNodeArgs, ...prof("client"), join(here, "ocs-load-client.js"), JSON.stringify(clientConfig)],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    // The server's interval is the client's measure phase.
    watchLines(client, ["PHASE"], () => server.stdin?.write("MARK\n"));
    const result = JSON.parse(
      await nextLine(client, "RESULT", warmupMs + durationMs + MARGIN_MS),
    ) as ClientResult;
    const serverInterval = JSON.parse(await intervalLine) as ServerInterval;
    const verifyLine = nextLine(server, "VERIFY", MARGIN_MS);
    server.stdin?.write(`STOP ${clientConfig.usageFile}\n`);
    const verify = JSON.parse(await verifyLine) as VerifyResult;
    print(c, load, result, serverInterval, verify);
    if (jsonOut !== undefined) {
      appendFileSync(
        jsonOut,
        `${JSON.stringify({ case: c, store: storeVersion(), at: new Date().toISOString(), loadBefore: load, loadAfter: loadavg(), result, server: serverInterval, verify })}\n`,
      );
    }
  } finally {
    if (client !== undefined) await exited(client, 5000);
    server.stdin?.end();
    await exited(server, 30_000);
    await rm(dir, { recursive: true, force: true });
  }
}

function print(c: Case, load: string[], r: ClientResult, s: ServerInterval, v: VerifyResult): void {
  const n = (x: number): string => x.toLocaleString("en-US");
  const us = (ms: number, count: number): string => ((ms * 1000) / Math.max(1, count)).toFixed(1);
  const threads = s.threads.map((t) => `${t.name} ${n(Math.round(t.cpuMs))} ms`).join(", ");
  const gc = Object.entries(s.gcPauses)
    .filter(([, g]) => g.count > 0)
    .map(([kind, g]) => `${kind} ${g.count} × = ${n(g.ms)} ms`)
    .join(", ");
  const codes = Object.entries(r.resultCodes)
    .map(([code, count]) => `${code} × ${count}`)
    .join(", ");
  process.stdout.write(
    `ocs load | ${label(c)} (load before ${load.join(", ")}, after ${loadavg()
      .map((l) => l.toFixed(2))
      .join(", ")})\n` +
      `  ${n(r.perSecond)} CCR/s over ${n(r.durationMs)} ms (I/U/T ${n(r.byType.initial)}/${n(r.byType.update)}/${n(r.byType.termination)}), ` +
      `failures ${r.failures} (timeouts ${r.timeouts}, errors ${r.otherErrors}, non-2001 ${r.nonSuccess}${codes !== "" ? `: ${codes}` : ""}); ` +
      `latency p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, p99.9 ${r.p999Ms} ms, max ${r.maxMs} ms` +
      (c.mode === "open" ? `, backlog at end ${r.backlogAtEnd}` : "") +
      "\n" +
      `  server: ${us(s.cpuUserMs + s.cpuSystemMs, s.requests)} µs CPU per CCR (${us(s.cpuSystemMs, s.requests)} system), ` +
      `main loop busy ${(s.mainLoopUtilisation * 100).toFixed(0)} %, GC pauses ${gc}, threads: ${threads}; RSS ${s.rssMiB} MiB, ` +
      `${n(s.openSessions)} open sessions at the end of the run\n` +
      `  client: ${us(r.cpuUserMs + r.cpuSystemMs, r.answered)} µs CPU per CCR, RSS ${r.rssMiB} MiB; warm-up ${n(r.warmupMs)} ms, ` +
      `drain ${n(r.drained)} CCR-T in ${n(r.drainMs)} ms\n` +
      `  no lost debits: ${v.ok ? "OK" : "FAILED"} — ${n(v.accounts)} accounts, open reservations ${v.accountsWithOpenReservations}, ` +
      `reconcile mismatches ${v.reconcileMismatches}${v.firstMismatch !== undefined ? ` (${v.firstMismatch})` : ""}, ` +
      `data records ${n(v.dataRecords)} = CCR-T answered ${n(v.ccrTAnswered)}, usage mismatches ${v.usageMismatches}, ` +
      `charged ${n(v.recordedCharges)} kop = balance drop ${n(v.balanceDrop)} kop, ` +
      `${n(Math.round(v.octetsFromAllowance / 2 ** 20))} MB from allowances` +
      (v.cdrFileRecords !== undefined ? `, CDR file records ${n(v.cdrFileRecords)}` : "") +
      (v.reopenMs !== undefined ? `, reopen + read ${n(v.reopenMs)} ms` : "") +
      "\n",
  );
}

/**
 * Which store code was measured: the commit, and a hash of core/store's uncommitted changes
 * (modified and untracked files) when there are any. Read-only git commands; "unknown" outside
 * a checkout.
 */
function storeVersion(): string {
  const root = join(here, "..", "..");
  try {
    const git = (...args: string[]): string =>
      execFileSync("git", ["-C", root, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const head = git("log", "-1", "--format=%h").trim();
    const changed = git("status", "--porcelain", "--", "core/store")
      .split("\n")
      .filter((l) => l !== "");
    if (changed.length === 0) return `${head}, core/store clean`;
    const hash = createHash("sha256").update(git("diff", "HEAD", "--", "core/store"));
    for (const line of changed) {
      if (line.startsWith("??")) hash.update(readFileSync(join(root, line.slice(3))));
    }
    return `${head} + uncommitted core/store changes (${changed.length} files, sha256 ${hash.digest("hex").slice(0, 12)})`;
  } catch {
    return "unknown (not a git checkout)";
  }
}

export async function run(): Promise<void> {
  const cases = (process.env["OCS_BENCH_CASES"]?.split(",") ?? DEFAULT_CASES).map(parseCase);
  process.stdout.write(
    `ocs load | ${durationMs} ms per case after ≥ ${warmupMs} ms warm-up; ${updates} CCR-U per session on average; ` +
      `${connections} connection(s); store code: ${storeVersion()}\n`,
  );
  for (const c of cases) await runCase(c);
}
