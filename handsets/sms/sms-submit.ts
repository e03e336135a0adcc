/**
 * SMS-SUBMIT (3GPP TS 23.040 §9.2.2.2), both ways. The handset parses what a terminal gives in
 * PDU mode (AT+CMGS) and builds one for text mode.
 *
 * First octet: b1-b0 TP-MTI (01), b2 TP-RD, b4-b3 TP-VPF, b5 TP-SRR, b6 TP-UDHI, b7 TP-RP;
 * then TP-MR, TP-DA, TP-PID, TP-DCS, TP-VP (0, 1 or 7 octets), TP-UDL, TP-UD.
 */
import type { SmsSubmit } from "./sms-types.js";
import {
  addressType,
  decodeAddress,
  decodeValidityPeriod,
  encodeAddress,
  encodeValidityPeriod,
  OctetReader,
  TpduError,
} from "./tpdu-fields.js";
import { decodeUserData, encodeUserData } from "./user-data.js";

/** TP-MTI values (§9.2.3.1) in the MS-to-SC direction. */
export const MTI_SUBMIT = 0b01;
export const MTI_COMMAND = 0b10;

export function decodeSmsSubmit(tpdu: Uint8Array): SmsSubmit {
  const reader = new OctetReader(tpdu);
  const first = reader.byte("the first octet");
  const mti = first & 0x03;
  if (mti !== MTI_SUBMIT) {
    const name = mti === MTI_COMMAND ? "SMS-COMMAND" : mti === 0 ? "SMS-DELIVER-REPORT" : "a reserved type";
    throw new TpduError("BAD_MTI", `TP-MTI ${mti} is ${name}, not SMS-SUBMIT`);
  }
  const messageReference = reader.byte("TP-MR");
  const destination = decodeAddress(reader, "TP-DA");
  const protocolIdentifier = reader.byte("TP-PID");
  const dataCoding = reader.byte("TP-DCS");
  const validityPeriod = decodeValidityPeriod((first >> 3) & 0x03, reader);
  const userData = decodeUserData(reader, dataCoding, (first & 0x40) !== 0);
  return {
    rejectDuplicates: (first & 0x04) !== 0,
    replyPath: (first & 0x80) !== 0,
    statusReportRequest: (first & 0x20) !== 0,
    messageReference,
    destination: destination.address,
    destinationType: destination.type,
    protocolIdentifier,
    dataCoding,
    ...(validityPeriod !== undefined ? { validityPeriod } : {}),
    ...(userData.header !== undefined ? { userDataHeader: userData.header } : {}),
    content: userData.content,
  };
}

export function encodeSmsSubmit(submit: SmsSubmit): Uint8Array {
  const vp = encodeValidityPeriod(submit.validityPeriod);
  const hasHeader = submit.userDataHeader !== undefined && submit.userDataHeader.length > 0;
  const first =
    MTI_SUBMIT |
    (submit.rejectDuplicates ? 0x04 : 0) |
    (vp.vpf << 3) |
    (submit.statusReportRequest ? 0x20 : 0) |
    (hasHeader ? 0x40 : 0) |
    (submit.replyPath ? 0x80 : 0);
  const destination = encodeAddress(submit.destination);
  if (submit.destinationType !== addressType(submit.destination)) destination[1] = submit.destinationType;
  const userData = encodeUserData(submit.dataCoding, {
    ...(submit.userDataHeader !== undefined ? { header: submit.userDataHeader } : {}),
    content: submit.content,
  });
  return Uint8Array.of(
    first,
    submit.messageReference & 0xff,
    ...destination,
    submit.protocolIdentifier & 0xff,
    submit.dataCoding & 0xff,
    ...vp.octets,
    ...userData,
  );
}
