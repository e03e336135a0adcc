import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const TELSIM = join(process.cwd(), "dist", "cli", "telsim.js");
let dir = "";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function telsim(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [TELSIM, ...args], { maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "telsim-sim-generate-"));
});

afterAll(async () => {
  if (dir !== "") await rm(dir, { recursive: true, force: true });
});

describe("telsim sim generate", () => {
  it("writes CSV to stdout, identical for the same seed and different for another", async () => {
    const a = await telsim("sim", "generate", "--count", "5", "--seed", "alpha");
    const again = await telsim("sim", "generate", "--count", "5", "--seed", "alpha");
    const other = await telsim("sim", "generate", "--count", "5", "--seed", "beta");
    expect(a.code).toBe(0);
    expect(a.stderr).toBe("");
    const lines = a.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("iccid,imsi,mnc_length,msisdn,imei,ki,opc,pin1,pin1_enabled,pin2,puk1,puk2");
    expect(lines).toHaveLength(6);
    expect(lines[1]).toMatch(
      /^8937501\d{12},25701\d{10},2,375(25|29|33|44)\d{7},\d{15},[0-9a-f]{32},[0-9a-f]{32},/,
    );
    expect(again.stdout).toBe(a.stdout);
    expect(other.stdout).not.toBe(a.stdout);
  });

  it("uses the test card codes, the MCC/MNC given, and reports a random seed on stderr", async () => {
    const run = await telsim(
      "sim",
      "generate",
      "--count",
      "2",
      "--test-card",
      "--mcc",
      "001",
      "--mnc",
      "001",
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^telsim: seed [0-9a-f]{16} /);
    for (const line of run.stdout.trimEnd().split("\n").slice(1)) {
      const fields = line.split(",");
      expect(fields[1]).toMatch(/^001001\d{9}$/);
      expect(fields[2]).toBe("3");
      expect(fields.slice(7)).toEqual(["0000", "true", "9999", "11111111", "22222222"]);
    }
  });

  it("writes JSON to --out (format from the extension), prints a summary, and imports it back", async () => {
    const out = join(dir, "batch.json");
    const run = await telsim("sim", "generate", "--count", "4", "--seed", "7", "--out", out);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ cards: 4, format: "json", out, seed: "7" });
    const document = JSON.parse(await readFile(out, "utf8")) as { cards: unknown[] };
    expect(document.cards).toHaveLength(4);
    const imported = await telsim("sim", "import", out);
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toEqual({ cards: 4, format: "json" });
  });

  it("imports CSV and names the bad row with exit code 2", async () => {
    const out = join(dir, "batch.csv");
    expect((await telsim("sim", "generate", "--count", "3", "--seed", "8", "--out", out)).code).toBe(0);
    const good = await telsim("sim", "import", out, "--mcc", "257", "--mnc", "01");
    expect(JSON.parse(good.stdout)).toEqual({ cards: 3, format: "csv" });

    const lines = (await readFile(out, "utf8")).trimEnd().split("\n");
    const bad = join(dir, "bad.csv");
    await writeFile(bad, [...lines, lines[2]!.replace(/^\d{19}/, "8937501000000000000")].join("\n"));
    const rejected = await telsim("sim", "import", bad);
    expect(rejected.code).toBe(2);
    expect(rejected.stderr).toContain("row 4: column iccid: check digit");

    const duplicate = join(dir, "duplicate.csv");
    await writeFile(duplicate, [...lines, lines[1]].join("\n"));
    const repeated = await telsim("sim", "import", duplicate);
    expect(repeated.code).toBe(2);
    expect(repeated.stderr).toContain("row 4: iccid");
    expect(repeated.stderr).toContain("repeats row 1");

    const missing = await telsim("sim", "import", join(dir, "absent.csv"));
    expect(missing.code).toBe(2);
    const halfPlmn = await telsim("sim", "import", out, "--mcc", "257");
    expect(halfPlmn.code).toBe(2);
    expect(halfPlmn.stderr).toContain("--mcc and --mnc go together");
  });

  it.each([
    [["--count", "0"], "--count"],
    [["--count", "abc"], "--count"],
    [["--count", "-3"], "--count"],
    [["--count", "1.5"], "--count"],
    [["--count", "40000001"], "--count must be at most 40000000"],
    [["--count", "1", "--mcc", "25"], "--mcc"],
    [["--count", "1", "--mnc", "1234"], "--mnc"],
    [["--count", "1", "--format", "xml"], "--format"],
    [[], "--count"],
  ])("rejects %j with exit code 2", async (args, message) => {
    const run = await telsim("sim", "generate", ...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe("");
  });
});
