/**
 * Short messages as the handset and the network exchange them (3GPP TS 23.040 §9.2.2): the
 * typed forms of SMS-SUBMIT, SMS-DELIVER and SMS-STATUS-REPORT. The TPDU codecs next to this
 * file turn them into octets and back; the network interface uses them as they are.
 *
 * Addresses are strings: "+375291234567" is an international number (type of address 145),
 * digits (with `*`, `#`) without `+` an unknown-type number (129), anything else an
 * alphanumeric address (TON 101, TS 23.040 §9.1.2.5).
 */
import type { InformationElement } from "../../core/smpp/udh.js";

/** TP-SCTS / TP-DT / absolute TP-VP (TS 23.040 §9.2.3.11): local time and its offset from UTC. */
export interface SmsTimestamp {
  /** Two digits, 0-99, as on the air interface. */
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** Offset from UTC in quarters of an hour, -79..79 (e.g. 12 for UTC+3). */
  readonly timezone: number;
}

/** The message body: text in the alphabet the data coding names, or 8-bit data. */
export type SmsContent =
  { readonly kind: "text"; readonly text: string } | { readonly kind: "binary"; readonly bytes: Uint8Array };

/** TP-VP in its three formats (TS 23.040 §9.2.3.12); TP-VPF "not present" is `undefined`. */
export type ValidityPeriod =
  /** §9.2.3.12.1: one octet, see `relativeValiditySeconds`. */
  | { readonly format: "relative"; readonly value: number }
  /** §9.2.3.12.2: a time stamp. */
  | { readonly format: "absolute"; readonly timestamp: SmsTimestamp }
  /** §9.2.3.12.3: seven octets, the first the functionality indicator. */
  | { readonly format: "enhanced"; readonly octets: Uint8Array; readonly seconds: number | undefined };

/** SMS-SUBMIT (TS 23.040 §9.2.2.2): what the handset sends. */
export interface SmsSubmit {
  readonly rejectDuplicates: boolean;
  readonly replyPath: boolean;
  readonly statusReportRequest: boolean;
  /** TP-MR, 0-255. */
  readonly messageReference: number;
  readonly destination: string;
  /** TP-DA type of address octet, e.g. 145 (0x91). */
  readonly destinationType: number;
  readonly protocolIdentifier: number;
  readonly dataCoding: number;
  readonly validityPeriod?: ValidityPeriod;
  readonly userDataHeader?: readonly InformationElement[];
  readonly content: SmsContent;
}

/** SMS-DELIVER (TS 23.040 §9.2.2.1): what the network delivers to the handset. */
export interface SmsDeliver {
  readonly originator: string;
  /** TP-OA type of address; default from the address string (145, 129 or alphanumeric 0xD0). */
  readonly originatorType?: number;
  readonly serviceCentreTimestamp: SmsTimestamp;
  /** Default 0 (plain short message). */
  readonly protocolIdentifier?: number;
  /** Default: 0 (GSM 7-bit) for text that fits, 8 (UCS2) for other text, 4 (8-bit) for binary. */
  readonly dataCoding?: number;
  readonly content: SmsContent;
  readonly userDataHeader?: readonly InformationElement[];
  /** TP-MMS inverted: true when the service centre has more messages waiting. Default false. */
  readonly moreMessagesToSend?: boolean;
  readonly replyPath?: boolean;
  /** TP-SRI: a status report will be returned to the originator. */
  readonly statusReportIndication?: boolean;
}

/** SMS-STATUS-REPORT (TS 23.040 §9.2.2.3). */
export interface SmsStatusReport {
  /** TP-MR of the SMS-SUBMIT this reports on. */
  readonly messageReference: number;
  /** TP-RA: the recipient of that message. */
  readonly recipient: string;
  readonly serviceCentreTimestamp: SmsTimestamp;
  /** TP-DT: when the message was delivered (or the last attempt). */
  readonly dischargeTime: SmsTimestamp;
  /** TP-ST (§9.2.3.15): 0 received by the SME, 0x20.. temporary, 0x40.. / 0x60.. permanent errors. */
  readonly status: number;
  readonly moreMessagesToSend?: boolean;
}
