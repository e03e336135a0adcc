/**
 * The network side of AKA (HE/AuC, TS 33.102 §6.3.2 and §6.3.5): authentication vectors and
 * resynchronisation from AUTS. Pure functions: the caller (the HLR) owns the subscriber's
 * SQN and stores what these functions return.
 *
 * Typical use:
 *   const sqn = nextNetworkSqn(subscriber.sqn);          // sqn.ts, Annex C.3.2
 *   const vector = generateAuthVector(milenage, sqn, amf, randomBytes);
 *   subscriber.sqn = sqn;
 * and on a synchronisation failure:
 *   const r = resynchronise(milenage, vector.rand, auts, subscriber.sqn);
 *   if (r.kind === "resynchronised") subscriber.sqn = r.sqn;
 */
import { buildAutn, macEquals, RESYNC_AMF, splitAuts, unmaskSqn } from "./aka-tokens.js";
import { SimInputError } from "./errors.js";
import { AMF_BYTES, type Milenage, RAND_BYTES } from "./milenage.js";
import { assertSqn, DEFAULT_WRAP_LIMIT, seqOf, sqnFromBytes, sqnToBytes } from "./sqn.js";

/** Source of random bytes, injected for determinism (a seeded RNG in scenarios and tests). */
export type RandomBytes = (length: number) => Uint8Array;

/** One authentication vector (quintet), TS 33.102 §6.3.2. */
export interface AuthVector {
  rand: Uint8Array;
  xres: Uint8Array;
  ck: Uint8Array;
  ik: Uint8Array;
  autn: Uint8Array;
  /** The SQN inside AUTN; also what the HLR stores as its current SQN. */
  sqn: number;
  amf: Uint8Array;
  ak: Uint8Array;
}

/** Builds a vector for `sqn` (use nextNetworkSqn to pick it) and AMF (2 bytes). */
export function generateAuthVector(
  milenage: Milenage,
  sqn: number,
  amf: Uint8Array,
  randomBytes: RandomBytes,
): AuthVector {
  if (amf.length !== AMF_BYTES) {
    throw new SimInputError("SIM_BAD_LENGTH", "amf", `expected ${AMF_BYTES} bytes, got ${amf.length} bytes`);
  }
  const rand = randomBytes(RAND_BYTES);
  if (rand.length !== RAND_BYTES) {
    throw new SimInputError(
      "SIM_BAD_LENGTH",
      "rand",
      `the RNG returned ${rand.length} bytes, not ${RAND_BYTES}`,
    );
  }
  const sqnBytes = sqnToBytes(sqn);
  const challenge = milenage.challenge(rand);
  const ak = challenge.f5();
  return {
    rand: rand.slice(),
    xres: challenge.f2(),
    ck: challenge.f3(),
    ik: challenge.f4(),
    autn: buildAutn(sqnBytes, ak, amf, challenge.f1(sqnBytes, amf)),
    sqn,
    amf: amf.slice(),
    ak,
  };
}

export type ResyncResult =
  /** MAC-S verified. `sqnMs` is the card's highest SQN; store `sqn` as the subscriber's SQN. */
  | { kind: "resynchronised"; sqnMs: number; sqn: number }
  /** AUTS did not verify: keep the current SQN (TS 33.102 §6.3.5). */
  | { kind: "mac-s-failure" };

export interface ResyncOptions {
  /** Δ as configured on the cards (TS 33.102 Annex C.2.2). Default 2^28. */
  wrapLimit?: number;
}

/**
 * Processes AUTS (14 bytes) returned for `rand` (TS 33.102 §6.3.5): recovers SQN_MS with
 * AK* = f5*, verifies MAC-S = f1*(SQN_MS, AMF 0000). If the network's next SEQ would already
 * be accepted (above SEQ_MS and within Δ of it) the current SQN is kept, otherwise the
 * network's SQN is reset to SQN_MS, so the vector after it (SEQ_MS + 1) is fresh in every slot.
 */
export function resynchronise(
  milenage: Milenage,
  rand: Uint8Array,
  auts: Uint8Array,
  currentSqn: number,
  options: ResyncOptions = {},
): ResyncResult {
  assertSqn("sqn", currentSqn);
  const { sqnMsXorAkStar, macS } = splitAuts(auts);
  const challenge = milenage.challenge(rand);
  const sqnMsBytes = unmaskSqn(sqnMsXorAkStar, challenge.f5Star());
  if (!macEquals(challenge.f1Star(sqnMsBytes, RESYNC_AMF), macS)) return { kind: "mac-s-failure" };

  const sqnMs = sqnFromBytes(sqnMsBytes);
  const nextSeq = seqOf(currentSqn) + 1;
  const seqMs = seqOf(sqnMs);
  const wrapLimit = options.wrapLimit ?? DEFAULT_WRAP_LIMIT;
  const nextIsAccepted = nextSeq > seqMs && nextSeq - seqMs <= wrapLimit;
  return { kind: "resynchronised", sqnMs, sqn: nextIsAccepted ? currentSqn : sqnMs };
}
