import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateAuthVector, type RandomBytes, resynchronise } from "../../sim/aka-network.js";
import { usimAuthenticate } from "../../sim/aka-usim.js";
import { SQN_SLOTS } from "../../sim/card.js";
import { toHex } from "../../sim/hex.js";
import { Milenage } from "../../sim/milenage.js";
import { DEFAULT_WRAP_LIMIT, indOf, makeSqn, nextNetworkSqn, seqOf } from "../../sim/sqn.js";

/** A seeded RNG (mulberry32) as the injected source of RAND. */
function seededRandomBytes(seed: number): RandomBytes {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return (length) => Uint8Array.from({ length }, () => next() & 0xff);
}

const emptySlots = (): number[] => new Array<number>(SQN_SLOTS).fill(0);
const key = (fill: number): Uint8Array => new Uint8Array(16).fill(fill);
const AMF = Uint8Array.of(0x80, 0x00);

/** The HLR's view of one subscriber, as the network module expects its caller to keep it. */
function hlr(milenage: Milenage, seed: number) {
  const randomBytes = seededRandomBytes(seed);
  const state = { sqn: 0 };
  return {
    state,
    nextVector() {
      const sqn = nextNetworkSqn(state.sqn);
      state.sqn = sqn;
      return generateAuthVector(milenage, sqn, AMF, randomBytes);
    },
  };
}

describe("AKA round trips between network and USIM", () => {
  const milenage = new Milenage(key(0x11), key(0x22));

  it("a network vector is accepted and RES/CK/IK match XRES/CK/IK", () => {
    const network = hlr(milenage, 1);
    const slots = emptySlots();
    for (let i = 0; i < 100; i++) {
      const vector = network.nextVector();
      const result = usimAuthenticate(milenage, slots, vector.rand, vector.autn, {
        requireSeparationBit: true,
      });
      expect(result.kind).toBe("success");
      if (result.kind !== "success") return;
      expect(toHex(result.res)).toBe(toHex(vector.xres));
      expect(toHex(result.ck)).toBe(toHex(vector.ck));
      expect(toHex(result.ik)).toBe(toHex(vector.ik));
      expect(result.sqn).toBe(vector.sqn);
    }
  });

  it("replay -> sync failure with AUTS -> network resync -> next vector accepted", () => {
    const network = hlr(milenage, 2);
    const slots = emptySlots();
    const vector = network.nextVector();
    expect(usimAuthenticate(milenage, slots, vector.rand, vector.autn).kind).toBe("success");
    const replay = usimAuthenticate(milenage, slots, vector.rand, vector.autn);
    expect(replay.kind).toBe("sync-failure");
    if (replay.kind !== "sync-failure") return;
    const resync = resynchronise(milenage, vector.rand, replay.auts, network.state.sqn);
    expect(resync).toEqual({ kind: "resynchronised", sqnMs: vector.sqn, sqn: vector.sqn });
    if (resync.kind === "resynchronised") network.state.sqn = resync.sqn;
    const next = network.nextVector();
    expect(usimAuthenticate(milenage, slots, next.rand, next.autn).kind).toBe("success");
  });

  it("a network that lost its SQN recovers through AUTS", () => {
    // Every slot has seen SEQ 5000, so nothing older is fresh anywhere.
    const slots = emptySlots().map((_, ind) => makeSqn(5000, ind));
    const network = hlr(milenage, 3);
    const stale = network.nextVector();
    const failure = usimAuthenticate(milenage, slots, stale.rand, stale.autn);
    expect(failure.kind === "sync-failure" && failure.reason).toBe("replayed");
    if (failure.kind !== "sync-failure") return;
    const resync = resynchronise(milenage, stale.rand, failure.auts, network.state.sqn);
    expect(resync).toEqual({ kind: "resynchronised", sqnMs: makeSqn(5000, 31), sqn: makeSqn(5000, 31) });
    if (resync.kind === "resynchronised") network.state.sqn = resync.sqn;
    const next = network.nextVector();
    expect(seqOf(next.sqn)).toBe(5001);
    expect(usimAuthenticate(milenage, slots, next.rand, next.autn).kind).toBe("success");
  });

  it("a card with another K answers MAC failure", () => {
    const vector = hlr(milenage, 4).nextVector();
    const otherCard = new Milenage(key(0x12), key(0x22));
    expect(usimAuthenticate(otherCard, emptySlots(), vector.rand, vector.autn)).toEqual({
      kind: "mac-failure",
    });
  });

  it("a SQN more than Δ above SEQ_MS is a sync failure", () => {
    const slots = emptySlots();
    const vector = generateAuthVector(
      milenage,
      makeSqn(DEFAULT_WRAP_LIMIT + 1, 0),
      AMF,
      seededRandomBytes(5),
    );
    const result = usimAuthenticate(milenage, slots, vector.rand, vector.autn);
    expect(result.kind === "sync-failure" && result.reason).toBe("beyond-wrap-limit");
    const justInside = generateAuthVector(
      milenage,
      makeSqn(DEFAULT_WRAP_LIMIT, 0),
      AMF,
      seededRandomBytes(5),
    );
    expect(usimAuthenticate(milenage, slots, justInside.rand, justInside.autn).kind).toBe("success");
  });

  it("per IND slot: 32 vectors delivered in reverse order are each accepted exactly once", () => {
    const network = hlr(milenage, 6);
    const batch = Array.from({ length: SQN_SLOTS }, () => network.nextVector());
    expect(new Set(batch.map((v) => indOf(v.sqn))).size).toBe(SQN_SLOTS);
    const slots = emptySlots();
    for (const vector of [...batch].reverse()) {
      expect(usimAuthenticate(milenage, slots, vector.rand, vector.autn).kind).toBe("success");
    }
    for (const vector of batch) {
      expect(usimAuthenticate(milenage, slots, vector.rand, vector.autn).kind).toBe("sync-failure");
    }
  });

  it("per IND slot: an older SQN in a different slot is accepted once, an older one in the same slot never", () => {
    const slots = emptySlots();
    const newer = generateAuthVector(milenage, makeSqn(10, 4), AMF, seededRandomBytes(7));
    const olderOtherSlot = generateAuthVector(milenage, makeSqn(9, 5), AMF, seededRandomBytes(8));
    const olderSameSlot = generateAuthVector(milenage, makeSqn(9, 4), AMF, seededRandomBytes(9));
    expect(usimAuthenticate(milenage, slots, newer.rand, newer.autn).kind).toBe("success");
    expect(usimAuthenticate(milenage, slots, olderOtherSlot.rand, olderOtherSlot.autn).kind).toBe("success");
    expect(usimAuthenticate(milenage, slots, olderOtherSlot.rand, olderOtherSlot.autn).kind).toBe(
      "sync-failure",
    );
    const sameSlot = usimAuthenticate(milenage, slots, olderSameSlot.rand, olderSameSlot.autn);
    expect(sameSlot.kind === "sync-failure" && sameSlot.reason).toBe("replayed");
  });
});

