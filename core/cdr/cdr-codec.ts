/**
 * ChargingRecord ↔ the ChargingDataRecord message of proto/cdr.proto, and the file header.
 * Encoding checks every value first (integers safe, 64-bit fields in range, enums known) and
 * throws CDR_INVALID_RECORD naming the field; decoding checks the same and throws CDR_CORRUPT,
 * so a record read back is always a valid ChargingRecord.
 */
import type protobuf from "protobufjs";
import type { ChargingRecord, DestinationClass } from "../charging/model.js";
import { CdrError } from "./cdr-errors.js";
import { MAX_MESSAGE_BYTES } from "./cdr-framing.js";
import { cdrSchema } from "./cdr-schema.js";

export const CDR_FORMAT = "telsim-cdr";
export const CDR_FORMAT_VERSION = 1;

/** A record with its position in the writer's output (1, 2, 3, ... across files). */
export interface CdrEntry {
  readonly sequence: number;
  readonly record: ChargingRecord;
}

export interface CdrFileHeader {
  readonly format: string;
  readonly version: number;
  readonly createdAt: number;
  readonly firstSequence: number;
}

/** ±8.64e15 ms: the range of a JavaScript Date, so every time has an ISO 8601 form. */
const MAX_TIME_MS = 8.64e15;

type Int64 = number | protobuf.Long;

/** The message as protobufjs decodes it (keepCase: the proto's field names). */
interface RecordMessage {
  readonly sequence: Int64;
  readonly id: string;
  readonly account_id: string;
  readonly msisdn: string;
  readonly session_id: string;
  readonly kind: number;
  readonly rating_group?: number | null;
  readonly destination: number;
  readonly started_at: Int64;
  readonly ended_at: Int64;
  readonly units: Int64;
  readonly charge: Int64;
  readonly from_buckets: Readonly<Record<string, Int64>>;
  readonly balance_after: Int64;
  readonly throttled: boolean;
}

interface HeaderMessage {
  readonly format: string;
  readonly version: number;
  readonly created_at: Int64;
  readonly first_sequence: Int64;
}

/** The record's message body (no length prefix). */
export function encodeRecord(sequence: number, record: ChargingRecord): Uint8Array {
  return checkSize(cdrSchema().record.encode(recordMessage(sequence, record)).finish(), 0);
}

/** The record as it goes into a file: varint length, then the message. */
export function encodeRecordDelimited(sequence: number, record: ChargingRecord): Uint8Array {
  return checkSize(cdrSchema().record.encodeDelimited(recordMessage(sequence, record)).finish(), 3);
}

/** A reader refuses longer messages as corruption, so a writer must not produce one. */
function checkSize(bytes: Uint8Array, prefix: number): Uint8Array {
  if (bytes.length - prefix > MAX_MESSAGE_BYTES) {
    throw invalid("record", `${bytes.length} bytes encoded, more than ${MAX_MESSAGE_BYTES}`);
  }
  return bytes;
}

export function decodeRecord(body: Uint8Array): CdrEntry {
  const m = decodeWith<RecordMessage>(cdrSchema().record, body);
  const { kinds, destinations } = cdrSchema();
  const kind = kinds.toName.get(m.kind);
  if (kind === undefined) throw corrupt(`kind ${m.kind} is not a known ChargingKind`);
  let destination: DestinationClass | undefined;
  if (m.destination !== 0) {
    destination = destinations.toName.get(m.destination);
    if (destination === undefined) throw corrupt(`destination ${m.destination} is not a known class`);
  }
  const sequence = decodedInt(m.sequence, "sequence");
  if (sequence < 1) throw corrupt("sequence 0");
  const fromBuckets: Record<string, number> = {};
  for (const [source, units] of Object.entries(m.from_buckets)) {
    fromBuckets[source] = decodedInt(units, `from_buckets[${JSON.stringify(source)}]`);
  }
  return {
    sequence,
    record: {
      id: m.id,
      accountId: m.account_id,
      msisdn: m.msisdn,
      sessionId: m.session_id,
      kind,
      ratingGroup: m.rating_group ?? undefined,
      destination,
      startedAt: decodedTime(m.started_at, "started_at"),
      endedAt: decodedTime(m.ended_at, "ended_at"),
      units: decodedInt(m.units, "units"),
      charge: decodedInt(m.charge, "charge"),
      fromBuckets,
      balanceAfter: decodedInt(m.balance_after, "balance_after"),
      throttled: m.throttled,
    },
  };
}

/** The first message of a file, with its length prefix. */
export function encodeHeaderDelimited(createdAt: number, firstSequence: number): Uint8Array {
  checkTime(createdAt, "createdAt");
  checkInt(firstSequence, "firstSequence", 1);
  const header: HeaderMessage = {
    format: CDR_FORMAT,
    version: CDR_FORMAT_VERSION,
    created_at: createdAt,
    first_sequence: firstSequence,
  };
  return cdrSchema().header.encodeDelimited(header).finish();
}

