/**
 * SMS-STATUS-REPORT (3GPP TS 23.040 §9.2.2.3), both ways: built for the PDU-mode +CDS of
 * TS 27.005. Without the optional TP-PI and what it announces.
 *
 * First octet: b1-b0 TP-MTI (10), b2 TP-MMS, b5 TP-SRQ (0: the report is for an SMS-SUBMIT);
 * then TP-MR, TP-RA, TP-SCTS, TP-DT, TP-ST.
 */
import type { SmsStatusReport } from "./sms-types.js";
import {
  decodeAddress,
  decodeTimestamp,
  encodeAddress,
  encodeTimestamp,
  OctetReader,
  TpduError,
} from "./tpdu-fields.js";

export const MTI_STATUS_REPORT = 0b10;

/** The first octet, also shown as <fo> of the text-mode +CDS. */
export function statusReportFirstOctet(report: SmsStatusReport): number {
  return MTI_STATUS_REPORT | (report.moreMessagesToSend === true ? 0 : 0x04);
}

export function encodeSmsStatusReport(report: SmsStatusReport): Uint8Array {
  return Uint8Array.of(
    statusReportFirstOctet(report),
    report.messageReference & 0xff,
    ...encodeAddress(report.recipient),
    ...encodeTimestamp(report.serviceCentreTimestamp),
    ...encodeTimestamp(report.dischargeTime),
    report.status & 0xff,
  );
}

export function decodeSmsStatusReport(tpdu: Uint8Array): SmsStatusReport {
  const reader = new OctetReader(tpdu);
  const first = reader.byte("the first octet");
  if ((first & 0x03) !== MTI_STATUS_REPORT) {
    throw new TpduError("BAD_MTI", `TP-MTI ${first & 0x03} is not SMS-STATUS-REPORT`);
  }
  const messageReference = reader.byte("TP-MR");
  const recipient = decodeAddress(reader, "TP-RA").address;
  const serviceCentreTimestamp = decodeTimestamp(reader.bytes(7, "TP-SCTS"), "TP-SCTS");
  const dischargeTime = decodeTimestamp(reader.bytes(7, "TP-DT"), "TP-DT");
  const status = reader.byte("TP-ST");
  return {
    messageReference,
    recipient,
    serviceCentreTimestamp,
    dischargeTime,
    status,
    moreMessagesToSend: (first & 0x04) === 0,
  };
}
