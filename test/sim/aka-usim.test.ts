import { describe, expect, it } from "vitest";
import { computeAuts, usimAuthenticate, usimAuthenticateCard } from "../../sim/aka-usim.js";
import { type SimCard, SQN_SLOTS } from "../../sim/card.js";
import { SimInputError } from "../../sim/errors.js";
import { parseHex, toHex } from "../../sim/hex.js";
import { Milenage } from "../../sim/milenage.js";
import { makeSqn } from "../../sim/sqn.js";

const bytes = (hex: string): Uint8Array => parseHex("test", hex);
const emptySlots = (): number[] => new Array<number>(SQN_SLOTS).fill(0);

// Worked example, reference/sim-handset.md §2.6: K = OPc = 000102..0f, RAND = 0.
const KEY = "000102030405060708090a0b0c0d0e0f";
const milenage = new Milenage(bytes(KEY), bytes(KEY));
const RAND0 = new Uint8Array(16);
const AUTN_SQN_34 = bytes("ec9320c2c2120000c8b7de2a3449f1bd");
const AUTN_SQN_48 = bytes("ec9320c2c2000000e1dd22c1ad3e2d3d");

describe("USIM AUTN check, worked example", () => {
  it("accepts AUTN with SQN 34 on a fresh card and answers RES, CK, IK", () => {
    const slots = emptySlots();
    const result = usimAuthenticate(milenage, slots, RAND0, AUTN_SQN_34);
    expect(result.kind).toBe("success");
    if (result.kind !== "success") return;
    expect(result.sqn).toBe(34);
    expect(toHex(result.amf)).toBe("0000");
    expect(toHex(result.res)).toBe("e9fc88ccc8a35381");
    expect(toHex(result.ck)).toBe("7200a184d8f2c758fbdf87900ddbf275");
    expect(toHex(result.ik)).toBe("12cb2dd3e0ec8378f6fc1d606c619f47");
    expect(slots[2]).toBe(34);
    expect(slots.filter((s) => s !== 0)).toEqual([34]);
  });

  it("accepts AUTN with SQN 48 (IND 16)", () => {
    const slots = emptySlots();
    const result = usimAuthenticate(milenage, slots, RAND0, AUTN_SQN_48);
    expect(result.kind === "success" && result.sqn).toBe(48);
    expect(slots[16]).toBe(48);
  });

  it("answers a replay with AUTS carrying SQN_MS 34 (osmo-sim-auth, real sysmoUSIM)", () => {
    const slots = emptySlots();
    usimAuthenticate(milenage, slots, RAND0, AUTN_SQN_34);
    const replay = usimAuthenticate(milenage, slots, RAND0, AUTN_SQN_34);
    expect(replay).toEqual({
      kind: "sync-failure",
      auts: bytes("8711a0ec9e2be2f766881a64605b"),
      reason: "replayed",
    });
  });

  it("answers a SEQ beyond Δ with AUTS carrying SQN_MS 31 (libosmocore)", () => {
    const slots = emptySlots();
    slots[31] = 31;
    const result = usimAuthenticate(milenage, slots, RAND0, AUTN_SQN_34, { wrapLimit: 0 });
    expect(result).toEqual({
      kind: "sync-failure",
      auts: bytes("8711a0ec9e1637df17f80b384ee4"),
      reason: "beyond-wrap-limit",
    });
    expect(slots[2]).toBe(0);
  });

  it("builds AUTS = (SQN_MS xor AK*) || f1*(SQN_MS, AMF 0000)", () => {
    expect(toHex(computeAuts(milenage.challenge(RAND0), 31))).toBe("8711a0ec9e1637df17f80b384ee4");
    expect(toHex(computeAuts(milenage.challenge(RAND0), 34))).toBe("8711a0ec9e2be2f766881a64605b");
  });
});

describe("USIM AUTN check, failures", () => {
  it("reports a MAC failure under a wrong K and leaves the slots alone", () => {
    const slots = emptySlots();
    const wrongKey = bytes("000102030405060708090a0b0c0d0e0e");
    const result = usimAuthenticate(new Milenage(wrongKey, bytes(KEY)), slots, RAND0, AUTN_SQN_34);
    expect(result).toEqual({ kind: "mac-failure" });
    expect(slots).toEqual(emptySlots());
  });

  it("reports a MAC failure for a tampered AMF or MAC", () => {
    const tamperedAmf = AUTN_SQN_34.slice();
    tamperedAmf[6] = 0x80;
    expect(usimAuthenticate(milenage, emptySlots(), RAND0, tamperedAmf).kind).toBe("mac-failure");
    const tamperedMac = AUTN_SQN_34.slice();
    tamperedMac[15]! ^= 1;
    expect(usimAuthenticate(milenage, emptySlots(), RAND0, tamperedMac).kind).toBe("mac-failure");
  });

  it("lets a MAC failure take precedence over a stale SQN", () => {
    const slots = emptySlots();
    slots[2] = makeSqn(1000, 2);
    const tampered = AUTN_SQN_34.slice();
    tampered[15]! ^= 1;
    expect(usimAuthenticate(milenage, slots, RAND0, tampered)).toEqual({ kind: "mac-failure" });
  });

  it("checks the AMF separation bit only when asked", () => {
    expect(
      usimAuthenticate(milenage, emptySlots(), RAND0, AUTN_SQN_34, { requireSeparationBit: true }),
    ).toEqual({
      kind: "separation-bit-failure",
    });
    expect(usimAuthenticate(milenage, emptySlots(), RAND0, AUTN_SQN_34).kind).toBe("success");
  });

  it("throws SimInputError for a wrong AUTN or RAND length or a bad SQN array", () => {
    expect(() => usimAuthenticate(milenage, emptySlots(), RAND0, AUTN_SQN_34.subarray(0, 15))).toThrow(
      SimInputError,
    );
    expect(() => usimAuthenticate(milenage, emptySlots(), RAND0.subarray(1), AUTN_SQN_34)).toThrow(
      SimInputError,
    );
    expect(() => usimAuthenticate(milenage, [0, 0], RAND0, AUTN_SQN_34)).toThrow(SimInputError);
  });
});

describe("usimAuthenticateCard", () => {
  const card = (): SimCard => ({
    iccid: "8937501000000000008",
    imsi: "257010000000001",
    mncLength: 2,
    msisdn: "375291234567",
    k: KEY,
    opc: KEY,
    pin1: { value: "1234", enabled: true, triesLeft: 3, verified: false },
    pin2: { value: "5678", enabled: true, triesLeft: 3, verified: false },
    puk1: { value: "12345678", triesLeft: 10 },
    puk2: { value: "87654321", triesLeft: 10 },
    sqn: emptySlots(),
  });

  it("reads K/OPc from the card and updates card.sqn on success only", () => {
    const c = card();
    expect(usimAuthenticateCard(c, RAND0, AUTN_SQN_34).kind).toBe("success");
    expect(c.sqn[2]).toBe(34);
    expect(usimAuthenticateCard(c, RAND0, AUTN_SQN_34).kind).toBe("sync-failure");
    expect(c.sqn[2]).toBe(34);
  });

  it("throws SimInputError naming the field for a malformed key", () => {
    expect(() => usimAuthenticateCard({ ...card(), opc: "00" }, RAND0, AUTN_SQN_34)).toThrow(/opc/);
  });
});