/** Throws CDR_CORRUPT for anything but a telsim CDR header, CDR_UNSUPPORTED_VERSION for a newer one. */
export function decodeHeader(body: Uint8Array): CdrFileHeader {
  const m = decodeWith<HeaderMessage>(cdrSchema().header, body);
  if (m.format !== CDR_FORMAT) {
    throw corrupt(`not a ${CDR_FORMAT} file (format ${JSON.stringify(m.format.slice(0, 40))})`);
  }
  if (m.version !== CDR_FORMAT_VERSION) {
    throw new CdrError(
      "CDR_UNSUPPORTED_VERSION",
      `format version ${m.version}; this reader knows version ${CDR_FORMAT_VERSION}`,
    );
  }
  return {
    format: m.format,
    version: m.version,
    createdAt: decodedTime(m.created_at, "created_at"),
    firstSequence: decodedInt(m.first_sequence, "first_sequence"),
  };
}

function recordMessage(sequence: number, r: ChargingRecord): RecordMessage {
  const { kinds, destinations } = cdrSchema();
  checkInt(sequence, "sequence", 1);
  const kind = kinds.toNumber.get(r.kind);
  if (kind === undefined) throw invalid("kind", `"${String(r.kind)}" is not a charging kind`);
  let destination = 0;
  if (r.destination !== undefined) {
    const value = destinations.toNumber.get(r.destination);
    if (value === undefined) {
      throw invalid("destination", `"${String(r.destination)}" is not a destination class`);
    }
    destination = value;
  }
  if (
    r.ratingGroup !== undefined &&
    !(Number.isInteger(r.ratingGroup) && r.ratingGroup >= 0 && r.ratingGroup <= 0xffffffff)
  ) {
    throw invalid("ratingGroup", `${r.ratingGroup} is not an unsigned 32-bit integer`);
  }
  for (const field of ["id", "accountId", "msisdn", "sessionId"] as const) {
    if (typeof r[field] !== "string") throw invalid(field, "not a string");
  }
  if (typeof r.throttled !== "boolean") throw invalid("throttled", "not a boolean");
  checkTime(r.startedAt, "startedAt");
  checkTime(r.endedAt, "endedAt");
  checkInt(r.units, "units", 0);
  checkInt(r.charge, "charge");
  checkInt(r.balanceAfter, "balanceAfter");
  for (const [source, units] of Object.entries(r.fromBuckets)) checkInt(units, `fromBuckets["${source}"]`, 0);
  return {
    sequence,
    id: r.id,
    account_id: r.accountId,
    msisdn: r.msisdn,
    session_id: r.sessionId,
    kind,
    ...(r.ratingGroup !== undefined ? { rating_group: r.ratingGroup } : {}),
    destination,
    started_at: r.startedAt,
    ended_at: r.endedAt,
    units: r.units,
    charge: r.charge,
    from_buckets: r.fromBuckets,
    balance_after: r.balanceAfter,
    throttled: r.throttled,
  };
}

function decodeWith<T>(type: protobuf.Type, body: Uint8Array): T {
  try {
    return type.decode(body) as unknown as T;
  } catch (error) {
    throw corrupt(`${type.name}: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}

function checkInt(value: number, field: string, min = Number.MIN_SAFE_INTEGER): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw invalid(
      field,
      `${value} is not ${min === 0 ? "a non-negative" : min === 1 ? "a positive" : "an"} integer below 2^53`,
    );
  }
}

function checkTime(value: number, field: string): void {
  if (!Number.isSafeInteger(value) || Math.abs(value) > MAX_TIME_MS) {
    throw invalid(field, `${value} is not a time in ms since the epoch`);
  }
}

/** A 64-bit value as a number: beyond ±(2^53 − 1) it cannot be one exactly, so it is corruption. */
function decodedInt(value: Int64, field: string): number {
  const n = typeof value === "number" ? value : longToNumber(value);
  if (n === undefined || !Number.isSafeInteger(n))
    throw corrupt(`${field} ${value.toString()} is beyond 2^53`);
  return n;
}

/** A Long's exact value, or undefined when its high word puts it beyond ±2^53 (no toString: hot path). */
function longToNumber(value: protobuf.Long): number | undefined {
  const high = value.unsigned ? value.high >>> 0 : value.high;
  if (high >= 2 ** 21 || high < -(2 ** 21)) return undefined;
  return high * 2 ** 32 + (value.low >>> 0);
}

function decodedTime(value: Int64, field: string): number {
  const n = decodedInt(value, field);
  if (Math.abs(n) > MAX_TIME_MS) throw corrupt(`${field} ${n} is out of the range of a date`);
  return n;
}

function invalid(field: string, reason: string): CdrError {
  return new CdrError("CDR_INVALID_RECORD", `${field}: ${reason}`);
}

function corrupt(reason: string, cause?: unknown): CdrError {
  return new CdrError("CDR_CORRUPT", reason, cause === undefined ? undefined : { cause });
}
