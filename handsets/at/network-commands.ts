/**
 * Network commands of TS 27.007: +CREG (§7.2), +COPS (§7.3, automatic selection and
 * deregistration only), +CSQ (§8.5), +CLIP (§7.6), +CUSD (§7.15) and +CEER (§6.10).
 *
 * USSD: AT+CUSD=1,<str>[,<dcs>] answers OK once the request is on its way; the network's answer
 * follows as the unsolicited `+CUSD: <m>[,<str>,<dcs>]` (27.007 gives +CUSD only as an
 * unsolicited result code). <str> is taken as text in the alphabet <dcs> names (CBS DCS,
 * TS 23.038 §5; +CSCS is not emulated), so 8-bit <dcs> values are not supported.
 */
import { interpretDataCoding } from "../../core/smpp/data-coding.js";
import { gsm7SeptetLength, isGsm7, packedLength } from "../../core/smpp/gsm7.js";
import type { UssdMessage } from "../network/handset-network.js";
import type { AtContext, CommandOutcome } from "./at-context.js";
import type { AtCommand } from "./command-line.js";
import { expectAtMost, integerAt, stringAt } from "./parameters.js";
import { CmeError, cme, ERROR, type FinalResult, OK } from "./result-codes.js";
import {
  accessTechnologyNumber,
  isRegistered,
  quoted,
  registrationFields,
  ussdResultCode,
} from "./unsolicited.js";

type Extended = Extract<AtCommand, { kind: "extended" }>;

/** TS 24.080 / TS 23.038 §6.1.2.3: a USSD string is at most 160 octets (182 packed septets). */
const MAX_USSD_OCTETS = 160;
/** CBS DCS 0x0F: GSM 7-bit, language unspecified, what handsets send. */
export const USSD_DEFAULT_DCS = 15;

export function networkRegistration(command: Extended, context: AtContext): CommandOutcome {
  switch (command.form) {
    case "test":
      context.respond("+CREG: (0-2)");
      return OK;
    case "read": {
      const n = context.settings.registrationReports;
      context.respond(`+CREG: ${n},${registrationFields(context.network.registration(), n)}`);
      return OK;
    }
    case "execute":
      return ERROR;
    case "set": {
      expectAtMost(command.parameters, 1);
      const n = integerAt(command.parameters, 0, 0, 2) ?? 0;
      context.settings.registrationReports = n === 1 ? 1 : n === 2 ? 2 : 0;
      return OK;
    }
  }
}

/** +COPS: read `+COPS: <mode>[,<format>,<oper>[,<AcT>]]`; set <mode> 0, 2 or 3 (format only). */
export async function operatorSelection(command: Extended, context: AtContext): Promise<CommandOutcome> {
  const registration = context.network.registration();
  switch (command.form) {
    case "read": {
      const { operatorMode, operatorFormat } = context.settings;
      const operator = registration.operator;
      if (!isRegistered(registration) || operator === undefined) {
        context.respond(`+COPS: ${operatorMode}`);
        return OK;
      }
      const name = [operator.longName, operator.shortName, operator.plmn][operatorFormat]!;
      const act = accessTechnologyNumber(registration);
      context.respond(
        `+COPS: ${operatorMode},${operatorFormat},${quoted(name)}${act === undefined ? "" : `,${act}`}`,
      );
      return OK;
    }
    case "test": {
      const operator = registration.operator;
      const found =
        operator === undefined
          ? ""
          : `(${isRegistered(registration) ? 2 : 1},${quoted(operator.longName)},${quoted(operator.shortName)},` +
            `${quoted(operator.plmn)}${registration.accessTechnology === undefined ? "" : `,${accessTechnologyNumber(registration)}`})`;
      context.respond(`+COPS: ${found},,(0,2,3),(0-2)`);
      return OK;
    }
    case "execute":
      return ERROR;
    case "set":
      return setOperatorMode(command, context);
  }
}

async function setOperatorMode(command: Extended, context: AtContext): Promise<FinalResult> {
  expectAtMost(command.parameters, 4);
  const mode = integerAt(command.parameters, 0, 0, 4) ?? 0;
  const format = integerAt(command.parameters, 1, 0, 2);
  if (mode === 1 || mode === 4) return cme(CmeError.operationNotSupported);
  if (format !== undefined) context.settings.operatorFormat = format === 1 ? 1 : format === 2 ? 2 : 0;
  if (mode === 3) return OK;
  if (mode === 2) {
    context.settings.operatorMode = 2;
    await context.deregisterNow();
    return OK;
  }
  context.settings.operatorMode = 0;
  const simError = context.simError("cme");
  if (simError !== undefined) return simError;
  return (await context.registerNow()) ? OK : cme(CmeError.noNetworkService);
}

