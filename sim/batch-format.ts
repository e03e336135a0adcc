/**
 * The row schema shared by the CSV and JSON batch files (batch-csv.ts, batch-json.ts).
 *
 * A batch file is a provisioning file: it carries what a card is issued with, not its later
 * state. Columns, in this order:
 *
 *   iccid         19-20 digits, E.118, Luhn-checked
 *   imsi          6-15 digits, TS 23.003
 *   mnc_length    2 or 3 (EF.AD): how many IMSI digits after the MCC are the MNC
 *   msisdn        12 digits, 375 + mobile network code + 7 digits ("+" accepted on import)
 *   imei          15 digits, Luhn-checked: the handset the card is issued with
 *   ki            subscriber key K, 32 hex digits
 *   opc           OPc, 32 hex digits
 *   pin1          4-8 digits          pin1_enabled  true | false
 *   pin2          4-8 digits
 *   puk1, puk2    8 digits
 *
 * On import every retry counter is full, nothing is verified, PIN2 is enabled and the SQN
 * array is all zeros: exactly what the generator issues, so generate -> export -> import
 * gives back the same rows.
 */

import type { BatchRow } from "./batch-generate.js";
import { PIN_MAX_TRIES, PUK_MAX_TRIES, SQN_SLOTS } from "./card.js";
import { SimInputError } from "./errors.js";
import { parseHex, toHex } from "./hex.js";
import { validateIccid } from "./iccid.js";
import { requireDigits } from "./identity.js";
import { validateImei } from "./imei.js";
import { type Plmn, validateImsi } from "./imsi.js";
import { normaliseMsisdn } from "./msisdn.js";

export const BATCH_COLUMNS = [
  "iccid",
  "imsi",
  "mnc_length",
  "msisdn",
  "imei",
  "ki",
  "opc",
  "pin1",
  "pin1_enabled",
  "pin2",
  "puk1",
  "puk2",
] as const;
export type BatchColumn = (typeof BATCH_COLUMNS)[number];

/** A row in text form, one string per column, as it stands in a CSV line. */
export type BatchRecord = Record<BatchColumn, string>;

export interface ImportOptions {
  /** When given, every IMSI must start with this MCC + MNC. */
  plmn?: Plmn;
}

/** The text form of a row. */
export function rowToRecord(row: BatchRow): BatchRecord {
  const { card } = row;
  return {
    iccid: card.iccid,
    imsi: card.imsi,
    mnc_length: String(card.mncLength),
    msisdn: card.msisdn,
    imei: row.imei,
    ki: card.k,
    opc: card.opc,
    pin1: card.pin1.value,
    pin1_enabled: String(card.pin1.enabled),
    pin2: card.pin2.value,
    puk1: card.puk1.value,
    puk2: card.puk2.value,
  };
}

/**
 * Validates a record and builds the freshly issued card it describes. A problem is reported as
 * SIM_BAD_ROW with field `row <rowNumber>` and a message naming the column.
 */
export function rowFromRecord(
  record: BatchRecord,
  rowNumber: number,
  options: ImportOptions = {},
  where = "",
): BatchRow {
  try {
    return buildRow(record, options);
  } catch (error) {
    if (error instanceof SimInputError) {
      throw new SimInputError("SIM_BAD_ROW", `row ${rowNumber}`, `column ${error.message}${where}`);
    }
    throw error;
  }
}

function buildRow(record: BatchRecord, options: ImportOptions): BatchRow {
  const mncLength = parseMncLength(record.mnc_length);
  const imsi = validateImsi(record.imsi, options.plmn);
  if (imsi.length <= 3 + mncLength) {
    throw new SimInputError(
      "SIM_BAD_LENGTH",
      "imsi",
      `${imsi} leaves no MSIN after a ${mncLength}-digit MNC`,
    );
  }
  if (options.plmn !== undefined && options.plmn.mnc.length !== mncLength) {
    throw new SimInputError(
      "SIM_BAD_LENGTH",
      "mnc_length",
      `must be ${options.plmn.mnc.length} for MNC ${options.plmn.mnc}`,
    );
  }
  return {
    card: {
      iccid: validateIccid(record.iccid),
      imsi,
      mncLength,
      msisdn: normaliseMsisdn(record.msisdn),
      k: parseKey("ki", record.ki),
      opc: parseKey("opc", record.opc),
      pin1: {
        value: requireDigits("pin1", record.pin1, 4, 8),
        enabled: parseBoolean("pin1_enabled", record.pin1_enabled),
        triesLeft: PIN_MAX_TRIES,
        verified: false,
      },
      pin2: {
        value: requireDigits("pin2", record.pin2, 4, 8),
        enabled: true,
        triesLeft: PIN_MAX_TRIES,
        verified: false,
      },
      puk1: { value: requireDigits("puk1", record.puk1, 8), triesLeft: PUK_MAX_TRIES },
      puk2: { value: requireDigits("puk2", record.puk2, 8), triesLeft: PUK_MAX_TRIES },
      sqn: new Array<number>(SQN_SLOTS).fill(0),
    },
    imei: validateImei(record.imei),
  };
}

/** A 128-bit key as 32 lowercase hex digits (the common case is checked without a copy). */
function parseKey(field: string, text: string): string {
  return isLowercaseKey(text) ? text : toHex(parseHex(field, text, 16));
}

function isLowercaseKey(text: string): boolean {
  if (text.length !== 32) return false;
  for (let i = 0; i < 32; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

function parseMncLength(text: string): 2 | 3 {
  if (text === "2") return 2;
  if (text === "3") return 3;
  throw new SimInputError("SIM_BAD_LENGTH", "mnc_length", `must be 2 or 3, got "${text}"`);
}

function parseBoolean(field: string, text: string): boolean {
  if (text === "true") return true;
  if (text === "false") return false;
  throw new SimInputError("SIM_BAD_DIGITS", field, `must be true or false, got "${text}"`);
}

/** The identities that must not repeat within a batch. */
export const UNIQUE_COLUMNS = ["iccid", "imsi", "msisdn", "imei"] as const;
export type UniqueColumn = (typeof UNIQUE_COLUMNS)[number];

export function identityOf(row: BatchRow, column: UniqueColumn): string {
  return column === "imei" ? row.imei : row.card[column];
}

/**
 * Remembers the identities seen so far and rejects a row that repeats one (SIM_DUPLICATE).
 * Holds a map entry per identity: meant for batches that fit in memory as rows anyway; a
 * CompactCardStore does the same check in its own compact indexes.
 */
export class DuplicateGuard {
  private readonly seen = new Map<UniqueColumn, Map<string, number>>(
    UNIQUE_COLUMNS.map((c) => [c, new Map()]),
  );

  check(row: BatchRow, rowNumber: number): void {
    for (const column of UNIQUE_COLUMNS) {
      const value = identityOf(row, column);
      const seen = this.seen.get(column)!;
      const first = seen.get(value);
      if (first !== undefined) {
        throw new SimInputError(
          "SIM_DUPLICATE",
          `row ${rowNumber}`,
          `${column} ${value} repeats row ${first}`,
        );
      }
    }
    for (const column of UNIQUE_COLUMNS) this.seen.get(column)!.set(identityOf(row, column), rowNumber);
  }
}
