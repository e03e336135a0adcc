/**
 * PIN1 / PIN2 and their unblock keys (PUK1 / PUK2): the rules of ETSI TS 102 221 §11.1.9-11.1.13
 * as pure functions. Each operation takes the current objects and returns the new ones with a
 * typed outcome; a wrong code is an outcome, never an exception.
 *
 * ```mermaid
 * stateDiagram-v2
 *   [*] --> EnabledNotVerified: power on
 *   EnabledNotVerified --> EnabledVerified: VERIFY ok
 *   EnabledVerified --> EnabledNotVerified: power off / on
 *   EnabledVerified --> Disabled: DISABLE ok (PIN1 only)
 *   Disabled --> EnabledVerified: ENABLE ok
 *   EnabledNotVerified --> Blocked: 3rd wrong presentation (answer 63C0)
 *   Blocked --> EnabledVerified: UNBLOCK with the right PUK
 *   Blocked --> PermanentlyBlocked: 10th wrong PUK
 * ```
 *
 * Decisions where the standard leaves room:
 * - Every successful presentation (VERIFY, CHANGE, DISABLE, ENABLE, UNBLOCK) satisfies the PIN
 *   for the session (`verified = true`); the third wrong one blocks the PIN and clears it.
 * - Wrong UNBLOCK PINs never touch the PIN (§11.1.13.1.1): with the PUK exhausted a PIN that is
 *   not blocked keeps working; the card is "permanently blocked" once both are at 0.
 * - A blocked PIN answers "blocked" before anything else is looked at, so a blocked and
 *   disabled PIN1 reports blocked.
 */
import { PIN_MAX_TRIES, type PinObject, PUK_MAX_TRIES, type UnblockKey } from "./card.js";

export type PinId = "pin1" | "pin2";

/** Android RIL vocabulary (RIL_PinState), used by the AT layer for +CPIN / +CPINR. */
export type PinState =
  | "disabled"
  | "enabled-not-verified"
  | "enabled-verified"
  /** PIN retries exhausted: the PUK is required. */
  | "blocked"
  /** PIN and PUK retries exhausted: nothing can unblock the PIN. */
  | "permanently-blocked";

export type PinOutcome =
  | { readonly kind: "ok" }
  /** Wrong code; `triesLeft` after the decrement, 0 meaning the PIN is now blocked. */
  | { readonly kind: "wrong-code"; readonly triesLeft: number }
  /** The PIN was already blocked; counters untouched. */
  | { readonly kind: "blocked" }
  /** VERIFY / CHANGE / DISABLE on a disabled PIN (§11.1.9: "PIN is not disabled"). */
  | { readonly kind: "pin-disabled" }
  /** ENABLE on a PIN that is already enabled (§11.1.12: "PIN is disabled"). */
  | { readonly kind: "pin-already-enabled" }
  /** DISABLE of PIN2: only PIN1 has a disable function. */
  | { readonly kind: "not-disableable" }
  /** The new PIN is not 4-8 digits; checked before the old code, so it costs no try. */
  | { readonly kind: "malformed-new-pin" };

export type UnblockOutcome =
  | { readonly kind: "ok" }
  /** Wrong PUK; `triesLeft` after the decrement, 0 meaning the PUK is now exhausted. */
  | { readonly kind: "wrong-puk"; readonly triesLeft: number }
  /** The PUK was already exhausted (§11.1.13.1.1: "UNBLOCK PIN is not blocked"). */
  | { readonly kind: "puk-blocked" }
  | { readonly kind: "malformed-new-pin" };

export interface PinStep {
  readonly outcome: PinOutcome;
  readonly pin: PinObject;
}

export interface UnblockStep {
  readonly outcome: UnblockOutcome;
  readonly pin: PinObject;
  readonly puk: UnblockKey;
}

const PIN_PATTERN = /^[0-9]{4,8}$/;
const PUK_PATTERN = /^[0-9]{8}$/;

/** PIN1 / PIN2 value: 4 to 8 decimal digits (TS 102 221 §9.5). */
export function isWellFormedPin(value: string): boolean {
  return PIN_PATTERN.test(value);
}

/** UNBLOCK PIN value: exactly 8 decimal digits. */
export function isWellFormedPuk(value: string): boolean {
  return PUK_PATTERN.test(value);
}

export function isPinBlocked(pin: PinObject): boolean {
  return pin.triesLeft <= 0;
}

export function isPukExhausted(puk: UnblockKey): boolean {
  return puk.triesLeft <= 0;
}

