import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SeededRandom } from "../../sim/random.js";

function draws(random: SeededRandom, n: number): number[] {
  return Array.from({ length: n }, () => random.nextUint32());
}

describe("SeededRandom", () => {
  it("is deterministic per seed, and a number seeds like its decimal string", () => {
    expect(draws(SeededRandom.from("alpha"), 8)).toEqual(draws(SeededRandom.from("alpha"), 8));
    expect(draws(SeededRandom.from(42), 8)).toEqual(draws(SeededRandom.from("42"), 8));
    expect(draws(SeededRandom.from("alpha"), 8)).not.toEqual(draws(SeededRandom.from("alphb"), 8));
    expect(draws(SeededRandom.from(""), 8)).not.toEqual(draws(SeededRandom.from("\u0000"), 8));
  });

  it("gives independent, reproducible sub-streams", () => {
    const root = SeededRandom.from("s");
    expect(draws(root.stream(5), 4)).toEqual(draws(SeededRandom.from("s").stream(5), 4));
    expect(draws(root.stream(5), 4)).not.toEqual(draws(root.stream(6), 4));
    expect(draws(root.stream(2 ** 40), 4)).not.toEqual(draws(root.stream(0), 4));
    // A sub-stream does not depend on how far the parent has been drawn.
    const drawn = SeededRandom.from("s");
    draws(drawn, 100);
    expect(draws(drawn.stream(3), 4)).toEqual(draws(root.stream(3), 4));
  });

  it("returns 32-bit unsigned integers", () => {
    const random = SeededRandom.from(1);
    for (const x of draws(random, 1000)) {
      expect(Number.isInteger(x)).toBe(true);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(2 ** 32);
    }
  });

  it("keeps nextInt in range for any bound up to 2^53", () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (seed, n) => {
        const random = SeededRandom.from(seed);
        for (let i = 0; i < 20; i++) {
          const x = random.nextInt(n);
          expect(Number.isInteger(x) && x >= 0 && x < n).toBe(true);
        }
      }),
    );
    expect(() => SeededRandom.from(1).nextInt(0)).toThrow(RangeError);
    expect(() => SeededRandom.from(1).nextInt(1.5)).toThrow(RangeError);
  });

  it("is roughly uniform (chi-square over 10 buckets)", () => {
    const random = SeededRandom.from("uniform");
    const buckets = new Array<number>(10).fill(0);
    const n = 100_000;
    for (let i = 0; i < n; i++) buckets[random.nextInt(10)]!++;
    const expected = n / 10;
    const chi2 = buckets.reduce((sum, b) => sum + (b - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(27.9); // p = 0.001 with 9 degrees of freedom
  });

  it("fills bytes of any length and draws digit strings", () => {
    const random = SeededRandom.from("bytes");
    for (const length of [0, 1, 3, 4, 5, 16, 33]) {
      expect(random.fillBytes(new Uint8Array(length))).toHaveLength(length);
    }
    const sixteen = random.fillBytes(new Uint8Array(16));
    expect(sixteen.some((b) => b !== 0)).toBe(true);
    expect(random.digits(4)).toMatch(/^\d{4}$/);
    expect(random.digits(20)).toMatch(/^\d{20}$/);
    expect(random.digits(0)).toBe("");
  });
});
