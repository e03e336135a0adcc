import { describe, expect, it } from "vitest";
import type { PinObject, UnblockKey } from "../../sim/card.js";
import {
  changePin,
  disablePin,
  enablePin,
  isPinSatisfied,
  isWellFormedPin,
  isWellFormedPuk,
  type PinOutcome,
  type PinState,
  type PinStep,
  pinState,
  powerOffPin,
  unblockPin,
  verifyPin,
} from "../../sim/pin.js";

const enabled = (triesLeft = 3, verified = false): PinObject => ({
  value: "1234",
  enabled: true,
  triesLeft,
  verified,
});
const disabled = (triesLeft = 3): PinObject => ({
  value: "1234",
  enabled: false,
  triesLeft,
  verified: false,
});
const puk = (triesLeft = 10): UnblockKey => ({ value: "87654321", triesLeft });

interface Transition {
  name: string;
  before: PinObject;
  run: (pin: PinObject) => PinStep;
  outcome: PinOutcome;
  after: PinObject;
}

const transitions: Transition[] = [
  // VERIFY
  {
    name: "VERIFY right code: counter back to 3, verified",
    before: enabled(1),
    run: (p) => verifyPin(p, "1234"),
    outcome: { kind: "ok" },
    after: enabled(3, true),
  },
  {
    name: "VERIFY wrong code: 3 -> 2",
    before: enabled(3),
    run: (p) => verifyPin(p, "0000"),
    outcome: { kind: "wrong-code", triesLeft: 2 },
    after: enabled(2),
  },
  {
    name: "VERIFY wrong code keeps an earlier verification while tries remain",
    before: enabled(3, true),
    run: (p) => verifyPin(p, "0000"),
    outcome: { kind: "wrong-code", triesLeft: 2 },
    after: enabled(2, true),
  },
  {
    name: "VERIFY third wrong code: blocked, answer carries 0 tries, verification lost",
    before: enabled(1, true),
    run: (p) => verifyPin(p, "0000"),
    outcome: { kind: "wrong-code", triesLeft: 0 },
    after: enabled(0, false),
  },
  {
    name: "VERIFY on a blocked PIN, even the right code: blocked, counter untouched",
    before: enabled(0),
    run: (p) => verifyPin(p, "1234"),
    outcome: { kind: "blocked" },
    after: enabled(0),
  },
  {
    name: "VERIFY on a disabled PIN: refused, no try spent",
    before: disabled(3),
    run: (p) => verifyPin(p, "0000"),
    outcome: { kind: "pin-disabled" },
    after: disabled(3),
  },
  {
    name: "VERIFY of a malformed code is just a wrong presentation",
    before: enabled(3),
    run: (p) => verifyPin(p, "12"),
    outcome: { kind: "wrong-code", triesLeft: 2 },
    after: enabled(2),
  },
  // CHANGE
  {
    name: "CHANGE right old code: new value, counter reset, verified",
    before: enabled(2),
    run: (p) => changePin(p, "1234", "87654321"),
    outcome: { kind: "ok" },
    after: { value: "87654321", enabled: true, triesLeft: 3, verified: true },
  },
  {
    name: "CHANGE wrong old code: counter - 1, value kept",
    before: enabled(3),
    run: (p) => changePin(p, "9999", "5555"),
    outcome: { kind: "wrong-code", triesLeft: 2 },
    after: enabled(2),
  },
  {
    name: "CHANGE to a malformed new PIN (3 digits): refused before the old code costs a try",
    before: enabled(3),
    run: (p) => changePin(p, "9999", "123"),
    outcome: { kind: "malformed-new-pin" },
    after: enabled(3),
  },
  {
    name: "CHANGE to a 9-digit PIN: malformed",
    before: enabled(3),
    run: (p) => changePin(p, "1234", "123456789"),
    outcome: { kind: "malformed-new-pin" },
    after: enabled(3),
  },
  {
    name: "CHANGE on a blocked PIN: blocked",
    before: enabled(0),
    run: (p) => changePin(p, "1234", "5555"),
    outcome: { kind: "blocked" },
    after: enabled(0),
  },
  {
    name: "CHANGE on a disabled PIN: refused",
    before: disabled(),
    run: (p) => changePin(p, "1234", "5555"),
    outcome: { kind: "pin-disabled" },
    after: disabled(),
  },
  // DISABLE
  {
    name: "DISABLE PIN1 right code: disabled, counter reset",
    before: enabled(2),
    run: (p) => disablePin("pin1", p, "1234"),
    outcome: { kind: "ok" },
    after: { value: "1234", enabled: false, triesLeft: 3, verified: true },
  },
  {
    name: "DISABLE PIN1 wrong code: counter - 1, still enabled",
    before: enabled(2),
    run: (p) => disablePin("pin1", p, "0000"),
    outcome: { kind: "wrong-code", triesLeft: 1 },
    after: enabled(1),
  },
  {
    name: "DISABLE PIN2: not disableable, no try spent even with a wrong code",
    before: enabled(3),
    run: (p) => disablePin("pin2", p, "0000"),
    outcome: { kind: "not-disableable" },
    after: enabled(3),
  },
  {
    name: "DISABLE on a disabled PIN: refused",
    before: disabled(),
    run: (p) => disablePin("pin1", p, "1234"),
    outcome: { kind: "pin-disabled" },
    after: disabled(),
  },
  {
    name: "DISABLE on a blocked PIN: blocked",
    before: enabled(0),
    run: (p) => disablePin("pin1", p, "1234"),
    outcome: { kind: "blocked" },
    after: enabled(0),
  },
  // ENABLE
  {
    name: "ENABLE right code: enabled, counter reset, verified",
    before: disabled(1),
    run: (p) => enablePin(p, "1234"),
    outcome: { kind: "ok" },
    after: enabled(3, true),
  },
  {
    name: "ENABLE wrong code: counter - 1, still disabled",
    before: disabled(3),
    run: (p) => enablePin(p, "0000"),
    outcome: { kind: "wrong-code", triesLeft: 2 },
    after: disabled(2),
  },
  {
    name: "ENABLE third wrong code blocks a disabled PIN",
    before: disabled(1),
    run: (p) => enablePin(p, "0000"),
    outcome: { kind: "wrong-code", triesLeft: 0 },
    after: disabled(0),
  },
  {
    name: "ENABLE on an enabled PIN: refused, no try spent",
    before: enabled(3),
    run: (p) => enablePin(p, "0000"),
    outcome: { kind: "pin-already-enabled" },
    after: enabled(3),
  },
  {
    name: "ENABLE on a blocked disabled PIN: blocked",
    before: disabled(0),
    run: (p) => enablePin(p, "1234"),
    outcome: { kind: "blocked" },
    after: disabled(0),
  },
];

