/**
 * SMS-DELIVER (3GPP TS 23.040 §9.2.2.1), both ways: the handset builds it from what the network
 * delivers, for the PDU-mode +CMT of TS 27.005.
 *
 * First octet: b1-b0 TP-MTI (00), b2 TP-MMS (1 = no more messages waiting), b5 TP-SRI,
 * b6 TP-UDHI, b7 TP-RP; then TP-OA, TP-PID, TP-DCS, TP-SCTS, TP-UDL, TP-UD.
 */
import type { SmsDeliver } from "./sms-types.js";
import {
  decodeAddress,
  decodeTimestamp,
  encodeAddress,
  encodeTimestamp,
  OctetReader,
  TpduError,
} from "./tpdu-fields.js";
import { decodeUserData, defaultDataCoding, encodeUserData } from "./user-data.js";

export const MTI_DELIVER = 0b00;

export function encodeSmsDeliver(deliver: SmsDeliver): Uint8Array {
  const dataCoding = deliver.dataCoding ?? defaultDataCoding(deliver.content);
  const hasHeader = deliver.userDataHeader !== undefined && deliver.userDataHeader.length > 0;
  const first =
    MTI_DELIVER |
    (deliver.moreMessagesToSend === true ? 0 : 0x04) |
    (deliver.statusReportIndication === true ? 0x20 : 0) |
    (hasHeader ? 0x40 : 0) |
    (deliver.replyPath === true ? 0x80 : 0);
  const originator = encodeAddress(deliver.originator);
  if (deliver.originatorType !== undefined) originator[1] = deliver.originatorType;
  return Uint8Array.of(
    first,
    ...originator,
    (deliver.protocolIdentifier ?? 0) & 0xff,
    dataCoding & 0xff,
    ...encodeTimestamp(deliver.serviceCentreTimestamp),
    ...encodeUserData(dataCoding, {
      ...(deliver.userDataHeader !== undefined ? { header: deliver.userDataHeader } : {}),
      content: deliver.content,
    }),
  );
}

export function decodeSmsDeliver(tpdu: Uint8Array): SmsDeliver {
  const reader = new OctetReader(tpdu);
  const first = reader.byte("the first octet");
  if ((first & 0x03) !== MTI_DELIVER)
    throw new TpduError("BAD_MTI", `TP-MTI ${first & 0x03} is not SMS-DELIVER`);
  const originator = decodeAddress(reader, "TP-OA");
  const protocolIdentifier = reader.byte("TP-PID");
  const dataCoding = reader.byte("TP-DCS");
  const serviceCentreTimestamp = decodeTimestamp(reader.bytes(7, "TP-SCTS"), "TP-SCTS");
  const userData = decodeUserData(reader, dataCoding, (first & 0x40) !== 0);
  return {
    originator: originator.address,
    originatorType: originator.type,
    serviceCentreTimestamp,
    protocolIdentifier,
    dataCoding,
    content: userData.content,
    ...(userData.header !== undefined ? { userDataHeader: userData.header } : {}),
    moreMessagesToSend: (first & 0x04) === 0,
    replyPath: (first & 0x80) !== 0,
    statusReportIndication: (first & 0x20) !== 0,
  };
}
