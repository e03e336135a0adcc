import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateBatch, generateRows, maxBatchCount, TEST_CARD_CODES } from "../../sim/batch-generate.js";
import { PIN_MAX_TRIES, PUK_MAX_TRIES, SQN_SLOTS } from "../../sim/card.js";
import { SimInputError } from "../../sim/errors.js";
import { validateIccid } from "../../sim/iccid.js";
import { validateImei } from "../../sim/imei.js";
import { validateImsi } from "../../sim/imsi.js";
import { normaliseMsisdn } from "../../sim/msisdn.js";

describe("generateBatch", () => {
  it("issues valid, fresh cards with an IMEI each", () => {
    const rows = generateBatch({ count: 50, seed: "fresh" });
    expect(rows).toHaveLength(50);
    for (const { card, imei } of rows) {
      expect(validateIccid(card.iccid, { countryCode: "375" })).toHaveLength(19);
      expect(card.iccid.startsWith("8937501")).toBe(true);
      expect(validateImsi(card.imsi, { mcc: "257", mnc: "01" })).toHaveLength(15);
      expect(card.mncLength).toBe(2);
      expect(normaliseMsisdn(card.msisdn)).toBe(card.msisdn);
      expect(validateImei(imei)).toBe(imei);
      expect(card.k).toMatch(/^[0-9a-f]{32}$/);
      expect(card.opc).toMatch(/^[0-9a-f]{32}$/);
      expect(card.k).not.toBe(card.opc);
      expect(card.pin1).toEqual({
        value: expect.stringMatching(/^\d{4}$/),
        enabled: true,
        triesLeft: PIN_MAX_TRIES,
        verified: false,
      });
      expect(card.pin2).toEqual({
        value: expect.stringMatching(/^\d{4}$/),
        enabled: true,
        triesLeft: PIN_MAX_TRIES,
        verified: false,
      });
      expect(card.puk1).toEqual({ value: expect.stringMatching(/^\d{8}$/), triesLeft: PUK_MAX_TRIES });
      expect(card.puk2).toEqual({ value: expect.stringMatching(/^\d{8}$/), triesLeft: PUK_MAX_TRIES });
      expect(card.sqn).toEqual(new Array(SQN_SLOTS).fill(0));
    }
  });

  it("is deterministic per seed and differs between seeds", () => {
    expect(generateBatch({ count: 20, seed: 7 })).toEqual(generateBatch({ count: 20, seed: "7" }));
    const a = generateBatch({ count: 20, seed: "a" });
    const b = generateBatch({ count: 20, seed: "b" });
    expect(a.map((r) => r.card.k)).not.toEqual(b.map((r) => r.card.k));
    expect(a.map((r) => r.card.msisdn)).not.toEqual(b.map((r) => r.card.msisdn));
  });

  it("produces the same rows in slices (startIndex) as in one go", () => {
    const whole = generateBatch({ count: 30, seed: "slices" });
    const first = generateBatch({ count: 12, seed: "slices" });
    const rest = generateBatch({ count: 18, seed: "slices", startIndex: 12 });
    expect([...first, ...rest]).toEqual(whole);
  });

  it("keeps ICCID, IMSI, MSISDN and IMEI unique within a batch", () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.integer({ min: 1, max: 300 }),
        fc.constantFrom("01", "001"),
        (seed, count, mnc) => {
          const rows = generateBatch({ count, seed, mnc });
          for (const pick of [
            (r: (typeof rows)[number]) => r.card.iccid,
            (r: (typeof rows)[number]) => r.card.imsi,
            (r: (typeof rows)[number]) => r.card.msisdn,
            (r: (typeof rows)[number]) => r.imei,
          ]) {
            expect(new Set(rows.map(pick)).size).toBe(count);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it("keeps MSISDNs unique over a large batch in a single network code", () => {
    const msisdns = new Set<string>();
    let otherCodes = 0;
    for (const row of generateRows({ count: 100_000, seed: "one-code", networkCodes: ["44"] })) {
      if (!row.card.msisdn.startsWith("37544")) otherCodes++;
      msisdns.add(row.card.msisdn);
    }
    expect(otherCodes).toBe(0);
    expect(msisdns.size).toBe(100_000);
  });

  it("uses a 3-digit MNC and other MCCs", () => {
    const [row] = generateBatch({ count: 1, seed: 1, mcc: "001", mnc: "001" });
    expect(row!.card.imsi).toMatch(/^001001\d{9}$/);
    expect(row!.card.mncLength).toBe(3);
  });

  it("gives the 3GPP test card codes with testCard", () => {
    const [row] = generateBatch({ count: 1, seed: 1, testCard: true });
    expect(row!.card.pin1.value).toBe("0000");
    expect(row!.card.puk1.value).toBe("11111111");
    expect(row!.card.pin2.value).toBe("9999");
    expect(row!.card.puk2.value).toBe("22222222");
    expect(TEST_CARD_CODES).toEqual({ pin1: "0000", puk1: "11111111", pin2: "9999", puk2: "22222222" });
  });

  it("honours the ICCID layout and the TAC", () => {
    const [row] = generateBatch({ count: 1, seed: 1, iccid: { length: 20, issuer: "02" }, tac: "86740002" });
    expect(row!.card.iccid).toMatch(/^8937502\d{13}$/);
    expect(row!.imei.slice(0, 6)).toBe("867400");
  });

  it("rejects bad options", () => {
    expect(() => generateBatch({ count: 0, seed: 1 })).toThrow(RangeError);
    expect(() => generateBatch({ count: 1.5, seed: 1 })).toThrow(RangeError);
    expect(() => generateBatch({ count: 1, seed: 1, startIndex: -1 })).toThrow(RangeError);
    expect(() => generateBatch({ count: maxBatchCount() + 1, seed: 1 })).toThrow(/at most 40000000/);
    expect(() => generateBatch({ count: 1, seed: 1, mcc: "25" })).toThrow(SimInputError);
    expect(() => generateBatch({ count: 1, seed: 1, mnc: "1" })).toThrow(SimInputError);
    expect(() => generateBatch({ count: 1, seed: 1, networkCodes: ["17"] })).toThrow(SimInputError);
    expect(() => generateBatch({ count: 1, seed: 1, networkCodes: [] })).toThrow(SimInputError);
    expect(() => generateBatch({ count: 1, seed: 1, tac: "9999999" })).toThrow(SimInputError);
    expect(() => generateBatch({ count: 1, seed: 1, tac: "99999950" })).toThrow(SimInputError);
  });

  it("states the largest batch", () => {
    expect(maxBatchCount()).toBe(40_000_000);
    expect(maxBatchCount({ networkCodes: ["29"] })).toBe(10_000_000);
  });
});
