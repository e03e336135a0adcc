/** Arrival schedules, subscriber picking, distributions and the step registry, in isolation. */
import { describe, expect, it } from "vitest";
import { SeededRandom } from "../../sim/random.js";
import { compileDistribution } from "../../scenarios/runner/distribution.js";
import { ArrivalCursor, ArrivalSchedule } from "../../scenarios/runner/load/arrivals.js";
import { TimerHeap } from "../../scenarios/runner/load/timeline.js";
import { planPopulation, SubscriberPool } from "../../scenarios/runner/population.js";
import { loadStepFiles, registerStep, stepExecutors } from "../../scenarios/runner/step-registry.js";
import { count, FIXTURES, load, run, virtualScenario } from "./helpers.js";

// A step's parameter type joins the scenario types by module augmentation, as each step file does.
declare module "../../scenarios/runner/scenario-types.js" {
  interface StepParamsByName {
    "test.tick": { readonly times: number };
  }
}

function arrivals(schedule: ArrivalSchedule, poisson?: SeededRandom): number[] {
  const c = new ArrivalCursor(schedule, poisson);
  const out: number[] = [];
  for (
    let due = c.due();
    due !== undefined && due < schedule.plan.durationMs && out.length < 1e6;
    c.next(), due = c.due()
  )
    out.push(due);
  return out;
}

describe("arrival schedule", () => {
  it("a constant rate: evenly spaced absolute times", () => {
    const t = arrivals(new ArrivalSchedule({ start: 100, stages: [], durationMs: 1000 }));
    expect(t).toHaveLength(100);
    expect(t[0]).toBe(0);
    expect(t[1]).toBeCloseTo(10, 9);
    expect(t[99]).toBeCloseTo(990, 9);
  });

  it("a ramp: arrivals = area under the rate, denser at the end", () => {
    const s = new ArrivalSchedule({
      start: 0,
      stages: [{ durationMs: 10_000, target: 100 }],
      durationMs: 10_000,
    });
    const t = arrivals(s);
    expect(s.expected).toBeCloseTo(500, 6);
    expect(t.length).toBeGreaterThanOrEqual(499);
    expect(t.length).toBeLessThanOrEqual(501);
    expect(t.filter((x) => x < 5000).length).toBeCloseTo(125, -1);
  });

  it("stages hold the last rate; a shorter duration truncates them", () => {
    const held = new ArrivalSchedule({
      start: 10,
      stages: [{ durationMs: 1000, target: 10 }],
      durationMs: 3000,
    });
    expect(held.expected).toBeCloseTo(30, 6);
    const cut = new ArrivalSchedule({
      start: 0,
      stages: [{ durationMs: 2000, target: 100 }],
      durationMs: 1000,
    });
    expect(cut.expected).toBeCloseTo(25, 6);
  });

  it("Poisson: the same mean, exponential gaps, reproducible for a seed", () => {
    const s = new ArrivalSchedule({ start: 1000, stages: [], durationMs: 20_000 });
    const a = arrivals(s, SeededRandom.from("p"));
    const b = arrivals(s, SeededRandom.from("p"));
    expect(a).toEqual(b);
    expect(a.length).toBeGreaterThan(19_000);
    expect(a.length).toBeLessThan(21_000);
    const gaps = a.slice(1).map((x, i) => x - (a[i] as number));
    const mean = gaps.reduce((x, y) => x + y, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((x, g) => x + (g - mean) ** 2, 0) / gaps.length);
    expect(mean).toBeCloseTo(1, 1);
    expect(sd / mean).toBeCloseTo(1, 1); // exponential: standard deviation = mean
  });
});

describe("timer heap", () => {
  it("pops by time, ties in insertion order", () => {
    const h = new TimerHeap();
    const seen: string[] = [];
    const rng = SeededRandom.from("heap");
    for (let i = 0; i < 500; i++) {
      const t = rng.nextInt(50);
      h.push(t, () => seen.push(`${String(t).padStart(3, "0")}:${String(i).padStart(4, "0")}`));
    }
    for (let e = h.pop(); e !== undefined; e = h.pop()) e.fn();
    expect(seen).toEqual([...seen].sort());
  });
});

