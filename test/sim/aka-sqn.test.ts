import { describe, expect, it } from "vitest";
import { SQN_SLOTS } from "../../sim/card.js";
import { SimInputError } from "../../sim/errors.js";
import { toHex } from "../../sim/hex.js";
import {
  assertSqnSlots,
  checkSqnFreshness,
  DEFAULT_WRAP_LIMIT,
  highestAcceptedSqn,
  indOf,
  makeSqn,
  nextNetworkSqn,
  seqOf,
  sqnFromBytes,
  sqnToBytes,
} from "../../sim/sqn.js";

const emptySlots = (): number[] => new Array<number>(SQN_SLOTS).fill(0);

describe("SQN = SEQ || IND", () => {
  it("splits and joins SEQ and the 5-bit IND", () => {
    expect(seqOf(42)).toBe(1);
    expect(indOf(42)).toBe(10);
    expect(makeSqn(1, 10)).toBe(42);
    const top = 2 ** 48 - 1;
    expect(makeSqn(seqOf(top), indOf(top))).toBe(top);
  });

  it("converts to and from 6 big-endian bytes", () => {
    expect(toHex(sqnToBytes(0xff9bb4d0b607))).toBe("ff9bb4d0b607");
    expect(sqnFromBytes(Uint8Array.from([0xff, 0x9b, 0xb4, 0xd0, 0xb6, 0x07]))).toBe(0xff9bb4d0b607);
    expect(toHex(sqnToBytes(34))).toBe("000000000022");
  });

  it("rejects SQNs that do not fit 48 bits", () => {
    expect(() => sqnToBytes(2 ** 48)).toThrow(SimInputError);
    expect(() => sqnToBytes(-1)).toThrow(SimInputError);
    expect(() => sqnToBytes(1.5)).toThrow(SimInputError);
  });
});

describe("nextNetworkSqn (TS 33.102 Annex C.3.2)", () => {
  it("increments SEQ and cycles IND by default", () => {
    expect(nextNetworkSqn(0)).toBe(makeSqn(1, 1));
    expect(nextNetworkSqn(31)).toBe(makeSqn(1, 0));
    expect(nextNetworkSqn(makeSqn(7, 30))).toBe(makeSqn(8, 31));
  });

  it("keeps a pinned IND (libosmocore: after 31 with IND 10 come 42, 74, 106)", () => {
    const a = nextNetworkSqn(31, 10);
    const b = nextNetworkSqn(a, 10);
    const c = nextNetworkSqn(b, 10);
    expect([a, b, c]).toEqual([42, 74, 106]);
  });

  it("wraps SEQ after 2^43 - 1", () => {
    expect(nextNetworkSqn(2 ** 48 - 1)).toBe(makeSqn(0, 0));
  });

  it("rejects an IND outside 0..31", () => {
    expect(() => nextNetworkSqn(0, 32)).toThrow(SimInputError);
  });
});

describe("checkSqnFreshness (TS 33.102 Annex C.2.2)", () => {
  it("accepts a SEQ above its slot and within Δ of SEQ_MS", () => {
    expect(checkSqnFreshness(emptySlots(), makeSqn(1, 2))).toBe("fresh");
  });

  it("rejects SEQ 0 on a fresh card and any SEQ not above its slot", () => {
    const slots = emptySlots();
    expect(checkSqnFreshness(slots, makeSqn(0, 5))).toBe("replayed");
    slots[5] = makeSqn(9, 5);
    expect(checkSqnFreshness(slots, makeSqn(9, 5))).toBe("replayed");
    expect(checkSqnFreshness(slots, makeSqn(8, 5))).toBe("replayed");
    expect(checkSqnFreshness(slots, makeSqn(10, 5))).toBe("fresh");
  });

  it("accepts an older SEQ in another slot", () => {
    const slots = emptySlots();
    slots[5] = makeSqn(9, 5);
    expect(checkSqnFreshness(slots, makeSqn(3, 6))).toBe("fresh");
  });

  it("rejects a jump of more than Δ above SEQ_MS", () => {
    const slots = emptySlots();
    slots[0] = makeSqn(100, 0);
    expect(checkSqnFreshness(slots, makeSqn(100 + DEFAULT_WRAP_LIMIT, 1))).toBe("fresh");
    expect(checkSqnFreshness(slots, makeSqn(101 + DEFAULT_WRAP_LIMIT, 1))).toBe("beyond-wrap-limit");
    expect(checkSqnFreshness(slots, makeSqn(110, 1), 10)).toBe("fresh");
    expect(checkSqnFreshness(slots, makeSqn(111, 1), 10)).toBe("beyond-wrap-limit");
  });

  it("takes SQN_MS as the highest SQN in any slot", () => {
    const slots = emptySlots();
    slots[3] = makeSqn(4, 3);
    slots[30] = makeSqn(2, 30);
    expect(highestAcceptedSqn(slots)).toBe(makeSqn(4, 3));
  });

  it("checks the shape of a card's SQN array", () => {
    expect(() => assertSqnSlots([])).toThrow(SimInputError);
    const slots = emptySlots();
    slots[1] = -1;
    expect(() => assertSqnSlots(slots)).toThrow(SimInputError);
    expect(() => assertSqnSlots(emptySlots())).not.toThrow();
  });
});
