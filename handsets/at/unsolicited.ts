/**
 * The text of unsolicited result codes and of the responses shared with them: +CREG
 * (TS 27.007 §7.2), +CUSD (§7.15), RING / +CLIP (V.250, §7.6), +CMT and +CDS (TS 27.005
 * §3.4.1, text and PDU mode). Each function returns the lines of one result code.
 */
import type {
  IncomingSms,
  IncomingStatusReport,
  Registration,
  UssdResult,
} from "../network/handset-network.js";
import { formatPduModeLine, toHexPdu } from "../sms/pdu-mode.js";
import { encodeSmsDeliver } from "../sms/sms-deliver.js";
import { encodeSmsStatusReport, statusReportFirstOctet } from "../sms/sms-status-report.js";
import { addressType, formatTimestamp } from "../sms/tpdu-fields.js";

const REGISTRATION_STAT: Record<Registration["status"], number> = {
  "not-registered": 0,
  "registered-home": 1,
  searching: 2,
  denied: 3,
  unknown: 4,
  "registered-roaming": 5,
};

const ACCESS_TECHNOLOGY = { gsm: 0, utran: 2, "e-utran": 7 } as const;

export function isRegistered(registration: Registration): boolean {
  return registration.status === "registered-home" || registration.status === "registered-roaming";
}

/** <stat>[,<lac>,<ci>[,<AcT>]]: location only with <n> = 2 and a registration that has one. */
export function registrationFields(registration: Registration, n: number): string {
  const stat = String(REGISTRATION_STAT[registration.status]);
  const { areaCode, cellId, accessTechnology } = registration;
  if (n !== 2 || areaCode === undefined || cellId === undefined || !isRegistered(registration)) return stat;
  const lac = hex(areaCode, 4);
  const ci = hex(cellId, accessTechnology === "gsm" ? 4 : 8);
  const act = accessTechnology === undefined ? "" : `,${ACCESS_TECHNOLOGY[accessTechnology]}`;
  return `${stat},"${lac}","${ci}"${act}`;
}

export function accessTechnologyNumber(registration: Registration): number | undefined {
  return registration.accessTechnology === undefined
    ? undefined
    : ACCESS_TECHNOLOGY[registration.accessTechnology];
}

function hex(value: number, digits: number): string {
  return (value >>> 0).toString(16).toUpperCase().padStart(digits, "0");
}

/** A string parameter in quotes; `"` and `\` escaped as V.250 \HH (§5.4.2.2). */
export function quoted(text: string): string {
  return `"${text.replace(/\\/g, "\\5C").replace(/"/g, "\\22")}"`;
}

/** +CUSD: <m>[,<str>,<dcs>] (§7.15). */
export function ussdResultCode(result: Extract<UssdResult, { ok: true }>): string {
  switch (result.status) {
    case "notify":
      return `+CUSD: 0,${quoted(result.message.text)},${result.message.dcs}`;
    case "request":
      return `+CUSD: 1,${quoted(result.message.text)},${result.message.dcs}`;
    case "terminated":
      return "+CUSD: 2";
    case "other-client":
      return "+CUSD: 3";
    case "not-supported":
      return "+CUSD: 4";
    case "timeout":
      return "+CUSD: 5";
  }
}

/** <type> of a number: 145 with a leading "+", else 129 (TS 27.007 §7.6 / TS 24.008). */
export function numberType(number: string): number {
  return number.startsWith("+") ? 145 : 129;
}

/** RING, then `+CLIP: <number>,<type>` when +CLIP=1 and the caller is known. */
export function ringLines(caller: string | undefined, clip: boolean): string[][] {
  const units: string[][] = [["RING"]];
  if (clip && caller !== undefined) units.push([`+CLIP: ${quoted(caller)},${numberType(caller)}`]);
  return units;
}

/**
 * +CMT (TS 27.005 §3.4.1, +CSDH=0): text mode `+CMT: <oa>,[<alpha>],<scts>` then the data;
 * PDU mode `+CMT: [<alpha>],<length>` then the hex PDU (service centre address + SMS-DELIVER).
 * Text mode shows 8-bit data as hex, text as it is.
 */
export function incomingSmsLines(sms: IncomingSms, textMode: boolean): string[] {
  const { deliver } = sms;
  if (!textMode) {
    const tpdu = encodeSmsDeliver(deliver);
    return [`+CMT: ,${tpdu.length}`, formatPduModeLine(sms.serviceCentre, tpdu)];
  }
  const data = deliver.content.kind === "text" ? deliver.content.text : toHexPdu(deliver.content.bytes);
  return [`+CMT: ${quoted(deliver.originator)},,"${formatTimestamp(deliver.serviceCentreTimestamp)}"`, data];
}

/**
 * +CDS (TS 27.005 §3.4.1): text mode `+CDS: <fo>,<mr>,[<ra>],[<tora>],<scts>,<dt>,<st>`;
 * PDU mode `+CDS: <length>` then the hex PDU (service centre address + SMS-STATUS-REPORT).
 */
export function statusReportLines(incoming: IncomingStatusReport, textMode: boolean): string[] {
  const { report } = incoming;
  if (!textMode) {
    const tpdu = encodeSmsStatusReport(report);
    return [`+CDS: ${tpdu.length}`, formatPduModeLine(incoming.serviceCentre, tpdu)];
  }
  const fields = [
    statusReportFirstOctet(report),
    report.messageReference,
    quoted(report.recipient),
    addressType(report.recipient),
    `"${formatTimestamp(report.serviceCentreTimestamp)}"`,
    `"${formatTimestamp(report.dischargeTime)}"`,
    report.status,
  ];
  return [`+CDS: ${fields.join(",")}`];
}
