/**
 * The AKA tokens exchanged between network and USIM (TS 33.102 §6.3.2, §6.3.3):
 *   AUTN = SQN xor AK || AMF || MAC-A           16 bytes
 *   AUTS = SQN_MS xor AK* || MAC-S              14 bytes
 * Layout only: the Milenage work happens in aka-usim.ts and aka-network.ts.
 */
import { SimInputError } from "./errors.js";
import { AK_BYTES, AMF_BYTES, MAC_BYTES, SQN_BYTES } from "./milenage.js";

export const AUTN_BYTES = SQN_BYTES + AMF_BYTES + MAC_BYTES;
export const AUTS_BYTES = SQN_BYTES + MAC_BYTES;

/** The dummy AMF used for MAC-S in AUTS (TS 33.102 §6.3.3): all zeros. */
export const RESYNC_AMF: Uint8Array = new Uint8Array(AMF_BYTES);

/** AMF bit 0 (the most significant bit) is the "separation bit" (TS 33.401 §6.1.1 and Annex H). */
export function hasSeparationBit(amf: Uint8Array): boolean {
  return (amf[0]! & 0x80) !== 0;
}

function xorInto(target: Uint8Array, offset: number, a: Uint8Array, b: Uint8Array, length: number): void {
  for (let i = 0; i < length; i++) target[offset + i] = a[i]! ^ b[i]!;
}

export function buildAutn(sqn: Uint8Array, ak: Uint8Array, amf: Uint8Array, macA: Uint8Array): Uint8Array {
  const autn = new Uint8Array(AUTN_BYTES);
  xorInto(autn, 0, sqn, ak, SQN_BYTES);
  autn.set(amf.subarray(0, AMF_BYTES), SQN_BYTES);
  autn.set(macA.subarray(0, MAC_BYTES), SQN_BYTES + AMF_BYTES);
  return autn;
}

export interface AutnParts {
  sqnXorAk: Uint8Array;
  amf: Uint8Array;
  macA: Uint8Array;
}

export function splitAutn(autn: Uint8Array): AutnParts {
  requireLength("autn", autn, AUTN_BYTES);
  return {
    sqnXorAk: autn.subarray(0, SQN_BYTES),
    amf: autn.subarray(SQN_BYTES, SQN_BYTES + AMF_BYTES),
    macA: autn.subarray(SQN_BYTES + AMF_BYTES),
  };
}

export function buildAuts(sqnMs: Uint8Array, akStar: Uint8Array, macS: Uint8Array): Uint8Array {
  const auts = new Uint8Array(AUTS_BYTES);
  xorInto(auts, 0, sqnMs, akStar, SQN_BYTES);
  auts.set(macS.subarray(0, MAC_BYTES), SQN_BYTES);
  return auts;
}

export interface AutsParts {
  sqnMsXorAkStar: Uint8Array;
  macS: Uint8Array;
}

export function splitAuts(auts: Uint8Array): AutsParts {
  requireLength("auts", auts, AUTS_BYTES);
  return { sqnMsXorAkStar: auts.subarray(0, SQN_BYTES), macS: auts.subarray(SQN_BYTES) };
}

/** Recovers SQN from SQN xor AK (or SQN_MS from SQN_MS xor AK*). */
export function unmaskSqn(masked: Uint8Array, ak: Uint8Array): Uint8Array {
  const sqn = new Uint8Array(AK_BYTES);
  xorInto(sqn, 0, masked, ak, AK_BYTES);
  return sqn;
}

/** Compares two MACs without an early exit on the first differing byte. */
export function macEquals(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}

function requireLength(field: string, bytes: Uint8Array, length: number): void {
  if (bytes.length !== length) {
    throw new SimInputError("SIM_BAD_LENGTH", field, `expected ${length} bytes, got ${bytes.length} bytes`);
  }
}
