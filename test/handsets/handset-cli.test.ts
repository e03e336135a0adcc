import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generateBatch } from "../../sim/batch-generate.js";
import { saveCardFile } from "../../sim/card-file.js";
import { telsimSync } from "../cli.js";
import { makeTestCard } from "../sim/fixtures.js";
import { linesOf } from "./harness.js";

const SEED_IMEI = generateBatch({ count: 1, seed: "telsim", testCard: true })[0]!.imei;

describe("telsim handset --at", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "telsim-handset-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("runs a transcript from stdin on the generated test card and exits 0 at end of input", () => {
    const input = [
      "ATE0",
      "AT+CPIN?",
      'AT+CPIN="0000"',
      "AT+CPIN?",
      "AT+CGSN",
      "AT+CREG?",
      "AT+CMEE=2",
      "ATD*100#;",
      'AT+CUSD=1,"*100#",15',
      "AT+CMGF=1",
      'AT+CMGS="+375291234567"',
    ].join("\r\n");
    const run = telsimSync(["handset", "--at"], `${input}\r\nhello\x1a`);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    // E1 at power-on: the first line comes back, then OK
    expect(run.stdout.startsWith("ATE0\r\r\nOK\r\n")).toBe(true);
    expect(linesOf(run.stdout.slice("ATE0\r".length))).toEqual([
      "OK",
      "+CPIN: SIM PIN",
      "OK",
      "OK",
      "+CPIN: READY",
      "OK",
      SEED_IMEI,
      "OK",
      "+CREG: 0,0",
      "OK",
      "OK",
      "+CME ERROR: no network service",
      "+CME ERROR: no network service",
      "OK",
      "> ",
      "+CMS ERROR: 331",
    ]);
  });

  it("takes the codes of the generated card from --pin / --puk / --pin2 / --puk2 and --imei", () => {
    const input = 'ATE0\rAT+CMEE=1\rAT+CPIN="0000"\rAT+CPIN="1234"\rAT+CPWD="P2","5678","1111"\rAT+CGSN\r';
    const run = telsimSync(
      [
        "handset",
        "--at",
        "--pin",
        "1234",
        "--puk",
        "12345678",
        "--pin2",
        "5678",
        "--puk2",
        "87654321",
        "--imei",
        "356938035643809",
      ],
      input,
    );
    expect(run.status).toBe(0);
    expect(linesOf(run.stdout).slice(1)).toEqual([
      "OK",
      "OK",
      "+CME ERROR: 16",
      "OK",
      "OK",
      "356938035643809",
      "OK",
    ]);
  });

  it("uses a card file and writes its counters back", async () => {
    const file = join(dir, "card.json");
    await saveCardFile(file, makeTestCard());
    const run = telsimSync(["handset", "--at", "--sim", file], 'ATE0\rAT+CPIN="1111"\rAT+CCID\r');
    expect(run.status).toBe(0);
    expect(linesOf(run.stdout).slice(1)).toEqual(["OK", "ERROR", "+CCID: 8937501000000000017", "OK"]);
    const stored = JSON.parse(await readFile(file, "utf8")) as {
      pin1: { triesLeft: number; verified: boolean };
    };
    expect(stored.pin1).toMatchObject({ triesLeft: 2, verified: false });
    // the next session starts from the stored counter
    const again = telsimSync(["handset", "--at", "--sim", file], 'ATE0\rAT+CPINR="SIM PIN"\r');
    expect(linesOf(again.stdout).slice(1)).toEqual(["OK", "+CPINR: SIM PIN,2,3", "OK"]);
  });

  it.each([
    [["handset"], "choose a mode"],
    [["handset", "--at", "--pin", "12"], "--pin must be 4 to 8 digits"],
    [["handset", "--at", "--puk2", "1234"], "--puk2 must be 8 digits"],
    [["handset", "--at", "--imei", "356938035643803"], "--imei"],
    [["handset", "--at", "--sim", "/nonexistent/card.json", "--pin", "1234"], "drop --pin"],
    [["handset", "--at", "--sim", "/nonexistent/card.json"], "/nonexistent/card.json"],
  ])("refuses %j with exit 2", (args, message) => {
    const run = telsimSync(args, "");
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe("");
  });
});
