/**
 * Handset figures (issue 6, scale targets):
 *  - RSS of one process holding 1,000,000 registered idle handsets with their SIMs (farm state
 *    + compact card store), attached with AKA through the in-process link (target ≤ 2 GB);
 *  - attaching 100,000 handsets with full Milenage AKA on both sides (target ≤ 10 s);
 *  - 100,000 concurrently active data sessions, each reporting usage every Validity-Time, from
 *    a farm process to a core in another process over the WebSocket link.
 * The core is the stub core of handsets/farm/stub-core.ts (AuC with Milenage, canned grants),
 * not CoreNode: the figures are the handsets' side. Each measurement runs in a child process
 * started with --expose-gc, so RSS is that of one process and nothing else. Bounded: every child
 * has a timeout.
 *
 * Run: npx tsc -p tsconfig.build.json && node dist/bench/run.js handsets
 */
import { execFile, spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { realClock } from "../core/clock/clock.js";
import { createInProcessLink } from "../core/network/link/in-process-link.js";
import { connectLink } from "../core/network/link/ws-link-client.js";
import { WsLinkServer } from "../core/network/link/ws-link-server.js";
import { FarmCards } from "../handsets/farm/farm-card.js";
import { generatedSims } from "../handsets/farm/farm-sims.js";
import { HandsetFarm } from "../handsets/farm/handset-farm.js";
import { StubCore, type StubCoreOptions, stubSubscriberOf } from "../handsets/farm/stub-core.js";
import type { CompactCardStore } from "../sim/compact-card-store.js";
import { SeededRandom } from "../sim/random.js";

const CHILD_FLAG = "--handsets-child";
const CHILD_TIMEOUT_MS = 600_000;
const self = fileURLToPath(import.meta.url);
const MB = 1024 * 1024;

export async function run(): Promise<void> {
  const attach = await child(["attach", "100000"]);
  line(
    `handsets: attach 100,000 with full AKA (in-process link, stub core)`,
    `${attach["attachSeconds"]} s`,
    "≤ 10 s",
  );
  const idle = await child(["idle", "1000000"]);
  line(
    "handsets: RSS, 1,000,000 registered idle handsets + SIMs (+ stub core in-process)",
    `${mb(idle["rssBytes"])} MB (farm state ${mb(idle["farmStateBytes"])} MB, cards ${mb(idle["cardBytes"])} MB); attach ${idle["attachSeconds"]} s`,
    "≤ 2048 MB",
  );
  const data = await dataSessions(100_000, 10, 60);
  line(
    "handsets: 100,000 data sessions, usage report every 10 s, 60 s, core in another process (ws)",
    `${data["usageReports"]} reports (${data["expectedReports"]} expected), ${data["reportsPerSecond"]}/s, farm RSS ${mb(data["rssBytes"])} MB, max timer lag ${data["maxLagMs"]} ms`,
    "every session reports every Validity-Time",
  );
}

function line(what: string, figure: string, target: string): void {
  process.stdout.write(`${what}: ${figure} (target ${target})\n`);
}

function mb(bytes: unknown): string {
  return (Number(bytes) / MB).toFixed(1);
}

function child(args: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--expose-gc", "--max-old-space-size=4096", self, CHILD_FLAG, ...args],
      { timeout: CHILD_TIMEOUT_MS, maxBuffer: 1 << 20 },
      (error, stdout) => {
        if (error) return reject(error);
        const last = stdout.trim().split("\n").pop() ?? "{}";
        resolve(JSON.parse(last) as Record<string, unknown>);
      },
    );
  });
}

/** A core process (stub core on a ws link) and a farm process. */
async function dataSessions(
  count: number,
  validity: number,
  seconds: number,
): Promise<Record<string, unknown>> {
  const core = spawn(process.execPath, [self, CHILD_FLAG, "core", String(count), String(validity)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("core child did not start")), 120_000);
      core.stdout.once("data", (chunk: Buffer) => {
        clearTimeout(timer);
        resolve(Number(JSON.parse(chunk.toString()).port));
      });
      core.once("exit", (code) => reject(new Error(`core child exited (${code})`)));
    });
    return await child([
      "data",
      String(count),
      `ws://127.0.0.1:${port}/ws`,
      String(validity),
      String(seconds),
    ]);
  } finally {
    core.kill();
  }
}

// ---------------------------------------------------------------- children

