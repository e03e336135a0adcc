/**
 * SIM commands of TS 27.007: +CPIN (§8.3), +CPINR (§8.65), +CLCK "SC" / "FD" (§7.4),
 * +CPWD "SC" / "P2" (§7.5), +CIMI (§5.6), +CNUM (§7.1), and +CCID (the ICCID; not in 27.007,
 * the form most modems answer). Every operation is an APDU to the card (sim-access.ts).
 *
 * Decisions where 27.007 leaves room:
 * - AT+CPIN=<pin>,<newpin> while SIM PIN is pending changes PIN1 (CHANGE PIN verifies the old
 *   one), as modems do; with nothing pending, +CPIN= is 3 "operation not allowed".
 * - AT+CPIN=<puk> without <newpin> while SIM PUK is pending: 12 "SIM PUK required".
 * - Codes that are not 4-8 digits (PIN) or 8 digits (PUK) are refused with 16 before the card
 *   sees them, so they cost no try.
 * - The fixed dialling ("FD") state is the handset's: the card model has no EF_EST. Its lock
 *   and unlock present PIN2 with VERIFY, so the PIN2 counter is the card's.
 */
import { PIN_MAX_TRIES, PUK_MAX_TRIES } from "../../sim/card.js";
import type { PinId } from "../../sim/pin.js";
import type { AtContext, CommandOutcome } from "./at-context.js";
import type { AtCommand } from "./command-line.js";
import { expectAtMost, integerAt, requireInteger, requireString, stringAt } from "./parameters.js";
import { CmeError, cme, ERROR, type FinalResult, OK } from "./result-codes.js";
import { PIN_FORMAT, PUK_FORMAT, pinCommandResult, unblockCommandResult } from "./sim-results.js";

type Extended = Extract<AtCommand, { kind: "extended" }>;

export function enterPin(command: Extended, context: AtContext): CommandOutcome {
  switch (command.form) {
    case "test":
      return OK;
    case "execute":
      return ERROR;
    case "read": {
      const availability = context.simAvailability();
      if (availability === "blocked") return cme(CmeError.simFailure);
      const code =
        availability === "pin-required"
          ? "SIM PIN"
          : availability === "puk-required"
            ? "SIM PUK"
            : (context.pin2Request ?? "READY");
      context.respond(`+CPIN: ${code}`);
      return OK;
    }
    case "set":
      return setPin(command, context);
  }
}

function setPin(command: Extended, context: AtContext): FinalResult {
  expectAtMost(command.parameters, 2);
  const code = requireString(command.parameters, 0);
  const newPin = stringAt(command.parameters, 1);
  const { sim } = context;
  switch (context.simAvailability()) {
    case "blocked":
      return cme(CmeError.simFailure);
    case "pin-required": {
      if (!PIN_FORMAT.test(code) || (newPin !== undefined && !PIN_FORMAT.test(newPin))) {
        return cme(CmeError.incorrectPassword);
      }
      const outcome = newPin === undefined ? sim.verify("pin1", code) : sim.change("pin1", code, newPin);
      if (outcome.kind === "ok") context.simBecameReady();
      return pinCommandResult(outcome, "pin1", sim);
    }
    case "puk-required": {
      if (newPin === undefined) return cme(CmeError.simPukRequired);
      if (!PUK_FORMAT.test(code) || !PIN_FORMAT.test(newPin)) return cme(CmeError.incorrectPassword);
      const outcome = sim.unblock("pin1", code, newPin);
      if (outcome.kind === "ok") context.simBecameReady();
      return unblockCommandResult(outcome, "pin1", sim);
    }
    case "ready":
      return setPin2(context, code, newPin);
  }
}

/** §8.3: SIM PIN2 / SIM PUK2 are asked for only right after a command failed with 17 / 18. */
function setPin2(context: AtContext, code: string, newPin: string | undefined): FinalResult {
  const { sim } = context;
  let result: FinalResult;
  if (context.pin2Request === "SIM PIN2") {
    if (newPin !== undefined || !PIN_FORMAT.test(code)) return cme(CmeError.incorrectPassword);
    result = pinCommandResult(sim.verify("pin2", code), "pin2", sim);
  } else if (context.pin2Request === "SIM PUK2") {
    if (newPin === undefined) return cme(CmeError.simPuk2Required);
    if (!PUK_FORMAT.test(code) || !PIN_FORMAT.test(newPin)) return cme(CmeError.incorrectPassword);
    result = unblockCommandResult(sim.unblock("pin2", code, newPin), "pin2", sim);
  } else {
    // "If no PIN request is pending, no action is taken towards MT and an error message is returned."
    return cme(CmeError.operationNotAllowed);
  }
  if (result.kind === "ok" || (result.kind === "cme" && result.code === CmeError.simFailure)) {
    context.pin2Request = undefined;
  }
  return result;
}

const RETRY_CODES: readonly { readonly code: string; readonly pin: PinId; readonly puk: boolean }[] = [
  { code: "SIM PIN", pin: "pin1", puk: false },
  { code: "SIM PUK", pin: "pin1", puk: true },
  { code: "SIM PIN2", pin: "pin2", puk: false },
  { code: "SIM PUK2", pin: "pin2", puk: true },
];

