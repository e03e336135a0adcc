import { describe, expect, it } from "vitest";
import { SimInputError } from "../../sim/errors.js";
import { iccidPrefix, iccidSerialDigits, makeIccid, validateIccid } from "../../sim/iccid.js";
import { makeImei, makeImeisv, nextImei, validateImei, validateImeisv } from "../../sim/imei.js";
import { makeImsi, msinDigits, splitImsi, validateImsi, validatePlmn } from "../../sim/imsi.js";
import { isLuhnValid } from "../../sim/luhn.js";
import { makeMsisdn, normaliseMsisdn } from "../../sim/msisdn.js";

/** Runs `fn` and returns the SimInputError it throws. */
function simError(fn: () => unknown): SimInputError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SimInputError) return error;
    throw error;
  }
  throw new Error("expected a SimInputError");
}

describe("ICCID (E.118)", () => {
  it("generates 89 375 01 + serial + Luhn, 19 digits by default", () => {
    expect(iccidPrefix()).toBe("8937501");
    expect(iccidSerialDigits()).toBe(11);
    const iccid = makeIccid(1);
    expect(iccid).toHaveLength(19);
    expect(iccid.startsWith("893750100000000001")).toBe(true);
    expect(isLuhnValid(iccid)).toBe(true);
    expect(makeIccid(42, { length: 20 })).toMatch(/^8937501000000000042\d$/);
  });

  it("follows the layout's issuer and accepts the pySim-style example (89 375 25701 + serial 1)", () => {
    expect(makeIccid(1, { issuer: "2570" })).toBe("8937525700000000014");
    expect(validateIccid("8937525701000000012")).toBe("8937525701000000012");
    expect(() => makeIccid(1, { issuer: "25701" })).toThrow(SimInputError);
    expect(() => makeIccid(10 ** 11)).toThrow(RangeError);
  });

  it("accepts valid ICCIDs and checks the country code when asked", () => {
    expect(validateIccid("8988211000000430010")).toBe("8988211000000430010");
    expect(validateIccid("8949440000001155314")).toBe("8949440000001155314");
    expect(validateIccid(makeIccid(7), { countryCode: "375" })).toBe(makeIccid(7));
    const wrongCountry = simError(() => validateIccid("8949440000001155314", { countryCode: "375" }));
    expect(wrongCountry.code).toBe("SIM_BAD_PREFIX");
  });

  it("names the wrong check digit and the expected one", () => {
    const error = simError(() => validateIccid("8937525701000000017"));
    expect(error.code).toBe("SIM_BAD_CHECK_DIGIT");
    expect(error.field).toBe("iccid");
    expect(error.message).toBe("iccid: check digit 7 does not match Luhn 2");
  });

  it("rejects non-digits, wrong lengths and a wrong MII", () => {
    expect(simError(() => validateIccid("89375x1000000000012")).code).toBe("SIM_BAD_DIGITS");
    expect(simError(() => validateIccid("893750100000000")).code).toBe("SIM_BAD_LENGTH");
    expect(simError(() => validateIccid("893750100000000000123")).code).toBe("SIM_BAD_LENGTH");
    const mii = simError(() => validateIccid("9837501000000000012"));
    expect(mii.code).toBe("SIM_BAD_PREFIX");
    expect(mii.message).toContain("MII 89");
  });
});

describe("IMSI (TS 23.003 §2.2)", () => {
  it("fills MCC + MNC + MSIN to 15 digits", () => {
    const plmn = validatePlmn("257", "01");
    expect(msinDigits(plmn)).toBe(10);
    expect(makeImsi(plmn, 42)).toBe("257010000000042");
    expect(makeImsi(validatePlmn("001", "001"), 1)).toBe("001001000000001");
    expect(splitImsi("257010000000042", 2)).toEqual({ mcc: "257", mnc: "01", msin: "0000000042" });
    expect(splitImsi("310410000000001", 3)).toEqual({ mcc: "310", mnc: "410", msin: "000000001" });
  });

  it("validates MCC and MNC", () => {
    expect(simError(() => validatePlmn("25", "01")).field).toBe("mcc");
    expect(simError(() => validatePlmn("257", "1")).field).toBe("mnc");
    expect(simError(() => validatePlmn("257", "0001")).code).toBe("SIM_BAD_LENGTH");
    expect(simError(() => validatePlmn("2a7", "01")).code).toBe("SIM_BAD_DIGITS");
  });

  it("accepts 6-15 digits and checks the PLMN when given", () => {
    expect(validateImsi("228062800000208")).toBe("228062800000208");
    expect(validateImsi("257011")).toBe("257011");
    expect(simError(() => validateImsi("25701")).code).toBe("SIM_BAD_LENGTH");
    expect(simError(() => validateImsi("2570100000000001")).code).toBe("SIM_BAD_LENGTH");
    expect(simError(() => validateImsi("25701000000000a")).code).toBe("SIM_BAD_DIGITS");
    const other = simError(() => validateImsi("257020000000001", { mcc: "257", mnc: "01" }));
    expect(other.code).toBe("SIM_BAD_PREFIX");
    expect(other.message).toBe('imsi: must start with MCC 257 and MNC 01, got "25702"');
  });
});

describe("MSISDN (E.164, Belarus)", () => {
  it("normalises a leading +", () => {
    expect(normaliseMsisdn("+375291234567")).toBe("375291234567");
    expect(normaliseMsisdn("375441234567")).toBe("375441234567");
    expect(makeMsisdn("33", 42)).toBe("375330000042");
  });

  it("rejects a wrong country code, network code, length or characters", () => {
    expect(simError(() => normaliseMsisdn("+48291234567")).code).toBe("SIM_BAD_LENGTH");
    expect(simError(() => normaliseMsisdn("485291234567")).code).toBe("SIM_BAD_PREFIX");
    const landline = simError(() => normaliseMsisdn("375171234567"));
    expect(landline.code).toBe("SIM_BAD_PREFIX");
    expect(landline.message).toContain("network code 17");
    expect(simError(() => normaliseMsisdn("+375 29 1234567")).code).toBe("SIM_BAD_DIGITS");
    expect(simError(() => normaliseMsisdn("++375291234567")).code).toBe("SIM_BAD_DIGITS");
  });
});

describe("IMEI and IMEISV (TS 23.003 §6.2)", () => {
  it("builds TAC + SNR + Luhn", () => {
    expect(makeImei("86740002", 204719)).toBe("867400022047199");
    expect(validateImei("867400022047199")).toBe("867400022047199");
  });

  it("increments the serial and recomputes the check digit", () => {
    expect(nextImei("867400022047199")).toBe(makeImei("86740002", 204720));
    expect(isLuhnValid(nextImei("867400022047199"))).toBe(true);
    expect(() => nextImei(makeImei("86740002", 999999))).toThrow(RangeError);
  });

  it("rejects a number whose check digit is wrong", () => {
    const error = simError(() => validateImei("356938035643803"));
    expect(error.code).toBe("SIM_BAD_CHECK_DIGIT");
    expect(error.message).toBe("imei: check digit 3 does not match Luhn 9");
    expect(simError(() => validateImei("86740002204719")).code).toBe("SIM_BAD_LENGTH");
  });

  it("derives the 16-digit IMEISV", () => {
    expect(makeImeisv("867400022047199", 1)).toBe("8674000220471901");
    expect(validateImeisv("8674000220471901")).toBe("8674000220471901");
    expect(simError(() => validateImeisv("867400022047199")).code).toBe("SIM_BAD_LENGTH");
  });
});
