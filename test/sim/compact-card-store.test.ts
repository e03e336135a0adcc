import { describe, expect, it } from "vitest";
import { CsvBatchReader, formatCsv } from "../../sim/batch-csv.js";
import { generateBatch, generateRows } from "../../sim/batch-generate.js";
import { type SimCard, SQN_SLOTS } from "../../sim/card.js";
import { addingRowsTo, CARD_RECORD_BYTES, CompactCardStore } from "../../sim/compact-card-store.js";
import { SimInputError } from "../../sim/errors.js";

function simError(fn: () => unknown): SimInputError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SimInputError) return error;
    throw error;
  }
  throw new Error("expected a SimInputError");
}

/** A card with every mutable field away from its issued value. */
function used(card: SimCard): SimCard {
  const sqn = new Array<number>(SQN_SLOTS).fill(0);
  sqn[0] = 5;
  sqn[7] = 2 ** 48 - 1;
  sqn[31] = 123_456_789_012;
  return {
    ...card,
    mncLength: card.mncLength === 2 ? 3 : 2,
    k: "00112233445566778899aabbccddeeff",
    opc: "ffeeddccbbaa99887766554433221100",
    pin1: { value: "12345678", enabled: false, triesLeft: 0, verified: true },
    pin2: { value: "00001", enabled: false, triesLeft: 1, verified: true },
    puk1: { value: "00000000", triesLeft: 0 },
    puk2: { value: "99999999", triesLeft: 9 },
    sqn,
  };
}

