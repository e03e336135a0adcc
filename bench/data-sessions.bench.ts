/**
 * 100,000 concurrently active data sessions against the REAL core, each sending a CCR-UPDATE every
 * Validity-Time, in one core process plus one farm process:
 *  - process 1 (data-sessions-core.ts): CoreNode with the network edge (HLR/AuC, PGW as Gy client
 *    of the node's own OCS over Diameter/TCP, WebSocket link at ws://<http>/ws), N accounts on a
 *    30 GB data plan with money to spare, each with the K/OPc of one SIM of a seeded batch, and a
 *    catalog copy whose Validity-Time is short (30 s by default);
 *  - process 2 (data-sessions-farm.ts): a HandsetFarm with the same seeded SIMs on one WebSocket
 *    link: attach all with full AKA, one data session each at 1,000 bytes/s (a 10 MB grant lasts
 *    hours, so only Validity-Time expiry makes the PGW send CCR-U, reason VALIDITY_TIME).
 * Reported: attach time, sessions live, CCR-U over the measured window against
 * sessions × window / Validity-Time, CCAs that were not 2001, the core's CPU, RSS and timer lag,
 * the farm's RSS and timer lag, the engine's sessions and reservations; then every session is
 * stopped (CCR-T), the stops spread over one Validity-Time (the CCR-U rate again), and no
 * reservation may be left. A 3004 DIAMETER_TOO_BUSY answered by the Diameter server before the
 * OCS sees the request is not in telsim_ccr_total: see `diameter.tooBusy`.
 *
 * Bounded: each child has a hard time limit of its own (DEADLINE + 20 s) and is killed by the
 * parent at the end; every wait of the parent has a timeout and the run stops within DEADLINE.
 *
 * Run: npx tsc -p . && node dist/bench/run.js data-sessions
 * Knobs: DATA_BENCH_N (100000), DATA_BENCH_VALIDITY (s, 30), DATA_BENCH_WINDOW (s, 90),
 * DATA_BENCH_RATE (bytes/s, 1000), DATA_BENCH_STOP_SPREAD (s, = Validity-Time),
 * DATA_BENCH_STORE (memory|sqlite),
 * DATA_BENCH_DEADLINE (s, 290), DATA_BENCH_CPU_PROF (a folder: the core runs under --cpu-prof),
 * DATA_BENCH_CORE_FLAGS (more node flags for the core, e.g. "--trace-gc"; its non-protocol stdout
 * lines are passed on to stderr).
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ChildChannel, type Figures } from "./data-sessions-channel.js";

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const N = env("DATA_BENCH_N", 100_000);
const VALIDITY_S = env("DATA_BENCH_VALIDITY", 30);
const WINDOW_S = env("DATA_BENCH_WINDOW", 90);
const RATE = env("DATA_BENCH_RATE", 1000);
const STOP_SPREAD_S = env("DATA_BENCH_STOP_SPREAD", VALIDITY_S);
const STORE = process.env["DATA_BENCH_STORE"] === "sqlite" ? "sqlite" : "memory";
const DEADLINE_MS = env("DATA_BENCH_DEADLINE", 290) * 1000;
const CPU_PROF = process.env["DATA_BENCH_CPU_PROF"];
const CORE_FLAGS = (process.env["DATA_BENCH_CORE_FLAGS"] ?? "").split(" ").filter((f) => f !== "");
const SEED = "bench-data-sessions";
const MB = 1024 * 1024;

export async function run(): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS;
  const left = (capMs: number): number => Math.max(1, Math.min(capMs, deadline - Date.now()));
  const childLimit = String(DEADLINE_MS + 20_000);
  const core = child(
    "core",
    "data-sessions-core.js",
    [String(N), String(VALIDITY_S), SEED, STORE, childLimit],
    [
      "--expose-gc",
      "--max-old-space-size=8192",
      ...(CPU_PROF !== undefined ? ["--cpu-prof", `--cpu-prof-dir=${CPU_PROF}`] : []),
      ...CORE_FLAGS,
    ],
  );
  let farm: ChildChannel | undefined;
  try {
    const ready = await core.next("ready", left(180_000));
    farm = child(
      "farm",
      "data-sessions-farm.js",
      [
        `ws://127.0.0.1:${String(ready["port"])}/ws`,
        String(N),
        String(VALIDITY_S),
        String(RATE),
        SEED,
        String(STOP_SPREAD_S),
        childLimit,
      ],
      ["--max-old-space-size=4096"],
    );
    const attached = await farm.next("attached", left(180_000));
    const started = await farm.ask("start", left(VALIDITY_S * 1000 + 60_000));
    // Every CCR-I answered: the engine holds one session per handset (bounded wait).
    let live = await core.ask("state", left(10_000));
    for (let wait = 0; live["sessions"] !== N && wait < 30; wait++) {
      await sleep(1000);
      live = await core.ask("state", left(10_000));
    }
    await core.ask("mark", left(10_000));
    await farm.ask("mark", left(10_000));
    await sleep(Math.min(WINDOW_S * 1000, deadline - Date.now() - 60_000));
    const report = await core.ask("report", left(30_000));
    const farmReport = await farm.ask("report", left(30_000));
    const stopped = await farm.ask("stop", left(STOP_SPREAD_S * 1000 + 70_000));
    const final = await core.ask("final", left(70_000));
    print(ready, attached, started, live, report, farmReport, stopped, final);
    await farm.ask("exit", left(10_000)).catch(() => ({}));
    // The core writes its CPU profile (when asked for one) on a clean exit.
    await core.ask("exit", left(30_000)).catch(() => ({}));
  } finally {
    farm?.kill();
    await sleep(CPU_PROF !== undefined ? 5000 : 200);
    core.kill();
  }
}

function child(name: string, script: string, args: string[], flags: string[]): ChildChannel {
  const path = fileURLToPath(new URL(script, import.meta.url));
  const process_ = spawn(process.execPath, ["--max-semi-space-size=64", ...flags, path, ...args], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  return new ChildChannel(name, process_);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

function print(
  ready: Figures,
  attached: Figures,
  started: Figures,
  live: Figures,
  report: Figures,
  farmReport: Figures,
  stopped: Figures,
  final: Figures,
): void {
  const n = N.toLocaleString("en");
  const window = Number(report["windowSeconds"]);
  const byType = (f: Figures): Record<string, number> => (f["byType"] ?? {}) as Record<string, number>;
  const updates = byType(report)["update"] ?? 0;
  const expected = Math.floor((Number(report["sessions"]) * window) / VALIDITY_S);
  const out = [
    `data-sessions: ${n} data sessions against CoreNode (${STORE} store), Validity-Time ${VALIDITY_S} s, ${RATE} B/s each, window ${window} s`,
    `  provision ${n} accounts: ${String(ready["provisionSeconds"])} s (core RSS ${mb(ready["rssBytes"])} MB)`,
    `  attach ${n} with full AKA over ws against the real HLR: ${String(attached["attachSeconds"])} s ` +
      `(attached ${String(attached["attached"])}, rejected ${String(attached["rejected"])}, timeouts ${String(attached["attachTimeouts"])})`,
    `  data sessions started over ${String(started["startSeconds"])} s; live at the core: ${String(live["sessions"])} sessions, ` +
      `${String(live["reservations"])} reservations, PGW ${String(live["pgwActive"])}`,
    `  CCR-U in window: ${updates.toLocaleString("en")} (expected ${expected.toLocaleString("en")}, ` +
      `${((updates / Math.max(1, expected)) * 100).toFixed(1)} %), ${(updates / window).toFixed(0)}/s; ` +
      `CCRs by type ${JSON.stringify(byType(report))}; not 2001: ${JSON.stringify(report["not2001"])}`,
    `  core: CPU ${String(report["cpuPercent"])} % of one core, RSS ${mb(report["rssBytes"])} MB (heap used ${mb(report["heapUsedBytes"])} MB, ` +
      `live after a full GC ${mb(report["liveHeapBytes"])} MB), ` +
      `worst timer lag ${String(report["lagMs"])} ms; sessions ${String(report["sessions"])}, reservations ${String(report["reservations"])}, ` +
      `diameter ${JSON.stringify(report["diameter"])}, logged ${JSON.stringify(report["logged"])}`,
    `  farm: in data ${String(farmReport["inData"])}, usage reports ${String(farmReport["usageReports"])}, refused ${String(farmReport["refused"])}, ` +
      `ended ${String(farmReport["dataEnded"])}, RSS ${mb(farmReport["rssBytes"])} MB, worst timer lag ${String(farmReport["lagMs"])} ms`,
    `  stop (CCR-T) spread over ${STOP_SPREAD_S} s: ${String(stopped["stopSeconds"])} s, data-ended ${String(stopped["dataEnded"])}, still in data ${String(stopped["stillInData"])}`,
    `  after stop: sessions ${String(final["sessions"])}, reservations ${String(final["reservations"])} (target 0), ` +
      `CCR-T ${String(byType(final)["termination"] ?? 0)}, not 2001 since mark: ${JSON.stringify(final["not2001"])}, ` +
      `core worst lag during the stop ${String(final["lagMs"])} ms, PGW ${JSON.stringify(final["pgw"])}, diameter ${JSON.stringify(final["diameter"])}, ` +
      `core log lines ${JSON.stringify(final["logged"])}`,
  ];
  process.stdout.write(`${out.join("\n")}\n`);
}

function mb(bytes: unknown): string {
  return (Number(bytes) / MB).toFixed(0);
}
