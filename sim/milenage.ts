/**
 * Milenage, 3GPP TS 35.206: the AKA functions f1, f1*, f2, f3, f4, f5, f5* and OPc.
 *
 * With TEMP = E_K(RAND xor OPc) (§4.1), each output block is
 *   OUTi = E_K(rot(TEMP xor OPc, ri) xor ci) xor OPc              for i = 2..5
 *   OUT1 = E_K(TEMP xor rot(IN1 xor OPc, r1) xor c1) xor OPc      IN1 = SQN||AMF||SQN||AMF
 * and f1 = OUT1[0..7], f1* = OUT1[8..15], f5 = OUT2[0..5], f2 = OUT2[8..15], f3 = OUT3,
 * f4 = OUT4, f5* = OUT5[0..5]. We use the standard constants of §4.1: r1 = 64, r2 = 0,
 * r3 = 32, r4 = 64, r5 = 96 bits and c1..c5 = 0, 1, 2, 4, 8 read as 128-bit integers.
 * Every r is a multiple of 32, so blocks stay four 32-bit words and a rotation is a word
 * re-indexing.
 *
 * A `Milenage` holds the expanded AES key schedule for one K plus OPc: build it once per
 * subscriber and compute as many vectors as needed. `challenge(rand)` computes TEMP once
 * per RAND; its methods compute only the output blocks they need.
 */
import {
  type Aes128KeySchedule,
  encryptBlock,
  encryptWords,
  expandAes128Key,
  readWord,
  writeWord,
} from "./aes128.js";
import { SimInputError } from "./errors.js";

export const KEY_BYTES = 16;
export const RAND_BYTES = 16;
export const AMF_BYTES = 2;
export const MAC_BYTES = 8;
export const RES_BYTES = 8;
export const AK_BYTES = 6;
export const SQN_BYTES = 6;

/** Every Milenage output for one (RAND, SQN, AMF), named after TS 35.206. */
export interface MilenageOutputs {
  /** MAC-A, network authentication code (8 bytes). */
  f1: Uint8Array;
  /** MAC-S, resynchronisation authentication code (8 bytes). */
  f1Star: Uint8Array;
  /** RES / XRES (8 bytes). */
  f2: Uint8Array;
  /** CK, cipher key (16 bytes). */
  f3: Uint8Array;
  /** IK, integrity key (16 bytes). */
  f4: Uint8Array;
  /** AK, anonymity key (6 bytes). */
  f5: Uint8Array;
  /** AK*, anonymity key for resynchronisation (6 bytes). */
  f5Star: Uint8Array;
}

function requireLength(field: string, bytes: Uint8Array, length: number): void {
  if (bytes.length !== length) {
    throw new SimInputError("SIM_BAD_LENGTH", field, `expected ${length} bytes, got ${bytes.length} bytes`);
  }
}

/** OPc = OP xor E_K(OP), TS 35.206 §4.1. */
export function computeOpc(k: Uint8Array, op: Uint8Array): Uint8Array {
  requireLength("k", k, KEY_BYTES);
  requireLength("op", op, KEY_BYTES);
  const opc = encryptBlock(expandAes128Key(k), op);
  for (let i = 0; i < KEY_BYTES; i++) opc[i]! ^= op[i]!;
  return opc;
}

/** Milenage keyed for one subscriber: K's AES schedule and OPc, both fixed at construction. */
export class Milenage {
  readonly #schedule: Aes128KeySchedule;
  readonly #opc: Uint32Array;

  /** K and OPc, 16 bytes each. Throws SimInputError (SIM_BAD_LENGTH) otherwise. */
  constructor(k: Uint8Array, opc: Uint8Array) {
    requireLength("k", k, KEY_BYTES);
    requireLength("opc", opc, KEY_BYTES);
    this.#schedule = expandAes128Key(k);
    this.#opc = Uint32Array.of(readWord(opc, 0), readWord(opc, 4), readWord(opc, 8), readWord(opc, 12));
  }

  /** For an operator that provisions OP rather than OPc. */
  static fromOp(k: Uint8Array, op: Uint8Array): Milenage {
    return new Milenage(k, computeOpc(k, op));
  }

