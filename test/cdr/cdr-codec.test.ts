import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  CDR_FORMAT_VERSION,
  decodeHeader,
  decodeRecord,
  encodeHeaderDelimited,
  encodeRecord,
  encodeRecordDelimited,
} from "../../core/cdr/cdr-codec.js";
import { CdrError } from "../../core/cdr/cdr-errors.js";
import { MAX_MESSAGE_BYTES } from "../../core/cdr/cdr-framing.js";
import { cdrSchema, findPackageRoot } from "../../core/cdr/cdr-schema.js";
import type { ChargingRecord } from "../../core/charging/model.js";
import { ROOT } from "../cli.js";
import { sampleRecord, T0 } from "./fixtures.js";

const KINDS: ChargingRecord["kind"][] = [
  "voice",
  "sms",
  "mms",
  "data",
  "fee",
  "topup",
  "refund",
  "adjustment",
];

function roundTrip(sequence: number, record: ChargingRecord): void {
  expect(decodeRecord(encodeRecord(sequence, record))).toEqual({ sequence, record });
}

function errorOf(fn: () => unknown): CdrError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CdrError) return error;
    throw error;
  }
  throw new Error("expected a CdrError");
}

/** Encodes a raw ChargingDataRecord message, bypassing the model's checks. */
function rawRecord(fields: Record<string, unknown>): Uint8Array {
  return cdrSchema()
    .record.encode({ sequence: 1, kind: 1, ...fields })
    .finish();
}

