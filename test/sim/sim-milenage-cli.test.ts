/**
 * `telsim sim milenage` end to end: runs the compiled CLI (built by test/global-setup.ts).
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const cli = `${root}dist/cli/telsim.js`;

function telsim(...args: string[]) {
  const run = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: "utf8" });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

// TS 35.208 test set 1.
const SET1 = {
  k: "465b5ce8b199b49faa5f0a2ee238a6bc",
  rand: "23553cbe9637a89d218ae64dae47bf35",
  sqn: "ff9bb4d0b607",
  amf: "b9b9",
  op: "cdc202d5123e20f62b6d676ac72cb318",
  opc: "cd63cb71954a9f4e48a5994e37a02baf",
};
const SET1_OUTPUT = {
  opc: "cd63cb71954a9f4e48a5994e37a02baf",
  f1: "4a9ffac354dfafb3",
  "f1*": "01cfaf9ec4e871e9",
  f2: "a54211d5e3ba50bf",
  f3: "b40ba9a3c58b2a05bbf0d987b21bf8cb",
  f4: "f769bcd751044604127672711c6d3441",
  f5: "aa689c648370",
  "f5*": "451e8beca43b",
  autn: "55f328b43577b9b94a9ffac354dfafb3",
};
const common = ["sim", "milenage", "--k", SET1.k, "--rand", SET1.rand, "--sqn", SET1.sqn, "--amf", SET1.amf];

describe("telsim sim milenage", () => {
  it("prints test set 1 as one JSON object, keys in order, from --op", () => {
    const run = telsim(...common, "--op", SET1.op);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout.trimEnd().split("\n")).toHaveLength(1);
    expect(run.stdout).toBe(`${JSON.stringify(SET1_OUTPUT)}\n`);
    expect(Object.keys(JSON.parse(run.stdout) as object)).toEqual([
      "opc",
      "f1",
      "f1*",
      "f2",
      "f3",
      "f4",
      "f5",
      "f5*",
      "autn",
    ]);
  });

  it("gives the same output from --opc, upper-case hex accepted", () => {
    const run = telsim(...common, "--opc", SET1.opc.toUpperCase());
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(SET1_OUTPUT);
  });

  it.each([
    [["--k", SET1.k.slice(2)], "--k: expected 16 bytes (32 hex digits), got 15 bytes"],
    [["--rand", `${SET1.rand}00`], "--rand: expected 16 bytes (32 hex digits), got 17 bytes"],
    [["--sqn", "zz9bb4d0b607"], '--sqn: "zz9bb4d0b607" is not hexadecimal'],
    [["--amf", "b9b"], '--amf: "b9b" has an odd number of hex digits'],
    [["--opc", "00"], "--opc: expected 16 bytes (32 hex digits), got 1 bytes"],
  ])("exits 2 naming the argument for %j", (override, message) => {
    const args = [...common, "--opc", SET1.opc];
    const [name, value] = override as [string, string];
    args[args.lastIndexOf(name) + 1] = value;
    const run = telsim(...args);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(`telsim: ${message}\n`);
  });

  it("exits 2 when both --op and --opc are given", () => {
    const run = telsim(...common, "--op", SET1.op, "--opc", SET1.opc);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--op, --opc: give exactly one/);
  });

  it("exits 2 when neither --op nor --opc is given", () => {
    const run = telsim(...common);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--op, --opc: one of them is required/);
  });

  it("exits 2 when a required option is missing", () => {
    const run = telsim("sim", "milenage", "--k", SET1.k, "--opc", SET1.opc);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--rand/);
  });
});