describe("AKA properties", () => {
  const bytes16 = fc.uint8Array({ minLength: 16, maxLength: 16 });
  // SEQ below the top so the network's next SEQ does not wrap to 0.
  const lastSqn = fc.bigInt({ min: 0n, max: 2n ** 48n - 2n * BigInt(SQN_SLOTS) }).map(Number);

  it("the network's next vector is accepted by a card below it, and never twice", () => {
    fc.assert(
      fc.property(
        bytes16,
        bytes16,
        lastSqn,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: SQN_SLOTS, maxLength: SQN_SLOTS }),
        fc.integer({ min: 1, max: 2 ** 31 }),
        (k, opc, last, slotFractions, seed) => {
          const milenage = new Milenage(k, opc);
          // The card has accepted `last` itself and older SQNs in the other slots.
          const slots = slotFractions.map((f, ind) => makeSqn(Math.floor(f * seqOf(last)), ind));
          slots[indOf(last)] = last;
          const sqn = nextNetworkSqn(last);
          const vector = generateAuthVector(milenage, sqn, AMF, seededRandomBytes(seed));
          const first = usimAuthenticate(milenage, slots, vector.rand, vector.autn);
          expect(first.kind).toBe("success");
          expect(first.kind === "success" && toHex(first.res)).toBe(toHex(vector.xres));
          const second = usimAuthenticate(milenage, slots, vector.rand, vector.autn);
          expect(second.kind).toBe("sync-failure");
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a sync failure's AUTS always resynchronises the network to a vector the card accepts", () => {
    fc.assert(
      fc.property(
        bytes16,
        bytes16,
        lastSqn,
        lastSqn,
        fc.integer({ min: 1, max: 2 ** 31 }),
        (k, opc, cardSqn, hlrSqn, seed) => {
          const milenage = new Milenage(k, opc);
          const randomBytes = seededRandomBytes(seed);
          const slots = emptySlots();
          slots[indOf(cardSqn)] = cardSqn;
          let networkSqn = hlrSqn;
          for (let attempt = 0; attempt < 2; attempt++) {
            networkSqn = nextNetworkSqn(networkSqn);
            const vector = generateAuthVector(milenage, networkSqn, AMF, randomBytes);
            const result = usimAuthenticate(milenage, slots, vector.rand, vector.autn);
            if (result.kind === "success") return;
            expect(result.kind).toBe("sync-failure");
            if (result.kind !== "sync-failure") return;
            const resync = resynchronise(milenage, vector.rand, result.auts, networkSqn);
            expect(resync.kind).toBe("resynchronised");
            if (resync.kind === "resynchronised") networkSqn = resync.sqn;
          }
          expect.unreachable("the vector after a resynchronisation must be accepted");
        },
      ),
      { numRuns: 300 },
    );
  });
});