/** §8.65: one `+CPINR: <code>,<retries>,<default_retries>` per code <sel_code> selects. */
export function remainingPinRetries(command: Extended, context: AtContext): CommandOutcome {
  if (command.form === "test") return OK;
  if (command.form === "read") return ERROR;
  expectAtMost(command.parameters, 1);
  const selection = stringAt(command.parameters, 0);
  // "It is optional to support wildcard match by '*', meaning match any (sub-)string."
  const pattern =
    selection === undefined
      ? /^/
      : new RegExp(`^${selection.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`, "i");
  const lines: string[] = [];
  for (const row of RETRY_CODES) {
    if (!pattern.test(row.code)) continue;
    const left = row.puk ? context.sim.pukTriesLeft(row.pin) : context.sim.pinTriesLeft(row.pin);
    if (left === undefined) return cme(CmeError.simFailure);
    lines.push(`+CPINR: ${row.code},${left},${row.puk ? PUK_MAX_TRIES : PIN_MAX_TRIES}`);
  }
  if (lines.length > 0) context.respond(...lines);
  return OK;
}

/** §7.4 +CLCK=<fac>,<mode>[,<passwd>[,<class>]]: "SC" is PIN1's enable flag, "FD" fixed dialling. */
export function facilityLock(command: Extended, context: AtContext): CommandOutcome {
  if (command.form === "test") {
    context.respond('+CLCK: ("SC","FD")');
    return OK;
  }
  if (command.form !== "set") return ERROR;
  expectAtMost(command.parameters, 4);
  const facility = requireString(command.parameters, 0).toUpperCase();
  const mode = requireInteger(command.parameters, 1, 0, 2);
  integerAt(command.parameters, 3, 0, 255);
  if (facility !== "SC" && facility !== "FD") return cme(CmeError.operationNotSupported);
  const simError = context.simError("cme");
  if (simError !== undefined) return simError;
  const { sim } = context;
  if (mode === 2) {
    const active = facility === "SC" ? sim.isPinEnabled("pin1") : context.fixedDialling;
    context.respond(`+CLCK: ${active ? 1 : 0}`);
    return OK;
  }
  const password = requireString(command.parameters, 2);
  if (!PIN_FORMAT.test(password)) return cme(CmeError.incorrectPassword);
  if (facility === "SC") {
    const outcome = mode === 1 ? sim.enable("pin1", password) : sim.disable("pin1", password);
    return pinCommandResult(outcome, "pin1", sim);
  }
  const outcome = sim.verify("pin2", password);
  if (outcome.kind === "ok") context.fixedDialling = mode === 1;
  return pinCommandResult(outcome, "pin2", sim);
}

/** §7.5 +CPWD=<fac>,<oldpwd>,<newpwd>: "SC" PIN1, "P2" PIN2, with CHANGE PIN. */
export function changePassword(command: Extended, context: AtContext): CommandOutcome {
  if (command.form === "test") {
    context.respond('+CPWD: ("SC",8),("P2",8)');
    return OK;
  }
  if (command.form !== "set") return ERROR;
  expectAtMost(command.parameters, 3);
  const facility = requireString(command.parameters, 0).toUpperCase();
  const oldPassword = requireString(command.parameters, 1);
  const newPassword = requireString(command.parameters, 2);
  const id: PinId | undefined = facility === "SC" ? "pin1" : facility === "P2" ? "pin2" : undefined;
  if (id === undefined) return cme(CmeError.operationNotSupported);
  const simError = context.simError("cme");
  if (simError !== undefined) return simError;
  if (!PIN_FORMAT.test(oldPassword) || !PIN_FORMAT.test(newPassword)) return cme(CmeError.incorrectPassword);
  return pinCommandResult(context.sim.change(id, oldPassword, newPassword), id, context.sim);
}

/** §5.6 +CIMI: the IMSI from EF_IMSI (PIN1 protected), as a bare line. */
export function subscriberIdentity(command: Extended, context: AtContext): CommandOutcome {
  if (command.form === "test") return OK;
  if (command.form !== "execute") return ERROR;
  const simError = context.simError("cme");
  if (simError !== undefined) return simError;
  const read = context.sim.readImsi();
  if (read.kind !== "ok") return cme(CmeError.simFailure);
  context.respond(read.value);
  return OK;
}

/** +CCID: the ICCID from EF_ICCID, readable whatever the PIN state. */
export function cardIdentity(command: Extended, context: AtContext): CommandOutcome {
  if (command.form === "test") return OK;
  if (command.form === "set") return ERROR;
  const read = context.sim.readIccid();
  if (read.kind !== "ok") return cme(CmeError.simFailure);
  context.respond(`+CCID: ${read.value}`);
  return OK;
}

/** §7.1 +CNUM: `+CNUM: [<alpha>],<number>,<type>` from EF_MSISDN (PIN1 protected). */
export function subscriberNumber(command: Extended, context: AtContext): CommandOutcome {
  if (command.form === "test") return OK;
  if (command.form !== "execute") return ERROR;
  const simError = context.simError("cme");
  if (simError !== undefined) return simError;
  const read = context.sim.readMsisdn();
  if (read.kind !== "ok") return cme(CmeError.simFailure);
  const international = read.value.tonNpi === 0x91;
  context.respond(`+CNUM: ,"${international ? "+" : ""}${read.value.digits}",${international ? 145 : 129}`);
  return OK;
}