describe("CDR codec", () => {
  it("finds proto/cdr.proto from the sources and from dist/", () => {
    expect(cdrSchema().protoPath).toBe(join(ROOT, "proto", "cdr.proto"));
    expect(findPackageRoot(join(ROOT, "dist", "core", "cdr"))).toBe(ROOT.replace(/\/$/, ""));
    expect(() => findPackageRoot("/")).toThrow(/no package root/);
  });

  it("round-trips a data record", () => {
    roundTrip(1, sampleRecord(1));
  });

  it("round-trips 64-bit values beyond 2^32 and negative money", () => {
    roundTrip(2 ** 40 + 3, {
      ...sampleRecord(2),
      kind: "topup",
      ratingGroup: undefined,
      units: 2 ** 40 + 7,
      charge: -(2 ** 35) - 1,
      fromBuckets: { big: 2 ** 33 + 1, zero: 0 },
      balanceAfter: -(2 ** 36),
    });
    roundTrip(Number.MAX_SAFE_INTEGER, {
      ...sampleRecord(3),
      units: Number.MAX_SAFE_INTEGER,
      charge: Number.MIN_SAFE_INTEGER,
      balanceAfter: Number.MAX_SAFE_INTEGER,
      startedAt: -8.64e15,
      endedAt: 8.64e15,
    });
  });

  it("keeps rating group 0 apart from no rating group, and an empty bucket map", () => {
    roundTrip(5, { ...sampleRecord(5), ratingGroup: 0, fromBuckets: {} });
    roundTrip(6, { ...sampleRecord(6), ratingGroup: undefined, fromBuckets: {} });
    roundTrip(7, { ...sampleRecord(7), ratingGroup: 0xffffffff });
  });

  it("round-trips every kind and destination class", () => {
    for (const kind of KINDS) roundTrip(1, { ...sampleRecord(1), kind });
    for (const destination of [
      "on-net",
      "on-net-3g",
      "off-net",
      "international",
      "favorite",
      "cug",
    ] as const) {
      roundTrip(1, { ...sampleRecord(1), kind: "voice", destination, throttled: true });
    }
  });

  it("matches the golden bytes of proto/cdr.proto", () => {
    const record: ChargingRecord = {
      id: "r1",
      accountId: "a",
      msisdn: "375",
      sessionId: "s",
      kind: "sms",
      ratingGroup: 3,
      destination: "off-net",
      startedAt: 1000,
      endedAt: 2000,
      units: 1,
      charge: -2,
      fromBuckets: { b: 1 },
      balanceAfter: 500,
      throttled: true,
    };
    // 08 01            sequence = 1
    // 12 02 7231       id = "r1"
    // 1a 01 61         account_id = "a"
    // 22 03 333735     msisdn = "375"
    // 2a 01 73         session_id = "s"
    // 30 02            kind = CHARGING_KIND_SMS
    // 38 03            rating_group = 3
    // 40 03            destination = DESTINATION_CLASS_OFF_NET
    // 48 e807          started_at = 1000
    // 50 d00f          ended_at = 2000
    // 58 01            units = 1
    // 60 03            charge = -2 (zigzag)
    // 6a 05 0a0162 1001  from_buckets {"b": 1}
    // 70 e807          balance_after = 500 (zigzag 1000)
    // 78 01            throttled = true
    const golden =
      "0801" +
      "12027231" +
      "1a0161" +
      "2203333735" +
      "2a0173" +
      "3002" +
      "3803" +
      "4003" +
      "48e807" +
      "50d00f" +
      "5801" +
      "6003" +
      "6a050a01621001" +
      "70e807" +
      "7801";
    expect(Buffer.from(encodeRecord(1, record)).toString("hex")).toBe(golden);
    expect(Buffer.from(encodeRecordDelimited(1, record)).toString("hex")).toBe(
      (golden.length / 2).toString(16).padStart(2, "0") + golden,
    );
    expect(decodeRecord(Buffer.from(golden, "hex"))).toEqual({ sequence: 1, record });
  });

  it("refuses a record it cannot write, naming the field", () => {
    const cases: [Partial<ChargingRecord>, string][] = [
      [{ units: -1 }, "units"],
      [{ units: 1.5 }, "units"],
      [{ units: 2 ** 53 }, "units"],
      [{ charge: Number.NaN }, "charge"],
      [{ balanceAfter: Number.POSITIVE_INFINITY }, "balanceAfter"],
      [{ ratingGroup: 2 ** 32 }, "ratingGroup"],
      [{ ratingGroup: -1 }, "ratingGroup"],
      [{ startedAt: 1e16 }, "startedAt"],
      [{ endedAt: 0.5 }, "endedAt"],
      [{ fromBuckets: { x: -3 } }, 'fromBuckets["x"]'],
      [{ kind: "roaming" as ChargingRecord["kind"] }, "kind"],
      [{ destination: "mars" as ChargingRecord["destination"] }, "destination"],
    ];
    for (const [overrides, field] of cases) {
      const error = errorOf(() => encodeRecord(1, { ...sampleRecord(1), ...overrides }));
      expect(error.code).toBe("CDR_INVALID_RECORD");
      expect(error.message.startsWith(`${field}: `)).toBe(true);
    }
    expect(errorOf(() => encodeRecord(0, sampleRecord(1))).message).toMatch(/^sequence: /);
    const huge = sampleRecord(1, { sessionId: "s".repeat(MAX_MESSAGE_BYTES) });
    expect(errorOf(() => encodeRecordDelimited(1, huge)).message).toMatch(/^record: \d+ bytes encoded/);
    const largest = sampleRecord(1, { sessionId: "s".repeat(MAX_MESSAGE_BYTES - 200) });
    expect(decodeRecord(encodeRecord(1, largest)).record).toEqual(largest);
  });

  it("rejects decoded values the model cannot hold", () => {
    const cases: [Uint8Array, RegExp][] = [
      [rawRecord({ kind: 0 }), /kind 0/],
      [rawRecord({ kind: 99 }), /kind 99/],
      [rawRecord({ destination: 42 }), /destination 42/],
      [rawRecord({ sequence: 0 }), /sequence 0/],
      [rawRecord({ units: "18446744073709551615" }), /units .* beyond 2\^53/],
      [rawRecord({ charge: "-9007199254740993" }), /charge .* beyond 2\^53/],
      [rawRecord({ started_at: "8640000000000001" }), /started_at/],
      [rawRecord({ from_buckets: { x: "9007199254740992" } }), /from_buckets/],
      [Uint8Array.from([0x0a, 0x05, 0x01]), /ChargingDataRecord/],
    ];
    for (const [bytes, reason] of cases) {
      const error = errorOf(() => decodeRecord(bytes));
      expect(error.code).toBe("CDR_CORRUPT");
      expect(error.message).toMatch(reason);
    }
  });

  it("throws nothing but CdrError for random bytes", () => {
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    const good = encodeRecord(9, sampleRecord(9));
    for (let i = 0; i < 20_000; i++) {
      const bytes =
        i % 2 === 0
          ? Uint8Array.from({ length: random() % 80 }, () => random() & 0xff)
          : good.map((byte, at) => (at === random() % good.length ? random() & 0xff : byte));
      try {
        decodeRecord(bytes);
      } catch (error) {
        expect(error).toBeInstanceOf(CdrError);
      }
    }
  });

  it("writes and checks the file header", () => {
    const framed = encodeHeaderDelimited(T0, 42);
    expect(decodeHeader(framed.subarray(1))).toEqual({
      format: "telsim-cdr",
      version: CDR_FORMAT_VERSION,
      createdAt: T0,
      firstSequence: 42,
    });
    const other = cdrSchema().header.encode({ format: "something-else", version: 1 }).finish();
    expect(errorOf(() => decodeHeader(other)).code).toBe("CDR_CORRUPT");
    const newer = cdrSchema().header.encode({ format: "telsim-cdr", version: 2 }).finish();
    expect(errorOf(() => decodeHeader(newer)).code).toBe("CDR_UNSUPPORTED_VERSION");
  });
});