export function pinState(pin: PinObject, puk: UnblockKey): PinState {
  if (isPinBlocked(pin)) return isPukExhausted(puk) ? "permanently-blocked" : "blocked";
  if (!pin.enabled) return "disabled";
  return pin.verified ? "enabled-verified" : "enabled-not-verified";
}

/**
 * Whether an access condition "PIN" is met: the PIN is disabled (files behave as ALWAYS,
 * TS 102 221 §11.1.11) or verified in this session. A blocked PIN never grants access.
 */
export function isPinSatisfied(pin: PinObject): boolean {
  if (isPinBlocked(pin)) return false;
  return !pin.enabled || pin.verified;
}

/** Power-off / reset: the session's verification is lost; values and counters stay. */
export function powerOffPin(pin: PinObject): PinObject {
  return { ...pin, verified: false };
}

/** VERIFY PIN (TS 102 221 §11.1.9). */
export function verifyPin(pin: PinObject, presented: string): PinStep {
  if (isPinBlocked(pin)) return unchanged(pin, { kind: "blocked" });
  if (!pin.enabled) return unchanged(pin, { kind: "pin-disabled" });
  return present(pin, presented, (accepted) => accepted);
}

/** CHANGE PIN (TS 102 221 §11.1.10): the old code counts as a presentation. */
export function changePin(pin: PinObject, presentedOld: string, newPin: string): PinStep {
  if (isPinBlocked(pin)) return unchanged(pin, { kind: "blocked" });
  if (!pin.enabled) return unchanged(pin, { kind: "pin-disabled" });
  if (!isWellFormedPin(newPin)) return unchanged(pin, { kind: "malformed-new-pin" });
  return present(pin, presentedOld, (accepted) => ({ ...accepted, value: newPin }));
}

/** DISABLE PIN (TS 102 221 §11.1.11): PIN1 only. */
export function disablePin(id: PinId, pin: PinObject, presented: string): PinStep {
  if (id !== "pin1") return unchanged(pin, { kind: "not-disableable" });
  if (isPinBlocked(pin)) return unchanged(pin, { kind: "blocked" });
  if (!pin.enabled) return unchanged(pin, { kind: "pin-disabled" });
  return present(pin, presented, (accepted) => ({ ...accepted, enabled: false }));
}

/** ENABLE PIN (TS 102 221 §11.1.12). */
export function enablePin(pin: PinObject, presented: string): PinStep {
  if (isPinBlocked(pin)) return unchanged(pin, { kind: "blocked" });
  if (pin.enabled) return unchanged(pin, { kind: "pin-already-enabled" });
  return present(pin, presented, (accepted) => ({ ...accepted, enabled: true }));
}

/**
 * UNBLOCK PIN (TS 102 221 §11.1.13). Allowed whether or not the PIN is blocked. The right PUK
 * sets the new PIN, resets both counters, enables the PIN and satisfies it for the session.
 */
export function unblockPin(
  pin: PinObject,
  puk: UnblockKey,
  presentedPuk: string,
  newPin: string,
): UnblockStep {
  if (isPukExhausted(puk)) return { outcome: { kind: "puk-blocked" }, pin, puk };
  if (!isWellFormedPin(newPin)) return { outcome: { kind: "malformed-new-pin" }, pin, puk };
  if (presentedPuk !== puk.value) {
    const triesLeft = puk.triesLeft - 1;
    return { outcome: { kind: "wrong-puk", triesLeft }, pin, puk: { ...puk, triesLeft } };
  }
  return {
    outcome: { kind: "ok" },
    pin: { value: newPin, enabled: true, triesLeft: PIN_MAX_TRIES, verified: true },
    puk: { ...puk, triesLeft: PUK_MAX_TRIES },
  };
}

function unchanged(pin: PinObject, outcome: PinOutcome): PinStep {
  return { outcome, pin };
}

/**
 * One presentation of the PIN, shared by VERIFY, CHANGE, DISABLE and ENABLE: they all draw on
 * the same counter. Right code: counter back to 3, verified, then `onAccepted` applies the
 * command's own effect. Wrong code: counter - 1; reaching 0 blocks the PIN.
 */
function present(pin: PinObject, presented: string, onAccepted: (pin: PinObject) => PinObject): PinStep {
  if (presented === pin.value) {
    return { outcome: { kind: "ok" }, pin: onAccepted({ ...pin, triesLeft: PIN_MAX_TRIES, verified: true }) };
  }
  const triesLeft = pin.triesLeft - 1;
  const verified = triesLeft > 0 && pin.verified;
  return { outcome: { kind: "wrong-code", triesLeft }, pin: { ...pin, triesLeft, verified } };
}
