/** Virtual time: a month runs in well under a second of real time, the same way for the same seed. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenarioFile } from "../../scenarios/runner/load-scenario.js";
import { runLoadedScenario } from "../../scenarios/runner/run-scenario.js";
import { ROOT } from "../cli.js";
import { count } from "./helpers.js";

const MONTH = join(ROOT, "scenarios", "library", "month-virtual.yaml");

async function month(seed?: string) {
  return runLoadedScenario(await loadScenarioFile(MONTH, seed === undefined ? {} : { seed }));
}

describe("virtual time", () => {
  it("runs 31 days of fees, Pause and usage in seconds, and the books balance", async () => {
    const started = Date.now();
    const r = await month();
    expect(r.status, JSON.stringify({ t: r.thresholds, c: r.checks })).toBe("passed");
    expect(r.clock).toBe("virtual");
    expect(r.scenarioMs).toBeGreaterThanOrEqual(31 * 86_400_000 - 86_400_000);
    expect(Date.now() - started).toBeLessThan(10_000);
    // Balances are sampled every interval of scenario time: fees show as steps down.
    const totals = r.intervals.filter((p) => p.balance !== undefined).map((p) => p.balance?.total ?? 0);
    expect(totals.length).toBeGreaterThan(100);
    expect(Math.min(...totals)).toBeLessThan(totals[0] ?? 0);
  });

  it("is deterministic for a seed: same counters, same balances over time", async () => {
    const a = await month("determinism");
    const b = await month("determinism");
    expect(b.metrics.counters).toEqual(a.metrics.counters);
    expect(b.intervals.map((p) => p.balance)).toEqual(a.intervals.map((p) => p.balance));
    expect(b.intervals.map((p) => p.counters)).toEqual(a.intervals.map((p) => p.counters));
    const c = await month("another seed");
    expect(count(c, "gy.call.seconds")).not.toBe(count(a, "gy.call.seconds"));
  });
});
