/**
 * A handset's MO SMS as the MSC hands it over, turned into the message fields the SMSC checks for
 * every submit. Text is encoded here (GSM-7 when it fits, else UCS2, unless a data coding is
 * given); binary data defaults to data_coding 4 (8-bit). A message longer than one SMS is split by
 * the SMSC and charged per segment; one that already carries a header (a segment the handset split)
 * counts as one.
 */
import { CommandStatus } from "../smpp/command-status.js";
import { EsmClass } from "../smpp/pdu-types.js";
import { encodeText } from "../smpp/text-codec.js";
import { buildUdh, type InformationElement } from "../smpp/udh.js";
import type { MessageFields } from "./message-intake.js";
import type { SmppAddress } from "./routing.js";
import type { RefusalReason } from "./smsc-status.js";

export interface HandsetSms {
  /** The number dialled: an MSISDN ("+375…" or national digits) or a short number. */
  readonly destination: string;
  readonly text?: string;
  readonly bytes?: Uint8Array;
  /** For text: the data coding to use (the text must fit it). For bytes: default 4 (8-bit). */
  readonly dataCoding?: number;
  /** Header IEs to put in front (e.g. the handset's own concatenation IE). */
  readonly userDataHeader?: readonly InformationElement[];
  /** TP-SRR: the handset wants a status report. */
  readonly statusReportRequest?: boolean;
  /** TP-MR, echoed in the status report. */
  readonly messageReference?: number;
  /** TP-VP; default the SMSC's. */
  readonly validityMs?: number;
  readonly protocolId?: number;
}

export type HandsetSubmitResult =
  | { readonly accepted: true; readonly messageId: string; readonly segments: number }
  | {
      readonly accepted: false;
      readonly reason: RefusalReason;
      /** TS 24.011 §8.2.5.4 RP-Cause: what the handset shows as `+CMS ERROR: <rpCause>`. */
      readonly rpCause: number;
      readonly detail: string;
    };

/** TON/NPI of an address a handset dialled (SMPP 3.4 §5.2.5-6): "+…" international, else unknown. */
export function dialledAddress(destination: string): SmppAddress {
  if (destination.startsWith("+")) return { ton: 1, npi: 1, addr: destination.slice(1) };
  return { ton: 0, npi: 1, addr: destination };
}

export function handsetFields(
  msisdn: string,
  sms: HandsetSms,
): { ok: true; fields: MessageFields } | { ok: false; status: number; detail: string } {
  let dataCoding: number;
  let body: Buffer;
  if (sms.text !== undefined) {
    try {
      const encoded = encodeText(
        sms.text,
        sms.dataCoding !== undefined ? { dataCoding: sms.dataCoding } : {},
      );
      dataCoding = encoded.dataCoding;
      body = encoded.bytes;
    } catch (e) {
      return {
        ok: false,
        status: CommandStatus.ESME_RINVDCS,
        detail: e instanceof Error ? e.message : String(e),
      };
    }
  } else {
    dataCoding = sms.dataCoding ?? 0x04;
    body = Buffer.from(sms.bytes ?? new Uint8Array(0));
  }
  let esmClass = 0;
  if (sms.userDataHeader !== undefined && sms.userDataHeader.length > 0) {
    try {
      body = Buffer.concat([buildUdh(sms.userDataHeader), body]);
    } catch (e) {
      return {
        ok: false,
        status: CommandStatus.ESME_RINVESMCLASS,
        detail: e instanceof Error ? e.message : String(e),
      };
    }
    esmClass = EsmClass.UDHI;
  }
  const fields: MessageFields = {
    service_type: "",
    source_addr_ton: 1,
    source_addr_npi: 1,
    source_addr: msisdn,
    esm_class: esmClass,
    protocol_id: sms.protocolId ?? 0,
    priority_flag: 0,
    schedule_delivery_time: "",
    validity_period: "",
    registered_delivery: sms.statusReportRequest === true ? 1 : 0,
    replace_if_present_flag: 0,
    data_coding: dataCoding,
    sm_default_msg_id: 0,
    short_message: body.length <= 254 ? body : Buffer.alloc(0),
  };
  if (body.length > 254) fields.message_payload = body;
  if (sms.validityMs !== undefined) fields.qos_time_to_live = Math.max(1, Math.ceil(sms.validityMs / 1000));
  return { ok: true, fields };
}
