/**
 * Worker threads against an external OCS (a second telsim core plays it): the arrival schedule is
 * striped over the threads, each with its own Gy connection, and the HDR histograms merge exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CoreNode } from "../../core/node.js";
import { silentLogger } from "../../core/diameter/logger.js";
import { count, run, trend } from "./helpers.js";

let core: CoreNode;
beforeAll(async () => {
  core = await CoreNode.start({
    memory: true,
    diameterPort: 0,
    httpPort: 0,
    logger: silentLogger,
    feeIntervalMs: 3_600_000,
  });
});
afterAll(() => core.stop());

describe("generator worker threads", () => {
  it("two workers share the schedule; totals and histograms merge", async () => {
    const r = await run(`name: workers
core:
  type: external
  ocs: { host: 127.0.0.1, port: ${core.diameterAddress.port} }
  admin: { url: "http://127.0.0.1:${core.httpAddress.port}" }
  provision: true
population:
  groups:
    - { name: g, count: 40, plan: business-unlim-1, balance: "30.00" }
  pick: random
flows:
  - name: mix
    steps:
      - gy.sms: { destination: on-net }
      - gy.data: { volume: 3MB, chunks: 3 }
      - check: { result: 2001 }
load: { model: open, rate: 150/s, duration: 2s, workers: 2, lateAfter: 100ms, maxLateRatio: 0.5 }
thresholds:
  - gy.cca{result=2001}.ratio == 1
  - invariant: balances-reconcile
  - invariant: no-reservations-left
`);
    // Two CPUs shared with the core in this thread: timing is not the point here, merging is.
    expect(r.status, JSON.stringify({ p: r.problems, t: r.thresholds, l: r.load })).toBe("passed");
    expect(r.load?.workers).toBe(2);
    expect(r.load?.scheduled).toBe(300);
    expect(count(r, "scenario.arrivals")).toBe(300);
    expect(count(r, "gy.ccr")).toBe(300 * 5);
    expect(trend(r, "gy.ccr.latency").count).toBe(1500);
    expect(r.checks[0]).toMatchObject({ passes: 300, failures: 0 });
  });
});
