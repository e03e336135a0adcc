import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CSV_HEADER, CsvBatchReader, csvChunks, formatCsv, parseCsv } from "../../sim/batch-csv.js";
import { BATCH_COLUMNS, type BatchRecord, rowToRecord } from "../../sim/batch-format.js";
import { type BatchRow, generateBatch } from "../../sim/batch-generate.js";
import { formatJson, JSON_BATCH_FORMAT, jsonCard, parseJson } from "../../sim/batch-json.js";
import { SimInputError } from "../../sim/errors.js";

const rows = generateBatch({ count: 3, seed: "format" });

function simError(fn: () => unknown): SimInputError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SimInputError) return error;
    throw error;
  }
  throw new Error("expected a SimInputError");
}

function withWrongCheckDigit(digits: string): string {
  return digits.slice(0, -1) + String((Number(digits.at(-1)) + 1) % 10);
}

/** CSV of the rows with `column` of row `rowIndex` replaced by `value`. */
function csvWith(rowIndex: number, column: keyof BatchRecord, value: string): string {
  const lines = [CSV_HEADER];
  rows.forEach((row, i) => {
    const record = rowToRecord(row);
    if (i === rowIndex) record[column] = value;
    lines.push(BATCH_COLUMNS.map((c) => record[c]).join(","));
  });
  return `${lines.join("\n")}\n`;
}

/** A JSON batch whose card `rowIndex` has been changed by `change`. */
function jsonWith(rowIndex: number, change: (card: Record<string, unknown>) => void): string {
  const document = JSON.parse(formatJson(rows)) as { cards: Record<string, unknown>[] };
  change(document.cards[rowIndex]!);
  return JSON.stringify(document);
}

describe("batch files round trip", () => {
  it("CSV: generate -> format -> parse gives the same rows", () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 60 }), fc.boolean(), (seed, count, testCard) => {
        const batch = generateBatch({ count, seed, testCard });
        expect(parseCsv(formatCsv(batch))).toEqual(batch);
      }),
      { numRuns: 50 },
    );
  });

  it("JSON: generate -> format -> parse gives the same rows", () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.integer({ min: 1, max: 60 }),
        fc.constantFrom("01", "001"),
        (seed, count, mnc) => {
          const batch = generateBatch({ count, seed, mnc });
          expect(parseJson(formatJson(batch))).toEqual(batch);
        },
      ),
      { numRuns: 50 },
    );
  });

  it("keeps a disabled PIN1 and an uppercase key (normalised to lowercase)", () => {
    const csv = csvWith(1, "pin1_enabled", "false").replace(rows[1]!.card.k, rows[1]!.card.k.toUpperCase());
    const parsed = parseCsv(csv);
    expect(parsed[1]!.card.pin1.enabled).toBe(false);
    expect(parsed[1]!.card.k).toBe(rows[1]!.card.k);
  });

  it("writes the documented CSV header and a versioned JSON envelope", () => {
    const csv = formatCsv(rows);
    expect(csv.split("\n")[0]).toBe(
      "iccid,imsi,mnc_length,msisdn,imei,ki,opc,pin1,pin1_enabled,pin2,puk1,puk2",
    );
    expect(csv.split("\n")).toHaveLength(rows.length + 2);
    const json = JSON.parse(formatJson(rows)) as { format: string; version: number; cards: unknown[] };
    expect(json.format).toBe(JSON_BATCH_FORMAT);
    expect(json.version).toBe(1);
    expect(json.cards).toHaveLength(3);
    expect(json.cards[0]).toMatchObject({ mnc_length: 2, pin1_enabled: true });
  });

  it("streams in chunks that join to the whole text", () => {
    const batch = generateBatch({ count: 25, seed: "chunks" });
    const chunks = Array.from(csvChunks(batch, 10));
    expect(chunks).toHaveLength(3);
    expect(chunks.join("")).toBe(formatCsv(batch));
  });
});

