/**
 * ATD (V.250 §6.3.1, TS 27.007 §6.2): the dial string goes through the MMI parser of
 * TS 22.030 (handsets/mmi.ts), as if typed on the keypad and followed by SEND.
 *
 * - `*#06#` shows the IMEI; `**04*…#`, `**042*…#`, `**05*…#`, `**052*…#` run on the SIM;
 *   none of them needs the network, and the PIN procedures work while PIN1 is pending.
 * - Supplementary-service procedures go to the network; an interrogation is answered with the
 *   lines of the matching 27.007 command: +CCFC (§7.11), +CCWA (§7.12), +CLCK (§7.4),
 *   +CLIP (§7.6), +CLIR (§7.7).
 * - USSD is sent with DCS 15 and answered OK; the network's answer follows as +CUSD, shown
 *   whatever +CUSD=<n> says (the terminal asked for it by dialling).
 * - A voice call needs the trailing `;`; data calls are not emulated (+CME ERROR: 4), nor are
 *   phonebook dialling (`D>`) and the in-call procedures of §6.5.5 (use AT+CHLD: not emulated).
 * - Local MMI errors: new PINs that differ or are not 4-8 digits are 16 "incorrect password"
 *   (nothing reaches the card); a character no dial string has is 27; other malformed
 *   procedures are 3 "operation not allowed".
 */
import { parseMmi } from "../mmi.js";
import type { MmiString, SsRequest } from "../mmi-types.js";
import type { NetworkFailureCause, SsResult } from "../network/handset-network.js";
import type { AtContext, CommandOutcome } from "./at-context.js";
import type { AtCommand } from "./command-line.js";
import { sendUssd, USSD_DEFAULT_DCS } from "./network-commands.js";
import { CmeError, cme, ERROR, type FinalResult, OK } from "./result-codes.js";
import { PIN_FORMAT, PUK_FORMAT, pinCommandResult, unblockCommandResult } from "./sim-results.js";
import { numberType, quoted } from "./unsolicited.js";

type Dial = Extract<AtCommand, { kind: "dial" }>;

/** V.250 §6.3.1 dial modifiers with no meaning here: tone, pulse, wait, pause, flash, quiet. */
const IGNORED_MODIFIERS = /[ TtPpWw,!@]/g;
const MAX_DIAL_STRING = 80;

