/**
 * A small, fast, seeded pseudo-random generator: xoshiro128** (Blackman & Vigna, 2018) over
 * four 32-bit lanes. Not cryptographic: it makes simulated keys and PINs reproducible from a
 * seed, which is the point (design: "randomness is injected").
 *
 * A seed is a string or a number; a number seeds exactly like its decimal string, so
 * `--seed 42` on the command line and `seed: 42` in code give the same cards.
 * `stream(i)` derives independent generators from the same seed (one per batch row), so
 * row i can be produced without producing rows 0..i-1.
 */

export type Seed = string | number;

const TWO_32 = 4294967296;
const FOUR_DIGITS: readonly string[] = Array.from({ length: 10_000 }, (_, i) => String(i).padStart(4, "0"));
const TWO_53 = 9007199254740992;

export class SeededRandom {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  private constructor(
    /** The four lanes hashed from the seed; sub-streams start from these. */
    private readonly seedLanes: readonly [number, number, number, number],
    state: readonly [number, number, number, number],
  ) {
    [this.s0, this.s1, this.s2, this.s3] = state;
    // The all-zero state is the one fixed point of xoshiro.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  static from(seed: Seed): SeededRandom {
    const lanes = hashSeed(String(seed));
    return new SeededRandom(lanes, lanes);
  }

  /** An independent generator for sub-stream `index` (a safe non-negative integer) of this seed. */
  stream(index: number): SeededRandom {
    if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`stream index ${index}`);
    const low = index >>> 0;
    const high = Math.floor(index / TWO_32);
    const lanes = this.seedLanes;
    const state: [number, number, number, number] = [0, 0, 0, 0];
    for (let k = 0; k < 4; k++) {
      const seedLane = lanes[k] ?? 0;
      state[k] =
        mix32(
          seedLane ^ mix32((low + Math.imul(k + 1, 0x9e3779b9)) >>> 0) ^ mix32(high ^ (0x85ebca6b + k)),
        ) >>> 0;
    }
    return new SeededRandom(lanes, state);
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform integer in [0, n), without modulo bias; n is an integer in 1..2^53. */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_53) throw new RangeError(`nextInt(${n})`);
    if (n <= TWO_32) {
      const limit = TWO_32 - (TWO_32 % n);
      let x = this.nextUint32();
      while (x >= limit) x = this.nextUint32();
      return x % n;
    }
    const limit = TWO_53 - (TWO_53 % n);
    let x = this.next53();
    while (x >= limit) x = this.next53();
    return x % n;
  }

  /** Fills `bytes` with random bytes and returns it. */
  fillBytes<T extends Uint8Array>(bytes: T): T {
    let i = 0;
    for (; i + 4 <= bytes.length; i += 4) {
      const x = this.nextUint32();
      bytes[i] = x & 0xff;
      bytes[i + 1] = (x >>> 8) & 0xff;
      bytes[i + 2] = (x >>> 16) & 0xff;
      bytes[i + 3] = x >>> 24;
    }
    if (i < bytes.length) {
      let x = this.nextUint32();
      for (; i < bytes.length; i++, x >>>= 8) bytes[i] = x & 0xff;
    }
    return bytes;
  }

  /** `count` uniformly random decimal digits (leading zeros kept), e.g. a PIN. */
  digits(count: number): string {
    let text = "";
    let left = count;
    for (; left >= 4; left -= 4) text += FOUR_DIGITS[this.nextInt(10_000)]!;
    if (left > 0) text += FOUR_DIGITS[this.nextInt(10_000)]!.slice(4 - left);
    return text;
  }

  private next53(): number {
    return (this.nextUint32() >>> 11) * TWO_32 + this.nextUint32();
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** A 32-bit bijective finaliser (xor-shift-multiply), spreading every input bit over the output. */
function mix32(x: number): number {
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x7feb352d);
  z = Math.imul(z ^ (z >>> 15), 0x846ca68b);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Hashes the seed text into four 32-bit lanes, each fed every character with its own constant. */
function hashSeed(text: string): [number, number, number, number] {
  let a = 0x243f6a88;
  let b = 0x85a308d3;
  let c = 0x13198a2e;
  let d = 0x03707344;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    a = mix32(a ^ Math.imul(code, 0x9e3779b1));
    b = mix32(b ^ Math.imul(code, 0xc2b2ae3d) ^ a);
    c = mix32(c ^ Math.imul(code, 0x27d4eb2f) ^ b);
    d = mix32(d ^ Math.imul(code, 0x165667b1) ^ c);
  }
  // Fold in the length so that "" and a string of NULs differ, then cross-mix the lanes.
  a = mix32(a ^ text.length);
  b = mix32(b ^ a);
  c = mix32(c ^ b);
  d = mix32(d ^ c);
  return [mix32(a ^ d), b, c, d];
}