describe("PIN transitions (TS 102 221 §11.1.9-11.1.12)", () => {
  it.each(transitions)("$name", ({ before, run, outcome, after }) => {
    const step = run(before);
    expect(step.outcome).toEqual(outcome);
    expect(step.pin).toEqual(after);
  });

  it("never mutates its input", () => {
    const pin = enabled(3);
    const frozen = Object.freeze({ ...pin });
    verifyPin(frozen, "0000");
    changePin(frozen, "1234", "5555");
    disablePin("pin1", frozen, "1234");
    expect(frozen).toEqual(pin);
  });

  it("VERIFY, CHANGE, DISABLE and ENABLE share one counter", () => {
    let pin = enabled(3);
    pin = verifyPin(pin, "0000").pin;
    pin = changePin(pin, "0000", "5555").pin;
    const last = disablePin("pin1", pin, "0000");
    expect(last.outcome).toEqual({ kind: "wrong-code", triesLeft: 0 });
    expect(verifyPin(last.pin, "1234").outcome).toEqual({ kind: "blocked" });
  });
});

describe("UNBLOCK PIN (TS 102 221 §11.1.13)", () => {
  const cases: {
    name: string;
    pin: PinObject;
    puk: UnblockKey;
    presented: string;
    newPin: string;
    outcome: ReturnType<typeof unblockPin>["outcome"];
    pinAfter: PinObject;
    pukAfter: UnblockKey;
  }[] = [
    {
      name: "right PUK on a blocked PIN: new PIN, both counters full, enabled and verified",
      pin: enabled(0),
      puk: puk(4),
      presented: "87654321",
      newPin: "4321",
      outcome: { kind: "ok" },
      pinAfter: { value: "4321", enabled: true, triesLeft: 3, verified: true },
      pukAfter: puk(10),
    },
    {
      name: "right PUK on a PIN that is not blocked works too",
      pin: enabled(2),
      puk: puk(10),
      presented: "87654321",
      newPin: "00000000",
      outcome: { kind: "ok" },
      pinAfter: { value: "00000000", enabled: true, triesLeft: 3, verified: true },
      pukAfter: puk(10),
    },
    {
      name: "right PUK re-enables a disabled PIN",
      pin: disabled(0),
      puk: puk(10),
      presented: "87654321",
      newPin: "1111",
      outcome: { kind: "ok" },
      pinAfter: { value: "1111", enabled: true, triesLeft: 3, verified: true },
      pukAfter: puk(10),
    },
    {
      name: "wrong PUK: PUK counter - 1, the PIN untouched",
      pin: enabled(0),
      puk: puk(10),
      presented: "00000000",
      newPin: "1111",
      outcome: { kind: "wrong-puk", triesLeft: 9 },
      pinAfter: enabled(0),
      pukAfter: puk(9),
    },
    {
      name: "tenth wrong PUK: exhausted, answer carries 0 tries",
      pin: enabled(0),
      puk: puk(1),
      presented: "00000000",
      newPin: "1111",
      outcome: { kind: "wrong-puk", triesLeft: 0 },
      pinAfter: enabled(0),
      pukAfter: puk(0),
    },
    {
      name: "exhausted PUK: blocked for good, even with the right PUK",
      pin: enabled(0),
      puk: puk(0),
      presented: "87654321",
      newPin: "1111",
      outcome: { kind: "puk-blocked" },
      pinAfter: enabled(0),
      pukAfter: puk(0),
    },
    {
      name: "malformed new PIN: refused before the PUK costs a try",
      pin: enabled(0),
      puk: puk(10),
      presented: "00000000",
      newPin: "12a4",
      outcome: { kind: "malformed-new-pin" },
      pinAfter: enabled(0),
      pukAfter: puk(10),
    },
  ];

  it.each(cases)("$name", ({ pin, puk: key, presented, newPin, outcome, pinAfter, pukAfter }) => {
    const step = unblockPin(pin, key, presented, newPin);
    expect(step.outcome).toEqual(outcome);
    expect(step.pin).toEqual(pinAfter);
    expect(step.puk).toEqual(pukAfter);
  });
});

