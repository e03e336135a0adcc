/**
 * Child process 2 of the data-sessions bench (bench/data-sessions.bench.ts): a HandsetFarm with the
 * seeded SIM batch the core provisioned (same seed, same rows), on one WebSocket link to the core.
 * Attaches every handset with full AKA at once, announces `attached`, then answers the parent's
 * commands (data-sessions-channel.ts):
 *  - start: one data session per handset, the starts spread over one Validity-Time so the
 *    Validity-Time expiries (and the CCR-Us they cause) arrive evenly;
 *  - mark / report: counters and RSS over the measured window;
 *  - stop: data-stop for every session (CCR-T at the core), spread over `stopSpreadSeconds`,
 *    then waits (bounded) for every data-ended;
 *  - exit.
 *
 *   node data-sessions-farm.js <url> <count> <validitySeconds> <bytesPerSecond> <seed>
 *     <stopSpreadSeconds> <limitMs>
 */
import { realClock } from "../core/clock/clock.js";
import { connectLink } from "../core/network/link/ws-link-client.js";
import { FarmCards } from "../handsets/farm/farm-card.js";
import type { FarmCounters } from "../handsets/farm/farm-counters.js";
import { generatedSims } from "../handsets/farm/farm-sims.js";
import { HandsetFarm } from "../handsets/farm/handset-farm.js";
import { emit, exitAfter, LagProbe, serveCommands } from "./data-sessions-channel.js";

const [
  url = "",
  countArg = "0",
  validityArg = "30",
  rateArg = "1000",
  seed = "bench-data-sessions",
  stopSpreadArg = "10",
  limitArg = "0",
] = process.argv.slice(2);
const count = Number(countArg);
exitAfter(Number(limitArg), "data-sessions farm");

/** Starts (or stops) `count` handsets evenly over `spreadMs`, in slices every 20 ms. */
async function spread(spreadMs: number, each: (index: number) => void): Promise<void> {
  const t0 = performance.now();
  let next = 0;
  while (next < count) {
    const due = Math.min(count, Math.ceil((count * (performance.now() - t0)) / Math.max(1, spreadMs)));
    for (const end = Math.max(due, next + 1); next < end;) each(next++);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const cards = new FarmCards(generatedSims({ count, seed }));
const connection = await connectLink(url);
const farm = new HandsetFarm({ cards, connection, clock: realClock });
const probe = new LagProbe();

const t0 = performance.now();
await farm.powerOnAll();
emit("attached", {
  attachSeconds: ((performance.now() - t0) / 1000).toFixed(2),
  attached: farm.counters.attached,
  rejected: farm.counters.rejected,
  attachTimeouts: farm.counters.attachTimeouts,
  lagMs: probe.worstMs,
});

let marked: FarmCounters = { ...farm.counters };
const since = (key: "usageReports" | "refused" | "dataEnded" | "errors"): number =>
  farm.counters[key] - marked[key];

await serveCommands({
  start: async () => {
    const started = performance.now();
    let refusedToStart = 0;
    await spread(Number(validityArg) * 1000, (i) => {
      if (!farm.startData(i, Number(rateArg))) refusedToStart++;
    });
    return {
      startSeconds: ((performance.now() - started) / 1000).toFixed(1),
      refusedToStart,
      inData: farm.census()["in-data"] ?? 0,
    };
  },
  mark: () => {
    probe.reset();
    marked = { ...farm.counters };
    return Promise.resolve({ inData: farm.census()["in-data"] ?? 0 });
  },
  report: () =>
    Promise.resolve({
      inData: farm.census()["in-data"] ?? 0,
      usageReports: since("usageReports"),
      refused: since("refused"),
      dataEnded: since("dataEnded"),
      linkErrors: since("errors"),
      rssBytes: process.memoryUsage().rss,
      lagMs: probe.worstMs,
    }),
  stop: async () => {
    const started = performance.now();
    const endedBefore = farm.counters.dataEnded;
    await spread(Number(stopSpreadArg) * 1000, (i) => farm.stopData(i));
    const deadline = Date.now() + 60_000;
    while ((farm.census()["in-data"] ?? 0) > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return {
      stopSeconds: ((performance.now() - started) / 1000).toFixed(1),
      dataEnded: farm.counters.dataEnded - endedBefore,
      stillInData: farm.census()["in-data"] ?? 0,
      census: farm.census(),
      rssBytes: process.memoryUsage().rss,
      lagMs: probe.worstMs,
    };
  },
  exit: () => {
    probe.stop();
    connection.close();
    return Promise.resolve({});
  },
});
process.exit(0);
