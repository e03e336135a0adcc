/**
 * CSV batch files: a header row naming the columns of batch-format.ts, then one card per line.
 * Every value is digits, hex or true/false, so there is no quoting. Reading accepts the
 * columns in any order, CRLF line ends, a UTF-8 BOM and blank lines; it rejects a missing,
 * unknown or repeated column, and a bad row with its row number (data rows counted from 1,
 * the line number in the message).
 */

import {
  BATCH_COLUMNS,
  type BatchColumn,
  type BatchRecord,
  DuplicateGuard,
  type ImportOptions,
  rowFromRecord,
} from "./batch-format.js";
import type { BatchRow } from "./batch-generate.js";
import { SimInputError } from "./errors.js";

export const CSV_HEADER = BATCH_COLUMNS.join(",");

/** One CSV line for the row, without the line end. */
export function csvLine(row: BatchRow): string {
  const c = row.card;
  return `${c.iccid},${c.imsi},${c.mncLength},${c.msisdn},${row.imei},${c.k},${c.opc},${c.pin1.value},${c.pin1.enabled},${c.pin2.value},${c.puk1.value},${c.puk2.value}`;
}

/**
 * The CSV text in chunks of `linesPerChunk` lines (the header first), each ending in "\n":
 * write them one by one to stream a large batch without building one giant string.
 */
export function* csvChunks(
  rows: Iterable<BatchRow>,
  linesPerChunk = 2000,
): Generator<string, void, undefined> {
  let chunk = `${CSV_HEADER}\n`;
  let lines = 0;
  for (const row of rows) {
    chunk += `${csvLine(row)}\n`;
    if (++lines === linesPerChunk) {
      yield chunk;
      chunk = "";
      lines = 0;
    }
  }
  if (chunk !== "") yield chunk;
}

export function formatCsv(rows: Iterable<BatchRow>): string {
  return Array.from(csvChunks(rows)).join("");
}

/**
 * Reads CSV text pushed in chunks of any size (split anywhere, even inside a line) and hands
 * each validated row to `onRow`. Checks rows only; duplicates are the consumer's business
 * (a DuplicateGuard, or a CompactCardStore).
 */
export class CsvBatchReader {
  private pending = "";
  private lineNumber = 0;
  private rowCount = 0;
  /** Column position of each BATCH_COLUMNS entry, once the header is read. */
  private positions: number[] | undefined;
  private fieldCount = 0;

  constructor(
    private readonly onRow: (row: BatchRow, rowNumber: number) => void,
    private readonly options: ImportOptions = {},
  ) {}

  /** Rows read so far. */
  get rows(): number {
    return this.rowCount;
  }

  push(chunk: string): void {
    const text = this.pending + chunk;
    let start = 0;
    for (let end = text.indexOf("\n"); end !== -1; end = text.indexOf("\n", start)) {
      this.line(text.slice(start, end));
      start = end + 1;
    }
    this.pending = text.slice(start);
  }

  /** Reads the last line (if it has no line end) and checks that there was a header. */
  end(): number {
    if (this.pending !== "") this.line(this.pending);
    this.pending = "";
    if (this.positions === undefined) throw new SimInputError("SIM_BAD_ROW", "header", "no header row");
    return this.rowCount;
  }

  private line(raw: string): void {
    this.lineNumber++;
    let line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (this.lineNumber === 1 && line.startsWith("\uFEFF")) line = line.slice(1);
    if (line.trim() === "") return;
    if (this.positions === undefined) {
      this.header(line);
      return;
    }
    const rowNumber = ++this.rowCount;
    const fields = line.split(",");
    const where = ` (line ${this.lineNumber})`;
    if (fields.length !== this.fieldCount) {
      throw new SimInputError(
        "SIM_BAD_ROW",
        `row ${rowNumber}`,
        `expected ${this.fieldCount} fields, got ${fields.length}${where}`,
      );
    }
    const record = {} as BatchRecord;
    const positions = this.positions;
    for (let i = 0; i < BATCH_COLUMNS.length; i++) {
      record[BATCH_COLUMNS[i]!] = (fields[positions[i]!] ?? "").trim();
    }
    this.onRow(rowFromRecord(record, rowNumber, this.options, where), rowNumber);
  }

  private header(line: string): void {
    const names = line.split(",").map((name) => name.trim().toLowerCase());
    for (const [i, name] of names.entries()) {
      if (!(BATCH_COLUMNS as readonly string[]).includes(name)) {
        throw new SimInputError("SIM_BAD_ROW", "header", `unknown column "${name}" (expected ${CSV_HEADER})`);
      }
      if (names.indexOf(name) !== i)
        throw new SimInputError("SIM_BAD_ROW", "header", `column ${name} appears twice`);
    }
    this.positions = BATCH_COLUMNS.map((column: BatchColumn) => {
      const position = names.indexOf(column);
      if (position === -1) throw new SimInputError("SIM_BAD_ROW", "header", `missing column ${column}`);
      return position;
    });
    this.fieldCount = names.length;
  }
}

/** Parses a whole CSV batch in memory, rejecting bad rows and duplicate identities. */
export function parseCsv(text: string, options: ImportOptions = {}): BatchRow[] {
  const rows: BatchRow[] = [];
  const guard = new DuplicateGuard();
  const reader = new CsvBatchReader((row, rowNumber) => {
    guard.check(row, rowNumber);
    rows.push(row);
  }, options);
  reader.push(text);
  reader.end();
  return rows;
}
