/**
 * Each step executor against the embedded core on the virtual clock (fast and deterministic):
 * the requests it sends, what it records, and what it leaves for checks.
 */
import { describe, expect, it } from "vitest";
import { classifyDestination } from "../../core/charging/destination.js";
import { ChargingEngine } from "../../core/charging/engine.js";
import { Catalog } from "../../core/charging/catalog.js";
import { VirtualClock } from "../../core/clock/virtual-clock.js";
import { MemoryBalanceStore } from "../../core/store/memory-store.js";
import { SeededRandom } from "../../sim/random.js";
import type { FlowContext } from "../../scenarios/runner/flow-context.js";
import { planPopulation, SubscriberPool } from "../../scenarios/runner/population.js";
import { calledNumber, DESTINATIONS } from "../../scenarios/steps/gy-common.js";
import { count, run, trend, virtualScenario } from "./helpers.js";

const MB = 1024 * 1024;

describe("gy.data", () => {
  it("reports the volume in chunks: CCR-I, CCR-U per chunk, CCR-T", async () => {
    const r = await run(
      virtualScenario(
        "      - gy.data: { volume: 12MB, chunks: 3 }\n      - check: { result: 2001, outcome: completed }",
      ),
    );
    expect(r.status).toBe("passed");
    expect(count(r, "gy.ccr", "type=initial")).toBe(1);
    expect(count(r, "gy.ccr", "type=update")).toBe(2);
    expect(count(r, "gy.ccr", "type=termination")).toBe(1);
    expect(count(r, "gy.data.octets")).toBe(12 * MB);
    expect(count(r, "gy.data.sessions", "outcome=completed")).toBe(1);
  });

  it("paces the volume at the rate in scenario time", async () => {
    const r = await run(virtualScenario("      - gy.data: { volume: 10MB, rate: 8Mbps }"));
    // 10 MiB × 8 / 8 Mbit/s = 10.486 s, whatever the grant size.
    expect(trend(r, "scenario.flow.duration").max).toBeCloseTo(10_486, -1);
    expect(count(r, "gy.data.octets")).toBe(10 * MB);
  });

  it("is refused while the account is paused (4010) and leaves nothing open", async () => {
    const r = await run(
      virtualScenario(
        "      - pause: {}\n      - gy.data: { volume: 1MB }\n      - check: { result: 4010, outcome: refused }",
        {
          extra: "",
        },
      ).concat("thresholds:\n  - invariant: no-reservations-left\n"),
    );
    expect(r.status).toBe("passed");
    expect(count(r, "gy.data.sessions", "outcome=refused")).toBe(1);
  });

  it("is cut when the money runs out (Final-Unit-Indication), never below the floor", async () => {
    const r = await run(
      virtualScenario(
        "      - gy.data: { volume: 600MB, request: 10MB }\n      - check: { outcome: cut, balance: { atLeast: floor } }\n      - gy.data: { volume: 1MB }\n      - check: { outcome: refused, result: 4012 }",
        {
          plan: "about-everything-at-once",
          // 13.90 of monthly fee is taken on connection: 1.10 and the 8.00 credit limit are left.
          balance: "15.00",
        },
      ).concat(
        "thresholds:\n  - invariant: balance-floor\n  - invariant: balances-reconcile\n  - invariant: no-reservations-left\n",
      ),
    );
    expect(r.status, JSON.stringify(r.checks)).toBe("passed");
    expect(count(r, "gy.data.octets")).toBeGreaterThan(250 * MB);
    expect(count(r, "gy.data.octets")).toBeLessThan(600 * MB);
  });

  it("follows a throttled grant's bandwidth and reports before Validity-Time", async () => {
    const r = await run(
      virtualScenario(
        "      - gy.data: { volume: 5130MB, request: 100MB }\n      - check: { throttled: true, bandwidth: { atMost: 512kbps } }",
      ).concat(
        "thresholds:\n  - invariant: throttle-within-plan\n  - invariant: no-reservations-left\n  - gy.cca{result=2001}.ratio == 1\n",
      ),
    );
    expect(r.status, JSON.stringify(r.thresholds)).toBe("passed");
    expect(count(r, "gy.data.grants", "throttled=true")).toBeGreaterThan(0);
    // The throttled part (~10 MB at 512 kbit/s, 164 s) is reported at the 600 s Validity-Time at the latest.
    expect(trend(r, "scenario.flow.duration").max).toBeGreaterThan(100_000);
  });
});

