/**
 * JSON batch files: `{"format":"telsim-sim-batch","version":1,"cards":[...]}`, one object per
 * card with the keys of batch-format.ts (the CSV column names). Values are strings except
 * `mnc_length` (the number 2 or 3) and `pin1_enabled` (a boolean); identities stay strings so
 * that leading zeros and 20-digit ICCIDs survive. Written one card per line, so the output
 * streams; reading parses the whole document (use CSV for batches of millions).
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

export const JSON_BATCH_FORMAT = "telsim-sim-batch";
export const JSON_BATCH_VERSION = 1;

export interface JsonBatchCard {
  iccid: string;
  imsi: string;
  mnc_length: 2 | 3;
  msisdn: string;
  imei: string;
  ki: string;
  opc: string;
  pin1: string;
  pin1_enabled: boolean;
  pin2: string;
  puk1: string;
  puk2: string;
}

export function jsonCard(row: BatchRow): JsonBatchCard {
  const c = row.card;
  return {
    iccid: c.iccid,
    imsi: c.imsi,
    mnc_length: c.mncLength,
    msisdn: c.msisdn,
    imei: row.imei,
    ki: c.k,
    opc: c.opc,
    pin1: c.pin1.value,
    pin1_enabled: c.pin1.enabled,
    pin2: c.pin2.value,
    puk1: c.puk1.value,
    puk2: c.puk2.value,
  };
}

/** The JSON document in chunks of `linesPerChunk` cards, to stream a large batch. */
export function* jsonChunks(
  rows: Iterable<BatchRow>,
  linesPerChunk = 2000,
): Generator<string, void, undefined> {
  let chunk = `{"format":"${JSON_BATCH_FORMAT}","version":${JSON_BATCH_VERSION},"cards":[`;
  let separator = "\n";
  let lines = 0;
  for (const row of rows) {
    chunk += separator + JSON.stringify(jsonCard(row));
    separator = ",\n";
    if (++lines === linesPerChunk) {
      yield chunk;
      chunk = "";
      lines = 0;
    }
  }
  yield `${chunk}\n]}\n`;
}

export function formatJson(rows: Iterable<BatchRow>): string {
  return Array.from(jsonChunks(rows)).join("");
}

/** Parses a JSON batch, rejecting a malformed document, bad cards and duplicate identities. */
export function parseJson(text: string, options: ImportOptions = {}): BatchRow[] {
  const rows: BatchRow[] = [];
  const guard = new DuplicateGuard();
  readJsonBatch(
    parseJsonDocument(text),
    (row, rowNumber) => {
      guard.check(row, rowNumber);
      rows.push(row);
    },
    options,
  );
  return rows;
}

/** Validates a parsed JSON batch and hands each card (numbered from 1) to `onRow`. Returns the count. */
export function readJsonBatch(
  document: unknown,
  onRow: (row: BatchRow, rowNumber: number) => void,
  options: ImportOptions = {},
): number {
  if (!isObject(document) || document["format"] !== JSON_BATCH_FORMAT) {
    throw new SimInputError("SIM_BAD_ROW", "file", `not a ${JSON_BATCH_FORMAT} document`);
  }
  if (document["version"] !== JSON_BATCH_VERSION) {
    throw new SimInputError("SIM_BAD_ROW", "file", `version ${String(document["version"])} is not supported`);
  }
  const cards = document["cards"];
  if (!Array.isArray(cards)) throw new SimInputError("SIM_BAD_ROW", "file", "cards must be an array");
  cards.forEach((card: unknown, i) => {
    onRow(rowFromRecord(recordOf(card, i + 1), i + 1, options), i + 1);
  });
  return cards.length;
}

/** JSON.parse, with a syntax error reported as SIM_BAD_ROW on field "file". */
export function parseJsonDocument(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SimInputError(
      "SIM_BAD_ROW",
      "file",
      `not JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Turns a card object into the text record shared with CSV, checking keys and value types. */
function recordOf(card: unknown, rowNumber: number): BatchRecord {
  const bad = (message: string) => new SimInputError("SIM_BAD_ROW", `row ${rowNumber}`, message);
  if (!isObject(card)) throw bad("a card must be a JSON object");
  for (const key of Object.keys(card)) {
    if (!(BATCH_COLUMNS as readonly string[]).includes(key)) throw bad(`unknown column ${key}`);
  }
  const record = {} as BatchRecord;
  for (const column of BATCH_COLUMNS) {
    const value = card[column];
    if (value === undefined) throw bad(`column ${column}: missing`);
    const expected = expectedType(column);
    if (typeof value !== expected)
      throw bad(`column ${column}: must be a ${expected}, got ${JSON.stringify(value)}`);
    record[column] = String(value);
  }
  return record;
}

function expectedType(column: BatchColumn): "string" | "number" | "boolean" {
  if (column === "mnc_length") return "number";
  if (column === "pin1_enabled") return "boolean";
  return "string";
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
