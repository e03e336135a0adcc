/** `telsim cdr export` end to end: files written by CdrFileWriter, read by the compiled CLI. */
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CSV_HEADER } from "../../core/cdr/cdr-export.js";
import { CdrFileWriter } from "../../core/cdr/cdr-file-writer.js";
import type { ChargingRecord } from "../../core/charging/model.js";
import { parseMoney } from "../../core/charging/money.js";
import { telsim, telsimSync } from "../cli.js";
import { ManualClock, sampleRecord, scratchDir, T0 } from "./fixtures.js";

const scratch = scratchDir("telsim-cdr-cli-");
const dir = join(scratch.dir, "cdr");
afterAll(() => scratch.remove());

const INITIAL_BALANCE = 1000;

/** One account's month: every record's balanceAfter follows from the one before. */
function accountHistory(): ChargingRecord[] {
  const steps: [Partial<ChargingRecord>, number][] = [
    [{ kind: "topup", ratingGroup: undefined, units: 0, fromBuckets: {} }, -500],
    [{ kind: "voice", destination: "off-net", units: 125, fromBuckets: { "voice-100": 60 } }, 120],
    [{ kind: "fee", ratingGroup: undefined, units: 0, fromBuckets: {} }, 300],
    [{ kind: "sms", ratingGroup: 3, destination: "on-net", units: 1, fromBuckets: {} }, 5],
    [{ kind: "refund", ratingGroup: undefined, units: 0, fromBuckets: {} }, -20],
    [{ kind: "data", units: 5 * 2 ** 30, throttled: true, fromBuckets: { "data-10gb": 2 ** 32 + 5 } }, 0],
  ];
  let balance = INITIAL_BALANCE;
  return steps.map(([overrides, charge], i) => {
    balance -= charge;
    return sampleRecord(100 + i, {
      accountId: "acc-r",
      msisdn: "375297654321",
      startedAt: T0 + i * 86_400_000,
      endedAt: T0 + i * 86_400_000 + 60_000,
      ...overrides,
      charge,
      balanceAfter: balance,
    });
  });
}

const history = accountHistory();
const others = Array.from({ length: 7 }, (_, i) => sampleRecord(i + 1));

interface JsonRow {
  sequence: number;
  accountId: string;
  kind: string;
  charge: string;
  balanceAfter: string;
  units: number;
  ratingGroup: number | null;
  destination: string | null;
  fromBuckets: Record<string, number>;
  endedAt: string;
}

beforeAll(async () => {
  const writer = await CdrFileWriter.open({ dir, clock: new ManualClock(), maxRecords: 4 });
  // Interleave the two streams of records as the OCS would.
  for (let i = 0; i < Math.max(history.length, others.length); i++) {
    const other = others[i];
    const own = history[i];
    if (other !== undefined) writer.append(other);
    if (own !== undefined) writer.append(own);
  }
  await writer.close();
});

