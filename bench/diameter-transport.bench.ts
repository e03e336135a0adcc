/**
 * Diameter transport throughput: our DiameterServer (trivial CCA handler) and our DiameterClient
 * in two separate processes over loopback TCP. Runs (a) pipelined with a window of 1,000
 * outstanding requests and (b) sequential, each for a fixed duration after a warm-up.
 * Targets: ≥ 60,000 CCA/s pipelined and ≥ 10,000 CCR/s sequential, zero failures.
 *
 * Environment: DIAMETER_BENCH_DURATION_MS (default 10000), DIAMETER_BENCH_WARMUP_MS (2000),
 * DIAMETER_BENCH_WINDOW (1000), DIAMETER_BENCH_MODES (pipelined,sequential),
 * DIAMETER_BENCH_PROFILE=<dir> runs the children with --cpu-prof, DIAMETER_BENCH_NODE_ARGS adds node flags.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ClientResult } from "./diameter-transport-client.js";

const here = dirname(fileURLToPath(import.meta.url));
const durationMs = Number(process.env["DIAMETER_BENCH_DURATION_MS"] ?? 10_000);
const warmupMs = Number(process.env["DIAMETER_BENCH_WARMUP_MS"] ?? 2000);
const windowSize = Number(process.env["DIAMETER_BENCH_WINDOW"] ?? 1000);
const profileDir = process.env["DIAMETER_BENCH_PROFILE"];
const modes = (process.env["DIAMETER_BENCH_MODES"] ?? "pipelined,sequential").split(",");
/** Extra node flags for both children (e.g. --no-turbo-inlining while profiling). */
const extraNodeArgs = (process.env["DIAMETER_BENCH_NODE_ARGS"] ?? "").split(" ").filter((a) => a !== "");
/** Longest a child may take beyond its own duration before it is killed. */
const MARGIN_MS = 20_000;

function nodeArgs(script: string, name: string): string[] {
  const prof =
    profileDir !== undefined
      ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${name}.cpuprofile`]
      : [];
  return [...extraNodeArgs, ...prof, join(here, script)];
}

/** Resolves with the first stdout line starting with `prefix`; kills the child if none comes in time. */
function lineFrom(child: ChildProcess, prefix: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`no "${prefix}" line within ${timeoutMs} ms`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString("utf8");
      const complete = buffered.split("\n").slice(0, -1); // the last piece may be half a line
      for (const line of complete) {
        if (line.startsWith(prefix)) {
          clearTimeout(timer);
          child.stdout?.off("data", onData);
          resolve(line.slice(prefix.length).trim());
          return;
        }
      }
    };
    child.stdout?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`child exited (${code}) before printing "${prefix}"`));
    });
  });
}

async function runClient(port: number, mode: "pipelined" | "sequential"): Promise<ClientResult> {
  const args = [String(port), mode, String(windowSize), String(durationMs), String(warmupMs)];
  const child = spawn(
    process.execPath,
    [...nodeArgs("diameter-transport-client.js", `client-${mode}`), ...args],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  try {
    return JSON.parse(await lineFrom(child, "RESULT", warmupMs + durationMs + MARGIN_MS)) as ClientResult;
  } finally {
    await exited(child, 5000);
  }
}

interface ServerStats {
  readonly requests: number;
  readonly cpuUserMs: number;
  readonly cpuSystemMs: number;
  readonly rssMiB: number;
}

function print(r: ClientResult, server: ServerStats): void {
  const label = r.mode === "pipelined" ? `pipelined, window ${r.window}` : "sequential";
  const perRequest = (ms: number, n: number): string => ((ms * 1000) / Math.max(1, n)).toFixed(1);
  process.stdout.write(
    `diameter transport | ${label}: ${r.perSecond.toLocaleString("en-US")} CCA/s over ${r.durationMs} ms ` +
      `(${r.answered.toLocaleString("en-US")} answers), failures ${r.failures} (timeouts ${r.timeouts}, ` +
      `non-2001 ${r.nonSuccess}), latency p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, max ${r.maxMs} ms\n` +
      `diameter transport | ${label}: CPU per request: client ${perRequest(r.cpuUserMs + r.cpuSystemMs, r.sent)} µs ` +
      `(${perRequest(r.cpuSystemMs, r.sent)} system), server ${perRequest(server.cpuUserMs + server.cpuSystemMs, server.requests)} µs ` +
      `(${perRequest(server.cpuSystemMs, server.requests)} system); RSS client ${r.rssMiB} MiB, server ${server.rssMiB} MiB\n`,
  );
}

/** One mode against a fresh server process (so the duplicate cache starts empty each time). */
async function runMode(mode: "pipelined" | "sequential"): Promise<void> {
  const server = spawn(process.execPath, nodeArgs("diameter-transport-server.js", `server-${mode}`), {
    stdio: ["pipe", "pipe", "inherit"],
    env: { ...process.env, DIAMETER_BENCH_MAX_LIFETIME_MS: String(2 * (warmupMs + durationMs + MARGIN_MS)) },
  });
  try {
    const port = Number(await lineFrom(server, "LISTENING", 10_000));
    const result = await runClient(port, mode);
    const stats = lineFrom(server, "STATS", 5000);
    server.kill("SIGTERM");
    print(result, JSON.parse(await stats) as ServerStats);
  } finally {
    await exited(server, 10_000);
  }
}

export async function run(): Promise<void> {
  const load = (await import("node:os")).loadavg().map((l) => l.toFixed(2));
  process.stdout.write(
    `diameter transport | ${durationMs} ms per mode after ${warmupMs} ms warm-up; load average before: ${load.join(", ")}\n`,
  );
  for (const mode of ["pipelined", "sequential"] as const) {
    if (modes.includes(mode)) await runMode(mode);
  }
}

/** Waits for a child to exit; SIGKILL if it has not within `graceMs`. */
function exited(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(t);
      resolve();
    });
  });
}
