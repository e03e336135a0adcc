/**
 * The ESME process of the SMSC benchmark: binds as a transceiver over TCP, keeps `window`
 * submit_sm (registered_delivery 1) outstanding through warm-up and the measured run, then stops
 * submitting and waits for the receipt of every message the SMSC accepted. Answers every
 * deliver_sm at once. Prints `PHASE measure`, `PHASE drain`, then `RESULT <json>`.
 *
 *   node dist/bench/smsc-esme.js '<EsmeConfig as JSON>'
 */
import { performance } from "node:perf_hooks";
import { CommandStatus } from "../core/smpp/command-status.js";
import { connectAndBind } from "../core/smpp/smpp-client.js";

export interface EsmeConfig {
  readonly port: number;
  readonly systemId: string;
  readonly password: string;
  readonly window: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** How long to wait for the last receipts after the run. */
  readonly drainMs: number;
}

export interface EsmeResult {
  readonly submitted: number;
  readonly accepted: number;
  readonly acceptedInRun: number;
  readonly runMs: number;
  readonly perSecond: number;
  readonly refused: Readonly<Record<string, number>>;
  readonly errors: number;
  readonly receipts: number;
  readonly receiptsInRun: number;
  readonly missingReceipts: number;
  readonly unknownReceipts: number;
  readonly notDelivered: number;
  readonly drainMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly cpuUserMs: number;
  readonly cpuSystemMs: number;
}

const config = JSON.parse(process.argv[2] ?? "{}") as EsmeConfig;
setTimeout(() => process.exit(3), config.warmupMs + config.durationMs + config.drainMs + 60_000).unref();

const TEXT = Buffer.from("telsim bench: a short message of about sixty characters long");
const { session } = await connectAndBind({
  port: config.port,
  mode: "transceiver",
  system_id: config.systemId,
  password: config.password,
  window: config.window,
  requestTimeoutMs: 30_000,
});

let phase: "warmup" | "run" | "drain" = "warmup";
let submitted = 0;
let accepted = 0;
let acceptedInRun = 0;
let errors = 0;
let outstanding = 0;
let receipts = 0;
let receiptsInRun = 0;
let notDelivered = 0;
const refused: Record<string, number> = {};
/** Accepted ids still waiting for their receipt. */
const awaiting = new Set<string>();
/** Receipts that overtook their submit_sm_resp (both in one read: the receipt is handled first). */
const early = new Set<string>();
const latencies: number[] = [];
let sequence = 0;

session.on("request", (pdu) => {
  if (pdu.command !== "deliver_sm") return;
  session.respond(pdu, {});
  const id = pdu.receipted_message_id;
  if (id === undefined) return;
  if (pdu.message_state !== 2) notDelivered++;
  if (awaiting.delete(id)) countReceipt();
  else early.add(id);
});

function countReceipt(): void {
  receipts++;
  if (phase === "run") receiptsInRun++;
}

function submitOne(): void {
  const n = sequence++;
  submitted++;
  outstanding++;
  const sentAt = performance.now();
  session
    .request({
      command: "submit_sm",
      source_addr_ton: 5,
      source_addr: "BENCH",
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      destination_addr: String(375_291_000_000 + (n % 100_000)),
      registered_delivery: 1,
      data_coding: 0,
      short_message: TEXT,
    })
    .then(
      (resp) => {
        outstanding--;
        if (n % 16 === 0) latencies.push(performance.now() - sentAt);
        if (resp.command === "submit_sm_resp" && resp.command_status === CommandStatus.ESME_ROK) {
          accepted++;
          if (phase === "run") acceptedInRun++;
          if (early.delete(resp.message_id)) countReceipt();
          else awaiting.add(resp.message_id);
        } else {
          const key = `0x${resp.command_status.toString(16)}`;
          refused[key] = (refused[key] ?? 0) + 1;
        }
        pump();
      },
      () => {
        outstanding--;
        errors++;
        pump();
      },
    );
}

function pump(): void {
  while (phase !== "drain" && outstanding < config.window) submitOne();
}

pump();
await sleep(config.warmupMs);
phase = "run";
process.stdout.write("PHASE measure\n");
const runStart = performance.now();
const cpuStart = process.cpuUsage();
await sleep(config.durationMs);
const runMs = performance.now() - runStart;
const cpu = process.cpuUsage(cpuStart);
phase = "drain";
process.stdout.write("PHASE drain\n");
const drainStart = performance.now();
while ((outstanding > 0 || awaiting.size > 0) && performance.now() - drainStart < config.drainMs)
  await sleep(20);
const drainMs = performance.now() - drainStart;
latencies.sort((a, b) => a - b);
const at = (q: number): number =>
  Number((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0).toFixed(2));
const result: EsmeResult = {
  submitted,
  accepted,
  acceptedInRun,
  runMs: Math.round(runMs),
  perSecond: Math.round((acceptedInRun * 1000) / runMs),
  refused,
  errors,
  receipts,
  receiptsInRun,
  missingReceipts: awaiting.size,
  unknownReceipts: early.size,
  notDelivered,
  drainMs: Math.round(drainMs),
  p50Ms: at(0.5),
  p99Ms: at(0.99),
  maxMs: Number((latencies[latencies.length - 1] ?? 0).toFixed(2)),
  cpuUserMs: Math.round(cpu.user / 1000),
  cpuSystemMs: Math.round(cpu.system / 1000),
};
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
await session.unbind(2000);
process.exit(0);

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
