/**
 * SMSC throughput with charging and receipts: an ESME process (bench/smsc-esme.ts) binds once as a
 * transceiver and keeps 100 submit_sm (registered_delivery 1) outstanding; this process runs the
 * SMSC and an in-process OCS (CoreNode, memory store by default) that charges every message with a
 * Gy CCR-EVENT over TCP before it is accepted. Every handset is attached (the default network
 * edge), so each message is delivered and its receipt goes back as deliver_sm. After the run the
 * ESME waits for all receipts; the figures checked: SMS/s accepted, receipts delivered, none lost
 * (receipts = accepted = OCS records of the paying account = DELIVRD final states). Issue target:
 * ≥ 12,000 SMS/s.
 *
 * Environment: SMSC_BENCH_DURATION_MS (15000), SMSC_BENCH_WARMUP_MS (3000), SMSC_BENCH_WINDOW (100),
 * SMSC_BENCH_STORE (memory | sqlite), SMSC_BENCH_CHARGING (gy | none), SMSC_BENCH_OCS (thread: the
 * CoreNode on the SMSC's own thread, as `telsim core` runs both | worker: on a worker thread of this
 * process), SMSC_BENCH_GY (in-process: typed CCRs straight to the OCS on this thread, as `telsim
 * core` charges its SMSC | diameter: over a Gy client and loopback TCP; always with a worker),
 * SMSC_BENCH_NODE_ARGS (node flags for the ESME process, default
 * --max-semi-space-size=64).
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { GyClient } from "../core/diameter/gy/gy-client.js";
import { silentLogger, stderrLogger } from "../core/diameter/logger.js";
import { CoreNode } from "../core/node.js";
import { GySmsCharger } from "../core/smsc/gy-sms-charger.js";
import type { GyOcs } from "../core/ocs/gy-ocs.js";
import { InProcessGy } from "../core/ocs/in-process-gy.js";
import { NO_CHARGE } from "../core/smsc/sms-charger.js";
import { esmeAccount, smscConfig } from "../core/smsc/smsc-config.js";
import { Smsc } from "../core/smsc/smsc.js";
import { SeededRandom } from "../sim/random.js";
import { exited, nextLine, watchLines } from "./ocs-load-shared.js";
import type { EsmeConfig, EsmeResult } from "./smsc-esme.js";

const here = dirname(fileURLToPath(import.meta.url));
const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const durationMs = env("SMSC_BENCH_DURATION_MS", 15_000);
const warmupMs = env("SMSC_BENCH_WARMUP_MS", 3000);
const windowSize = env("SMSC_BENCH_WINDOW", 100);
const storeKind = process.env["SMSC_BENCH_STORE"] === "sqlite" ? "sqlite" : "memory";
const charging = process.env["SMSC_BENCH_CHARGING"] === "none" ? "none" : "gy";
const ocsPlace = process.env["SMSC_BENCH_OCS"] === "worker" ? "worker" : "thread";
const gyPath =
  ocsPlace === "thread" && process.env["SMSC_BENCH_GY"] !== "diameter" ? "in-process" : "diameter";
const nodeArgs = (process.env["SMSC_BENCH_NODE_ARGS"] ?? "--max-semi-space-size=64")
  .split(" ")
  .filter((a) => a !== "");

const PAYER = { msisdn: "375290000777", imsi: "257010000000777" };
const PLAN = "business-unlim-1";
const BALANCE = 1_000_000_000;

interface Ocs {
  readonly port: number;
  readonly where: string;
  /** The OCS's Gy logic, when it runs on this thread. */
  readonly gy?: GyOcs;
  /** SMS records of the paying account. */
  records(): Promise<number>;
  stop(): Promise<void>;
}

