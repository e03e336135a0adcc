import { describe, expect, it } from "vitest";
import { generateAuthVector, resynchronise } from "../../sim/aka-network.js";
import { SimInputError } from "../../sim/errors.js";
import { parseHex, toHex } from "../../sim/hex.js";
import { Milenage } from "../../sim/milenage.js";
import { DEFAULT_WRAP_LIMIT, makeSqn } from "../../sim/sqn.js";

const bytes = (hex: string): Uint8Array => parseHex("test", hex);
const fixedRand =
  (hex: string) =>
  (length: number): Uint8Array =>
    bytes(hex).subarray(0, length);

const KEY = "000102030405060708090a0b0c0d0e0f";
const milenage = new Milenage(bytes(KEY), bytes(KEY));
const RAND0 = new Uint8Array(16);
const zeroRand = (length: number): Uint8Array => new Uint8Array(length);

describe("generateAuthVector", () => {
  it("reproduces the worked example AUTNs for SQN 34 and 48 (AMF 0000, RAND 0)", () => {
    const v34 = generateAuthVector(milenage, 34, bytes("0000"), zeroRand);
    expect(toHex(v34.autn)).toBe("ec9320c2c2120000c8b7de2a3449f1bd");
    expect(toHex(v34.xres)).toBe("e9fc88ccc8a35381");
    expect(toHex(v34.ck)).toBe("7200a184d8f2c758fbdf87900ddbf275");
    expect(toHex(v34.ik)).toBe("12cb2dd3e0ec8378f6fc1d606c619f47");
    expect(toHex(v34.ak)).toBe("ec9320c2c230");
    expect(v34.sqn).toBe(34);
    expect(toHex(generateAuthVector(milenage, 48, bytes("0000"), zeroRand).autn)).toBe(
      "ec9320c2c2000000e1dd22c1ad3e2d3d",
    );
  });

  it("builds AUTN = SQN xor AK || AMF || MAC-A for TS 35.208 test set 1", () => {
    const set1 = Milenage.fromOp(
      bytes("465b5ce8b199b49faa5f0a2ee238a6bc"),
      bytes("cdc202d5123e20f62b6d676ac72cb318"),
    );
    const v = generateAuthVector(
      set1,
      0xff9bb4d0b607,
      bytes("b9b9"),
      fixedRand("23553cbe9637a89d218ae64dae47bf35"),
    );
    // ff9bb4d0b607 xor aa689c648370 = 55f328b43577
    expect(toHex(v.autn)).toBe("55f328b43577b9b94a9ffac354dfafb3");
    expect(toHex(v.rand)).toBe("23553cbe9637a89d218ae64dae47bf35");
    expect(toHex(v.xres)).toBe("a54211d5e3ba50bf");
  });

  it("takes RAND from the injected RNG and checks its length", () => {
    expect(() => generateAuthVector(milenage, 34, bytes("0000"), () => new Uint8Array(8))).toThrow(
      SimInputError,
    );
    expect(() => generateAuthVector(milenage, 34, bytes("00"), zeroRand)).toThrow(SimInputError);
    expect(() => generateAuthVector(milenage, 2 ** 48, bytes("0000"), zeroRand)).toThrow(SimInputError);
  });
});

describe("resynchronise (TS 33.102 §6.3.5)", () => {
  const AUTS_31 = bytes("8711a0ec9e1637df17f80b384ee4");
  const AUTS_34 = bytes("8711a0ec9e2be2f766881a64605b");

  it("recovers SQN_MS from AUTS and resets a network SQN that is behind", () => {
    // SQN_MS 34 is SEQ 1: a network at SEQ 0 would next send SEQ 1, which the card rejects.
    expect(resynchronise(milenage, RAND0, AUTS_34, 5)).toEqual({
      kind: "resynchronised",
      sqnMs: 34,
      sqn: 34,
    });
  });

  it("keeps a network SQN whose next SEQ the card would accept", () => {
    // SQN_MS 31 is SEQ 0: from SQN 0 the next vector has SEQ 1, already fresh.
    expect(resynchronise(milenage, RAND0, AUTS_31, 0)).toEqual({ kind: "resynchronised", sqnMs: 31, sqn: 0 });
    expect(resynchronise(milenage, RAND0, AUTS_34, 34)).toEqual({
      kind: "resynchronised",
      sqnMs: 34,
      sqn: 34,
    });
    const ahead = makeSqn(5, 3);
    expect(resynchronise(milenage, RAND0, AUTS_34, ahead)).toEqual({
      kind: "resynchronised",
      sqnMs: 34,
      sqn: ahead,
    });
  });

  it("resets a network SQN that is more than Δ ahead", () => {
    const farAhead = makeSqn(DEFAULT_WRAP_LIMIT + 1, 0);
    expect(resynchronise(milenage, RAND0, AUTS_34, farAhead)).toEqual({
      kind: "resynchronised",
      sqnMs: 34,
      sqn: 34,
    });
  });

  it("returns mac-s-failure for a bad MAC-S, a wrong RAND or a wrong K", () => {
    const tampered = AUTS_31.slice();
    tampered[13]! ^= 1;
    expect(resynchronise(milenage, RAND0, tampered, 0)).toEqual({ kind: "mac-s-failure" });
    const otherRand = RAND0.slice();
    otherRand[0] = 1;
    expect(resynchronise(milenage, otherRand, AUTS_31, 0)).toEqual({ kind: "mac-s-failure" });
    const otherKey = new Milenage(bytes("ff0102030405060708090a0b0c0d0e0f"), bytes(KEY));
    expect(resynchronise(otherKey, RAND0, AUTS_31, 0)).toEqual({ kind: "mac-s-failure" });
  });

  it("throws SimInputError for an AUTS that is not 14 bytes", () => {
    expect(() => resynchronise(milenage, RAND0, AUTS_31.subarray(0, 13), 0)).toThrow(SimInputError);
  });
});