describe("derived PIN state", () => {
  const cases: [string, PinObject, UnblockKey, PinState][] = [
    ["disabled", disabled(), puk(), "disabled"],
    ["enabled, not verified", enabled(3, false), puk(), "enabled-not-verified"],
    ["enabled and verified", enabled(2, true), puk(), "enabled-verified"],
    ["PIN blocked, PUK left", enabled(0), puk(1), "blocked"],
    ["PIN blocked while disabled", disabled(0), puk(), "blocked"],
    ["PIN and PUK exhausted", enabled(0), puk(0), "permanently-blocked"],
    ["PUK exhausted but the PIN still usable", enabled(3, true), puk(0), "enabled-verified"],
  ];
  it.each(cases)("%s", (_name, pin, key, state) => {
    expect(pinState(pin, key)).toBe(state);
  });

  it("the PIN access condition: disabled or verified, never blocked", () => {
    expect(isPinSatisfied(disabled())).toBe(true);
    expect(isPinSatisfied(enabled(3, true))).toBe(true);
    expect(isPinSatisfied(enabled(3, false))).toBe(false);
    expect(isPinSatisfied(disabled(0))).toBe(false);
  });

  it("power-off clears verification and keeps value and counters", () => {
    expect(powerOffPin(enabled(2, true))).toEqual(enabled(2, false));
  });
});

describe("code formats", () => {
  it.each([
    ["1234", true],
    ["12345678", true],
    ["123", false],
    ["123456789", false],
    ["12a4", false],
    ["", false],
  ])("PIN %j well formed: %s", (value, ok) => {
    expect(isWellFormedPin(value)).toBe(ok);
  });

  it.each([
    ["11111111", true],
    ["1111111", false],
    ["111111111", false],
    ["1111111a", false],
  ])("PUK %j well formed: %s", (value, ok) => {
    expect(isWellFormedPuk(value)).toBe(ok);
  });
});
