/**
 * Sequence numbers for AKA (TS 33.102 §6.3.2 and Annex C).
 *
 * SQN is 48 bits = SEQ (43 bits) || IND (the low SQN_IND_BITS = 5 bits). Both sides keep it as a
 * JS number: 2^48 is well inside Number.MAX_SAFE_INTEGER, so all arithmetic here is exact
 * (multiplication and division, never 32-bit bitwise operators).
 */
import { SQN_IND_BITS, SQN_SLOTS } from "./card.js";
import { SimInputError } from "./errors.js";
import { SQN_BYTES } from "./milenage.js";

export const SQN_LIMIT = 2 ** 48;
const SEQ_LIMIT = SQN_LIMIT / SQN_SLOTS;

/** Default wrap limit Δ on SEQ (TS 33.102 Annex C.2.2; 2^28 as in UERANSIM and Annex C's example). */
export const DEFAULT_WRAP_LIMIT = 2 ** 28;

export function seqOf(sqn: number): number {
  return Math.floor(sqn / SQN_SLOTS);
}

export function indOf(sqn: number): number {
  return sqn % SQN_SLOTS;
}

export function makeSqn(seq: number, ind: number): number {
  return seq * SQN_SLOTS + ind;
}

export function assertSqn(field: string, sqn: number): void {
  if (!Number.isSafeInteger(sqn) || sqn < 0 || sqn >= SQN_LIMIT) {
    throw new SimInputError("SIM_BAD_LENGTH", field, `SQN must be an integer in [0, 2^48), got ${sqn}`);
  }
}

/** SQN as the 6 big-endian bytes carried in AUTN and AUTS. */
export function sqnToBytes(sqn: number): Uint8Array {
  assertSqn("sqn", sqn);
  const bytes = new Uint8Array(SQN_BYTES);
  let rest = sqn;
  for (let i = SQN_BYTES - 1; i >= 0; i--) {
    bytes[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  return bytes;
}

/** Reads 6 big-endian bytes at `offset` as a SQN. */
export function sqnFromBytes(bytes: Uint8Array, offset = 0): number {
  let sqn = 0;
  for (let i = 0; i < SQN_BYTES; i++) sqn = sqn * 256 + bytes[offset + i]!;
  return sqn;
}

/**
 * The next SQN the network (HE/AuC) puts into a vector, TS 33.102 Annex C.3.2 (with C.1.1):
 * SEQ is a per-subscriber counter incremented by one for every vector, and IND is
 * allocated cyclically (previous IND + 1 mod 32) so that up to 32 vectors handed out in a
 * batch, or to different serving nodes, are accepted by the USIM in any order: each lands
 * in its own array slot. Pass `ind` to pin IND instead (e.g. one IND per serving node, the
 * libosmocore scheme: after SQN 31 with IND 10 come 42, 74, 106).
 * SEQ wraps to 0 after 2^43 - 1.
 */
export function nextNetworkSqn(lastSqn: number, ind?: number): number {
  assertSqn("sqn", lastSqn);
  const nextInd = ind ?? (indOf(lastSqn) + 1) % SQN_SLOTS;
  if (!Number.isInteger(nextInd) || nextInd < 0 || nextInd >= SQN_SLOTS) {
    throw new SimInputError("SIM_BAD_LENGTH", "ind", `IND must be in [0, ${SQN_SLOTS}), got ${nextInd}`);
  }
  return makeSqn((seqOf(lastSqn) + 1) % SEQ_LIMIT, nextInd);
}

/** SQN_MS: the highest SQN the USIM has accepted in any slot (TS 33.102 Annex C.2.1, C.3.4). */
export function highestAcceptedSqn(slots: readonly number[]): number {
  let highest = 0;
  for (const sqn of slots) if (sqn > highest) highest = sqn;
  return highest;
}

export type SqnVerdict = "fresh" | "replayed" | "beyond-wrap-limit";

/**
 * The USIM's freshness check, TS 33.102 Annex C.2.2: with IND taken from the received SQN,
 * accept iff SEQ > SEQ(slot IND) and SEQ - SEQ_MS <= Δ, where SEQ_MS is the highest SEQ
 * accepted in any slot. A SEQ below SEQ_MS is fine as long as its own slot has not yet seen
 * it, which is what lets out-of-order vectors through once each.
 */
export function checkSqnFreshness(
  slots: readonly number[],
  sqn: number,
  wrapLimit: number = DEFAULT_WRAP_LIMIT,
): SqnVerdict {
  const seq = seqOf(sqn);
  if (seq - seqOf(highestAcceptedSqn(slots)) > wrapLimit) return "beyond-wrap-limit";
  if (seq <= seqOf(slots[indOf(sqn)] ?? 0)) return "replayed";
  return "fresh";
}

/** Checks the shape of a card's SQN array: SQN_SLOTS valid SQNs (SQN_IND_BITS-bit IND). */
export function assertSqnSlots(slots: readonly number[]): void {
  if (slots.length !== SQN_SLOTS) {
    throw new SimInputError(
      "SIM_BAD_CARD_FILE",
      "sqn",
      `expected ${SQN_SLOTS} slots (IND of ${SQN_IND_BITS} bits), got ${slots.length}`,
    );
  }
  for (const sqn of slots) assertSqn("sqn", sqn);
}
