import { describe, expect, it } from "vitest";
import { drawDuration } from "../../../handsets/farm/durations.js";
import { SeededRandom } from "../../../sim/random.js";
import { inProcessFarm, settle } from "./farm-helpers.js";

describe("call duration distributions", () => {
  it("fixed, uniform within bounds, exponential with the right mean; the same seed repeats", () => {
    const random = SeededRandom.from("durations");
    expect(drawDuration({ kind: "fixed", ms: 90_000 }, random)).toBe(90_000);
    for (let i = 0; i < 1000; i++) {
      const d = drawDuration({ kind: "uniform", minMs: 10_000, maxMs: 20_000 }, random);
      expect(d).toBeGreaterThanOrEqual(10_000);
      expect(d).toBeLessThanOrEqual(20_000);
    }
    let sum = 0;
    for (let i = 0; i < 20_000; i++) sum += drawDuration({ kind: "exponential", meanMs: 120_000 }, random);
    expect(sum / 20_000).toBeGreaterThan(114_000);
    expect(sum / 20_000).toBeLessThan(126_000);
    const a = SeededRandom.from("x");
    const b = SeededRandom.from("x");
    const dist = { kind: "exponential", meanMs: 60_000, maxMs: 600_000 } as const;
    expect(drawDuration(dist, a)).toBe(drawDuration(dist, b));
  });

  it("a farm's calls end at their drawn holding times", async () => {
    const { farm, clock } = inProcessFarm(100);
    await farm.powerOnAll();
    const random = SeededRandom.from("calls");
    const durations = Array.from({ length: 100 }, () =>
      drawDuration({ kind: "exponential", meanMs: 60_000, maxMs: 300_000 }, random),
    );
    durations.forEach((d, i) => farm.call(i, "375291111111", d));
    await settle();
    const byMinute = [60_000, 120_000, 300_000].map((t) => durations.filter((d) => d <= t).length);
    let elapsed = 0;
    for (const [k, t] of [60_000, 120_000, 300_000].entries()) {
      clock.advance(t - elapsed);
      elapsed = t;
      await settle();
      expect(farm.counters.callsEnded).toBe(byMinute[k]);
    }
    expect(farm.census()).toEqual({ registered: 100 });
  });
});
