/**
 * Protocol messages per second the scenario runner drives through the embedded core (issue
 * target: at least 50,000/s on the 2-core machine without the generator saturating). Each run is
 * a whole `telsim run` in this process: the embedded core (memory store), the generator in the
 * main thread, Gy in-process (`core.gy: in-process`: real Diameter bytes encoded and decoded, no
 * socket) or over loopback TCP, an open model stepped up in rate for a few seconds each. A
 * message is a CCR or a CCA; the flow is a data session (CCR-I, two CCR-U, CCR-T: 8 messages per
 * arrival) or an SMS event (2). A rate passes when the run passes its thresholds (every CCR
 * answered 2001, no arrival dropped, fewer than 1 % late): the highest passing rate is the figure.
 *
 *   npm run bench -- scenario-throughput
 *   SCENARIO_BENCH_GY=diameter SCENARIO_BENCH_FLOW=sms SCENARIO_BENCH_RATES=2000,4000 npm run bench -- scenario-throughput
 */
import { loadavg } from "node:os";
import { parseScenarioText } from "../scenarios/runner/load-scenario.js";
import type { ScenarioResult } from "../scenarios/runner/result.js";
import { runLoadedScenario } from "../scenarios/runner/run-scenario.js";

const gy = process.env["SCENARIO_BENCH_GY"] === "diameter" ? "diameter" : "in-process";
const flow = process.env["SCENARIO_BENCH_FLOW"] === "sms" ? "sms" : "data";
const perArrival = flow === "data" ? 8 : 2;
const seconds = Number(process.env["SCENARIO_BENCH_SECONDS"] ?? 5);
// The first, low rate also warms the JIT up: a cold start is late for its first second.
const rates = (
  process.env["SCENARIO_BENCH_RATES"] ??
  (flow === "data" ? "2000,4000,6000,8000,9000,10000,11000" : "4000,10000,15000,20000,25000")
)
  .split(",")
  .map(Number);

const STEPS = {
  data: `      - gy.data: { volume: 3MB, chunks: 3 }`,
  sms: `      - gy.sms: { destination: off-net }`,
};

function scenario(rate: number): string {
  return `name: throughput-${flow}-${rate}
core: { type: embedded, gy: ${gy} }
population:
  groups:
    - { name: g, count: 20000, plan: business-unlim-3, balance: "500.00" }
  pick: random
flows:
  - name: ${flow}
    steps:
${STEPS[flow]}
load:
  model: open
  rate: ${rate}/s
  duration: ${seconds}s
  seed: throughput
  gracefulStop: 10s
  lateAfter: 50ms
  maxLateRatio: 0.01
thresholds:
  - gy.cca{result=2001}.ratio == 1
  - scenario.arrivals.dropped.count == 0
`;
}

function counter(r: ScenarioResult, prefix: string): number {
  return r.metrics.counters
    .filter((c) => c.key === prefix || c.key.startsWith(`${prefix}{`))
    .reduce((s, c) => s + c.value, 0);
}

export async function run(): Promise<void> {
  process.stdout.write(
    `scenario-throughput | ${flow} flow (${perArrival} messages per arrival), Gy ${gy}, ${seconds} s per rate, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(", ")}\n`,
  );
  let best = 0;
  for (const rate of rates) {
    const loaded = await parseScenarioText(scenario(rate), "bench.yaml", process.cwd());
    const cpu = process.cpuUsage();
    const result = await runLoadedScenario(loaded, {});
    const used = process.cpuUsage(cpu);
    const ccrs = counter(result, "gy.ccr");
    const messages = ccrs * 2;
    const perSecond = Math.round(messages / (result.scenarioMs / 1000));
    const lateShare = (result.load?.late ?? 0) / Math.max(1, result.load?.started ?? 1);
    const ok = result.status === "passed";
    if (ok) best = Math.max(best, perSecond);
    process.stdout.write(
      `  ${rate}/s offered: ${result.status}, ${ccrs.toLocaleString("en-US")} CCRs, ` +
        `${perSecond.toLocaleString("en-US")} messages/s, late ${(lateShare * 100).toFixed(2)} %, ` +
        `lag p99 ${result.load?.lagP99Ms?.toFixed(1) ?? "-"} ms, CPU ${((used.user + used.system) / 1000 / (result.scenarioMs / 1000) / 10).toFixed(0)} % of a core` +
        `${result.load?.saturation !== undefined ? ` (${result.load.saturation})` : ""}\n`,
    );
    if (!ok) break;
  }
  process.stdout.write(
    `  highest rate kept: ${best.toLocaleString("en-US")} protocol messages/s (target 50,000)\n`,
  );
}
