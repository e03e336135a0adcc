/**
 * USSD gateway through the built-in menus, in-process (no SMPP, no MSC): the dialogue manager,
 * routing, the menus and the charging engine on a memory store, on a virtual clock. The figure to
 * watch is three-step dialogues per second (dial → answer → answer; issue 5 asks for at least
 * 5,000/s end to end, so in-process it must be far above):
 *  - micro: one dialogue at a time, *135*7# → "1" → "2" (package list, confirm, cancel) and
 *    *143# → "1.50" → "2" (unconfirmed payment amount, confirm, cancel); and *100# (one step);
 *  - bulk: USSD_BENCH_DIALOGUES dialogues (default 200,000) over USSD_BENCH_SUBSCRIBERS handsets
 *    (default 10,000) that all dial, then all answer, then all answer again, so that many
 *    dialogues are live at once, with their timers; once cancelling at the confirmation, and once
 *    connecting the package (fee record and account persisted to the memory store, 5 rounds).
 *
 * Run: npm run bench -- ussd   (or: npx tsc -p tsconfig.build.json && node dist/bench/run.js ussd)
 */
import { Catalog } from "../core/charging/catalog.js";
import { ChargingEngine } from "../core/charging/engine.js";
import { CardRedeemer } from "../core/charging/topups.js";
import { VirtualClock } from "../core/clock/virtual-clock.js";
import { MemoryBalanceStore } from "../core/store/memory-store.js";
import type { ToHandset } from "../core/ussd/dialogue-types.js";
import { createUssdCore } from "../core/ussd/ussd-core.js";
import { runMicro } from "./micro.js";

function envInt(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isSafeInteger(v) && v > 0 ? v : fallback;
}

function build(subscribers: number) {
  const clock = new VirtualClock(Date.UTC(2026, 10, 22, 9));
  const catalog = Catalog.load();
  const engine = new ChargingEngine(catalog, new MemoryBalanceStore(), clock, {
    defaultQuota: { voice: 300, sms: 1, mms: 1, data: 10 * 1024 * 1024 },
    maxQuota: { voice: 3600, sms: 10, mms: 10, data: 100 * 1024 * 1024 },
    tccMs: 900_000,
  });
  const msisdns: string[] = [];
  for (let i = 0; i < subscribers; i++) {
    const msisdn = `37529${String(1_000_000 + i).padStart(7, "0")}`;
    // WEB 4 offers the extra-traffic packages
    engine.createAccount({
      subscribers: [{ msisdn, imsi: `25701${String(i).padStart(10, "0")}` }],
      planId: "web-4",
      balance: 100_000_000,
      allowArchived: true,
    });
    msisdns.push(msisdn);
  }
  let answers = 0;
  let last: ToHandset | undefined;
  const core = createUssdCore({
    engine,
    catalog,
    cards: new CardRedeemer(engine),
    sims: { puk1Of: () => undefined },
    handsets: (m) => {
      answers++;
      last = m;
    },
    external: { deliver: () => false },
    events: {
      error: (e) => {
        throw e;
      },
    },
  });
  return { core, clock, msisdns, answers: () => answers, last: () => last };
}

function threeSteps(
  gw: ReturnType<typeof build>["core"]["gateway"],
  msisdn: string,
  code: string,
  a: string,
  b: string,
): void {
  if (!gw.dial(msisdn, code).ok || !gw.reply(msisdn, a).ok || !gw.reply(msisdn, b).ok) {
    throw new Error(`dialogue ${code} ${a} ${b} failed for ${msisdn}`);
  }
}

export async function run(): Promise<void> {
  const micro = build(1);
  const one = micro.msisdns[0] as string;
  await runMicro("ussd-menus", [
    {
      name: "three-step dialogue *135*7# > 1 > 2 (packages: list, confirm, cancel)",
      fn: () => threeSteps(micro.core.gateway, one, "*135*7#", "1", "2"),
    },
    {
      name: "three-step dialogue *143# > 1.50 > 2 (unconfirmed payment: amount, confirm, cancel)",
      fn: () => threeSteps(micro.core.gateway, one, "*143#", "1.50", "2"),
    },
    {
      name: "one-step dialogue *100# (balance and units)",
      fn: () => {
        if (!micro.core.gateway.dial(one, "*100#").ok) throw new Error("*100# failed");
      },
    },
  ]);
  const last = micro.last();
  if (last?.kind !== "result")
    throw new Error(`the last dialogue did not end with a result: ${JSON.stringify(last)}`);

  const total = envInt("USSD_BENCH_DIALOGUES", 200_000);
  const subscribers = Math.min(envInt("USSD_BENCH_SUBSCRIBERS", 10_000), total);
  await bulk("*135*7# > 1 > 2 (cancel)", total, subscribers, "2");
  await bulk(
    "*135*7# > 1 > 1 (connect: fee, buckets, persisted)",
    Math.min(total, subscribers * 5),
    subscribers,
    "1",
  );
  micro.core.close();
}

/** All handsets dial, then all answer, then all answer again; round after round. */
async function bulk(name: string, total: number, subscribers: number, last: string): Promise<void> {
  const b = build(subscribers);
  const gw = b.core.gateway;
  const rounds = Math.ceil(total / subscribers);
  let peakLive = 0;
  const started = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) {
    for (const m of b.msisdns) if (!gw.dial(m, "*135*7#").ok) throw new Error("dial refused");
    peakLive = Math.max(peakLive, gw.manager.size);
    for (const m of b.msisdns) if (!gw.reply(m, "1").ok) throw new Error("reply refused");
    for (const m of b.msisdns) if (!gw.reply(m, last).ok) throw new Error("reply refused");
    // answers that wait for the store arrive on later turns of the event loop
    while (gw.manager.size > 0) await new Promise((resolve) => setImmediate(resolve));
    b.clock.advance(1_000);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const dialogues = rounds * subscribers;
  if (b.answers() !== dialogues * 3) throw new Error("answers were lost");
  const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");
  process.stdout.write(
    `ussd-menus | bulk ${name}: ${fmt(dialogues)} three-step dialogues over ${fmt(subscribers)} handsets ` +
      `(${fmt(peakLive)} live at once): ${fmt(dialogues / seconds)} dialogues/s, ` +
      `${((seconds * 1e6) / dialogues).toFixed(2)} µs each\n`,
  );
  b.core.close();
}