/** A CoreNode on this thread (as `telsim core` would run it next to the SMSC). */
async function ocsOnThisThread(): Promise<Ocs> {
  const dir = storeKind === "sqlite" ? await mkdtemp(join(tmpdir(), "telsim-smsc-bench-")) : undefined;
  const node = await CoreNode.start({
    memory: storeKind === "memory",
    ...(dir !== undefined ? { dataDir: join(dir, "data") } : {}),
    diameterPort: 0,
    httpPort: 0,
    logger: silentLogger,
    feeIntervalMs: 3_600_000,
  });
  const account = node.engine.createAccount({ subscribers: [PAYER], planId: PLAN, balance: BALANCE });
  await node.engine.persist([account], []);
  return {
    port: node.diameterAddress.port,
    where: `the SMSC's thread, ${storeKind} store`,
    gy: node.ocs,
    records: async () =>
      (await node.store.records({ accountId: account.id, limit: 100_000_000 })).filter(
        (r) => r.record.kind === "sms",
      ).length,
    stop: async () => {
      await node.stop();
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A CoreNode (memory store) on a worker thread of this process. */
async function ocsOnWorker(): Promise<Ocs> {
  const worker = new Worker(join(here, "smsc-ocs-worker.js"), {
    workerData: { ...PAYER, plan: PLAN, balance: BALANCE },
  });
  const next = (): Promise<Record<string, number>> =>
    new Promise((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
  const { port } = await next();
  let records = 0;
  return {
    port: port ?? 0,
    where: "a worker thread, memory store",
    records: async () => {
      const done = next();
      worker.postMessage("stop");
      records = (await done).records ?? 0;
      return records;
    },
    stop: async () => {
      await worker.terminate();
    },
  };
}

export async function run(): Promise<void> {
  const load = loadavg().map((l) => l.toFixed(2));
  const ocs = ocsPlace === "worker" ? await ocsOnWorker() : await ocsOnThisThread();
  const gy = new GyClient({
    primary: { host: "127.0.0.1", port: ocs.port },
    identity: { originHost: "smsc.bench.local", originRealm: "bench.local" },
    destinationRealm: "telsim.local",
    logger: silentLogger,
  });
  await gy.connect();
  const smsc = new Smsc({
    config: smscConfig({
      accounts: [
        esmeAccount({
          systemId: "bench",
          password: "benchpw",
          window: windowSize,
          ...(charging === "gy" ? { chargingMsisdn: PAYER.msisdn } : {}),
        }),
      ],
    }),
    charger:
      charging === "none"
        ? NO_CHARGE
        : new GySmsCharger(
            gyPath === "in-process" && ocs.gy !== undefined
              ? new InProcessGy(ocs.gy, { originHost: "smsc.bench.local", originRealm: "bench.local" })
              : gy,
          ),
    rng: SeededRandom.from("smsc-bench"),
    logger: stderrLogger("smsc-bench"),
  });
  const { port } = await smsc.listen({ port: 0 });
  const esmeConfig: EsmeConfig = {
    port,
    systemId: "bench",
    password: "benchpw",
    window: windowSize,
    warmupMs,
    durationMs,
    drainMs: 30_000,
  };
  const esme = spawn(
    process.execPath,
    [...nodeArgs, join(here, "smsc-esme.js"), JSON.stringify(esmeConfig)],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let cpuAtMeasure = process.cpuUsage();
  let wallAtMeasure = performance.now();
  let serverCpu = { user: 0, system: 0 };
  let serverWall = 0;
  watchLines(esme, ["PHASE"], (_p, rest) => {
    if (rest === "measure") {
      cpuAtMeasure = process.cpuUsage();
      wallAtMeasure = performance.now();
    } else if (rest === "drain") {
      serverCpu = process.cpuUsage(cpuAtMeasure);
      serverWall = performance.now() - wallAtMeasure;
    }
  });
  try {
    const result = JSON.parse(await nextLine(esme, "RESULT", warmupMs + durationMs + 120_000)) as EsmeResult;
    const stats = smsc.stats();
    const charged = await ocs.records();
    const n = (x: number): string => x.toLocaleString("en-US");
    const lost = result.accepted - result.receipts;
    const delivered = stats.finalStates["DELIVRD"] ?? 0;
    const ok =
      lost === 0 &&
      result.missingReceipts === 0 &&
      delivered === result.accepted &&
      (charging === "none" || charged === result.accepted);
    const cpuUs = ((serverCpu.user + serverCpu.system) / Math.max(1, result.acceptedInRun)).toFixed(1);
    const esmeUs = (
      ((result.cpuUserMs + result.cpuSystemMs) * 1000) /
      Math.max(1, result.acceptedInRun)
    ).toFixed(1);
    process.stdout.write(
      `smsc | 1 bind, window ${windowSize}, registered_delivery 1, charging ${charging === "gy" ? `Gy (${gyPath}) to an OCS on ${ocs.where}` : "off"} (load before ${load.join(", ")}, after ${loadavg()
        .map((l) => l.toFixed(2))
        .join(", ")})\n` +
        `  ${n(result.perSecond)} SMS/s accepted over ${n(result.runMs)} ms (target 12,000); submit_sm latency p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, max ${result.maxMs} ms\n` +
        `  accepted ${n(result.accepted)} of ${n(result.submitted)} (refused ${JSON.stringify(result.refused)}, errors ${result.errors}); ` +
        `receipts delivered ${n(result.receipts)} (not DELIVRD ${result.notDelivered}), missing ${result.missingReceipts}, unknown ${result.unknownReceipts}, drain ${n(result.drainMs)} ms\n` +
        `  SMSC DELIVRD ${n(delivered)}, receipts queued ${n(stats.receipts["DELIVRD"] ?? 0)}, dropped ${stats.receiptsDropped}; OCS SMS records ${n(charged)}; ` +
        `CPU per SMS: SMSC+OCS process ${cpuUs} µs, ESME ${esmeUs} µs (wall ${n(Math.round(serverWall))} ms)\n` +
        `  none lost: ${ok ? "OK" : "FAILED"}\n`,
    );
  } finally {
    await exited(esme, 5000);
    await smsc.close();
    await gy.close();
    await ocs.stop();
  }
}
