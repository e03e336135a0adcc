/**
 * Client process of the OCS load benchmark: `sessions` concurrent data sessions (Rating-Group 1)
 * over one or two DiameterClient connections, each session a CCR-I (RSU), 0 to 2 × `updates`
 * CCR-Us (USU + RSU; `updates` on average) and a CCR-T (USU); a session never has two requests out at once, and a terminated
 * session is replaced by a new one on a random account.
 *
 * Modes:
 *  - closed: keeps `window` requests outstanding (throughput);
 *  - open: offers `rate` CCR/s on a fixed schedule; the latency of each request is taken from the
 *    time it was due, not the time it left, so a stalled server cannot hide its queue
 *    (coordinated omission; see reference/load.md).
 * Phases: warm-up (at least `warmupMs`, and until every session slot has opened once), measure
 * (`durationMs`), then drain: no new sessions, every open session gets its CCR-T. Failures count in
 * every phase. Prints `PHASE measure` / `PHASE drain` (the parent marks the server's interval),
 * writes the usage answered per account to `usageFile` and prints `RESULT <json>`.
 *
 *   node dist/bench/ocs-load-client.js '<ClientConfig as JSON>'
 */
import { writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import type { Avp } from "../core/diameter/avp.js";
import { avp, flagsFor } from "../core/diameter/avp-build.js";
import { DiameterClient } from "../core/diameter/client.js";
import { APPLICATION_CREDIT_CONTROL, CommandCode } from "../core/diameter/dictionary/commands.js";
import { gyDictionary } from "../core/diameter/dictionary/dictionary.js";
import { SERVICE_CONTEXT } from "../core/diameter/gy/gy-enums.js";
import { silentLogger } from "../core/diameter/logger.js";
import type { DiameterMessage } from "../core/diameter/message.js";
import {
  type ClientUsage,
  MB,
  msisdnOf,
  OCS_REALM,
  ORIGIN_HOST,
  ORIGIN_REALM,
  REQUESTED_OCTETS,
  seededRandom,
} from "./ocs-load-shared.js";

export interface ClientConfig {
  readonly port: number;
  readonly mode: "closed" | "open";
  readonly window: number;
  readonly rate: number;
  readonly sessions: number;
  readonly accounts: number;
  readonly updates: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  readonly usageFile: string;
  readonly connections: number;
  readonly seed: number;
}

export interface ClientResult {
  readonly mode: string;
  readonly window: number;
  readonly rate: number;
  readonly sessions: number;
  readonly connections: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly answered: number;
  readonly perSecond: number;
  readonly byType: { readonly initial: number; readonly update: number; readonly termination: number };
  readonly failures: number;
  readonly timeouts: number;
  readonly otherErrors: number;
  readonly nonSuccess: number;
  readonly resultCodes: Readonly<Record<string, number>>;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
  /** Open loop: requests still waiting for a free session at the end of the measure phase. */
  readonly backlogAtEnd: number;
  readonly drainMs: number;
  readonly drained: number;
  readonly sent: number;
  readonly cpuUserMs: number;
  readonly cpuSystemMs: number;
  readonly rssMiB: number;
}

const config = JSON.parse(process.argv[2] ?? "{}") as ClientConfig;
const REQUEST_TIMEOUT_MS = 10_000;
const DRAIN_LIMIT_MS = 120_000;
/** Open loop: most requests out at once (beyond this, due requests wait in the backlog). */
const OPEN_MAX_OUTSTANDING = 8000;
// Hard stop: warm-up (at most 3 min), run, drain and a margin.
setTimeout(
  () => process.exit(3),
  config.warmupMs + 180_000 + config.durationMs + DRAIN_LIMIT_MS + REQUEST_TIMEOUT_MS,
).unref();

const random = seededRandom(config.seed);
const runTag = Date.now().toString(36);

// ---- The requests: constant AVPs made once, per-request ones per call -----------------------
// The per-request AVPs are plain literals of one shape (code, vendorId, flags, type, value), not
// avp(): in Node 20 `{ ...base, type, value }` (how makeAvp builds them) costs 2-4 µs and a new
// hidden class per object, which would make this client, not the server, the bottleneck.
const REQUEST_TYPE = { INITIAL: 1, UPDATE: 2, TERMINATION: 3 } as const;
type RequestType = (typeof REQUEST_TYPE)[keyof typeof REQUEST_TYPE];

function header(name: string): { code: number; vendorId: number; flags: number } {
  const def = gyDictionary.avpByName(name);
  return { code: def.code, vendorId: def.vendorId, flags: flagsFor(def) };
}
const H = {
  sessionId: header("Session-Id"),
  requestNumber: header("CC-Request-Number"),
  subscriptionId: header("Subscription-Id"),
  subscriptionIdType: header("Subscription-Id-Type"),
  subscriptionIdData: header("Subscription-Id-Data"),
  mscc: header("Multiple-Services-Credit-Control"),
  used: header("Used-Service-Unit"),
  totalOctets: header("CC-Total-Octets"),
};
function u32(h: typeof H.sessionId, value: number): Avp {
  return { code: h.code, vendorId: h.vendorId, flags: h.flags, type: "Unsigned32", value };
}
function u64(h: typeof H.sessionId, value: number): Avp {
  return { code: h.code, vendorId: h.vendorId, flags: h.flags, type: "Unsigned64", value };
}
function utf8(h: typeof H.sessionId, value: string): Avp {
  return { code: h.code, vendorId: h.vendorId, flags: h.flags, type: "UTF8String", value };
}
function grouped(h: typeof H.sessionId, value: readonly Avp[]): Avp {
  return { code: h.code, vendorId: h.vendorId, flags: h.flags, type: "Grouped", value };
}

const originHosts = Array.from({ length: config.connections }, (_, c) =>
  config.connections === 1 ? ORIGIN_HOST : `pgw${c + 1}.bench.local`,
);
const originHostAvps = originHosts.map((h) => avp("Origin-Host", h));
const originRealmAvp = avp("Origin-Realm", ORIGIN_REALM);
const destinationRealmAvp = avp("Destination-Realm", OCS_REALM);
const authApplicationAvp = avp("Auth-Application-Id", APPLICATION_CREDIT_CONTROL);
const serviceContextAvp = avp("Service-Context-Id", SERVICE_CONTEXT.ps);
const requestTypeAvps: Record<RequestType, Avp> = {
  1: avp("CC-Request-Type", 1),
  2: avp("CC-Request-Type", 2),
  3: avp("CC-Request-Type", 3),
};
const terminationCauseAvp = avp("Termination-Cause", 1); // DIAMETER_LOGOUT
const multipleServicesAvp = avp("Multiple-Services-Indicator", "MULTIPLE_SERVICES_SUPPORTED");
const ratingGroupAvp = avp("Rating-Group", 1);
const requestedAvp = avp("Requested-Service-Unit", [avp("CC-Total-Octets", REQUESTED_OCTETS)]);
const initialMscc = avp("Multiple-Services-Credit-Control", [requestedAvp, ratingGroupAvp]);
const thresholdAvp = avp("Reporting-Reason", "THRESHOLD");
const finalAvp = avp("Reporting-Reason", "FINAL");
const e164Avp = avp("Subscription-Id-Type", "END_USER_E164");
/** Subscription-Id per account, made on first use. */
const subscriptionAvps: (Avp | undefined)[] = new Array<Avp | undefined>(config.accounts);

function subscriptionAvp(account: number): Avp {
  let a = subscriptionAvps[account];
  if (a === undefined) {
    a = grouped(H.subscriptionId, [e164Avp, utf8(H.subscriptionIdData, msisdnOf(account))]);
    subscriptionAvps[account] = a;
  }
  return a;
}

function ccr(slot: Slot, type: RequestType, used: number): Avp[] {
  const avps: Avp[] = [
    slot.sessionAvp!,
    originHostAvps[slot.connection]!,
    originRealmAvp,
    destinationRealmAvp,
    authApplicationAvp,
    serviceContextAvp,
    requestTypeAvps[type],
    u32(H.requestNumber, slot.requestNumber),
    subscriptionAvp(slot.account),
  ];
  if (type === REQUEST_TYPE.TERMINATION) avps.push(terminationCauseAvp);
  avps.push(multipleServicesAvp);
  if (type === REQUEST_TYPE.INITIAL) avps.push(initialMscc);
  else {
    const usedAvp = grouped(H.used, [
      u64(H.totalOctets, used),
      type === REQUEST_TYPE.UPDATE ? thresholdAvp : finalAvp,
    ]);
    avps.push(
      grouped(
        H.mscc,
        type === REQUEST_TYPE.UPDATE ? [requestedAvp, usedAvp, ratingGroupAvp] : [usedAvp, ratingGroupAvp],
      ),
    );
  }
  return avps;
}

function resultCode(answer: DiameterMessage): number | undefined {
  for (const a of answer.avps)
    if (a.code === 268 && a.vendorId === 0 && a.type === "Unsigned32") return a.value;
  return undefined;
}

// ---- Connections ----------------------------------------------------------------------------
const clients = originHosts.map(
  (originHost) =>
    new DiameterClient({
      host: "127.0.0.1",
      port: config.port,
      identity: { originHost, originRealm: ORIGIN_REALM },
      logger: silentLogger,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      reconnect: false,
    }),
);
await Promise.all(clients.map((c) => c.connect()));

// ---- Sessions -------------------------------------------------------------------------------
interface Slot {
  readonly connection: number;
  /** The current session's Session-Id AVP; undefined when the slot holds no session. */
  sessionAvp: Avp | undefined;
  account: number;
  requestNumber: number;
  updatesLeft: number;
  /** Its CCR-I was answered 2001 (a reservation is held on the server). */
  open: boolean;
  openedOnce: boolean;
}

const slots: Slot[] = Array.from({ length: config.sessions }, (_, i) => ({
  connection: i % config.connections,
  sessionAvp: undefined,
  account: 0,
  requestNumber: 0,
  updatesLeft: 0,
  open: false,
  openedOnce: false,
}));

/** Idle slots, first in first out (a ring of slot indexes). */
class Ring {
  private readonly items: Float64Array;
  private head = 0;
  length = 0;
  constructor(capacity: number) {
    this.items = new Float64Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.items.length) throw new Error("ring full");
    this.items[(this.head + this.length) % this.items.length] = v;
    this.length++;
  }
  shift(): number {
    const v = this.items[this.head] as number;
    this.head = (this.head + 1) % this.items.length;
    this.length--;
    return v;
  }
}