function stubCore(store: CompactCardStore, extra: Partial<StubCoreOptions> = {}): StubCore {
  const random = SeededRandom.from("bench-core");
  return new StubCore({
    subscriber: (imsi) => {
      const index = store.findByImsi(imsi);
      return index === undefined ? undefined : stubSubscriberOf(store.get(index));
    },
    randomBytes: (n) => random.fillBytes(new Uint8Array(n)),
    ...extra,
  });
}

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  collect?.();
  collect?.();
}

async function attachChild(count: number): Promise<Record<string, unknown>> {
  const store = generatedSims({ count, seed: "bench-handsets" });
  const core = stubCore(generatedSims({ count, seed: "bench-handsets" }));
  const farm = new HandsetFarm({
    cards: new FarmCards(store),
    connection: createInProcessLink(core),
    clock: realClock,
  });
  gc();
  const t0 = performance.now();
  await farm.powerOnAll();
  const seconds = (performance.now() - t0) / 1000;
  if (farm.counters.attached !== count) throw new Error(`only ${farm.counters.attached} attached`);
  return { attachSeconds: seconds.toFixed(2), attached: farm.counters.attached };
}

async function idleChild(count: number): Promise<Record<string, unknown>> {
  const store = generatedSims({ count, seed: "bench-idle" });
  // The core shares the cards' K/OPc (read-only) so the process holds one copy of the SIMs.
  const core = stubCore(store);
  const farm = new HandsetFarm({
    cards: new FarmCards(store),
    connection: createInProcessLink(core),
    clock: realClock,
  });
  const t0 = performance.now();
  await farm.powerOnAll();
  const seconds = (performance.now() - t0) / 1000;
  if (farm.counters.attached !== count) throw new Error(`only ${farm.counters.attached} attached`);
  gc();
  return {
    rssBytes: process.memoryUsage().rss,
    farmStateBytes: farm.stateBytes,
    cardBytes: store.allocatedBytes,
    attachSeconds: seconds.toFixed(1),
    registered: core.registeredCount,
  };
}

async function coreChild(count: number, validity: number): Promise<void> {
  const core = stubCore(generatedSims({ count, seed: "bench-data" }), {
    validityTime: validity,
    grantOctets: 1e12,
  });
  const server = createServer();
  const link = new WsLinkServer(core);
  link.attach(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
  // Until the parent kills it (bounded by the parent's timeout), or an hour at most.
  await new Promise((resolve) => setTimeout(resolve, 3_600_000));
}

async function dataChild(
  count: number,
  url: string,
  validity: number,
  seconds: number,
): Promise<Record<string, unknown>> {
  const connection = await connectLink(url);
  const farm = new HandsetFarm({
    cards: new FarmCards(generatedSims({ count, seed: "bench-data" })),
    connection,
    clock: realClock,
  });
  await farm.powerOnAll();
  if (farm.counters.attached !== count) throw new Error(`only ${farm.counters.attached} attached`);
  // Sessions start spread over one Validity-Time so reports arrive evenly.
  const spreadMs = validity * 1000;
  for (let i = 0; i < count; i++) {
    setTimeout(() => farm.startData(i, 10_000), (i * spreadMs) / count).unref();
  }
  let maxLag = 0;
  let last = performance.now();
  const probe = setInterval(() => {
    const now = performance.now();
    maxLag = Math.max(maxLag, now - last - 100);
    last = now;
  }, 100);
  await new Promise((resolve) => setTimeout(resolve, spreadMs + seconds * 1000));
  clearInterval(probe);
  const active = farm.census()["in-data"] ?? 0;
  connection.close();
  return {
    activeSessions: active,
    usageReports: farm.counters.usageReports,
    expectedReports: Math.floor((count * seconds) / validity),
    reportsPerSecond: Math.round(farm.counters.usageReports / (seconds + validity)),
    rssBytes: process.memoryUsage().rss,
    maxLagMs: Math.round(maxLag),
  };
}

if (process.argv[2] === CHILD_FLAG) {
  const [mode, a = "0", b = "", c = "0", d = "0"] = process.argv.slice(3);
  const result =
    mode === "attach"
      ? await attachChild(Number(a))
      : mode === "idle"
        ? await idleChild(Number(a))
        : mode === "data"
          ? await dataChild(Number(a), b, Number(c), Number(d))
          : mode === "core"
            ? await coreChild(Number(a), Number(b))
            : undefined;
  if (result !== undefined) process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}
