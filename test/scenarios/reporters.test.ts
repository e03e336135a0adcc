/** Live progress (TTY redraw, plain lines), the summary's order, and TypeScript scenario files. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenarioFile } from "../../scenarios/runner/load-scenario.js";
import { Aggregator } from "../../scenarios/runner/metrics/aggregator.js";
import { MetricCatalogue } from "../../scenarios/runner/metrics/metric-catalogue.js";
import { MetricSet } from "../../scenarios/runner/metrics/metric-set.js";
import { PlainProgress, TtyProgress } from "../../scenarios/runner/report/progress.js";
import { scenarioSummary } from "../../scenarios/runner/report/summary.js";
import { runLoadedScenario, type LiveStatus } from "../../scenarios/runner/run-scenario.js";
import { GY_METRICS } from "../../scenarios/steps/gy-common.js";
import { FIXTURES } from "./helpers.js";

function status(elapsedMs: number): LiveStatus {
  const catalogue = new MetricCatalogue([{ owner: "gy", metrics: GY_METRICS }]);
  const set = new MetricSet(catalogue);
  const agg = new Aggregator(catalogue, 1000, 1);
  for (let k = 0; k < 3; k++) {
    for (let i = 0; i < 50; i++) {
      set.counter("scenario.arrivals").add({ flow: "f" });
      set.counter("gy.ccr").add({ type: "event", service: "sms" });
      set.trend("gy.ccr.latency").record(2 + (i % 10), { type: "event", service: "sms" });
    }
    agg.add(k, set.drain());
  }
  return {
    name: "demo",
    virtual: false,
    elapsedMs,
    durationMs: 10_000,
    realMs: elapsedMs,
    aggregator: agg,
    inFlight: 7,
  };
}

describe("live progress", () => {
  it("on a TTY: a progress bar, rates, errors and p99, redrawn in place", () => {
    let text = "";
    const p = new TtyProgress({ write: (t: string) => (text += t) });
    p.update(status(2500));
    expect(text).toMatch(
      /^demo \[#{5,7}\.+\] +25% 2\.50s \/ 10\.00s, 7\.50s left\n {2}arrivals 50\/s {2}CCR 50\/s {2}in flight 7 {2}errors 0/,
    );
    expect(text).toMatch(/p99 11\.0ms/);
    text = "";
    (p as unknown as { last: number }).last = 0;
    p.update(status(5000));
    expect(text.startsWith("\x1b[2A\r\x1b[J")).toBe(true);
    p.finish();
  });

  it("not a TTY: a plain line every few seconds", () => {
    const lines: string[] = [];
    const p = new PlainProgress({ write: (t: string) => lines.push(t) }, 0);
    p.update(status(4000));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^demo 40% 4\.00s \/ 10\.00s, 6\.00s left \| arrivals 50\/s/);
    expect(lines[0]).not.toContain("\x1b");
  });
});

describe("TypeScript scenarios", () => {
  it("a module's default export runs like a YAML file", async () => {
    const loaded = await loadScenarioFile(join(FIXTURES, "typed.scenario.ts"));
    const r = await runLoadedScenario(loaded);
    expect(r.status, scenarioSummary(r)).toBe("passed");
    expect(r.flows[0]).toMatchObject({ name: "sms-then-data", started: 4, ok: 4 });
    const summary = scenarioSummary(r);
    expect(summary.indexOf("Thresholds")).toBeLessThan(summary.indexOf("Flows"));
  });
});