  get opc(): Uint8Array {
    const bytes = new Uint8Array(KEY_BYTES);
    for (let i = 0; i < 4; i++) writeWord(bytes, 4 * i, this.#opc[i]!);
    return bytes;
  }

  /** Starts a computation for one RAND (16 bytes): TEMP = E_K(RAND xor OPc). */
  challenge(rand: Uint8Array): MilenageChallenge {
    requireLength("rand", rand, RAND_BYTES);
    return new MilenageChallenge(this.#schedule, this.#opc, rand);
  }

  /** All of f1..f5* for one RAND, SQN (6 bytes) and AMF (2 bytes): six AES blocks. */
  compute(rand: Uint8Array, sqn: Uint8Array, amf: Uint8Array): MilenageOutputs {
    const challenge = this.challenge(rand);
    const out1 = challenge.out1(sqn, amf);
    const out2 = challenge.out2();
    return {
      f1: out1.slice(0, MAC_BYTES),
      f1Star: out1.slice(MAC_BYTES, 16),
      f2: out2.slice(8, 16),
      f3: challenge.f3(),
      f4: challenge.f4(),
      f5: out2.slice(0, AK_BYTES),
      f5Star: challenge.f5Star(),
    };
  }
}

/**
 * The computations for one RAND, made by `Milenage.challenge`. Each output costs one AES
 * block; OUT2 (f2 and f5) is cached because the USIM needs f5 first and f2 later.
 */
export class MilenageChallenge {
  readonly #schedule: Aes128KeySchedule;
  readonly #opc: Uint32Array;
  /** TEMP = E_K(RAND xor OPc). */
  readonly #temp = new Uint32Array(4);
  /** TEMP xor OPc, the common input of OUT2..OUT5. */
  readonly #maskedTemp = new Uint32Array(4);
  readonly #block = new Uint32Array(4);
  #out2: Uint8Array | undefined;

  /** @internal Use `Milenage.challenge(rand)`. */
  constructor(schedule: Aes128KeySchedule, opc: Uint32Array, rand: Uint8Array) {
    this.#schedule = schedule;
    this.#opc = opc;
    const t = this.#temp;
    encryptWords(
      schedule,
      readWord(rand, 0) ^ opc[0]!,
      readWord(rand, 4) ^ opc[1]!,
      readWord(rand, 8) ^ opc[2]!,
      readWord(rand, 12) ^ opc[3]!,
      t,
    );
    for (let i = 0; i < 4; i++) this.#maskedTemp[i] = t[i]! ^ opc[i]!;
  }

  /** OUT1 (16 bytes) with IN1 = SQN || AMF || SQN || AMF, r1 = 64, c1 = 0. */
  out1(sqn: Uint8Array, amf: Uint8Array): Uint8Array {
    requireLength("sqn", sqn, SQN_BYTES);
    requireLength("amf", amf, AMF_BYTES);
    const o = this.#opc;
    const t = this.#temp;
    const high = readWord(sqn, 0);
    const low = ((sqn[4]! << 24) | (sqn[5]! << 16) | (amf[0]! << 8) | amf[1]!) >>> 0;
    // rot(IN1 xor OPc, 64): word i comes from word i + 2 mod 4; IN1 is high, low, high, low.
    return this.#encryptThenMask(
      t[0]! ^ high ^ o[2]!,
      t[1]! ^ low ^ o[3]!,
      t[2]! ^ high ^ o[0]!,
      t[3]! ^ low ^ o[1]!,
    );
  }

  /** OUT2 (16 bytes): r2 = 0, c2 = 1. Holds f5 (bytes 0-5) and f2 (bytes 8-15). */
  out2(): Uint8Array {
    if (this.#out2 === undefined) {
      const x = this.#maskedTemp;
      this.#out2 = this.#encryptThenMask(x[0]!, x[1]!, x[2]!, x[3]! ^ 1);
    }
    return this.#out2;
  }

  /** f1: MAC-A (8 bytes). */
  f1(sqn: Uint8Array, amf: Uint8Array): Uint8Array {
    return this.out1(sqn, amf).slice(0, MAC_BYTES);
  }

  /** f1*: MAC-S (8 bytes). For AUTS the AMF is the dummy 0000 (TS 33.102 §6.3.3). */
  f1Star(sqn: Uint8Array, amf: Uint8Array): Uint8Array {
    return this.out1(sqn, amf).slice(MAC_BYTES, 16);
  }

  /** f2: RES (8 bytes). */
  f2(): Uint8Array {
    return this.out2().slice(8, 16);
  }

  /** f3: CK (16 bytes; r3 = 32, c3 = 2). Rotating left by 32 bits: word i comes from word i + 1. */
  f3(): Uint8Array {
    const x = this.#maskedTemp;
    return this.#encryptThenMask(x[1]!, x[2]!, x[3]!, x[0]! ^ 2);
  }

  /** f4: IK (16 bytes; r4 = 64, c4 = 4). */
  f4(): Uint8Array {
    const x = this.#maskedTemp;
    return this.#encryptThenMask(x[2]!, x[3]!, x[0]!, x[1]! ^ 4);
  }

  /** f5: AK (6 bytes). */
  f5(): Uint8Array {
    return this.out2().slice(0, AK_BYTES);
  }

  /** f5*: AK* (6 bytes; r5 = 96, c5 = 8). */
  f5Star(): Uint8Array {
    const x = this.#maskedTemp;
    return this.#encryptThenMask(x[3]!, x[0]!, x[1]!, x[2]! ^ 8).slice(0, AK_BYTES);
  }

  /** E_K(block) xor OPc, as a new 16-byte array. */
  #encryptThenMask(w0: number, w1: number, w2: number, w3: number): Uint8Array {
    const o = this.#opc;
    const e = this.#block;
    encryptWords(this.#schedule, w0, w1, w2, w3, e);
    const bytes = new Uint8Array(16);
    for (let i = 0; i < 4; i++) writeWord(bytes, 4 * i, e[i]! ^ o[i]!);
    return bytes;
  }
}