export async function dial(command: Dial, context: AtContext): Promise<CommandOutcome> {
  let text = command.dialString.replace(IGNORED_MODIFIERS, "");
  if (text.startsWith(">")) return cme(CmeError.operationNotSupported);
  const voice = text.endsWith(";");
  if (voice) text = text.slice(0, -1);
  // TS 27.007 §6.2: I invokes CLIR for this call, i suppresses it; G / g (CUG) are ignored.
  let clir: "invoke" | "suppress" | undefined;
  if (/[Ii]/.test(text)) clir = text.includes("I") ? "invoke" : "suppress";
  text = text.replace(/[IiGg]/g, "");
  if (text === "") return ERROR;
  if (text.length > MAX_DIAL_STRING) return cme(CmeError.dialStringTooLong);
  if (!/^[0-9*#+]+$/.test(text)) return cme(CmeError.invalidDialCharacters);
  const mmi = parseMmi(text, {
    inCall: context.callState !== "idle",
    emergencyNumbers: context.emergencyNumbers,
  });
  return runMmi(mmi, context, voice, clir);
}

async function runMmi(
  mmi: MmiString,
  context: AtContext,
  voice: boolean,
  clir: "invoke" | "suppress" | undefined,
): Promise<CommandOutcome> {
  switch (mmi.kind) {
    case "imei":
      context.respond(context.identity.imei);
      return OK;
    case "pin-change":
      return changePin(mmi, context);
    case "pin-unblock":
      return unblockPin(mmi, context);
    case "supplementary-service":
      return supplementaryService(mmi.request, context);
    case "ussd":
      return sendUssd(context, { text: mmi.text, dcs: USSD_DEFAULT_DCS }, true);
    case "call": {
      const callClir = mmi.clir ?? clir;
      return call(context, mmi.number, mmi.emergency, voice, callClir);
    }
    case "call-control":
      return cme(CmeError.operationNotSupported);
    case "error":
      switch (mmi.reason) {
        case "pin-mismatch":
        case "invalid-new-pin":
        case "password-mismatch":
          return cme(CmeError.incorrectPassword);
        case "invalid-character":
          return cme(CmeError.invalidDialCharacters);
        case "empty":
          return ERROR;
        default:
          return cme(CmeError.operationNotAllowed);
      }
  }
}

/** §6.6.2: PIN1 may be changed while it is pending (CHANGE PIN verifies the old one). */
function changePin(mmi: Extract<MmiString, { kind: "pin-change" }>, context: AtContext): FinalResult {
  const availability = context.simAvailability();
  if (mmi.pin === "pin1") {
    if (availability === "puk-required") return cme(CmeError.simPukRequired);
    if (availability === "blocked") return cme(CmeError.simFailure);
  } else {
    const simError = context.simError("cme");
    if (simError !== undefined) return simError;
  }
  if (!PIN_FORMAT.test(mmi.oldPin)) return cme(CmeError.incorrectPassword);
  const outcome = context.sim.change(mmi.pin, mmi.oldPin, mmi.newPin);
  if (outcome.kind === "ok" && mmi.pin === "pin1" && availability !== "ready") context.simBecameReady();
  return pinCommandResult(outcome, mmi.pin, context.sim);
}

/** §6.6.3: the PUK sets a new PIN whether or not the PIN is blocked. */
function unblockPin(mmi: Extract<MmiString, { kind: "pin-unblock" }>, context: AtContext): FinalResult {
  const availability = context.simAvailability();
  if (mmi.pin === "pin2") {
    const simError = context.simError("cme");
    if (simError !== undefined) return simError;
  }
  if (!PUK_FORMAT.test(mmi.puk)) return cme(CmeError.incorrectPassword);
  const outcome = context.sim.unblock(mmi.pin, mmi.puk, mmi.newPin);
  if (outcome.kind === "ok" && mmi.pin === "pin1" && availability !== "ready") context.simBecameReady();
  return unblockCommandResult(outcome, mmi.pin, context.sim);
}

async function call(
  context: AtContext,
  number: string,
  emergency: boolean,
  voice: boolean,
  clir: "invoke" | "suppress" | undefined,
): Promise<CommandOutcome> {
  if (!voice) return cme(CmeError.operationNotSupported);
  if (!emergency) {
    const simError = context.simError("cme");
    if (simError !== undefined) return simError;
  }
  if (context.callState !== "idle") return cme(CmeError.operationNotAllowed);
  if (!context.isRegistered()) return cme(CmeError.noNetworkService);
  const outcome = await context.network.dial({ number, emergency, ...(clir !== undefined ? { clir } : {}) });
  if (outcome.ok) {
    context.callState = "dialling";
    return OK;
  }
  switch (outcome.cause) {
    case "busy":
      return { kind: "call", text: "BUSY" };
    case "no-answer":
      return { kind: "call", text: "NO ANSWER" };
    case "no-carrier":
      return { kind: "call", text: "NO CARRIER" };
    default:
      return cme(failureCode(outcome.cause));
  }
}

async function supplementaryService(request: SsRequest, context: AtContext): Promise<FinalResult> {
  const simError = context.simError("cme");
  if (simError !== undefined) return simError;
  if (!context.isRegistered()) return cme(CmeError.noNetworkService);
  const result = await context.network.supplementaryService(request);
  if (!result.ok)
    return cme(result.cause === "wrong-password" ? CmeError.incorrectPassword : failureCode(result.cause));
  if (request.procedure === "interrogate") context.respond(...interrogationLines(request, result, context));
  return OK;
}

function interrogationLines(
  request: SsRequest,
  result: Extract<SsResult, { ok: true }>,
  context: AtContext,
): string[] {
  const entries = result.entries ?? [];
  const active = (entry: { active: boolean }): number => (entry.active ? 1 : 0);
  switch (request.service) {
    case "call-forwarding":
      if (entries.length === 0) return ["+CCFC: 0,7"];
      return entries.map((entry) => {
        let line = `+CCFC: ${active(entry)},${entry.classes ?? 7}`;
        if (entry.number !== undefined) {
          line += `,${quoted(entry.number)},${numberType(entry.number)}`;
          if (entry.noReplyTimer !== undefined) line += `,,,${entry.noReplyTimer}`;
        }
        return line;
      });
    case "call-waiting":
      if (entries.length === 0) return ["+CCWA: 0,7"];
      return entries.map((entry) => `+CCWA: ${active(entry)},${entry.classes ?? 7}`);
    case "call-barring":
      if (entries.length === 0) return ["+CLCK: 0"];
      return entries.map((entry) => `+CLCK: ${active(entry)},${entry.classes ?? 7}`);
    case "clip":
      return [`+CLIP: ${context.settings.callingLineReports},${entries.some((e) => e.active) ? 1 : 0}`];
    case "clir":
      return [`+CLIR: 0,${entries.some((e) => e.active) ? 1 : 0}`];
    case "barring-password":
      return [];
  }
}

export function failureCode(cause: NetworkFailureCause): number {
  switch (cause) {
    case "no-service":
      return CmeError.noNetworkService;
    case "timeout":
      return CmeError.networkTimeout;
    case "emergency-only":
      return CmeError.emergencyCallsOnly;
    case "not-allowed":
    case "call-barred":
      return CmeError.operationNotAllowed;
    case "not-supported":
      return CmeError.operationNotSupported;
    case "unknown":
      return CmeError.unknown;
  }
}