const idle = new Ring(config.sessions);
for (let i = 0; i < config.sessions; i++) idle.push(i);
/** Slots whose session just ended: their next session's CCR-I goes before the idle slots. */
const restart = new Ring(config.sessions);

/** The next slot to send on: a restart first, else the longest idle. */
function nextSlot(): number {
  return restart.length > 0 ? restart.shift() : idle.shift();
}
function slotsWaiting(): number {
  return restart.length + idle.length;
}

// ---- Counters -------------------------------------------------------------------------------
type Phase = "warmup" | "measure" | "drain" | "done";
let phase: Phase = "warmup";
let measureStart = 0;
let measureEnd = Number.POSITIVE_INFINITY;
let openedOnce = 0;
let sessionCounter = 0;
let outstanding = 0;
let sent = 0;
let answered = 0;
const byType = { initial: 0, update: 0, termination: 0 };
let timeouts = 0;
let otherErrors = 0;
let nonSuccess = 0;
const resultCodes: Record<string, number> = {};
let uncertainOctets = 0;
let ccrTAnswered = 0;
let drained = 0;
const usage = new Float64Array(config.accounts);
let latencies = new Float64Array(1 << 20);
let sampled = 0;

function recordLatency(ms: number): void {
  if (sampled === latencies.length) {
    const bigger = new Float64Array(latencies.length * 2);
    bigger.set(latencies);
    latencies = bigger;
  }
  latencies[sampled++] = ms;
}

