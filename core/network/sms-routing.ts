/**
 * SMS between the network edge and the SMSC, both directions, over two small interfaces:
 *
 * - `SmsRouter` (mobile-originated): the MSC hands over a handset's SMS-SUBMIT and relays the
 *   outcome as RP-ACK / RP-ERROR. The SMSC (core/smsc) plugs in here; `DirectSmsRouter` is the
 *   stand-in without one: straight to the destination handset, for tests and small demos.
 * - mobile-terminated: the edge implements the SMSC's `MobileTerminating` (deliver, status
 *   report); `mtToDeliver` and `statusReportOf` turn the SMSC's records into TPDU fields.
 */
import type { SmsDeliver, SmsStatusReport, SmsSubmit } from "../../handsets/sms/sms-types.js";
import { timestampOf } from "../../handsets/sms/tpdu-fields.js";
import { normaliseNumber } from "../charging/destination.js";
import { decodeText } from "../smpp/text-codec.js";
import type { HandsetStatusReport, MtDeliveryResult, MtSms, MtSmsPart } from "../smsc/mobile-terminating.js";
import type { SmsOutcome } from "./link/link-messages.js";

export interface SmsOriginator {
  readonly msisdn: string;
  readonly imsi: string | undefined;
}

export interface SmsRouter {
  /** A handset's SMS-SUBMIT (TS 23.040 §9.2.2.2); resolves with what the handset is told. */
  submit(from: SmsOriginator, submit: SmsSubmit, serviceCentre: string | undefined): Promise<SmsOutcome>;
}

/** RP-cause values (TS 24.011 §8.2.5.4) the edge uses. */
export const RP_CAUSE = {
  unassignedNumber: 1,
  destinationOutOfOrder: 27,
  unidentifiedSubscriber: 28,
  memoryExceeded: 22,
  temporaryFailure: 41,
  networkOutOfOrder: 38,
} as const;

/** What the direct router needs from the edge: deliver one SMS-DELIVER to a registered number. */
export type DirectDelivery = (msisdn: string, deliver: SmsDeliver) => Promise<MtDeliveryResult>;

/** No SMSC: an SMS goes straight to the destination handset, or fails at once. */
export class DirectSmsRouter implements SmsRouter {
  constructor(
    private readonly deliver: DirectDelivery,
    private readonly now: () => number,
  ) {}

  async submit(from: SmsOriginator, submit: SmsSubmit): Promise<SmsOutcome> {
    const to = normaliseNumber(submit.destination);
    const result = await this.deliver(to, {
      originator: `+${from.msisdn}`,
      serviceCentreTimestamp: timestampOf(new Date(this.now())),
      protocolIdentifier: submit.protocolIdentifier,
      dataCoding: submit.dataCoding,
      content: submit.content,
      ...(submit.userDataHeader !== undefined ? { userDataHeader: submit.userDataHeader } : {}),
    });
    switch (result) {
      case "delivered":
        return { ok: true };
      case "memory-full":
        return { ok: false, cause: "rejected", code: RP_CAUSE.memoryExceeded };
      case "absent":
        return { ok: false, cause: "rejected", code: RP_CAUSE.destinationOutOfOrder };
    }
  }
}

/** One SMSC segment as an SMS-DELIVER (the SMSC gives unpacked GSM-7, UCS2 or 8-bit bodies). */
export function mtToDeliver(sms: MtSms, part: MtSmsPart, now: number, moreToSend: boolean): SmsDeliver {
  const originator =
    sms.originatorTon === 1 && /^\d+$/.test(sms.originator) ? `+${sms.originator}` : sms.originator;
  const binary = sms.dataCoding === 4 || sms.dataCoding === 0xf4 || sms.dataCoding === 0xf6;
  let content: SmsDeliver["content"];
  if (binary) content = { kind: "binary", bytes: part.body };
  else {
    try {
      content = { kind: "text", text: decodeText(sms.dataCoding, part.body) };
    } catch {
      content = { kind: "binary", bytes: part.body };
    }
  }
  return {
    originator,
    serviceCentreTimestamp: timestampOf(new Date(sms.submittedAt || now)),
    protocolIdentifier: sms.protocolId,
    content,
    ...(part.userDataHeader.length > 0 ? { userDataHeader: part.userDataHeader } : {}),
    moreMessagesToSend: moreToSend,
    statusReportIndication: sms.statusReportRequested,
  };
}

/** TP-ST (TS 23.040 §9.2.3.15) for the SMSC's final state. */
function tpStatusOf(report: HandsetStatusReport): number {
  switch (report.state) {
    case "DELIVERED":
      return 0x00; // short message received by the SME
    case "ACCEPTED":
      return 0x02; // replaced by the SC / accepted
    case "EXPIRED":
      return 0x46; // validity period expired
    case "DELETED":
      return 0x48; // deleted by the SC administration
    case "REJECTED":
      return 0x43; // connection rejected by the SME
    case "UNDELIVERABLE":
      return 0x41; // incompatible destination
    case "UNKNOWN":
      return 0x60; // temporary error, SC not making any more transfer attempts
  }
}

export function statusReportOf(report: HandsetStatusReport): SmsStatusReport {
  return {
    messageReference: report.messageReference ?? 0,
    recipient: /^\d+$/.test(report.recipient) ? `+${report.recipient}` : report.recipient,
    serviceCentreTimestamp: timestampOf(new Date(report.submittedAt)),
    dischargeTime: timestampOf(new Date(report.doneAt)),
    status: tpStatusOf(report),
  };
}
