/**
 * The AT answers for the card's answers: a PIN command's status word (via sim-access.ts) to a
 * +CME ERROR, and PIN1's state to the error of a command that needs it (TS 27.007 §9.2.1).
 *
 * - 63CX wrong code: 16 "incorrect password", also for the presentation that blocks the PIN
 *   (the next command then meets the blocked PIN: 12 / 18).
 * - 6983 blocked: 12 "SIM PUK required" (PIN1) or 18 "SIM PUK2 required" (PIN2); with the
 *   unblock key exhausted as well, 13 "SIM failure": 27.007 has no code for a permanently
 *   blocked SIM, and 13 is what modems report for it.
 * - 6984 / 6985 (the command contradicts the PIN's enabled state, or PIN2 cannot be disabled):
 *   3 "operation not allowed".
 * - 6A80 malformed new PIN: 16, as for codes the handset refuses before the card sees them.
 */
import type { PinId } from "../../sim/pin.js";
import type { PinCommandOutcome, SimAccess } from "../sim-access.js";
import type { SimAvailability } from "./at-context.js";
import { CmeError, CmsError, cme, cms, type FinalResult, OK } from "./result-codes.js";

/** PIN1 / PIN2 format (TS 102 221 §9.5) and the unblock key's (8 digits). */
export const PIN_FORMAT = /^[0-9]{4,8}$/;
export const PUK_FORMAT = /^[0-9]{8}$/;

export function simAvailabilityOf(sim: SimAccess): SimAvailability {
  switch (sim.pinState("pin1")) {
    case "disabled":
    case "enabled-verified":
      return "ready";
    case "enabled-not-verified":
      return "pin-required";
    case "blocked":
      return "puk-required";
    case "permanently-blocked":
      return "blocked";
  }
}

export function simAvailabilityError(
  availability: SimAvailability,
  family: "cme" | "cms",
): FinalResult | undefined {
  switch (availability) {
    case "ready":
      return undefined;
    case "pin-required":
      return family === "cme" ? cme(CmeError.simPinRequired) : cms(CmsError.simPinRequired);
    case "puk-required":
      return family === "cme" ? cme(CmeError.simPukRequired) : cms(CmsError.simPukRequired);
    case "blocked":
      return family === "cme" ? cme(CmeError.simFailure) : cms(CmsError.simFailure);
  }
}

export function pinCommandResult(outcome: PinCommandOutcome, id: PinId, sim: SimAccess): FinalResult {
  switch (outcome.kind) {
    case "ok":
      return OK;
    case "wrong-code":
    case "bad-new-pin":
      return cme(CmeError.incorrectPassword);
    case "blocked":
      return blockedResult(id, sim);
    case "status-conflict":
    case "not-allowed":
      return cme(CmeError.operationNotAllowed);
    case "card-error":
      return cme(CmeError.simFailure);
  }
}

/** The error for a blocked PIN: its unblock key is needed, or nothing can help any more. */
export function blockedResult(id: PinId, sim: SimAccess): FinalResult {
  if (sim.pinState(id) === "permanently-blocked") return cme(CmeError.simFailure);
  return cme(id === "pin1" ? CmeError.simPukRequired : CmeError.simPuk2Required);
}

/** UNBLOCK PIN: 6983 means the unblock key itself is exhausted, so the PIN is lost for good. */
export function unblockCommandResult(outcome: PinCommandOutcome, id: PinId, sim: SimAccess): FinalResult {
  if (outcome.kind === "blocked") return cme(CmeError.simFailure);
  return pinCommandResult(outcome, id, sim);
}