/** §8.5 +CSQ: `+CSQ: <rssi>,<ber>`. */
export function signalQuality(command: Extended, context: AtContext): CommandOutcome {
  if (command.form === "test") {
    context.respond("+CSQ: (0-31,99),(0-7,99)");
    return OK;
  }
  if (command.form !== "execute") return ERROR;
  const { rssi, ber } = context.network.signalQuality();
  context.respond(`+CSQ: ${rssi},${ber}`);
  return OK;
}

/** §7.6 +CLIP=[<n>]; read `+CLIP: <n>,<m>` with <m> 2 "unknown" (the network is not asked). */
export function callingLineIdentification(command: Extended, context: AtContext): CommandOutcome {
  switch (command.form) {
    case "test":
      context.respond("+CLIP: (0,1)");
      return OK;
    case "read":
      context.respond(`+CLIP: ${context.settings.callingLineReports},2`);
      return OK;
    case "execute":
      return ERROR;
    case "set":
      expectAtMost(command.parameters, 1);
      context.settings.callingLineReports = integerAt(command.parameters, 0, 0, 1) === 1 ? 1 : 0;
      return OK;
  }
}

/**
 * §6.10 +CEER: `+CEER: <report>`, the reason of the last failure the network gave (an attach
 * reject with its TS 24.008 cause, a call release, the lost link). The text is ours to choose;
 * it is quoted so that it never reads as a result code.
 */
export function extendedErrorReport(command: Extended, context: AtContext): CommandOutcome {
  if (command.form === "test") return OK;
  if (command.form !== "execute") return ERROR;
  context.respond(`+CEER: ${quoted(context.failureReport() ?? "No report available")}`);
  return OK;
}

/** §7.15 +CUSD=[<n>[,<str>[,<dcs>]]]. */
export async function unstructuredService(command: Extended, context: AtContext): Promise<CommandOutcome> {
  switch (command.form) {
    case "test":
      context.respond("+CUSD: (0-2)");
      return OK;
    case "read":
      context.respond(`+CUSD: ${context.settings.ussdReports}`);
      return OK;
    case "execute":
      return ERROR;
    case "set":
      break;
  }
  expectAtMost(command.parameters, 3);
  const n = integerAt(command.parameters, 0, 0, 2) ?? 0;
  const text = stringAt(command.parameters, 1);
  const dcs = integerAt(command.parameters, 2, 0, 255) ?? 0;
  if (n === 2) {
    // "cancel session": no string goes with it.
    if (text !== undefined) return ERROR;
    await context.network.cancelUssd();
    return OK;
  }
  context.settings.ussdReports = n === 1 ? 1 : 0;
  // "when <str> parameter is not given, network is not interrogated"
  if (text === undefined) return OK;
  return sendUssd(context, { text, dcs }, false);
}

/** Checks and sends a USSD string; its answer becomes an unsolicited +CUSD. */
export function sendUssd(context: AtContext, message: UssdMessage, alwaysShow: boolean): FinalResult {
  const invalid = checkUssd(message);
  if (invalid !== undefined) return invalid;
  const simError = context.simError("cme");
  if (simError !== undefined) return simError;
  if (!context.isRegistered()) return cme(CmeError.noNetworkService);
  context.background(async () => {
    const result = await context.network.ussd(message);
    if (!alwaysShow && context.settings.ussdReports !== 1) return;
    if (result.ok) context.unsolicited(ussdResultCode(result));
    else context.unsolicited(result.cause === "timeout" ? "+CUSD: 5" : "+CUSD: 4");
  });
  return OK;
}

function checkUssd(message: UssdMessage): FinalResult | undefined {
  const info = interpretDataCoding(message.dcs, "cbs");
  if (info.compressed || info.languagePrefix || (info.alphabet !== "gsm7" && info.alphabet !== "ucs2")) {
    return cme(CmeError.operationNotSupported);
  }
  if (info.alphabet === "gsm7") {
    if (!isGsm7(message.text)) return cme(CmeError.invalidTextCharacters);
    if (packedLength(gsm7SeptetLength(message.text)) > MAX_USSD_OCTETS) return cme(CmeError.textTooLong);
  } else if (message.text.length * 2 > MAX_USSD_OCTETS) {
    return cme(CmeError.textTooLong);
  }
  return undefined;
}