describe("telsim cdr export", () => {
  it("writes CSV to stdout by default", () => {
    const run = telsimSync(["cdr", "export", "--dir", dir]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toBe(CSV_HEADER);
    expect(lines.length).toBe(1 + 13 + 1);
    expect(lines.at(-1)).toBe("");
    expect(lines[2]).toBe(
      "2,cdr-100,acc-r,375297654321,pgw.telsim.local;1;100,topup,,,2026-01-15T10:30:00.000Z,2026-01-15T10:31:00.000Z,0,-5.00,,15.00,false",
    );
    expect(lines.slice(1, -1).map((line) => Number(line.split(",")[0]))).toEqual(
      Array.from({ length: 13 }, (_, i) => i + 1),
    );
  });

  it("writes JSON with everything needed to reconcile a balance", () => {
    const run = telsimSync(["cdr", "export", "--dir", dir, "--format", "json", "--account", "acc-r"]);
    expect(run.status).toBe(0);
    const rows = JSON.parse(run.stdout) as JsonRow[];
    expect(rows.map((r) => r.kind)).toEqual(["topup", "voice", "fee", "sms", "refund", "data"]);
    expect(rows[5]).toMatchObject({ units: 5 * 2 ** 30, fromBuckets: { "data-10gb": 2 ** 32 + 5 } });
    expect(rows[1]).toMatchObject({ destination: "off-net", ratingGroup: 10 });
    expect(rows[2]).toMatchObject({ destination: null, ratingGroup: null, charge: "3.00" });
    // initial + top-ups − charges − fees = current balance (top-ups and refunds are negative charges)
    const topUps = rows
      .filter((r) => r.kind === "topup")
      .reduce((sum, r) => sum - parseMoney(r.charge, "charge"), 0);
    const fees = rows
      .filter((r) => r.kind === "fee")
      .reduce((sum, r) => sum + parseMoney(r.charge, "charge"), 0);
    const charges = rows
      .filter((r) => r.kind !== "topup" && r.kind !== "fee")
      .reduce((sum, r) => sum + parseMoney(r.charge, "charge"), 0);
    const current = parseMoney(rows.at(-1)?.balanceAfter ?? "", "balanceAfter");
    expect(INITIAL_BALANCE + topUps - charges - fees).toBe(current);
    expect(current).toBe(1095);
  });

  it("writes NDJSON and filters by end time", () => {
    const since = new Date(T0 + 86_400_000 + 60_000).toISOString(); // the voice call's end
    const until = "2026-01-19T10:31:00+00:00"; // the refund's end, excluded
    const run = telsimSync([
      "cdr",
      "export",
      "--dir",
      dir,
      "--format",
      "ndjson",
      "--since",
      since,
      "--until",
      until,
    ]);
    expect(run.status).toBe(0);
    const rows = run.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as JsonRow);
    expect(rows.map((r) => r.kind)).toEqual(["voice", "fee", "sms"]);
    const day = telsimSync(["cdr", "export", "--dir", dir, "--since", "2026-01-17", "--until", "2026-01-18"]);
    expect(day.stdout.trim().split("\n").length).toBe(2); // the header and the fee
  });

  it("writes to --out, picking the format from the extension", () => {
    const out = join(scratch.dir, "export.json");
    const run = telsimSync(["cdr", "export", "--dir", dir, "--out", out]);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ records: 13, read: 13, format: "json", out });
    expect((JSON.parse(readFileSync(out, "utf8")) as unknown[]).length).toBe(13);
    expect(readdirSync(scratch.dir).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  it("exits 2 naming the option for bad input", () => {
    const cases: [string[], RegExp][] = [
      [["--format", "xml"], /--format must be csv, json, ndjson, got "xml"/],
      [["--since", "yesterday"], /--since must be an ISO 8601 date/],
      [["--until", "2026-02-30"], /--until must be an ISO 8601 date/],
      [["--since", "2026-01-01T10:00"], /--since must be an ISO 8601 date/],
      [["--since", "2026-02-01", "--until", "2026-01-01"], /--since must be before --until/],
      [["--out", join(scratch.dir, "no-such-dir", "x.csv")], /--out: cannot write/],
    ];
    for (const [args, message] of cases) {
      const run = telsimSync(["cdr", "export", "--dir", dir, ...args]);
      expect({ args, ...run }).toMatchObject({
        status: 2,
        stderr: expect.stringMatching(message),
        stdout: "",
      });
    }
    const missing = join(scratch.dir, "nowhere");
    const run = telsimSync(["cdr", "export", "--dir", missing]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`telsim: --dir: no such directory: ${missing}\n`);
    const file = telsimSync(["cdr", "export", "--dir", join(scratch.dir, "export.json")]);
    expect(file.stderr).toMatch(/--dir: not a directory/);
  });

  it("warns about a torn tail and exits 2 for a corrupt file, naming file and offset", async () => {
    const broken = join(scratch.dir, "broken");
    const writer = await CdrFileWriter.open({ dir: broken, clock: new ManualClock(), maxRecords: 2 });
    for (let n = 1; n <= 4; n++) writer.append(sampleRecord(n));
    await writer.close();
    const [oldest, newest] = readdirSync(broken).sort() as [string, string];
    appendFileSync(join(broken, newest), Buffer.from([0x7f, 0x08]));
    const torn = telsimSync(["cdr", "export", "--dir", broken, "--format", "ndjson"]);
    expect(torn.status).toBe(0);
    expect(torn.stdout.trim().split("\n").length).toBe(4);
    expect(torn.stderr).toMatch(
      new RegExp(
        `^telsim cdr export: warning: .*${newest}: the last message is incomplete at offset \\d+; 2 bytes skipped`,
      ),
    );

    const bytes = readFileSync(join(broken, oldest));
    writeFileSync(join(broken, oldest), bytes.subarray(0, bytes.length - 3));
    const corrupt = telsimSync(["cdr", "export", "--dir", broken]);
    expect(corrupt.status).toBe(2);
    expect(corrupt.stderr).toMatch(
      new RegExp(`^telsim: .*${oldest}: corrupt at offset \\d+: the last message is incomplete`),
    );
    const out = join(scratch.dir, "partial.csv");
    expect(telsimSync(["cdr", "export", "--dir", broken, "--out", out]).status).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it("streams a large export", async () => {
    const big = join(scratch.dir, "big");
    const writer = await CdrFileWriter.open({
      dir: big,
      clock: new ManualClock(),
      maxRecords: 10_000,
      fsync: false,
    });
    for (let n = 1; n <= 50_000; n++) writer.append(sampleRecord(n));
    await writer.close();
    const run = await telsim(["cdr", "export", "--dir", big, "--account", "acc-1"]);
    expect(run.status).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines.length).toBe(1 + 16_667 + 1);
    expect(lines[1]?.startsWith("1,cdr-1,acc-1,")).toBe(true);
  });
});
