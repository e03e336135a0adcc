import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ApduResponse, powerOn, processApdu, type SessionState } from "../../sim/apdu.js";
import { encodePinBlock } from "../../sim/apdu-pin.js";
import { PIN_MAX_TRIES, PUK_MAX_TRIES } from "../../sim/card.js";
import { isEmulatorStatusWord } from "../../sim/status-words.js";
import { hex, makeTestCard } from "./fixtures.js";

/** Small seeded PRNG (mulberry32): the same 100,000 inputs on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((part) => [...part]));

const VALID_APDUS: readonly Uint8Array[] = [
  concat(hex("0020000108"), encodePinBlock("0000")),
  concat(hex("0020008108"), encodePinBlock("9999")),
  hex("00200001"),
  concat(hex("0024000110"), encodePinBlock("0000"), encodePinBlock("1234")),
  concat(hex("0026000108"), encodePinBlock("0000")),
  concat(hex("0028000108"), encodePinBlock("0000")),
  concat(hex("002C000110"), encodePinBlock("11111111"), encodePinBlock("0000")),
  hex("002C000100"),
  hex("00A4000C022FE2"),
  hex("00A40004026F0700"),
  hex("00A4000C026F40"),
  hex("00B000000A"),
  hex("00B2010418"),
];

function mutate(random: () => number, apdu: Uint8Array): Uint8Array {
  const bytes = [...apdu];
  const edits = 1 + Math.floor(random() * 3);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(random() * (bytes.length + 1));
    switch (Math.floor(random() * 4)) {
      case 0:
        if (bytes.length > 0) bytes[Math.min(at, bytes.length - 1)] = Math.floor(random() * 256);
        break;
      case 1:
        bytes.splice(at, 0, Math.floor(random() * 256));
        break;
      case 2:
        bytes.splice(at, 1);
        break;
      default:
        bytes.length = Math.min(bytes.length, at);
    }
  }
  return Uint8Array.from(bytes);
}

function randomBytes(random: () => number): Uint8Array {
  const length = Math.floor(random() * 301);
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(random() * 256);
  // Bias the header toward the commands this card knows, so the fuzz reaches past 6E00 / 6D00.
  if (length >= 2 && random() < 0.5) {
    bytes[0] = 0x00;
    bytes[1] = VALID_APDUS[Math.floor(random() * VALID_APDUS.length)]![1]!;
  }
  return bytes;
}

function isSane(state: SessionState, response: ApduResponse): boolean {
  const { pin1, pin2, puk1, puk2 } = state.card;
  return (
    isEmulatorStatusWord(response.sw) &&
    response.data instanceof Uint8Array &&
    response.data.length <= 256 &&
    [pin1, pin2].every((pin) => pin.triesLeft >= 0 && pin.triesLeft <= PIN_MAX_TRIES) &&
    [puk1, puk2].every((puk) => puk.triesLeft >= 0 && puk.triesLeft <= PUK_MAX_TRIES)
  );
}

/** The same checks as isSane, through expect() for a readable failure. */
function expectSane(state: SessionState, response: ApduResponse): void {
  expect(isEmulatorStatusWord(response.sw), `SW ${response.sw.toString(16)}`).toBe(true);
  expect(response.data).toBeInstanceOf(Uint8Array);
  expect(response.data.length).toBeLessThanOrEqual(256);
  const { pin1, pin2, puk1, puk2 } = state.card;
  for (const pin of [pin1, pin2]) expect(pin.triesLeft >= 0 && pin.triesLeft <= PIN_MAX_TRIES).toBe(true);
  for (const puk of [puk1, puk2]) expect(puk.triesLeft >= 0 && puk.triesLeft <= PUK_MAX_TRIES).toBe(true);
}

describe("APDU processor fuzzing", () => {
  it("100,000 random and mutated APDUs: never throws, always one of its status words", () => {
    const random = seededRandom(0x7e15);
    let state = powerOn(makeTestCard());
    for (let i = 0; i < 100_000; i++) {
      const apdu =
        i % 2 === 0
          ? randomBytes(random)
          : mutate(random, VALID_APDUS[Math.floor(random() * VALID_APDUS.length)]!);
      const exchange = processApdu(state, apdu);
      // expect() only when something is wrong: 100,000 expect calls would dominate the run time.
      if (!isSane(exchange.state, exchange.response)) expectSane(exchange.state, exchange.response);
      // Every 5,000 APDUs start a fresh card, so the fuzz does not only see a blocked one.
      state = i % 5000 === 4999 ? powerOn(makeTestCard()) : exchange.state;
    }
  });

  it("any byte string (fast-check, shrinking)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 20 }),
        (apdus: Uint8Array[]) => {
          let state = powerOn(makeTestCard());
          for (const apdu of apdus) {
            const exchange = processApdu(state, apdu);
            expectSane(exchange.state, exchange.response);
            state = exchange.state;
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
