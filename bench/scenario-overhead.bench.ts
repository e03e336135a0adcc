/**
 * The scenario runner's own cost per simulated event (target: at most 10 µs), measured without a
 * core: the Gy port answers at once with a canned CCA, so what is timed is the generator — arrival
 * scheduling, flow and step closures, the seeded RNG streams, metrics (counters and HDR records).
 *
 *  1. virtual clock: a flow of `gy.sms`, `wait`, `gy.sms` for 200,000 arrivals; events = arrivals +
 *     CCRs + think-time wake-ups; µs per event = wall time / events;
 *  2. real clock: open-model rates stepped up for 1 s each, reporting the share of late arrivals —
 *     the highest rate kept on time is the generator's ceiling on one thread.
 *
 *   npm run bench -- scenario-overhead
 */
import { performance } from "node:perf_hooks";
import { VirtualClock } from "../core/clock/virtual-clock.js";
import type { CreditControlAnswer } from "../core/diameter/gy/gy-types.js";
import { prepareGeneratorHost } from "../scenarios/runner/load/generator-host.js";
import { RealTimeline, type Timeline, VirtualTimeline } from "../scenarios/runner/load/timeline.js";
import { catalogueFor, validateScenario } from "../scenarios/runner/load-scenario.js";
import { Aggregator } from "../scenarios/runner/metrics/aggregator.js";
import type { CcOutcome, ChargingSession, GyPort } from "../scenarios/runner/ports.js";
import { defineScenario, type LoadSpec } from "../scenarios/runner/scenario-types.js";
import { loadStepFiles, stepExecutors } from "../scenarios/runner/step-registry.js";

const ANSWER: CcOutcome = {
  kind: "answer",
  failover: false,
  answer: {
    sessionId: "bench",
    resultCode: 2001,
    originHost: "bench",
    originRealm: "bench",
    requestType: "EVENT",
    requestNumber: 0,
    mscc: [{ ratingGroup: 3, resultCode: 2001, granted: { serviceSpecificUnits: 1 } }],
  } satisfies CreditControlAnswer,
};

const instantGy: GyPort = {
  event: () => Promise.resolve(ANSWER),
  session: (): ChargingSession => ({
    sessionId: "bench",
    abortRequested: false,
    initial: () => Promise.resolve(ANSWER),
    update: () => Promise.resolve(ANSWER),
    terminate: () => Promise.resolve(ANSWER),
  }),
  close: () => Promise.resolve(),
};

function scenario(load: LoadSpec) {
  return defineScenario({
    name: "overhead",
    core: { type: "embedded", clock: "virtual" },
    population: {
      groups: [{ name: "g", count: 1000, plan: "business-unlim-1", balance: "10.00" }],
      pick: "random",
    },
    flows: [
      {
        name: "sms-think-sms",
        steps: [
          { "gy.sms": { destination: "off-net" } },
          { wait: { exponential: "50ms" } },
          { "gy.sms": { to: "375250000001" } },
        ],
      },
    ],
    load,
  });
}

async function runOnce(
  load: LoadSpec,
  timeline: Timeline,
): Promise<{ agg: Aggregator; ms: number; cpuMs: number }> {
  const loaded = validateScenario(scenario(load), { file: "bench", dir: ".", locate: () => undefined });
  const host = await prepareGeneratorHost(
    {
      spec: loaded.spec,
      subscribers: loaded.population.subscribers,
      groups: loaded.population.groups,
      plan: loaded.plan,
      partition: { index: 0, count: 1 },
      intervalMs: 1000,
      initialBalances: [],
      ports: ["gy"],
    },
    { gy: instantGy, admin: undefined },
    timeline.virtual,
  );
  const agg = new Aggregator(catalogueFor(stepExecutors().map((e) => e.name)), 1000, 1);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const t = timeline.virtual ? timeline : new RealTimeline();
  await host.run(t, { onInterval: (k, s) => agg.add(k, s), events: () => undefined });
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  agg.finish();
  return { agg, ms, cpuMs: (used.user + used.system) / 1000 };
}

export async function run(): Promise<void> {
  await loadStepFiles();
  // Warm-up (JIT), then the measured run.
  for (const arrivals of [20_000, 200_000]) {
    const { agg, ms } = await runOnce(
      { model: "open", rate: "1000/s", duration: `${arrivals / 1000}s`, seed: 1 },
      new VirtualTimeline(new VirtualClock()),
    );
    if (arrivals < 200_000) continue;
    const events = agg.counterTotal("scenario.arrivals") * 2 + agg.counterTotal("gy.ccr");
    process.stdout.write(
      `scenario overhead | virtual clock: ${arrivals.toLocaleString("en-US")} flows, ${events.toLocaleString("en-US")} events in ` +
        `${ms.toFixed(0)} ms = ${((ms * 1000) / events).toFixed(2)} µs/event (arrival, CCR or think-time wake-up)\n`,
    );
  }
  for (const rate of [10_000, 25_000, 50_000, 100_000]) {
    const { agg, cpuMs } = await runOnce(
      { model: "open", rate: `${rate}/s`, duration: "1s", seed: 2, gracefulStop: "5s", lateAfter: "10ms" },
      new RealTimeline(),
    );
    const started = agg.counterTotal("scenario.arrivals");
    const late = agg.counterTotal("scenario.arrivals.late") + agg.counterTotal("scenario.arrivals.dropped");
    const events = started * 2 + agg.counterTotal("gy.ccr");
    const lag = agg.trendStats("scenario.schedule.lag");
    process.stdout.write(
      `scenario overhead | real clock ${rate.toLocaleString("en-US")}/s offered: ${started.toLocaleString("en-US")} started, ` +
        `${((late / Math.max(1, started)) * 100).toFixed(2)}% late, lag p99 ${lag.p99.toFixed(2)} ms, ` +
        `${((cpuMs * 1000) / Math.max(1, events)).toFixed(2)} µs CPU/event\n`,
    );
  }
}
