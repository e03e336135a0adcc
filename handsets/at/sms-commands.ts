/**
 * Short message commands of TS 27.005: +CMGF (§3.2.3), +CSCA (§3.3.1), +CNMI (§3.4.1) and
 * +CMGS (§3.5.1) in text and PDU mode. There is no message storage, so +CNMI takes <mt> 0 or 2
 * (route SMS-DELIVERs directly as +CMT), <bm> 0 and <ds> 0 or 1 (+CDS); the storing variants
 * are +CMS ERROR: 303.
 *
 * Decisions where 27.005 leaves room:
 * - Text mode sends with the +CSMP defaults (<fo> 17: SMS-SUBMIT with a relative validity
 *   period, <vp> 167 = 24 h, <pid> 0); the text goes as GSM 7-bit (<dcs> 0) when every
 *   character fits, else as UCS2 (<dcs> 8); a line break typed in the text is LF.
 * - The handset numbers its messages itself (TS 23.040 §9.2.3.6): TP-MR of a PDU-mode PDU is
 *   replaced by the next reference, the one +CMGS: <mr> reports.
 * - Without a service-centre address (none in the PDU, none set by +CSCA) the network's default
 *   service centre is used, so +CMS ERROR: 330 does not occur.
 */
import { isGsm7 } from "../../core/smpp/gsm7.js";
import type { SmsFailure } from "../network/handset-network.js";
import { splitPduModeSubmission } from "../sms/pdu-mode.js";
import { decodeSmsSubmit, encodeSmsSubmit } from "../sms/sms-submit.js";
import type { SmsSubmit } from "../sms/sms-types.js";
import { TpduError } from "../sms/tpdu-fields.js";
import type { AtContext, CommandOutcome, MessageEntry } from "./at-context.js";
import type { AtCommand } from "./command-line.js";
import { expectAtMost, integerAt, requireInteger, requireString } from "./parameters.js";
import { CmsError, cms, ERROR, type FinalResult, OK } from "./result-codes.js";
import { numberType, quoted } from "./unsolicited.js";

type Extended = Extract<AtCommand, { kind: "extended" }>;

