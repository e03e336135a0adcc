import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serializeCard } from "../../sim/card-file.js";
import { makeTestCard } from "./fixtures.js";

const ROOT = join(import.meta.dirname, "..", "..");
const TELSIM = join(ROOT, "dist", "cli", "telsim.js");

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function telsim(...args: string[]): Run {
  const result = spawnSync(process.execPath, [TELSIM, ...args], { cwd: ROOT, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const verifyPin1 = (digits: string): string =>
  `0020000108${Buffer.from(digits, "ascii").toString("hex").padEnd(16, "f").toUpperCase()}`;
const WRONG = verifyPin1("1234");
const UNBLOCK_TO_4321 = `002C000110${Buffer.from("11111111").toString("hex")}${Buffer.from("4321").toString("hex")}FFFFFFFF`;

let dir: string;
let cardPath: string;

async function storedPin1(): Promise<{ value: string; triesLeft: number; verified: boolean }> {
  return JSON.parse(await readFile(cardPath, "utf8")).pin1;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "telsim-apdu-cli-"));
  cardPath = join(dir, "card.json");
  await writeFile(cardPath, serializeCard(makeTestCard()));
});

afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe("telsim sim apdu", () => {
  it("three wrong VERIFY: 63C2, 63C1, 63C0, and the counter is stored", async () => {
    const run = telsim("sim", "apdu", "--card", cardPath, WRONG, WRONG, WRONG);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${WRONG} -> 63C2\n${WRONG} -> 63C1\n${WRONG} -> 63C0\n`);
    expect(await storedPin1()).toMatchObject({ value: "0000", triesLeft: 0 });
  });

  it("the next invocation finds the PIN blocked: 6983 even for the right PIN", () => {
    const run = telsim("sim", "apdu", "--card", cardPath, verifyPin1("0000"), "00200001");
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${verifyPin1("0000")} -> 6983\n00200001 -> 63C0\n`);
  });

  it("UNBLOCK with PUK1 sets a new PIN; the file holds it, unverified", async () => {
    const run = telsim("sim", "apdu", "--card", cardPath, UNBLOCK_TO_4321);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${UNBLOCK_TO_4321.toUpperCase()} -> 9000\n`);
    expect(await storedPin1()).toEqual({ value: "4321", enabled: true, triesLeft: 3, verified: false });
    expect(JSON.parse(await readFile(cardPath, "utf8")).puk1.triesLeft).toBe(10);
  });

  it("VERIFY with the new PIN, then read EF_IMSI (lower case, spaces inside an APDU)", () => {
    const run = telsim(
      "sim",
      "apdu",
      "--card",
      cardPath,
      verifyPin1("4321"),
      "00 a4 00 0c 02 6f 07",
      "00b0000009",
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      `${verifyPin1("4321")} -> 9000\n00A4000C026F07 -> 9000\n00B0000009 -> 082975100000000010 9000\n`,
    );
  });

  it("a new invocation is a new session: EF_IMSI needs the PIN again", () => {
    const run = telsim("sim", "apdu", "--card", cardPath, "00A4000C026F07", "00B0000009");
    expect(run.stdout).toBe("00A4000C026F07 -> 9000\n00B0000009 -> 6982\n");
  });

  it("bad hex: exit 2 naming the argument, nothing sent, the file untouched", async () => {
    const before = await readFile(cardPath, "utf8");
    const run = telsim("sim", "apdu", "--card", cardPath, WRONG, "00B0zz");
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain('APDU 2 ("00B0zz")');
    expect(await readFile(cardPath, "utf8")).toBe(before);
  });

  it("odd number of hex digits: exit 2", () => {
    const run = telsim("sim", "apdu", "--card", cardPath, "00B00");
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("APDU 1");
  });

  it("an invalid card file: exit 2 naming the field", async () => {
    const badPath = join(dir, "bad.json");
    const card = JSON.parse(serializeCard(makeTestCard()));
    card.pin1.triesLeft = 7;
    await writeFile(badPath, JSON.stringify(card));
    const run = telsim("sim", "apdu", "--card", badPath, "00200001");
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("pin1.triesLeft");
    expect(run.stderr).toContain(badPath);
  });

  it("a missing card file: exit 2 naming the file", () => {
    const missing = join(dir, "missing.json");
    const run = telsim("sim", "apdu", "--card", missing, "00200001");
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(missing);
  });

  it("--card is required", () => {
    const run = telsim("sim", "apdu", "00200001");
    expect(run.status).toBe(2);
  });
});
