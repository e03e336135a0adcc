/**
 * Child process of the transport benchmark: one DiameterClient sends CCR-Us to the benchmark
 * server, either pipelined (a closed loop keeping `window` requests outstanding) or sequentially
 * (the next request leaves when the previous answer is in). After a warm-up it measures for a
 * fixed duration and prints one `RESULT <json>` line: answers per second, failures (timeouts,
 * errors, Result-Code other than 2001) and latency percentiles from the sorted sample.
 *
 *   node dist/bench/diameter-transport-client.js <port> <pipelined|sequential> <window> <durationMs> <warmupMs>
 */
import { performance } from "node:perf_hooks";
import type { Avp } from "../core/diameter/avp.js";
import { avp } from "../core/diameter/avp-build.js";
import { DiameterClient } from "../core/diameter/client.js";
import { APPLICATION_CREDIT_CONTROL, CommandCode } from "../core/diameter/dictionary/commands.js";
import { silentLogger } from "../core/diameter/logger.js";
import type { DiameterMessage } from "../core/diameter/message.js";
import type { OutgoingRequest } from "../core/diameter/peer.js";
import { typicalCcrUpdate } from "./diameter-codec.bench.js";

export interface ClientResult {
  readonly mode: string;
  readonly window: number;
  readonly durationMs: number;
  readonly answered: number;
  readonly perSecond: number;
  readonly failures: number;
  readonly timeouts: number;
  readonly nonSuccess: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly rssMiB: number;
  /** Requests sent, warm-up included, and the CPU this process used for them (connect excluded). */
  readonly sent: number;
  readonly cpuUserMs: number;
  readonly cpuSystemMs: number;
}

const [portArg, modeArg = "pipelined", windowArg = "1000", durationArg = "10000", warmupArg = "2000"] =
  process.argv.slice(2);
const port = Number(portArg);
const mode = modeArg === "sequential" ? "sequential" : "pipelined";
const window = mode === "sequential" ? 1 : Math.max(1, Number(windowArg));
const durationMs = Number(durationArg);
const warmupMs = Number(warmupArg);
const REQUEST_TIMEOUT_MS = 5000;
// Hard stop: nothing in this process may run longer than warm-up + run + drain + margin.
setTimeout(() => process.exit(3), warmupMs + durationMs + REQUEST_TIMEOUT_MS + 10_000).unref();

/** 1,000 sessions, each a typical CCR-U: the Session-Id changes, the rest is the codec benchmark's message. */
const SESSIONS = 1000;
const rest = typicalCcrUpdate.avps.slice(1);
const requests: OutgoingRequest[] = Array.from({ length: SESSIONS }, (_, i) => ({
  commandCode: CommandCode.CreditControl,
  applicationId: APPLICATION_CREDIT_CONTROL,
  avps: [avp("Session-Id", `pgw.bench.local;1700000000;${i}`), ...rest] as Avp[],
}));

function resultCode(answer: DiameterMessage): number | undefined {
  for (const a of answer.avps) if (a.code === 268 && a.type === "Unsigned32") return a.value;
  return undefined;
}

const client = new DiameterClient({
  host: "127.0.0.1",
  port,
  identity: { originHost: "pgw.bench.local", originRealm: "bench.local" },
  logger: silentLogger,
  requestTimeoutMs: REQUEST_TIMEOUT_MS,
  reconnect: false,
});
await client.connect();

let measuring = false;
let sending = true;
let answered = 0;
let timeouts = 0;
let otherErrors = 0;
let nonSuccess = 0;
let latencies = new Float64Array(1 << 20);
let sampled = 0;
let next = 0;
let outstanding = 0;
let allDone: (() => void) | undefined;

function record(ms: number): void {
  if (sampled === latencies.length) {
    const bigger = new Float64Array(latencies.length * 2);
    bigger.set(latencies);
    latencies = bigger;
  }
  latencies[sampled++] = ms;
}

function issue(): void {
  const req = requests[next++ % SESSIONS] as OutgoingRequest;
  const counted = measuring;
  const started = performance.now();
  outstanding++;
  client.request(req).then(
    (answer) => {
      outstanding--;
      if (counted && measuring) {
        answered++;
        record(performance.now() - started);
        if (resultCode(answer) !== 2001) nonSuccess++;
      }
      refill();
    },
    (e: unknown) => {
      outstanding--;
      // Failures count whenever they happen, warm-up included: zero means zero.
      if (e instanceof Error && "code" in e && e.code === "DIAMETER_TIMEOUT") timeouts++;
      else otherErrors++;
      refill();
    },
  );
}

function refill(): void {
  if (sending) {
    while (outstanding < window) issue();
  } else if (outstanding === 0) {
    allDone?.();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const cpuAtStart = process.cpuUsage();
refill();
await sleep(warmupMs);
const failuresBeforeRun = timeouts + otherErrors;
measuring = true;
const t0 = performance.now();
await sleep(durationMs);
measuring = false;
const elapsed = performance.now() - t0;
sending = false;
await new Promise<void>((resolve) => {
  allDone = resolve;
  if (outstanding === 0) resolve();
});

const cpu = process.cpuUsage(cpuAtStart);
const sample = latencies.subarray(0, sampled).sort();
const percentile = (p: number): number =>
  sampled === 0 ? Number.NaN : (sample[Math.min(sampled - 1, Math.floor((p / 100) * sampled))] as number);
const round = (v: number): number => Math.round(v * 1000) / 1000;
const result: ClientResult = {
  mode,
  window,
  durationMs: Math.round(elapsed),
  answered,
  perSecond: Math.round((answered / elapsed) * 1000),
  failures: timeouts + otherErrors + nonSuccess,
  timeouts,
  nonSuccess,
  p50Ms: round(percentile(50)),
  p99Ms: round(percentile(99)),
  maxMs: round(sampled === 0 ? Number.NaN : (sample[sampled - 1] as number)),
  rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
  sent: next,
  cpuUserMs: cpu.user / 1000,
  cpuSystemMs: cpu.system / 1000,
};
if (failuresBeforeRun > 0) process.stderr.write(`${failuresBeforeRun} failures during the warm-up\n`);
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
await client.close();
process.exit(0);