describe("population", () => {
  const plan = planPopulation(
    {
      groups: [
        { name: "a", count: 3, msisdn: "375290000010", imsi: "257010000000010" },
        { name: "b", count: 2 },
      ],
    },
    FIXTURES,
  );

  it("numbers ranges per group, defaults after the previous groups", () => {
    expect(plan.subscribers.map((s) => s.msisdn)).toEqual([
      "375290000010",
      "375290000011",
      "375290000012",
      "375291000003",
      "375291000004",
    ]);
    expect(plan.subscribers.map((s) => s.group)).toEqual(["a", "a", "a", "b", "b"]);
  });

  it("sequential cycles, random stays in the groups, unique leases", () => {
    const pool = new SubscriberPool(plan.subscribers);
    const rng = SeededRandom.from("pick");
    expect([0, 1, 2, 3].map(() => pool.acquire(["a"], "sequential", rng)?.index)).toEqual([0, 1, 2, 0]);
    for (let i = 0; i < 50; i++) expect(pool.acquire(["b"], "random", rng)?.group).toBe("b");
    const held = [pool.acquire(undefined, "unique", rng), pool.acquire(undefined, "unique", rng)];
    const more = [1, 2, 3].map(() => pool.acquire(undefined, "unique", rng));
    expect(new Set([...held, ...more].map((s) => s?.index)).size).toBe(5);
    expect(pool.acquire(undefined, "unique", rng)).toBeUndefined();
    pool.release(held[0]!, "unique");
    expect(pool.acquire(undefined, "unique", rng)?.index).toBe(held[0]?.index);
  });

  it("a CSV group: per-row plan, balance and CUG, the group's values as defaults", async () => {
    const loaded = await load(
      virtualScenario("      - gy.sms: {}").replace(
        /groups:\n.*\n/,
        'groups:\n    - { name: g, csv: subscribers.csv, balance: "5.00" }\n',
      ),
    );
    expect(loaded.population.subscribers.map((s) => [s.msisdn, s.plan, s.balance, s.cug])).toEqual([
      ["375297770001", "business-unlim-1", 700, undefined],
      ["375297770002", "business-unlim-2", 500, undefined],
      ["375297770003", "business-unlim-1", 950, "ops"],
    ]);
  });
});

describe("distributions", () => {
  const draw = (spec: Parameters<typeof compileDistribution>[0], n = 20_000) => {
    const f = compileDistribution(spec, []);
    const rng = SeededRandom.from("dist");
    return Array.from({ length: n }, () => f(rng));
  };
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

  it.each([
    ["fixed", "2s", 2000],
    ["uniform", { uniform: ["1s", "3s"] as const }, 2000],
    ["exponential", { exponential: "2s" }, 2000],
    ["normal", { normal: { mean: "2s", stddev: "200ms" } }, 2000],
  ])("%s has the right mean and stays in range", (_name, spec, m) => {
    const xs = draw(spec as Parameters<typeof compileDistribution>[0]);
    expect(Math.abs(mean(xs) - m) / m).toBeLessThan(0.03);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    if (typeof spec === "object" && "uniform" in spec) expect(Math.max(...xs)).toBeLessThanOrEqual(3000);
  });
});

describe("step registry", () => {
  it("a new step is one registerStep call: schema, metrics and thresholds follow", async () => {
    await loadStepFiles();
    const before = stepExecutors().length;
    registerStep({
      name: "test.tick",
      summary: "counts ticks",
      schema: {
        type: "object",
        additionalProperties: false,
        required: ["times"],
        properties: { times: { type: "integer", minimum: 1 } },
      },
      metrics: [{ name: "test.ticks", kind: "counter", tags: [], description: "ticks" }],
      compile(p, c) {
        const ticks = c.metrics.counter("test.ticks");
        return (ctx) => {
          ticks.add(undefined, p.times);
          ctx.last = { step: "test.tick", outcome: "ticked" };
          return Promise.resolve();
        };
      },
    });
    expect(stepExecutors()).toHaveLength(before + 1);
    const yaml = virtualScenario(
      "      - test.tick: { times: 3 }\n      - check: { outcome: ticked }",
    ).concat("thresholds:\n  - test.ticks.count == 3\n");
    const r = await run(yaml);
    expect(r.status).toBe("passed");
    expect(count(r, "test.ticks")).toBe(3);
    await expect(load(virtualScenario("      - test.tick: { times: 0 }"))).rejects.toThrow(
      /test\.tick\.times: must be >= 1/,
    );
    expect(() => registerStep({ name: "wait" } as never)).toThrow(/registered twice/);
  });
});
