/**
 * The USIM side of AKA (TS 33.102 §6.3.3, Annex C.2): check AUTN for a RAND, answer with
 * RES/CK/IK, or with a MAC failure, or with a synchronisation failure carrying AUTS.
 *
 * State: the card's SQN array (`SimCard.sqn`, one highest-accepted SQN per IND slot).
 * On success the slot for the received IND is updated in place; every other outcome leaves
 * the array untouched. Nothing else is mutated.
 */
import { buildAuts, hasSeparationBit, macEquals, RESYNC_AMF, splitAutn, unmaskSqn } from "./aka-tokens.js";
import type { SimCard } from "./card.js";
import { parseHex } from "./hex.js";
import { KEY_BYTES, Milenage, type MilenageChallenge } from "./milenage.js";
import {
  assertSqnSlots,
  checkSqnFreshness,
  DEFAULT_WRAP_LIMIT,
  highestAcceptedSqn,
  indOf,
  sqnFromBytes,
  sqnToBytes,
} from "./sqn.js";

export interface UsimAkaOptions {
  /** Δ, the largest accepted jump of SEQ above SEQ_MS (TS 33.102 Annex C.2.2). Default 2^28. */
  wrapLimit?: number;
  /**
   * Reject an AUTN whose AMF separation bit is 0, as a UE on E-UTRAN or 5G must
   * (TS 33.401 §6.1.1; TS 24.301 cause #26 "non-EPS authentication unacceptable"). Default false.
   */
  requireSeparationBit?: boolean;
}

export type UsimAkaResult =
  | { kind: "success"; res: Uint8Array; ck: Uint8Array; ik: Uint8Array; sqn: number; amf: Uint8Array }
  | { kind: "mac-failure" }
  | { kind: "sync-failure"; auts: Uint8Array; reason: "replayed" | "beyond-wrap-limit" }
  | { kind: "separation-bit-failure" };

/**
 * Runs AUTHENTICATE for one RAND (16 bytes) and AUTN (16 bytes) against `sqnSlots`
 * (SQN_SLOTS entries; updated in place on success). Wrong input lengths throw SimInputError.
 *
 * Order (TS 33.102 §6.3.3): recover SQN with AK = f5, verify MAC-A; a MAC failure wins
 * over any SQN problem, because an unauthenticated SQN must not drive a resynchronisation.
 * Only then is SQN checked for freshness. The separation bit is an ME check on the AMF
 * (TS 33.401 §6.1.1) and is looked at first, before any key is used.
 */
export function usimAuthenticate(
  milenage: Milenage,
  sqnSlots: number[],
  rand: Uint8Array,
  autn: Uint8Array,
  options: UsimAkaOptions = {},
): UsimAkaResult {
  assertSqnSlots(sqnSlots);
  const { sqnXorAk, amf, macA } = splitAutn(autn);
  if (options.requireSeparationBit === true && !hasSeparationBit(amf))
    return { kind: "separation-bit-failure" };

  const challenge = milenage.challenge(rand);
  const sqnBytes = unmaskSqn(sqnXorAk, challenge.f5());
  if (!macEquals(challenge.f1(sqnBytes, amf), macA)) return { kind: "mac-failure" };

  const sqn = sqnFromBytes(sqnBytes);
  const verdict = checkSqnFreshness(sqnSlots, sqn, options.wrapLimit ?? DEFAULT_WRAP_LIMIT);
  if (verdict !== "fresh") {
    return {
      kind: "sync-failure",
      auts: computeAuts(challenge, highestAcceptedSqn(sqnSlots)),
      reason: verdict,
    };
  }
  sqnSlots[indOf(sqn)] = sqn;
  return {
    kind: "success",
    res: challenge.f2(),
    ck: challenge.f3(),
    ik: challenge.f4(),
    sqn,
    amf: amf.slice(),
  };
}

/**
 * The same for a stored card: parses `card.k` / `card.opc` and updates `card.sqn` on
 * success. Convenient for one-off use; a handset doing many runs should keep a Milenage.
 */
export function usimAuthenticateCard(
  card: SimCard,
  rand: Uint8Array,
  autn: Uint8Array,
  options: UsimAkaOptions = {},
): UsimAkaResult {
  return usimAuthenticate(usimMilenage(card), card.sqn, rand, autn, options);
}

/** The Milenage instance for a card's K and OPc (expands the key schedule once). */
export function usimMilenage(card: SimCard): Milenage {
  return new Milenage(parseHex("k", card.k, KEY_BYTES), parseHex("opc", card.opc, KEY_BYTES));
}

/**
 * AUTS = (SQN_MS xor AK*) || MAC-S with MAC-S = f1*(K, RAND, SQN_MS, AMF = 0000)
 * (TS 33.102 §6.3.3). `sqnMs` is the highest SQN the USIM has accepted.
 */
export function computeAuts(challenge: MilenageChallenge, sqnMs: number): Uint8Array {
  const sqnMsBytes = sqnToBytes(sqnMs);
  return buildAuts(sqnMsBytes, challenge.f5Star(), challenge.f1Star(sqnMsBytes, RESYNC_AMF));
}
