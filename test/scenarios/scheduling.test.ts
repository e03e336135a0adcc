/**
 * Open-model scheduling against a slow fake OCS: arrivals keep their absolute schedule whatever
 * the server does, and latency counts from the intended start, so a stall — of the server or of
 * the generator itself — shows in the percentiles instead of being omitted (load.md §6).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { count, run, trend } from "./helpers.js";
import { SlowOcs } from "./slow-ocs.js";

let ocs: SlowOcs;
beforeAll(async () => {
  ocs = await SlowOcs.start();
});
afterAll(() => ocs.close());

function scenario(port: number, rate: string, duration: string, extra = ""): string {
  return `name: sched
core: { type: external, ocs: { host: 127.0.0.1, port: ${port} } }
population:
  groups:
    - { name: g, count: 50 }
flows:
  - name: sms
    steps:
      - gy.sms: { destination: off-net }
load: { model: open, rate: ${rate}, duration: ${duration}, workers: 0${extra} }
`;
}

describe("open-model scheduling", () => {
  it("starts exactly the scheduled arrivals, on time", async () => {
    // The machine is shared: a late arrival here means 50 ms late, not a scheduler hiccup.
    const r = await run(scenario(ocs.port, "200/s", "2s", ", lateAfter: 50ms"));
    expect(r.status).toBe("passed");
    expect(r.load?.scheduled).toBe(400);
    expect(r.load?.started).toBe(400);
    expect(r.load?.late ?? 0).toBeLessThanOrEqual(4);
    // Loose bounds: the 2-CPU machine is shared with other test files.
    expect(trend(r, "scenario.schedule.lag").p50).toBeLessThan(5);
    expect(r.load?.lagP99Ms ?? 99).toBeLessThan(50);
    expect(count(r, "gy.cca", "result=2001")).toBe(400);
  });

  it("a server pausing 200 ms shows up in p99, and the offered rate does not drop", async () => {
    const timer = setTimeout(() => ocs.stall(200), 1000);
    const r = await run(scenario(ocs.port, "200/s", "3s"));
    clearTimeout(timer);
    expect(r.load?.started).toBe(600);
    // ~40 of 600 requests (6.7 %) were sent during the stall: p99 sits inside it.
    const latency = trend(r, "gy.ccr.latency");
    expect(latency.p99).toBeGreaterThan(120);
    expect(latency.max).toBeGreaterThan(180);
    expect(latency.p50).toBeLessThan(20);
    // Sending never waited for answers: the generator was on time throughout.
    expect(r.load?.late ?? 0).toBeLessThanOrEqual(4);
    expect(r.status).toBe("passed");
  });

  it("a generator stalled 200 ms: late arrivals are counted and timed from their intended start", async () => {
    const timer = setTimeout(() => {
      const until = performance.now() + 200;
      while (performance.now() < until); // the generator's own thread is blocked (a GC pause, say)
    }, 1000);
    const r = await run(scenario(ocs.port, "200/s", "3s", ", maxLateRatio: 0.5"));
    clearTimeout(timer);
    expect(r.load?.started).toBe(600);
    expect(r.load?.late ?? 0).toBeGreaterThanOrEqual(30);
    expect(r.load?.lagMaxMs ?? 0).toBeGreaterThan(180);
    // Response time (from the intended start) includes the stall; service time (from the send) does not.
    expect(trend(r, "gy.ccr.latency").p99).toBeGreaterThan(120);
    expect(trend(r, "gy.ccr.service").p99).toBeLessThan(60);
  });

  it("the same stall beyond load.maxLateRatio means the generator saturated (exit code 4)", async () => {
    const timer = setTimeout(() => {
      const until = performance.now() + 200;
      while (performance.now() < until);
    }, 500);
    const r = await run(scenario(ocs.port, "200/s", "2s"));
    clearTimeout(timer);
    expect(r.status).toBe("saturated");
    expect(r.exitCode).toBe(4);
    expect(r.load?.saturation).toMatch(/arrivals .* started more than 10ms late/);
  });

  it("ramps follow the stages (cumulative arrivals = area under the rate)", async () => {
    const r = await run(
      scenario(
        ocs.port,
        "0/s",
        "3s",
        ", stages: [ { duration: 2s, target: 200/s }, { duration: 1s, target: 200/s } ]",
      ),
    );
    // 2 s ramping 0→200/s (200 arrivals) then 1 s at 200/s (200 arrivals).
    expect(r.load?.started).toBeGreaterThanOrEqual(399);
    expect(r.load?.started).toBeLessThanOrEqual(401);
  });
});
