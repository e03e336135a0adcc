/**
 * Attach with full AKA through the in-process link: N subscribers (accounts with K/OPc on a
 * memory store), one farm connection, every handset sends attach-request, its USIM checks AUTN and
 * answers RES (sim/aka-usim.ts), the HLR checks RES and registers it. Target: 100,000 attaches in
 * at most 10 s. Each attach costs two Milenage runs (the AuC's vector, the USIM's check) and a
 * durable SQN write (grouped per event-loop turn).
 *
 *   npm run build && node dist/bench/run.js attach          (ATTACH_BENCH_N, ATTACH_BENCH_WINDOW)
 *
 * ATTACH_BENCH_LINK=ws runs the same over the WebSocket link on loopback (protobuf frames), with
 * the farm and the core in this one process (one thread encodes and decodes both ends).
 */
import { Catalog } from "../core/charging/catalog.js";
import { ChargingEngine } from "../core/charging/engine.js";
import { silentLogger } from "../core/diameter/logger.js";
import { NetworkEdge } from "../core/network/edge.js";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createInProcessLink } from "../core/network/link/in-process-link.js";
import type { LinkConnection } from "../core/network/link/link-connection.js";
import { connectLink } from "../core/network/link/ws-link-client.js";
import { WsLinkServer } from "../core/network/link/ws-link-server.js";
import type { LinkFrame } from "../core/network/link/link-messages.js";
import { MemoryBalanceStore } from "../core/store/memory-store.js";
import { VirtualClock } from "../core/clock/virtual-clock.js";
import { usimAuthenticate } from "../sim/aka-usim.js";
import { SQN_SLOTS } from "../sim/card.js";
import { computeOpc, Milenage } from "../sim/milenage.js";
import { SeededRandom } from "../sim/random.js";

const N = Number(process.env["ATTACH_BENCH_N"] ?? 100_000);
/** Attaches in progress at once (the farm's pacing). */
const WINDOW = Number(process.env["ATTACH_BENCH_WINDOW"] ?? 10_000);
const OVER_WS = process.env["ATTACH_BENCH_LINK"] === "ws";

export async function run(): Promise<void> {
  const catalog = Catalog.load();
  const clock = new VirtualClock(Date.UTC(2026, 2, 10, 10));
  const engine = new ChargingEngine({ plan: (id) => catalog.findPlan(id) }, new MemoryBalanceStore(), clock, {
    defaultQuota: { voice: 300, data: 10 << 20, sms: 1, mms: 1 },
    maxQuota: { voice: 3600, data: 100 << 20, sms: 10, mms: 10 },
    tccMs: 900_000,
  });
  const random = SeededRandom.from("attach-bench");
  const op = random.fillBytes(new Uint8Array(16));
  const keys: { k: Uint8Array; opc: Uint8Array }[] = [];
  const imsis: string[] = [];
  const setupStart = performance.now();
  for (let i = 0; i < N; i++) {
    const k = random.fillBytes(new Uint8Array(16));
    const opc = computeOpc(k, op);
    const imsi = `25701${String(i).padStart(10, "0")}`;
    const account = engine.createAccount({
      subscribers: [{ msisdn: `375${String(290_000_000 + i)}`, imsi }],
      planId: "business-unlim-1",
      balance: 1000,
    });
    account.sim = {
      iccid: "8937501000000000018",
      k: Buffer.from(k).toString("hex"),
      opc: Buffer.from(opc).toString("hex"),
      sqn: 0,
    };
    keys.push({ k, opc });
    imsis.push(imsi);
  }
  const setupMs = performance.now() - setupStart;

  const rng = SeededRandom.from("attach-bench-rand");
  const edge = new NetworkEdge({
    engine,
    clock,
    logger: silentLogger,
    randomBytes: (n) => rng.fillBytes(new Uint8Array(n)),
  });
  let link: LinkConnection;
  let stopServer = async (): Promise<void> => {};
  if (OVER_WS) {
    const server = createServer();
    const links = new WsLinkServer(edge);
    links.attach(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    link = await connectLink(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`);
    stopServer = async () => {
      await links.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    };
  } else {
    link = createInProcessLink(edge);
  }
  const slots: number[][] = Array.from({ length: N }, () => new Array<number>(SQN_SLOTS).fill(0));
  let accepted = 0;
  let rejected = 0;
  let sent = 0;
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => (done = resolve));
  const next = (): void => {
    if (sent >= N) return;
    const i = sent++;
    link.send({
      handset: i,
      correlation: i + 1,
      message: { type: "attach-request", imsi: imsis[i]!, imei: "" },
    });
  };
  link.onFrame((frame: LinkFrame) => {
    const m = frame.message;
    const i = frame.handset;
    if (m.type === "auth-request") {
      const key = keys[i]!;
      const r = usimAuthenticate(new Milenage(key.k, key.opc), slots[i]!, m.rand, m.autn);
      if (r.kind !== "success") throw new Error(`handset ${i}: ${r.kind}`);
      link.send({
        handset: i,
        correlation: frame.correlation,
        message: { type: "auth-response", res: r.res },
      });
      return;
    }
    if (m.type === "attach-accept") accepted++;
    else rejected++;
    if (accepted + rejected === N) done();
    else next();
  });
  const start = performance.now();
  const rssBefore = process.memoryUsage().rss;
  for (let i = 0; i < Math.min(WINDOW, N); i++) next();
  await finished;
  const ms = performance.now() - start;
  const perSecond = Math.round((N / ms) * 1000);
  const rssMiB = Math.round(process.memoryUsage().rss / 2 ** 20);
  process.stdout.write(
    `attach: ${N.toLocaleString("en")} attaches with full AKA, window ${WINDOW.toLocaleString("en")}, ${OVER_WS ? "WebSocket link (loopback)" : "in-process link"}\n` +
      `  ${ms.toFixed(0)} ms, ${perSecond.toLocaleString("en")} attaches/s (target: 100,000 in ≤ 10,000 ms: ` +
      `${N >= 100_000 && ms <= 10_000 ? "met" : N >= 100_000 ? "NOT met" : "n/a"})\n` +
      `  accepted ${accepted}, rejected ${rejected}, vectors ${edge.hlr.counters.vectors}, registered ${edge.registry.size}\n` +
      `  setup (accounts + keys) ${setupMs.toFixed(0)} ms; RSS ${rssMiB} MiB (${Math.round(rssBefore / 2 ** 20)} MiB before)\n`,
  );
  link.close();
  await stopServer();
}
