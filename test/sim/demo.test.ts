import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_DEMO_SEED, runDemo } from "../../cli/demo-command.js";

import { ROOT, TELSIM } from "../cli.js";

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  millis: number;
}

function telsim(...args: string[]): Run {
  const started = performance.now();
  const result = spawnSync(process.execPath, [TELSIM, ...args], { cwd: ROOT, encoding: "utf8" });
  const millis = performance.now() - started;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, millis };
}

/** The status word printed on the output line that starts with `label`. */
function swAfter(lines: readonly string[], label: string, occurrence = 0): string | undefined {
  const line = lines.filter((text) => text.trimStart().startsWith(label))[occurrence];
  return line?.match(/-> ([0-9A-F]{4}) /)?.[1];
}

describe("telsim demo (the built CLI)", () => {
  it("exits 0 and walks through the PIN and AKA steps with the expected status words", () => {
    const run = telsim("demo");
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toBe(`telsim demo: 3 SIM cards generated from seed "${DEFAULT_DEMO_SEED}"`);
    expect(
      lines.filter((line) =>
        /^ {2}card \d: ICCID 89\d{17} {2}IMSI 25701\d{10} {2}MSISDN \+375\d{9}$/.test(line),
      ),
    ).toHaveLength(3);
    expect(swAfter(lines, "VERIFY PIN1", 0)).toBe("63C2");
    expect(swAfter(lines, "VERIFY PIN1", 1)).toBe("63C1");
    expect(swAfter(lines, "VERIFY PIN1", 2)).toBe("63C0");
    expect(swAfter(lines, "VERIFY PIN1", 3)).toBe("6983");
    expect(swAfter(lines, "UNBLOCK PIN1")).toBe("9000");
    expect(swAfter(lines, "VERIFY PIN1", 4)).toBe("9000");
    expect(run.stdout).toContain("63C2 (wrong PIN, 2 tries left)");
    const authentications = lines.filter((line) => line.trimStart().startsWith("AUTHENTICATE"));
    expect(authentications).toHaveLength(3);
    expect(authentications[0]).toMatch(/-> 9000 \(RES [0-9A-F]{16} = XRES/);
    expect(authentications[1]).toMatch(/-> 9000 \(AUTS [0-9A-F]{28}: /);
    expect(authentications[2]).toMatch(/-> 9000 \(RES [0-9A-F]{16} = XRES/);
    expect(run.stdout).toContain("AuC: AUTS verified");
    expect(run.stdout).not.toContain("[expected");
    expect(lines.at(-2)).toContain("telsim --help");
    expect(lines.at(-1)).toBe("");
  });

  it("prints the same text on every run, and other text for another seed", () => {
    const first = telsim("demo");
    const second = telsim("demo");
    expect(second.stdout).toBe(first.stdout);
    const seeded = telsim("demo", "--seed", "42");
    expect(seeded.status).toBe(0);
    expect(seeded.stdout).not.toBe(first.stdout);
    expect(telsim("demo", "--seed", "42").stdout).toBe(seeded.stdout);
  });

  it("finishes in well under a second (node start-up included, generous bound)", () => {
    telsim("demo");
    expect(telsim("demo").millis).toBeLessThan(2000);
  });
});

describe("runDemo", () => {
  it("takes milliseconds in process", () => {
    const started = performance.now();
    expect(runDemo(DEFAULT_DEMO_SEED).ok).toBe(true);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it("every step answers as expected, whatever the seed", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (seed) => {
        const run = runDemo(seed);
        expect(run.ok, run.lines.join("\n")).toBe(true);
      }),
      { numRuns: 50 },
    );
  });
});
