/**
 * AES-128 encryption (FIPS-197), the block cipher inside Milenage (TS 35.206 §4.1 "E_K").
 *
 * Table-driven and word-oriented: a 128-bit block is four big-endian 32-bit words (the
 * state columns). The S-box and the four round tables are derived at load time from the
 * GF(2^8) arithmetic of FIPS-197 §4-§5, so no constant tables are transcribed here.
 *
 * Only encryption is needed: Milenage never decrypts. Expand a key once with
 * `expandAes128Key` and reuse the schedule for every block under that key; this is what
 * makes computing many vectors for one subscriber key cheap (measured against Node's
 * own ECB cipher in bench/milenage.bench.ts).
 */
import { SimInputError } from "./errors.js";

/** The 44 round-key words of an AES-128 key schedule (FIPS-197 §5.2). */
export type Aes128KeySchedule = Uint32Array & { readonly __aes128KeySchedule: true };

const ROUNDS = 10;

/** Multiplication by x (i.e. by 2) in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1 (FIPS-197 §4.2.1). */
function xtime(a: number): number {
  return ((a << 1) ^ (a & 0x80 ? 0x1b : 0)) & 0xff;
}

function rotateByteLeft(a: number, bits: number): number {
  return ((a << bits) | (a >>> (8 - bits))) & 0xff;
}

/** SubBytes table: multiplicative inverse followed by the affine map (FIPS-197 §5.1.1). */
function buildSbox(): Uint8Array {
  // Walk the multiplicative group with generator 3 to get exp/log tables, then invert.
  const exp = new Uint8Array(256);
  const log = new Uint8Array(256);
  let value = 1;
  for (let power = 0; power < 255; power++) {
    exp[power] = value;
    log[value] = power;
    value ^= xtime(value);
  }
  const sbox = new Uint8Array(256);
  for (let x = 0; x < 256; x++) {
    const inverse = x === 0 ? 0 : exp[(255 - log[x]!) % 255]!;
    sbox[x] =
      inverse ^
      rotateByteLeft(inverse, 1) ^
      rotateByteLeft(inverse, 2) ^
      rotateByteLeft(inverse, 3) ^
      rotateByteLeft(inverse, 4) ^
      0x63;
  }
  return sbox;
}

const SBOX = buildSbox();

/**
 * Round tables: SubBytes and MixColumns folded together (FIPS-197 §5.1.3). A byte in row r
 * of a column contributes table r of it to the mixed column; tables 1-3 are byte rotations
 * of table 0, whose column is (2s, s, s, 3s) from top to bottom.
 */
function buildRoundTables(): [Uint32Array, Uint32Array, Uint32Array, Uint32Array] {
  const t0 = new Uint32Array(256);
  const t1 = new Uint32Array(256);
  const t2 = new Uint32Array(256);
  const t3 = new Uint32Array(256);
  for (let x = 0; x < 256; x++) {
    const s = SBOX[x]!;
    const twice = xtime(s);
    const word = ((twice << 24) | (s << 16) | (s << 8) | (twice ^ s)) >>> 0;
    t0[x] = word;
    t1[x] = ((word >>> 8) | (word << 24)) >>> 0;
    t2[x] = ((word >>> 16) | (word << 16)) >>> 0;
    t3[x] = ((word >>> 24) | (word << 8)) >>> 0;
  }
  return [t0, t1, t2, t3];
}

const [T0, T1, T2, T3] = buildRoundTables();

function subWord(word: number): number {
  return (
    ((SBOX[word >>> 24]! << 24) |
      (SBOX[(word >>> 16) & 0xff]! << 16) |
      (SBOX[(word >>> 8) & 0xff]! << 8) |
      SBOX[word & 0xff]!) >>>
    0
  );
}

/** Reads four bytes at `offset` as a big-endian unsigned word. */
export function readWord(bytes: Uint8Array, offset: number): number {
  return (
    ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>>
    0
  );
}

/** Writes a 32-bit word big-endian at `offset`. */
export function writeWord(bytes: Uint8Array, offset: number, word: number): void {
  bytes[offset] = word >>> 24;
  bytes[offset + 1] = word >>> 16;
  bytes[offset + 2] = word >>> 8;
  bytes[offset + 3] = word;
}

