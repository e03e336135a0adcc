import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { appendLuhn, isLuhnValid, luhnCheckDigit } from "../../sim/luhn.js";

describe("Luhn", () => {
  it("accepts published valid ICCIDs", () => {
    expect(isLuhnValid("8988211000000430010")).toBe(true);
    expect(isLuhnValid("8949440000001155314")).toBe(true);
  });

  it("rejects an ICCID seen in the wild with a wrong check digit", () => {
    // The legacy Android emulator's ICCID; its Luhn digit would be different.
    expect(isLuhnValid("89014103211118518720")).toBe(false);
  });

  it("computes check digits of known IMEIs", () => {
    expect(luhnCheckDigit("86740002204719")).toBe(9); // IMEI 867400022047199
    expect(luhnCheckDigit("35693803564380")).toBe(9); // 356938035643803 is not Luhn-valid
    expect(isLuhnValid("356938035643803")).toBe(false);
    expect(luhnCheckDigit("7992739871")).toBe(3);
  });

  it("appends the digit that makes the number valid", () => {
    expect(appendLuhn("893752570100000001")).toBe("8937525701000000012");
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{1,30}$/), (payload) => {
        expect(isLuhnValid(appendLuhn(payload))).toBe(true);
      }),
    );
  });

  it("detects every single-digit error", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9]{2,25}$/),
        fc.nat(),
        fc.integer({ min: 1, max: 9 }),
        (payload, at, delta) => {
          const valid = appendLuhn(payload);
          const i = at % valid.length;
          const changed = valid.slice(0, i) + String((Number(valid[i]) + delta) % 10) + valid.slice(i + 1);
          expect(isLuhnValid(changed)).toBe(false);
        },
      ),
    );
  });

  it("treats too-short input as invalid", () => {
    expect(isLuhnValid("")).toBe(false);
    expect(isLuhnValid("0")).toBe(false);
  });
});
