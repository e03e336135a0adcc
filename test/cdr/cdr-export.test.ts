import { describe, expect, it } from "vitest";
import type { CdrEntry } from "../../core/cdr/cdr-codec.js";
import {
  CDR_EXPORT_COLUMNS,
  CSV_HEADER,
  csvLine,
  csvQuote,
  exportChunks,
  exportRow,
} from "../../core/cdr/cdr-export.js";
import { collect, sampleRecord, T0 } from "./fixtures.js";

async function* entries(count: number): AsyncGenerator<CdrEntry> {
  for (let n = 1; n <= count; n++) yield { sequence: n, record: sampleRecord(n) };
}

const text = async (chunks: AsyncIterable<string>) => (await collect(chunks)).join("");

describe("CDR export formats", () => {
  it("writes a CSV line with money as X.XX, ISO times and empty absent values", () => {
    expect(CSV_HEADER).toBe(
      "sequence,id,accountId,msisdn,sessionId,kind,ratingGroup,destination,startedAt,endedAt,units,charge,fromBuckets,balanceAfter,throttled",
    );
    const line = csvLine({
      sequence: 7,
      record: sampleRecord(2, {
        kind: "topup",
        ratingGroup: undefined,
        charge: -1005,
        balanceAfter: -3,
        fromBuckets: {},
        sessionId: 'ussd,"*100#"',
      }),
    });
    expect(line).toBe(
      `7,cdr-2,acc-2,375291234567,"ussd,""*100#""",topup,,,2026-01-15T10:30:02.000Z,2026-01-15T10:30:02.500Z,2097152,-10.05,,-0.03,false`,
    );
  });

  it("puts every column in the header's order", () => {
    const entry = {
      sequence: 3,
      record: sampleRecord(3, { kind: "voice", destination: "cug", throttled: true }),
    };
    const row = exportRow(entry);
    const cells = csvLine(entry).split(",");
    expect(cells.length).toBe(CDR_EXPORT_COLUMNS.length);
    CDR_EXPORT_COLUMNS.forEach((column, i) => {
      const expected = column === "fromBuckets" ? "data-main=3072" : String(row[column]);
      expect([column, cells[i]]).toEqual([column, expected]);
    });
  });

  it("percent-encodes bucket sources in CSV", () => {
    const line = csvLine({
      sequence: 1,
      record: sampleRecord(1, { fromBuckets: { "a=b;c": 3, plain: 2 ** 40 } }),
    });
    expect(line).toContain(",a%3Db%3Bc=3;plain=1099511627776,");
    expect(csvQuote("x\ny")).toBe('"x\ny"');
    expect(csvQuote("plain")).toBe("plain");
  });

  it("writes JSON rows with nulls for absent values", () => {
    expect(
      exportRow({ sequence: 1, record: sampleRecord(1, { kind: "voice", destination: "on-net-3g" }) }),
    ).toEqual({
      sequence: 1,
      id: "cdr-1",
      accountId: "acc-1",
      msisdn: "375291234567",
      sessionId: "pgw.telsim.local;1;1",
      kind: "voice",
      ratingGroup: 10,
      destination: "on-net-3g",
      startedAt: new Date(T0 + 1000).toISOString(),
      endedAt: new Date(T0 + 1500).toISOString(),
      units: 1048576,
      charge: "0.25",
      fromBuckets: { "data-main": 1024 },
      balanceAfter: "99.75",
      throttled: false,
    });
    expect(
      exportRow({ sequence: 1, record: sampleRecord(1, { ratingGroup: undefined }) }).ratingGroup,
    ).toBeNull();
  });

  it("produces valid documents in every format, in small chunks", async () => {
    const json = await collect(exportChunks(entries(50), "json", {}, undefined, 100));
    expect(json.length).toBeGreaterThan(10);
    expect((JSON.parse(json.join("")) as unknown[]).length).toBe(50);
    expect(JSON.parse(await text(exportChunks(entries(0), "json")))).toEqual([]);
    const ndjson = (await text(exportChunks(entries(5), "ndjson"))).split("\n");
    expect(ndjson.length).toBe(6);
    expect(ndjson.slice(0, 5).map((line) => (JSON.parse(line) as { sequence: number }).sequence)).toEqual([
      1, 2, 3, 4, 5,
    ]);
    expect(await text(exportChunks(entries(0), "ndjson"))).toBe("");
    expect(await text(exportChunks(entries(0), "csv"))).toBe(`${CSV_HEADER}\n`);
  });

  it("filters by account and by end time (since inclusive, until exclusive), counting as it goes", async () => {
    const counts = { read: 0, written: 0 };
    const since = T0 + 3 * 1000 + 500; // record 3 ends here
    const until = T0 + 9 * 1000 + 500; // record 9 ends here
    const csv = await text(exportChunks(entries(12), "csv", { accountId: "acc-0", since, until }, counts));
    expect(
      csv
        .split("\n")
        .slice(1, -1)
        .map((line) => line.split(",")[0]),
    ).toEqual(["3", "6"]);
    expect(counts).toEqual({ read: 12, written: 2 });
  });
});