/** Octets used since the last report: 0.5-10 MB (never more than the 10 MB asked for). */
function usedOctets(): number {
  return Math.floor(MB / 2 + random() * (REQUESTED_OCTETS - MB / 2));
}

function issue(index: number, due: number): void {
  const slot = slots[index]!;
  let type: RequestType;
  let used = 0;
  if (!slot.open) {
    slot.account = Math.floor(random() * config.accounts);
    slot.sessionAvp = utf8(H.sessionId, `${originHosts[slot.connection]!};${runTag};${++sessionCounter}`);
    slot.requestNumber = 0;
    // 0..2×updates CCR-Us (mean `updates`): session ends spread out, so the I/U/T mix holds in
    // every window, even when 50,000 sessions opened together in the warm-up.
    slot.updatesLeft = Math.floor(random() * (2 * config.updates + 1));
    type = REQUEST_TYPE.INITIAL;
  } else if (slot.updatesLeft > 0 && phase !== "drain") {
    slot.updatesLeft--;
    slot.requestNumber++;
    type = REQUEST_TYPE.UPDATE;
    used = usedOctets();
  } else {
    slot.requestNumber++;
    type = REQUEST_TYPE.TERMINATION;
    used = usedOctets();
  }
  const timed = due >= measureStart && due < measureEnd && phase !== "warmup";
  const account = slot.account;
  outstanding++;
  sent++;
  clients[slot.connection]!.request({
    commandCode: CommandCode.CreditControl,
    applicationId: APPLICATION_CREDIT_CONTROL,
    proxiable: true,
    avps: ccr(slot, type, used),
  }).then(
    (answer) => {
      outstanding--;
      const now = performance.now();
      const code = resultCode(answer) ?? 0;
      if (phase === "measure") {
        answered++;
        if (type === REQUEST_TYPE.INITIAL) byType.initial++;
        else if (type === REQUEST_TYPE.UPDATE) byType.update++;
        else byType.termination++;
      }
      if (timed) recordLatency(now - due);
      if (code === 2001) {
        if (used > 0) usage[account] = (usage[account] as number) + used;
        if (type === REQUEST_TYPE.INITIAL) {
          slot.open = true;
          if (!slot.openedOnce) {
            slot.openedOnce = true;
            openedOnce++;
          }
        } else if (type === REQUEST_TYPE.TERMINATION) {
          ccrTAnswered++;
          if (phase === "drain") drained++;
          slot.open = false;
          slot.sessionAvp = undefined;
          // Its successor opens next, not after a whole round of the other sessions: the
          // number of open sessions stays at `sessions`.
          if (phase !== "drain") {
            restart.push(index);
            pump();
            return;
          }
        }
      } else {
        nonSuccess++;
        resultCodes[String(code)] = (resultCodes[String(code)] ?? 0) + 1;
        uncertainOctets += used;
        // The session is given up (a refused CCR-I holds nothing; a refused U/T is a failure).
        slot.open = false;
        slot.sessionAvp = undefined;
      }
      idle.push(index);
      pump();
    },
    (e: unknown) => {
      outstanding--;
      if (e instanceof Error && "code" in e && e.code === "DIAMETER_TIMEOUT") timeouts++;
      else otherErrors++;
      uncertainOctets += used;
      slot.open = false;
      slot.sessionAvp = undefined;
      idle.push(index);
      pump();
    },
  );
}