describe("gy.call", () => {
  it("holds the call for its duration and reports the seconds", async () => {
    const r = await run(
      virtualScenario(
        "      - gy.call: { destination: off-net, duration: 12m }\n      - check: { outcome: completed }",
      ),
    );
    expect(r.status).toBe("passed");
    expect(count(r, "gy.call.seconds")).toBe(720);
    // The default grant is 300 s: CCR-I, two CCR-Us, CCR-T.
    expect(count(r, "gy.ccr", "service=voice")).toBe(4);
    expect(trend(r, "scenario.flow.duration").max).toBeCloseTo(720_000, -2);
  });

  it("a favorite number on a plan where they are free is answered 4011 and not charged", async () => {
    const r = await run(
      virtualScenario(
        "      - gy.call: { destination: favorite, duration: 3m }\n      - check: { outcome: free, result: 4011 }",
        {
          plan: "smart-1",
          balance: "30.00",
          extra: ", favorites: 2",
        },
      ),
    );
    expect(r.status).toBe("passed");
    expect(count(r, "gy.call.calls", "destination=favorite", "outcome=free")).toBe(1);
  });

  it("CUG calls on a plan where they are free are answered 4011", async () => {
    const r = await run(
      virtualScenario(
        "      - gy.call: { destination: cug, duration: 1m }\n      - check: { outcome: free }",
        {
          plan: "corporate-5",
          extra: ", cug: team",
        },
      ),
    );
    expect(r.status, JSON.stringify(r.checks)).toBe("passed");
  });

  it("picks numbers the core classifies as the asked destination class", () => {
    const catalog = Catalog.load();
    const clock = new VirtualClock();
    const engine = new ChargingEngine(
      { plan: (id) => catalog.findPlan(id) },
      new MemoryBalanceStore(),
      clock,
      { defaultQuota: catalog.defaults.grantUnits, maxQuota: catalog.defaults.grantUnits, tccMs: 900_000 },
    );
    const population = planPopulation(
      {
        groups: [
          { name: "a", count: 4, plan: "corporate-5", balance: "1.00", cug: "c1", favorites: 2 },
          { name: "b", count: 4, plan: "corporate-5", balance: "1.00" },
        ],
      },
      ".",
    );
    for (const s of population.subscribers) {
      engine.createAccount({
        subscribers: [{ msisdn: s.msisdn, imsi: s.imsi }],
        planId: s.plan ?? "",
        balance: 0,
        favorites: s.favorites,
        ...(s.cug !== undefined ? { cugId: s.cug } : {}),
        allowArchived: true,
      });
    }
    const pool = new SubscriberPool(population.subscribers);
    const caller = population.subscribers[0]!;
    const account = engine.byMsisdnOf(caller.msisdn)!;
    const ctx = {
      subscriber: caller,
      rng: SeededRandom.from("dest"),
      population: pool,
    } as unknown as FlowContext;
    for (const d of DESTINATIONS) {
      for (let i = 0; i < 20; i++) {
        const number = calledNumber(ctx, d);
        expect(
          classifyDestination(account, number, { accountOf: (n) => engine.byMsisdnOf(n) }),
          `${d} ${number}`,
        ).toBe(d);
      }
    }
  });

  it("a destination the population cannot provide ends the flow with an error", async () => {
    const r = await run(virtualScenario("      - gy.call: { destination: cug, duration: 1m }"));
    expect(count(r, "scenario.flows", "status=error")).toBe(1);
  });
});

describe("gy.sms", () => {
  it("charges one event per message", async () => {
    const r = await run(
      virtualScenario(
        '      - gy.sms: { destination: international }\n      - check: { result: 2001 }\n      - gy.sms: { to: "375299999999" }',
      ),
    );
    expect(r.status).toBe("passed");
    expect(count(r, "gy.ccr", "type=event", "service=sms")).toBe(2);
    expect(count(r, "gy.sms.messages", "result=2001")).toBe(2);
  });
});

describe("topup, pause, resume", () => {
  it("top-up credits the account; Pause and resume change its state", async () => {
    const r = await run(
      virtualScenario(
        [
          '      - topup: { amount: "100.00" }',
          '      - check: { name: credited, outcome: ok, balance: { atLeast: "100.00" } }',
          "      - pause: {}",
          "      - check: { name: paused, state: paused }",
          "      - resume: {}",
          "      - check: { name: resumed, state: active }",
        ].join("\n"),
      ).concat("thresholds:\n  - invariant: balances-reconcile\n"),
    );
    expect(r.status, JSON.stringify(r.checks)).toBe("passed");
    expect(count(r, "admin.ops", "result=ok")).toBe(3);
  });

  it("Pause is refused on a plan without it (an outcome, not an error)", async () => {
    const r = await run(
      virtualScenario("      - pause: {}\n      - check: { outcome: refused, state: active }", {
        plan: "web-900",
      }),
    );
    expect(r.status).toBe("passed");
    expect(count(r, "admin.ops", "op=pause", "result=refused")).toBe(1);
  });
});

describe("control flow", () => {
  it("wait: a fixed think time in scenario time", async () => {
    const r = await run(virtualScenario("      - wait: 1h\n      - wait: { fixed: 30m }"));
    expect(trend(r, "scenario.flow.duration").max).toBeCloseTo(5_400_000, -2);
  });

  it("loop repeats its steps; choice follows the weights", async () => {
    const r = await run(
      virtualScenario(
        [
          "      - loop:",
          "          times: 400",
          "          steps:",
          "            - choice:",
          "                - { weight: 3, steps: [ { gy.sms: { destination: on-net } } ] }",
          "                - { weight: 1, steps: [ { gy.sms: { destination: off-net } } ] }",
        ].join("\n"),
        { balance: "900.00" },
      ),
    );
    const onNet = count(r, "gy.sms.messages", "destination=on-net");
    const offNet = count(r, "gy.sms.messages", "destination=off-net");
    expect(onNet + offNet).toBe(400);
    expect(onNet / 400).toBeGreaterThan(0.68);
    expect(onNet / 400).toBeLessThan(0.82);
  });

  it("check: a failure is counted and fails the run; abort ends the flow", async () => {
    const r = await run(
      virtualScenario(
        "      - gy.sms: { destination: off-net }\n      - check: { name: wrong, result: 4012, abort: true }\n      - gy.sms: { destination: off-net }",
      ),
    );
    expect(r.status).toBe("failed");
    expect(r.exitCode).toBe(1);
    expect(r.checks).toEqual([{ name: "wrong", passes: 0, failures: 1 }]);
    expect(count(r, "scenario.flows", "status=failed")).toBe(1);
    expect(count(r, "gy.ccr")).toBe(1);
  });
});
