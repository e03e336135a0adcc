/**
 * What the handset reads from its card at power-on and after each PIN command: the SIM check
 * of TS 27.007 §8.3 (+CPIN) in words.
 */
import type { PinState } from "../../sim/pin.js";

export type SimStatus = "absent" | "pin-required" | "puk-required" | "ready" | "permanently-blocked";

/** PIN1's state → the SIM status (a disabled or verified PIN1 is ready). */
export function simStatusOf(pin1: PinState | undefined): SimStatus {
  switch (pin1) {
    case undefined:
      return "absent";
    case "disabled":
    case "enabled-verified":
      return "ready";
    case "enabled-not-verified":
      return "pin-required";
    case "blocked":
      return "puk-required";
    case "permanently-blocked":
      return "permanently-blocked";
  }
}
