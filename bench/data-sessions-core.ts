/**
 * Child process 1 of the data-sessions bench (bench/data-sessions.bench.ts): a real CoreNode with
 * the network edge (HLR/AuC, PGW as Gy client of the node's own OCS over Diameter/TCP, the
 * WebSocket handset link at ws://<http>/ws), N accounts provisioned through the engine with the
 * SIMs of a seeded batch (sim/batch-generate.ts: the farm generates the same batch from the same
 * seed), and a catalog copy whose Validity-Time is the bench's.
 *
 *   node data-sessions-core.js <count> <validitySeconds> <seed> <memory|sqlite> <limitMs>
 *
 * Announces `ready` with the HTTP port, then answers the parent's commands (data-sessions-channel.ts):
 * state, mark, report, final, exit.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Counter } from "prom-client";
import { parseDocument } from "yaml";
import { defaultCatalogPath } from "../core/charging/catalog.js";
import type { Account } from "../core/charging/model.js";
import type { Logger } from "../core/diameter/logger.js";
import { CoreNode } from "../core/node.js";
import { METRIC_NAMES } from "../core/admin/metrics.js";
import { generateRows } from "../sim/batch-generate.js";
import {
  cpuPercent,
  emit,
  exitAfter,
  type Figures,
  LagProbe,
  serveCommands,
} from "./data-sessions-channel.js";

const PLAN = "super-web-30";
/** 1,000,000.00 BYN: no session is refused for money. */
const BALANCE_KOPECKS = 100_000_000;
const PERSIST_BATCH = 5000;
const YEAR_MS = 365 * 86_400_000;

const [
  countArg = "0",
  validityArg = "30",
  seed = "bench-data-sessions",
  storeKind = "memory",
  limitArg = "0",
] = process.argv.slice(2);
const count = Number(countArg);
exitAfter(Number(limitArg), "data-sessions core");

/** Warnings and errors counted; the first few printed to stderr. */
const logged = { warn: 0, error: 0 };
const logger: Logger = {
  debug: () => {},
  info: () => {},
  warn: (m) => {
    if (logged.warn++ < 10) process.stderr.write(`core warn: ${m}\n`);
  },
  error: (m) => {
    if (logged.error++ < 10) process.stderr.write(`core error: ${m}\n`);
  },
};

const work = mkdtempSync(join(tmpdir(), "telsim-data-sessions-"));
const catalogPath = join(work, "catalog.yaml");
const catalog = parseDocument(readFileSync(defaultCatalogPath(), "utf8"));
catalog.setIn(["defaults", "validityTimeSeconds"], Number(validityArg));
writeFileSync(catalogPath, catalog.toString());

const node = await CoreNode.start({
  memory: storeKind !== "sqlite",
  dataDir: join(work, "data"),
  diameterPort: 0,
  httpPort: 0,
  catalogPath,
  logger,
  network: { seed: `${seed}-auc` },
});
const network = node.network;
if (network === undefined) throw new Error("the core started without its network edge");
const probe = new LagProbe();

const t0 = performance.now();
const now = Date.now();
let batch: Account[] = [];
for (const { card } of generateRows({ count, seed, testCard: true })) {
  const account = node.engine.createAccount({
    subscribers: [{ msisdn: card.msisdn, imsi: card.imsi }],
    planId: PLAN,
    balance: BALANCE_KOPECKS,
    allowArchived: true,
  });
  account.sim = { iccid: card.iccid, k: card.k, opc: card.opc, sqn: 0 };
  // No fee falls due during the run (a fee is not what is measured).
  account.nextFeeAt = now + YEAR_MS;
  batch.push(account);
  if (batch.length === PERSIST_BATCH) {
    await node.engine.persist(batch);
    batch = [];
  }
}
await node.engine.persist(batch);
const provisionSeconds = (performance.now() - t0) / 1000;

emit("ready", {
  port: node.httpAddress.port,
  provisionSeconds: provisionSeconds.toFixed(1),
  accounts: [...node.engine.accounts()].length,
  rssBytes: process.memoryUsage().rss,
});

// ------------------------------------------------------------------ figures

type CcrCounts = Map<string, number>;

/** telsim_ccr_total by "type/result-code". */
async function ccrCounts(): Promise<CcrCounts> {
  const metric = node.metrics.registry.getSingleMetric(METRIC_NAMES.ccrs) as Counter | undefined;
  const out: CcrCounts = new Map();
  for (const v of (await metric?.get())?.values ?? []) {
    out.set(`${String(v.labels["request_type"])}/${String(v.labels["result_code"])}`, v.value);
  }
  return out;
}

function delta(after: CcrCounts, before: CcrCounts): { byType: Figures; not2001: Figures } {
  const byType: Record<string, number> = {};
  const not2001: Record<string, number> = {};
  for (const [key, value] of after) {
    const d = value - (before.get(key) ?? 0);
    if (d === 0) continue;
    const [type = "?", code = "?"] = key.split("/");
    byType[type] = (byType[type] ?? 0) + d;
    if (code !== "2001") not2001[key] = d;
  }
  return { byType, not2001 };
}

function state(): Figures {
  let reservations = 0;
  for (const a of node.engine.accounts()) reservations += a.reservations.length;
  const edge = network?.edge;
  return {
    sessions: node.engine.sessionCount(),
    reservations,
    pgwActive: edge?.pgw.activeSessions,
    pgw: edge?.pgw.counters,
    registered: edge?.registry.size,
    hlr: edge?.hlr.counters,
    diameter: node.diameter.stats,
    logged,
  };
}

function memory(): Figures {
  const m = process.memoryUsage();
  return { rssBytes: m.rss, heapUsedBytes: m.heapUsed };
}

let mark = { at: performance.now(), cpu: process.cpuUsage(), ccrs: new Map() as CcrCounts };

await serveCommands({
  state: () => Promise.resolve(state()),
  mark: async () => {
    probe.reset();
    mark = { at: performance.now(), cpu: process.cpuUsage(), ccrs: await ccrCounts() };
    return state();
  },
  report: async () => {
    const wallMs = performance.now() - mark.at;
    const figures = {
      windowSeconds: (wallMs / 1000).toFixed(1),
      cpuPercent: cpuPercent(mark.cpu, wallMs),
      ...delta(await ccrCounts(), mark.ccrs),
      ...memory(),
      lagMs: probe.worstMs,
      ...state(),
    };
    // The live heap: what a full collection leaves (the bench starts this child with --expose-gc).
    // The collection's pause is not part of the window: the lag probe starts over after it.
    (globalThis as { gc?: () => void }).gc?.();
    const liveHeapBytes = process.memoryUsage().heapUsed;
    probe.reset();
    return { ...figures, liveHeapBytes };
  },
  final: async () => {
    // The farm has stopped its sessions: wait (bounded) for the last CCR-T to release its reservation.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const s = state();
      if ((s["reservations"] === 0 && s["sessions"] === 0) || Date.now() > deadline) {
        return { ...s, ...delta(await ccrCounts(), mark.ccrs), lagMs: probe.worstMs, ...memory() };
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  },
  exit: async () => {
    probe.stop();
    await node.stop();
    rmSync(work, { recursive: true, force: true });
    return {};
  },
});
process.exit(0);
