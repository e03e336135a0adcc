/**
 * The SMSC (core/smsc/smsc.ts) as the edge's `SmsRouter`: a handset's SMS-SUBMIT becomes the
 * SMSC's `HandsetSms`, its answer the RP-ACK / RP-ERROR the handset gets. Wiring, both ways:
 *
 *   edge.setSmsRouter(smscSmsRouter(smsc));   // MO: handsets → SMSC
 *   smsc.setMobile(edge);                     // MT: SMSC → handsets (edge is MobileTerminating)
 *   edge.onAttached = (msisdn) => smsc.handsetAttached(msisdn);   // retry waiting messages
 */
import type { SmsSubmit } from "../../handsets/sms/sms-types.js";
import { relativeValiditySeconds } from "../../handsets/sms/tpdu-fields.js";
import { userDataAlphabet } from "../../handsets/sms/user-data.js";
import type { HandsetSms, HandsetSubmitResult } from "../smsc/handset-submission.js";
import type { SmsOutcome } from "./link/link-messages.js";
import type { SmsOriginator, SmsRouter } from "./sms-routing.js";

/** The part of the Smsc the edge needs. */
export interface HandsetSmsc {
  submitFromHandset(msisdn: string, sms: HandsetSms): Promise<HandsetSubmitResult>;
}

export function smscSmsRouter(smsc: HandsetSmsc): SmsRouter {
  return {
    async submit(from: SmsOriginator, submit: SmsSubmit): Promise<SmsOutcome> {
      const result = await smsc.submitFromHandset(from.msisdn, handsetSmsOf(submit));
      return result.accepted ? { ok: true } : { ok: false, cause: "rejected", code: result.rpCause };
    },
  };
}

/** TS 23.040 SMS-SUBMIT fields → the SMSC's handset submission (SMPP-style fields). */
export function handsetSmsOf(submit: SmsSubmit): HandsetSms {
  const vp = submit.validityPeriod;
  const validitySeconds =
    vp === undefined
      ? undefined
      : vp.format === "relative"
        ? relativeValiditySeconds(vp.value)
        : vp.format === "enhanced"
          ? vp.seconds
          : undefined;
  const content = submit.content;
  const base = {
    destination: submit.destination,
    statusReportRequest: submit.statusReportRequest,
    messageReference: submit.messageReference,
    protocolId: submit.protocolIdentifier,
    ...(submit.userDataHeader !== undefined && submit.userDataHeader.length > 0
      ? { userDataHeader: submit.userDataHeader }
      : {}),
    ...(validitySeconds !== undefined ? { validityMs: validitySeconds * 1000 } : {}),
  };
  if (content.kind === "binary") return { ...base, bytes: content.bytes, dataCoding: 0x04 };
  // UCS2 stays UCS2 (SMPP data_coding 8); GSM-7 text lets the SMSC pick its default alphabet.
  return userDataAlphabet(submit.dataCoding) === "ucs2"
    ? { ...base, text: content.text, dataCoding: 0x08 }
    : { ...base, text: content.text };
}