describe("CompactCardStore", () => {
  it("holds 10,000 cards and gives every field back", () => {
    const rows = generateBatch({ count: 10_000, seed: "store" });
    const store = new CompactCardStore();
    for (const [i, row] of rows.entries()) expect(store.add(row.card, row.imei)).toBe(i);
    expect(store.size).toBe(10_000);
    for (const [i, row] of rows.entries()) {
      expect(store.get(i)).toEqual(row.card);
      expect(store.imeiOf(i)).toBe(row.imei);
    }
    expect(Array.from(store, ({ card, imei }) => ({ card, imei }))).toEqual(rows);
    expect(Array.from(store.rows(), (r) => r.index).slice(0, 3)).toEqual([0, 1, 2]);
  });

  it("finds cards by IMSI, MSISDN (with or without +), ICCID and IMEI", () => {
    const rows = generateBatch({ count: 5000, seed: "find" });
    const store = new CompactCardStore({ capacity: 100 });
    store.addRows(rows);
    for (const [i, { card, imei }] of rows.entries()) {
      expect(store.findByImsi(card.imsi)).toBe(i);
      expect(store.findByMsisdn(card.msisdn)).toBe(i);
      expect(store.findByMsisdn(`+${card.msisdn}`)).toBe(i);
      expect(store.findByIccid(card.iccid)).toBe(i);
      expect(store.findByImei(imei)).toBe(i);
    }
    expect(store.findByImsi("257010000000000")).toBeUndefined();
    expect(store.findByImsi("not digits")).toBeUndefined();
    expect(store.findByImsi("1234567890123456789")).toBeUndefined();
    expect(store.findByMsisdn("375290000000")).toBeUndefined();
  });

  it("tells IMSIs apart that differ only in leading zeros or length", () => {
    const [a, b] = generateBatch({ count: 2, seed: "lengths" });
    const store = new CompactCardStore();
    store.add({ ...a!.card, imsi: "001010000000001" }, a!.imei);
    store.add({ ...b!.card, imsi: "01010000000001" }, b!.imei);
    expect(store.findByImsi("001010000000001")).toBe(0);
    expect(store.findByImsi("01010000000001")).toBe(1);
    expect(store.findByImsi("1010000000001")).toBeUndefined();
    expect(store.get(1).imsi).toBe("01010000000001");
  });

  it("writes back counters, flags, PINs, keys and SQN slots", () => {
    const rows = generateBatch({ count: 3, seed: "update" });
    const store = new CompactCardStore();
    store.addRows(rows);
    const changed = used(rows[1]!.card);
    store.update(1, changed);
    expect(store.get(1)).toEqual(changed);
    expect(store.get(0)).toEqual(rows[0]!.card);
    expect(store.get(2)).toEqual(rows[2]!.card);

    // One non-zero slot (kept inline), then all zeros again.
    const oneSlot = { ...changed, sqn: changed.sqn.map((v, slot) => (slot === 31 ? v : 0)) };
    store.update(1, oneSlot);
    expect(store.get(1)).toEqual(oneSlot);
    store.update(1, rows[1]!.card);
    expect(store.get(1)).toEqual(rows[1]!.card);
  });

  it("refuses an update that changes an identity, and bad state", () => {
    const rows = generateBatch({ count: 2, seed: "immutable" });
    const store = new CompactCardStore();
    store.addRows(rows);
    expect(() => store.update(0, { ...rows[0]!.card, imsi: rows[1]!.card.imsi })).toThrow(/imsi/);
    expect(() => store.update(0, { ...rows[0]!.card, msisdn: rows[1]!.card.msisdn })).toThrow(/msisdn/);
    expect(() => store.update(2, rows[0]!.card)).toThrow(RangeError);
    const card = rows[0]!.card;
    expect(simError(() => store.update(0, { ...card, pin1: { ...card.pin1, triesLeft: 4 } })).field).toBe(
      "pin1.triesLeft",
    );
    expect(simError(() => store.update(0, { ...card, puk2: { ...card.puk2, triesLeft: 11 } })).field).toBe(
      "puk2.triesLeft",
    );
    expect(simError(() => store.update(0, { ...card, sqn: [1] })).field).toBe("sqn");
    expect(simError(() => store.update(0, { ...card, sqn: card.sqn.map(() => 2 ** 48) })).field).toBe("sqn");
    expect(simError(() => store.update(0, { ...card, k: "00" })).field).toBe("k");
    expect(
      simError(() => store.update(0, { ...card, pin2: { ...card.pin2, value: "123456789" } })).field,
    ).toBe("pin2");
    // A refused update leaves the card as it was.
    expect(store.get(0)).toEqual(card);
  });

  it("rejects duplicate identities without adding anything", () => {
    const [a, b] = generateBatch({ count: 2, seed: "dup" });
    const store = new CompactCardStore();
    store.add(a!.card, a!.imei);
    for (const [column, card, imei] of [
      ["iccid", { ...b!.card, iccid: a!.card.iccid }, b!.imei],
      ["imsi", { ...b!.card, imsi: a!.card.imsi }, b!.imei],
      ["msisdn", { ...b!.card, msisdn: a!.card.msisdn }, b!.imei],
      ["imei", b!.card, a!.imei],
    ] as const) {
      const error = simError(() => store.add(card, imei));
      expect(error.code).toBe("SIM_DUPLICATE");
      expect(error.field).toBe(column);
      expect(error.message).toContain("is already card 0");
      expect(store.size).toBe(1);
    }
    expect(store.add(b!.card, b!.imei)).toBe(1);
    expect(store.get(1)).toEqual(b!.card);
  });

  it("rejects digits that do not fit and non-digits", () => {
    const [a] = generateBatch({ count: 1, seed: "fit" });
    const store = new CompactCardStore();
    expect(simError(() => store.add({ ...a!.card, imsi: "1234567890123456789" }, a!.imei)).code).toBe(
      "SIM_BAD_LENGTH",
    );
    expect(simError(() => store.add({ ...a!.card, msisdn: "+375291234567" }, a!.imei)).code).toBe(
      "SIM_BAD_DIGITS",
    );
    expect(store.size).toBe(0);
  });

  it("imports a CSV batch straight into the store, naming duplicate rows", () => {
    const rows = generateBatch({ count: 20, seed: "import" });
    const store = new CompactCardStore();
    const reader = new CsvBatchReader(addingRowsTo(store));
    reader.push(formatCsv(rows));
    expect(reader.end()).toBe(20);
    expect(Array.from(store, (r) => r.card)).toEqual(rows.map((r) => r.card));

    const again = new CsvBatchReader(addingRowsTo(store));
    const error = simError(() => again.push(formatCsv(rows.slice(0, 1))));
    expect(error.message).toBe(`row 1: iccid ${rows[0]!.card.iccid} is already card 0`);

    const fresh = new CompactCardStore();
    const twice = new CsvBatchReader(addingRowsTo(fresh));
    const csv = formatCsv([rows[0]!, rows[1]!]);
    twice.push(csv + csv.split("\n")[1]);
    expect(store.size).toBe(20);
    expect(simError(() => twice.end()).message).toBe(`row 3: iccid ${rows[0]!.card.iccid} repeats row 1`);
  });

  it("stays compact: record slab, state, SQN and indexes", () => {
    const store = new CompactCardStore({ capacity: 10_000 });
    store.addRows(generateRows({ count: 10_000, seed: "bytes" }));
    const perCard = store.allocatedBytes / 10_000;
    expect(CARD_RECORD_BYTES).toBe(82);
    // 82 + 4 + 8 bytes per card, and 4 indexes of 2^15 four-byte slots for 10,000 cards.
    expect(perCard).toBeLessThan(150);
  });
});