describe("CSV reading", () => {
  it("accepts chunks split anywhere, CRLF, a BOM, blank lines, reordered columns and +MSISDN", () => {
    const columns = [...BATCH_COLUMNS].reverse();
    const lines = rows.map((row) => {
      const record = rowToRecord(row);
      record.msisdn = `+${record.msisdn}`;
      return columns.map((c) => record[c]).join(",");
    });
    const text = `\uFEFF${columns.join(",")}\r\n${lines[0]}\r\n\r\n${lines[1]}\r\n${lines[2]}`;
    const read: BatchRow[] = [];
    const reader = new CsvBatchReader((row) => read.push(row));
    for (let i = 0; i < text.length; i += 7) reader.push(text.slice(i, i + 7));
    expect(reader.end()).toBe(3);
    expect(read).toEqual(rows);
  });

  it.each([
    ["iccid", withWrongCheckDigit(rows[1]!.card.iccid), "column iccid: check digit"],
    ["imsi", "2570100000000001", "column imsi: expected 6-15 digits, got 16"],
    ["mnc_length", "4", "column mnc_length: must be 2 or 3"],
    ["msisdn", "375171234567", "column msisdn: network code 17"],
    ["imei", "356938035643803", "column imei: check digit 3 does not match Luhn 9"],
    ["ki", "00112233", "column ki: expected 16 bytes"],
    ["opc", "zz", "column opc:"],
    ["pin1", "123", "column pin1: expected 4-8 digits, got 3"],
    ["pin1_enabled", "yes", "column pin1_enabled: must be true or false"],
    ["pin2", "12a4", "column pin2:"],
    ["puk1", "1234567", "column puk1: expected 8 digits, got 7"],
    ["puk2", "", "column puk2:"],
  ] as const)("rejects a bad %s with its row number", (column, value, message) => {
    const error = simError(() => parseCsv(csvWith(1, column, value)));
    expect(error.code).toBe("SIM_BAD_ROW");
    expect(error.field).toBe("row 2");
    expect(error.message).toContain(message);
    expect(error.message).toContain("(line 3)");
  });

  it("rejects a row with the wrong number of fields", () => {
    const text = `${formatCsv(rows)}${rowToRecord(rows[0]!).iccid},1\n`;
    const error = simError(() => parseCsv(text));
    expect(error.field).toBe("row 4");
    expect(error.message).toBe("row 4: expected 12 fields, got 2 (line 5)");
  });

  it("rejects a header with a missing, unknown or repeated column, and a file without a header", () => {
    expect(simError(() => parseCsv(formatCsv(rows).replace(",puk2", ""))).message).toBe(
      "header: missing column puk2",
    );
    expect(simError(() => parseCsv(formatCsv(rows).replace("puk2", "puk3"))).message).toContain(
      'unknown column "puk3"',
    );
    expect(simError(() => parseCsv(formatCsv(rows).replace("puk2", "puk1"))).message).toContain(
      "puk1 appears twice",
    );
    expect(simError(() => parseCsv("\n\n")).field).toBe("header");
  });

  it("rejects duplicates, naming the column and the first row", () => {
    for (const column of ["iccid", "imsi", "msisdn", "imei"] as const) {
      const error = simError(() => parseCsv(csvWith(2, column, rowToRecord(rows[0]!)[column])));
      expect(error.code).toBe("SIM_DUPLICATE");
      expect(error.field).toBe("row 3");
      expect(error.message).toBe(`row 3: ${column} ${rowToRecord(rows[0]!)[column]} repeats row 1`);
    }
  });

  it("checks the PLMN when asked", () => {
    const error = simError(() => parseCsv(formatCsv(rows), { plmn: { mcc: "257", mnc: "02" } }));
    expect(error.field).toBe("row 1");
    expect(error.message).toContain("column imsi: must start with MCC 257 and MNC 02");
    expect(parseCsv(formatCsv(rows), { plmn: { mcc: "257", mnc: "01" } })).toEqual(rows);
  });
});

describe("hostile input", () => {
  it("lets nothing but SimInputError escape the readers", () => {
    const header = `${CSV_HEADER}\n`;
    const goodLine = formatCsv(rows).split("\n")[1]!;
    const line = fc.oneof(
      fc.string(),
      fc
        .array(fc.oneof(fc.string(), fc.constantFrom(...goodLine.split(","))), { maxLength: 14 })
        .map((f) => f.join(",")),
    );
    const expectOnlySimErrors = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        expect(error).toBeInstanceOf(SimInputError);
      }
    };
    fc.assert(
      fc.property(fc.array(line, { maxLength: 5 }), fc.boolean(), (lines, withHeader) => {
        expectOnlySimErrors(() => parseCsv((withHeader ? header : "") + lines.join("\n")));
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.jsonValue(), fc.option(fc.constantFrom(...BATCH_COLUMNS)), (value, column) => {
        // Either a whole card is junk, or one column of a good card is.
        const card = column === null ? value : { ...jsonCard(rows[0]!), [column]: value };
        const document = JSON.stringify({ format: JSON_BATCH_FORMAT, version: 1, cards: [card] });
        expectOnlySimErrors(() => parseJson(document));
      }),
      { numRuns: 300 },
    );
  });
});

describe("JSON reading", () => {
  it("rejects a document that is not a telsim batch", () => {
    expect(simError(() => parseJson("{")).message).toContain("file: not JSON");
    expect(simError(() => parseJson("[]")).message).toContain("not a telsim-sim-batch document");
    expect(
      simError(() => parseJson(`{"format":"${JSON_BATCH_FORMAT}","version":2,"cards":[]}`)).message,
    ).toContain("version 2 is not supported");
    expect(simError(() => parseJson(`{"format":"${JSON_BATCH_FORMAT}","version":1}`)).message).toContain(
      "cards must be an array",
    );
    expect(parseJson(`{"format":"${JSON_BATCH_FORMAT}","version":1,"cards":[]}`)).toEqual([]);
  });

  it("rejects a bad card with its row number", () => {
    const cases: [(card: Record<string, unknown>) => void, string][] = [
      [(c) => (c["imsi"] = 257010000000001), "column imsi: must be a string"],
      [(c) => (c["mnc_length"] = "2"), "column mnc_length: must be a number"],
      [(c) => (c["pin1_enabled"] = "true"), "column pin1_enabled: must be a boolean"],
      [(c) => delete c["opc"], "column opc: missing"],
      [(c) => (c["extra"] = 1), "unknown column extra"],
      [(c) => (c["imei"] = "356938035643803"), "column imei: check digit 3"],
    ];
    for (const [change, message] of cases) {
      const error = simError(() => parseJson(jsonWith(1, change)));
      expect(error.code).toBe("SIM_BAD_ROW");
      expect(error.field).toBe("row 2");
      expect(error.message).toContain(message);
    }
    const notObject = JSON.stringify({ format: JSON_BATCH_FORMAT, version: 1, cards: [42] });
    expect(simError(() => parseJson(notObject)).message).toBe("row 1: a card must be a JSON object");
  });

  it("rejects duplicates", () => {
    const error = simError(() => parseJson(jsonWith(2, (c) => (c["msisdn"] = rows[0]!.card.msisdn))));
    expect(error.code).toBe("SIM_DUPLICATE");
    expect(error.message).toBe(`row 3: msisdn ${rows[0]!.card.msisdn} repeats row 1`);
  });
});