// ---- Scheduling -----------------------------------------------------------------------------
/** Open loop: due times of requests not sent yet (no idle session, or too many out). */
const backlog: number[] = [];
let backlogHead = 0;
let scheduled = 0;
let scheduleStart = 0;
let ticker: NodeJS.Timeout | undefined;
let drainDone: (() => void) | undefined;

function pump(): void {
  if (phase === "drain" || phase === "done") {
    // Closed loop with the window: every open session gets its CCR-T; empty slots are done.
    while (outstanding < config.window && slotsWaiting() > 0) {
      const index = nextSlot();
      if (slots[index]!.open) issue(index, performance.now());
    }
    if (outstanding === 0 && slotsWaiting() === 0 && phase === "drain") drainDone?.();
    return;
  }
  if (config.mode === "closed") {
    while (outstanding < config.window && slotsWaiting() > 0) issue(nextSlot(), performance.now());
    return;
  }
  while (backlogHead < backlog.length && slotsWaiting() > 0 && outstanding < OPEN_MAX_OUTSTANDING) {
    issue(nextSlot(), backlog[backlogHead++] as number);
  }
  if (backlogHead > 65_536) {
    backlog.splice(0, backlogHead);
    backlogHead = 0;
  }
}

function tick(): void {
  const now = performance.now();
  const interval = 1000 / config.rate;
  while (scheduleStart + scheduled * interval <= now) backlog.push(scheduleStart + scheduled++ * interval);
  pump();
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const startedAt = performance.now();
if (config.mode === "open") {
  scheduleStart = performance.now();
  ticker = setInterval(tick, 1);
}
pump();
// Warm-up: the minimum time, and every slot opened once (50,000 sessions take a while to open).
while (performance.now() - startedAt < config.warmupMs || openedOnce < config.sessions) {
  if (performance.now() - startedAt > config.warmupMs + 180_000) {
    process.stderr.write(`ocs-load-client: only ${openedOnce} of ${config.sessions} sessions opened\n`);
    break;
  }
  await sleep(20);
}
const warmupMs = performance.now() - startedAt;
measureStart = performance.now();
phase = "measure";
process.stdout.write("PHASE measure\n");
const cpuAtMeasure = process.cpuUsage();
await sleep(config.durationMs);
measureEnd = performance.now();
phase = "drain";
process.stdout.write("PHASE drain\n");
const cpuMeasured = process.cpuUsage(cpuAtMeasure);
const elapsed = measureEnd - measureStart;
const backlogAtEnd = backlog.length - backlogHead;
if (ticker !== undefined) clearInterval(ticker);
// The due requests left in the backlog were never sent: they count as late by the time the
// run ended (a lower bound), so the percentiles cannot hide them.
for (let i = backlogHead; i < backlog.length; i++) {
  const due = backlog[i] as number;
  if (due >= measureStart && due < measureEnd) recordLatency(measureEnd - due);
}
const drainStarted = performance.now();
await new Promise<void>((resolve) => {
  drainDone = resolve;
  pump();
  setTimeout(resolve, DRAIN_LIMIT_MS).unref();
});
const drainMs = performance.now() - drainStarted;
phase = "done";

const sample = latencies.subarray(0, sampled).sort();
const percentile = (p: number): number =>
  sampled === 0 ? Number.NaN : (sample[Math.min(sampled - 1, Math.floor((p / 100) * sampled))] as number);
const round = (v: number): number => Math.round(v * 1000) / 1000;

const usageOut: [number, number][] = [];
for (let n = 0; n < usage.length; n++) if ((usage[n] as number) > 0) usageOut.push([n, usage[n] as number]);
const clientUsage: ClientUsage = { ccrTAnswered, usage: usageOut, uncertainOctets };
writeFileSync(config.usageFile, JSON.stringify(clientUsage));

const result: ClientResult = {
  mode: config.mode,
  window: config.window,
  rate: config.rate,
  sessions: config.sessions,
  connections: config.connections,
  warmupMs: Math.round(warmupMs),
  durationMs: Math.round(elapsed),
  answered,
  perSecond: Math.round((answered / elapsed) * 1000),
  byType,
  failures: timeouts + otherErrors + nonSuccess,
  timeouts,
  otherErrors,
  nonSuccess,
  resultCodes,
  p50Ms: round(percentile(50)),
  p99Ms: round(percentile(99)),
  p999Ms: round(percentile(99.9)),
  maxMs: round(sampled === 0 ? Number.NaN : (sample[sampled - 1] as number)),
  backlogAtEnd,
  drainMs: Math.round(drainMs),
  drained,
  sent,
  cpuUserMs: Math.round(cpuMeasured.user / 1000),
  cpuSystemMs: Math.round(cpuMeasured.system / 1000),
  rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
};
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
await Promise.all(clients.map((c) => c.close()));
process.exit(0);
