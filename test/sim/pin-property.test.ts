import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PIN_MAX_TRIES, type PinObject, PUK_MAX_TRIES, type UnblockKey } from "../../sim/card.js";
import {
  changePin,
  disablePin,
  enablePin,
  type PinId,
  pinState,
  powerOffPin,
  unblockPin,
  verifyPin,
} from "../../sim/pin.js";

interface Pair {
  pin: PinObject;
  puk: UnblockKey;
}

/** A code: the current PIN, the PUK, or anything else (digits of any length, junk). */
type Code = { kind: "pin" } | { kind: "puk" } | { kind: "other"; value: string };

type Operation =
  | { op: "verify"; code: Code }
  | { op: "change"; old: Code; next: string }
  | { op: "disable"; code: Code }
  | { op: "enable"; code: Code }
  | { op: "unblock"; puk: Code; next: string }
  | { op: "power-off" };

const codeArb: fc.Arbitrary<Code> = fc.oneof(
  fc.constant<Code>({ kind: "pin" }),
  fc.constant<Code>({ kind: "puk" }),
  fc.stringMatching(/^[0-9]{0,10}$/).map((value): Code => ({ kind: "other", value })),
  fc.string({ maxLength: 9 }).map((value): Code => ({ kind: "other", value })),
);
const newPinArb = fc.oneof(fc.stringMatching(/^[0-9]{4,8}$/), fc.stringMatching(/^[0-9a-f]{0,10}$/));

const operationArb: fc.Arbitrary<Operation> = fc.oneof(
  codeArb.map((code): Operation => ({ op: "verify", code })),
  fc
    .record({ old: codeArb, next: newPinArb })
    .map(({ old, next }): Operation => ({ op: "change", old, next })),
  codeArb.map((code): Operation => ({ op: "disable", code })),
  codeArb.map((code): Operation => ({ op: "enable", code })),
  fc
    .record({ puk: codeArb, next: newPinArb })
    .map(({ puk, next }): Operation => ({ op: "unblock", puk, next })),
  fc.constant<Operation>({ op: "power-off" }),
);

const startArb: fc.Arbitrary<Pair> = fc
  .record({
    pin: fc.stringMatching(/^[0-9]{4,8}$/),
    enabled: fc.boolean(),
    pinTries: fc.integer({ min: 0, max: PIN_MAX_TRIES }),
    puk: fc.stringMatching(/^[0-9]{8}$/),
    pukTries: fc.integer({ min: 0, max: PUK_MAX_TRIES }),
  })
  .map(({ pin, enabled, pinTries, puk, pukTries }) => ({
    pin: { value: pin, enabled, triesLeft: pinTries, verified: false },
    puk: { value: puk, triesLeft: pukTries },
  }));

function resolve(code: Code, pair: Pair): string {
  if (code.kind === "pin") return pair.pin.value;
  if (code.kind === "puk") return pair.puk.value;
  return code.value;
}

function apply(id: PinId, pair: Pair, operation: Operation): Pair {
  switch (operation.op) {
    case "verify":
      return { ...pair, pin: verifyPin(pair.pin, resolve(operation.code, pair)).pin };
    case "change":
      return { ...pair, pin: changePin(pair.pin, resolve(operation.old, pair), operation.next).pin };
    case "disable":
      return { ...pair, pin: disablePin(id, pair.pin, resolve(operation.code, pair)).pin };
    case "enable":
      return { ...pair, pin: enablePin(pair.pin, resolve(operation.code, pair)).pin };
    case "unblock": {
      const step = unblockPin(pair.pin, pair.puk, resolve(operation.puk, pair), operation.next);
      return { pin: step.pin, puk: step.puk };
    }
    case "power-off":
      return { ...pair, pin: powerOffPin(pair.pin) };
  }
}

const idArb = fc.constantFrom<PinId>("pin1", "pin2");
const runArb = fc.tuple(idArb, startArb, fc.array(operationArb, { maxLength: 40 }));