/** TS 23.040: a SMS-SUBMIT TPDU is 7 (empty, no TP-VP) to 164 octets. */
const MIN_SUBMIT_OCTETS = 7;
const MAX_SUBMIT_OCTETS = 164;
const TEXT_MODE_VALIDITY = 167;
const NUMBER = /^\+?[0-9*#]{1,20}$/;

export function messageFormat(command: Extended, context: AtContext): CommandOutcome {
  switch (command.form) {
    case "test":
      context.respond("+CMGF: (0,1)");
      return OK;
    case "read":
      context.respond(`+CMGF: ${context.settings.messageFormat}`);
      return OK;
    case "execute":
      return ERROR;
    case "set":
      expectAtMost(command.parameters, 1);
      context.settings.messageFormat = integerAt(command.parameters, 0, 0, 1) === 1 ? 1 : 0;
      return OK;
  }
}

export function serviceCentreAddress(command: Extended, context: AtContext): CommandOutcome {
  switch (command.form) {
    case "test":
      return OK;
    case "read": {
      const sca = context.settings.serviceCentre;
      context.respond(sca === undefined ? '+CSCA: "",129' : `+CSCA: ${quoted(sca.address)},${sca.type}`);
      return OK;
    }
    case "execute":
      return ERROR;
    case "set": {
      expectAtMost(command.parameters, 2);
      const address = requireString(command.parameters, 0);
      if (!/^\+?[0-9]{1,20}$/.test(address)) return ERROR;
      const type = integerAt(command.parameters, 1, 0, 255) ?? numberType(address);
      context.settings.serviceCentre = { address, type };
      return OK;
    }
  }
}

export function newMessageIndications(command: Extended, context: AtContext): CommandOutcome {
  const current = context.settings.newMessageIndication;
  switch (command.form) {
    case "test":
      context.respond("+CNMI: (0-3),(0,2),(0),(0,1),(0,1)");
      return OK;
    case "read":
      context.respond(`+CNMI: ${current.mode},${current.mt},${current.bm},${current.ds},${current.bfr}`);
      return OK;
    case "execute":
      return ERROR;
    case "set": {
      expectAtMost(command.parameters, 5);
      const p = command.parameters;
      const next = {
        mode: integerAt(p, 0, 0, 3) ?? current.mode,
        mt: integerAt(p, 1, 0, 3) ?? current.mt,
        bm: integerAt(p, 2, 0, 3) ?? current.bm,
        ds: integerAt(p, 3, 0, 2) ?? current.ds,
        bfr: integerAt(p, 4, 0, 1) ?? current.bfr,
      };
      if ((next.mt !== 0 && next.mt !== 2) || next.bm !== 0 || next.ds === 2) {
        return cms(CmsError.operationNotSupported);
      }
      context.settings.newMessageIndication = next;
      context.newMessageIndicationsChanged();
      return OK;
    }
  }
}

/** +CMGS: checks what it can before the `> ` prompt; the rest when the message is complete. */
export function sendMessage(command: Extended, context: AtContext): CommandOutcome {
  if (command.form === "test") return OK;
  if (command.form !== "set") return ERROR;
  expectAtMost(command.parameters, 2);
  let entry: MessageEntry;
  if (context.settings.messageFormat === 1) {
    const destination = requireString(command.parameters, 0);
    const type = integerAt(command.parameters, 1, 0, 255);
    if (!NUMBER.test(destination)) return cms(CmsError.invalidTextModeParameter);
    entry = { kind: "text", destination, destinationType: type ?? numberType(destination) };
  } else {
    const length = requireInteger(command.parameters, 0, 0, 999);
    if (command.parameters.length > 1) return ERROR;
    if (length < MIN_SUBMIT_OCTETS || length > MAX_SUBMIT_OCTETS)
      return cms(CmsError.invalidPduModeParameter);
    entry = { kind: "pdu", length };
  }
  const simError = context.simError("cms");
  if (simError !== undefined) return simError;
  return { kind: "prompt", entry };
}

/** The message after the prompt, ended with Ctrl-Z: builds or parses the SMS-SUBMIT and sends it. */
export async function submitMessage(
  context: AtContext,
  entry: MessageEntry,
  body: string,
): Promise<FinalResult> {
  let submit: SmsSubmit;
  let serviceCentre = context.settings.serviceCentre?.address;
  try {
    if (entry.kind === "text") {
      submit = {
        rejectDuplicates: false,
        replyPath: false,
        statusReportRequest: false,
        messageReference: 0,
        destination: entry.destination,
        destinationType: entry.destinationType,
        protocolIdentifier: 0,
        dataCoding: isGsm7(body) ? 0x00 : 0x08,
        validityPeriod: { format: "relative", value: TEXT_MODE_VALIDITY },
        content: { kind: "text", text: body },
      };
      encodeSmsSubmit(submit);
    } else {
      const split = splitPduModeSubmission(body, entry.length);
      submit = decodeSmsSubmit(split.tpdu);
      serviceCentre = split.serviceCentre ?? serviceCentre;
    }
  } catch (error) {
    if (!(error instanceof TpduError)) throw error;
    return cms(entry.kind === "text" ? CmsError.invalidTextModeParameter : CmsError.invalidPduModeParameter);
  }
  if (!context.isRegistered()) return cms(CmsError.noNetworkService);
  const messageReference = context.nextMessageReference();
  const result = await context.network.sendSms({ submit: { ...submit, messageReference }, serviceCentre });
  if (!result.ok) return cms(smsFailureCode(result));
  context.respond(`+CMGS: ${messageReference}`);
  return OK;
}

function smsFailureCode(failure: SmsFailure): number {
  switch (failure.cause) {
    case "rejected":
      return failure.code >= 1 && failure.code <= 255 ? failure.code : CmsError.unknown;
    case "no-service":
    case "emergency-only":
      return CmsError.noNetworkService;
    case "timeout":
      return CmsError.networkTimeout;
    case "not-allowed":
      return CmsError.operationNotAllowed;
    case "not-supported":
      return CmsError.operationNotSupported;
    case "call-barred":
      // RP-cause 10 "call barred" (TS 24.011 §8.2.5.4), carried as it is (TS 27.005 §3.2.5).
      return 10;
    case "unknown":
      return CmsError.unknown;
  }
}