/** Key expansion for a 16-byte key (FIPS-197 §5.2). Throws SimInputError on a wrong length. */
export function expandAes128Key(key: Uint8Array): Aes128KeySchedule {
  if (key.length !== 16) {
    throw new SimInputError("SIM_BAD_LENGTH", "aes key", `expected 16 bytes, got ${key.length} bytes`);
  }
  const words = new Uint32Array(4 * (ROUNDS + 1));
  for (let i = 0; i < 4; i++) words[i] = readWord(key, 4 * i);
  let roundConstant = 1;
  for (let i = 4; i < words.length; i++) {
    let temp = words[i - 1]!;
    if (i % 4 === 0) {
      // RotWord, SubWord, then xor Rcon into the top byte.
      temp = (subWord(((temp << 8) | (temp >>> 24)) >>> 0) ^ (roundConstant << 24)) >>> 0;
      roundConstant = xtime(roundConstant);
    }
    words[i] = words[i - 4]! ^ temp;
  }
  return words as Aes128KeySchedule;
}

/**
 * Encrypts the block given as four big-endian words (w0..w3) and writes the four result
 * words into `out[0..3]`. No allocation: this is the hot path of Milenage.
 */
export function encryptWords(
  schedule: Aes128KeySchedule,
  w0: number,
  w1: number,
  w2: number,
  w3: number,
  out: Uint32Array,
): void {
  let s0 = w0 ^ schedule[0]!;
  let s1 = w1 ^ schedule[1]!;
  let s2 = w2 ^ schedule[2]!;
  let s3 = w3 ^ schedule[3]!;
  let k = 4;
  for (let round = 1; round < ROUNDS; round++) {
    // ShiftRows: row r of column c comes from column c + r (FIPS-197 §5.1.2).
    const n0 =
      T0[s0 >>> 24]! ^ T1[(s1 >>> 16) & 0xff]! ^ T2[(s2 >>> 8) & 0xff]! ^ T3[s3 & 0xff]! ^ schedule[k]!;
    const n1 =
      T0[s1 >>> 24]! ^ T1[(s2 >>> 16) & 0xff]! ^ T2[(s3 >>> 8) & 0xff]! ^ T3[s0 & 0xff]! ^ schedule[k + 1]!;
    const n2 =
      T0[s2 >>> 24]! ^ T1[(s3 >>> 16) & 0xff]! ^ T2[(s0 >>> 8) & 0xff]! ^ T3[s1 & 0xff]! ^ schedule[k + 2]!;
    const n3 =
      T0[s3 >>> 24]! ^ T1[(s0 >>> 16) & 0xff]! ^ T2[(s1 >>> 8) & 0xff]! ^ T3[s2 & 0xff]! ^ schedule[k + 3]!;
    s0 = n0;
    s1 = n1;
    s2 = n2;
    s3 = n3;
    k += 4;
  }
  // The last round has no MixColumns.
  out[0] = lastRoundWord(s0, s1, s2, s3) ^ schedule[k]!;
  out[1] = lastRoundWord(s1, s2, s3, s0) ^ schedule[k + 1]!;
  out[2] = lastRoundWord(s2, s3, s0, s1) ^ schedule[k + 2]!;
  out[3] = lastRoundWord(s3, s0, s1, s2) ^ schedule[k + 3]!;
}

function lastRoundWord(a: number, b: number, c: number, d: number): number {
  return (
    (SBOX[a >>> 24]! << 24) |
    (SBOX[(b >>> 16) & 0xff]! << 16) |
    (SBOX[(c >>> 8) & 0xff]! << 8) |
    SBOX[d & 0xff]!
  );
}

/** Encrypts one 16-byte block and returns a new 16-byte array (convenience; allocates). */
export function encryptBlock(schedule: Aes128KeySchedule, block: Uint8Array): Uint8Array {
  if (block.length !== 16) {
    throw new SimInputError("SIM_BAD_LENGTH", "aes block", `expected 16 bytes, got ${block.length} bytes`);
  }
  const words = new Uint32Array(4);
  encryptWords(
    schedule,
    readWord(block, 0),
    readWord(block, 4),
    readWord(block, 8),
    readWord(block, 12),
    words,
  );
  const out = new Uint8Array(16);
  for (let i = 0; i < 4; i++) writeWord(out, 4 * i, words[i]!);
  return out;
}