describe("PIN / PUK properties over random operation sequences", () => {
  it("counters stay within 0..max", () => {
    fc.assert(
      fc.property(runArb, ([id, start, operations]) => {
        let pair = start;
        for (const operation of operations) {
          pair = apply(id, pair, operation);
          expect(pair.pin.triesLeft).toBeGreaterThanOrEqual(0);
          expect(pair.pin.triesLeft).toBeLessThanOrEqual(PIN_MAX_TRIES);
          expect(pair.puk.triesLeft).toBeGreaterThanOrEqual(0);
          expect(pair.puk.triesLeft).toBeLessThanOrEqual(PUK_MAX_TRIES);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("a blocked PIN never verifies and PIN commands leave its counter alone", () => {
    fc.assert(
      fc.property(runArb, codeArb, ([id, start, operations], code) => {
        let pair = start;
        for (const operation of operations) {
          pair = apply(id, pair, operation);
          if (pair.pin.triesLeft > 0) continue;
          const presented = resolve(code, pair);
          const verify = verifyPin(pair.pin, presented);
          expect(verify.outcome.kind).toBe("blocked");
          expect(verify.pin).toEqual(pair.pin);
          expect(changePin(pair.pin, presented, "5678").pin).toEqual(pair.pin);
          expect(disablePin(id, pair.pin, presented).pin).toEqual(pair.pin);
          expect(enablePin(pair.pin, presented).pin).toEqual(pair.pin);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("UNBLOCK with the right PUK, while the PUK lasts, gives a verified PIN with full counters", () => {
    fc.assert(
      fc.property(runArb, fc.stringMatching(/^[0-9]{4,8}$/), ([id, start, operations], newPin) => {
        let pair = start;
        for (const operation of [...operations, { op: "power-off" } as const]) {
          pair = apply(id, pair, operation);
          if (pair.puk.triesLeft === 0) continue;
          const step = unblockPin(pair.pin, pair.puk, pair.puk.value, newPin);
          expect(step.outcome.kind).toBe("ok");
          expect(step.pin).toEqual({
            value: newPin,
            enabled: true,
            triesLeft: PIN_MAX_TRIES,
            verified: true,
          });
          expect(step.puk.triesLeft).toBe(PUK_MAX_TRIES);
          expect(pinState(step.pin, step.puk)).toBe("enabled-verified");
        }
      }),
      { numRuns: 500 },
    );
  });

  it("a permanently blocked PIN stays permanently blocked", () => {
    fc.assert(
      fc.property(runArb, fc.array(operationArb, { maxLength: 30 }), ([id, start, operations], more) => {
        let pair = start;
        let blockedForGood = false;
        for (const operation of [...operations, ...more]) {
          pair = apply(id, pair, operation);
          const state = pinState(pair.pin, pair.puk);
          if (blockedForGood) expect(state).toBe("permanently-blocked");
          blockedForGood ||= state === "permanently-blocked";
        }
      }),
      { numRuns: 500 },
    );
  });

  it("reaches a permanent block from a fresh PIN: 3 wrong PINs, then 10 wrong PUKs", () => {
    let pair: Pair = {
      pin: { value: "0000", enabled: true, triesLeft: PIN_MAX_TRIES, verified: false },
      puk: { value: "11111111", triesLeft: PUK_MAX_TRIES },
    };
    for (let i = 0; i < 3; i++)
      pair = apply("pin1", pair, { op: "verify", code: { kind: "other", value: "9" } });
    expect(pinState(pair.pin, pair.puk)).toBe("blocked");
    for (let i = 0; i < 10; i++) {
      pair = apply("pin1", pair, { op: "unblock", puk: { kind: "other", value: "1" }, next: "1234" });
    }
    expect(pinState(pair.pin, pair.puk)).toBe("permanently-blocked");
    expect(unblockPin(pair.pin, pair.puk, "11111111", "1234").outcome.kind).toBe("puk-blocked");
  });
});
