/**
 * Delivery receipts (SMPP 3.4 §5.2.17 registered_delivery, Appendix B receipt text, §5.3.2.12
 * receipted_message_id, §5.3.2.35 message_state, §5.3.2.31 network_error_code). Pure: given what
 * happened to a message, says whether a receipt is due and builds its deliver_sm.
 */
import { encodeGsm7, gsm7CharSeptets } from "../smpp/gsm7.js";
import { EsmClass, MessageState, type OutboundPdu } from "../smpp/pdu-types.js";
import { decodeText } from "../smpp/text-codec.js";
import { parseUdh } from "../smpp/udh.js";
import { RECEIPT_STAT, isSuccess } from "./delivery-outcomes.js";

/** registered_delivery bits 1..0, the SMSC delivery receipt (SMPP 3.4 §5.2.17). */
export const ReceiptRequest = {
  NONE: 0,
  /** On final delivery outcome, success or failure. */
  FINAL: 1,
  /** Only when the final outcome is a failure. */
  FAILURE: 2,
  /** SMPP 5.0 §4.7.21 gives 3 "success only"; SMPP 3.4 reserves it. We follow 5.0. */
  SUCCESS: 3,
} as const;

/** registered_delivery bit 4: intermediate notification requested (SMPP 3.4 §5.2.17). */
export const INTERMEDIATE_NOTIFICATION = 0x10;

/** Whether a message that ended in `state` gets a receipt, per its registered_delivery. */
export function receiptWanted(registeredDelivery: number, state: number): boolean {
  switch (registeredDelivery & 0x03) {
    case ReceiptRequest.FINAL:
      return true;
    case ReceiptRequest.FAILURE:
      return !isSuccess(state);
    case ReceiptRequest.SUCCESS:
      return isSuccess(state);
    default:
      return false;
  }
}

export function intermediateWanted(registeredDelivery: number): boolean {
  return (registeredDelivery & INTERMEDIATE_NOTIFICATION) !== 0;
}

/**
 * The `err:` field and network_error_code: GSM MAP error codes (TS 29.002 §17.6), network type 3
 * (GSM). 0 means no error.
 *
 * | code | meaning                                                   | when                         |
 * | ---- | --------------------------------------------------------- | ---------------------------- |
 * | 000  | none                                                      | delivered, accepted, deleted |
 * | 006  | absentSubscriberSM                                        | handset not attached; EXPIRED |
 * | 013  | callBarred                                                | REJECTED                     |
 * | 032  | sm-DeliveryFailure (memoryCapacityExceeded)               | handset memory full; UNDELIV |
 * | 034  | systemFailure                                             | UNKNOWN; an ESME refused it  |
 */
export const NetworkError = {
  NONE: 0,
  ABSENT_SUBSCRIBER: 6,
  CALL_BARRED: 13,
  DELIVERY_FAILURE: 32,
  SYSTEM_FAILURE: 34,
} as const;

/** The usual error of a final state reached without a network answer (synthetic modes). */
export function defaultErrorFor(state: number): number {
  switch (state) {
    case MessageState.EXPIRED:
      return NetworkError.ABSENT_SUBSCRIBER;
    case MessageState.UNDELIVERABLE:
      return NetworkError.DELIVERY_FAILURE;
    case MessageState.REJECTED:
      return NetworkError.CALL_BARRED;
    case MessageState.UNKNOWN:
      return NetworkError.SYSTEM_FAILURE;
    default:
      return NetworkError.NONE;
  }
}

const two = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** The last date written, per minute: receipts come in bursts within the same minute. */
const dateCache = { minute: NaN, offset: NaN, text: "" };

/** YYMMDDhhmm in UTC plus `utcOffsetMinutes`. */
export function receiptDate(atMs: number, utcOffsetMinutes: number): string {
  const minute = Math.floor(atMs / 60_000);
  if (minute === dateCache.minute && utcOffsetMinutes === dateCache.offset) return dateCache.text;
  const d = new Date(atMs + utcOffsetMinutes * 60_000);
  const text =
    two(d.getUTCFullYear() % 100) +
    two(d.getUTCMonth() + 1) +
    two(d.getUTCDate()) +
    two(d.getUTCHours()) +
    two(d.getUTCMinutes());
  dateCache.minute = minute;
  dateCache.offset = utcOffsetMinutes;
  dateCache.text = text;
  return text;
}

const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n % 1000));

/** Octets that GSM-7 (unpacked), IA5 and Latin-1 all read as the same ASCII character. */
const SAME_IN_ASCII = new Uint8Array(128);
for (const ch of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 !\"#%&'()*+,-./:;<=>?")
  SAME_IN_ASCII[ch.charCodeAt(0)] = 1;

function plainAscii(bytes: Buffer, end: number): boolean {
  for (let i = 0; i < end; i++) {
    const b = bytes[i] as number;
    if (b >= 128 || SAME_IN_ASCII[b] === 0) return false;
  }
  return true;
}

/** The first 20 characters of a message's text (binary data gives ""). */
export function receiptSample(dataCoding: number, userData: Buffer, udhi: boolean): string {
  let body = userData;
  if (udhi) {
    try {
      body = userData.subarray(parseUdh(userData).headerLength);
    } catch {
      return "";
    }
  }
  // the usual case, plain text in a single-octet alphabet, without decoding
  const end = Math.min(20, body.length);
  if ((dataCoding === 0 || dataCoding === 1 || dataCoding === 3) && plainAscii(body, end))
    return body.toString("latin1", 0, end);
  try {
    // at most 20 characters need at most 80 octets in every alphabet with escapes
    return [...decodeText(dataCoding, body.subarray(0, 80))].slice(0, 20).join("");
  } catch {
    return "";
  }
}

export interface ReceiptFacts {
  messageId: string;
  state: number;
  /** A NetworkError code (0..999). */
  error: number;
  submittedAt: number;
  doneAt: number;
  sample: string;
  utcOffsetMinutes: number;
}

/**
 * `id:… sub:001 dlvrd:001 submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DELIVRD err:000 text:…`
 * (SMPP 3.4 Appendix B). sub counts the messages submitted (always one here: each segment has its
 * own id) and dlvrd those delivered.
 */
export function receiptText(f: ReceiptFacts): string {
  return (
    `id:${f.messageId} sub:001 dlvrd:${f.state === MessageState.DELIVERED ? "001" : "000"}` +
    ` submit date:${receiptDate(f.submittedAt, f.utcOffsetMinutes)}` +
    ` done date:${receiptDate(f.doneAt, f.utcOffsetMinutes)}` +
    ` stat:${RECEIPT_STAT[f.state] ?? "UNKNOWN"} err:${pad3(f.error)} text:${f.sample}`
  );
}

/** Receipt text as data_coding 0 octets; characters GSM-7 lacks become "?". */
export function receiptOctets(text: string): Buffer {
  let plain = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || SAME_IN_ASCII[c] === 0) {
      plain = false;
      break;
    }
  }
  if (plain) return Buffer.from(text, "latin1");
  let safe = "";
  for (const ch of text) safe += gsm7CharSeptets(ch) === 0 ? "?" : ch;
  return encodeGsm7(safe);
}

export interface ReceiptAddresses {
  /** The original message's destination: the receipt's source. */
  source: { ton: number; npi: number; addr: string };
  /** The original sender: the receipt's destination. */
  destination: { ton: number; npi: number; addr: string };
}

/**
 * The receipt deliver_sm: esm_class 0x04 (SMSC delivery receipt, §5.2.12), the text above as
 * data_coding 0, receipted_message_id and message_state, and network_error_code when err ≠ 0.
 * `intermediate` builds an intermediate notification instead (esm_class 0x20, state ENROUTE).
 */
export function receiptPdu(
  facts: ReceiptFacts,
  addresses: ReceiptAddresses,
  intermediate = false,
): OutboundPdu<"deliver_sm"> {
  const pdu: OutboundPdu<"deliver_sm"> = {
    command: "deliver_sm",
    source_addr_ton: addresses.source.ton,
    source_addr_npi: addresses.source.npi,
    source_addr: addresses.source.addr,
    dest_addr_ton: addresses.destination.ton,
    dest_addr_npi: addresses.destination.npi,
    destination_addr: addresses.destination.addr,
    esm_class: intermediate ? EsmClass.INTERMEDIATE_NOTIFICATION : EsmClass.DELIVERY_RECEIPT,
    data_coding: 0,
    short_message: receiptOctets(receiptText(facts)),
    receipted_message_id: facts.messageId,
    message_state: facts.state,
  };
  if (facts.error !== 0) pdu.network_error_code = networkErrorCode(facts.error);
  return pdu;
}

/** network_error_code: network type 3 (GSM), then the error as 2 octets (SMPP 3.4 §5.3.2.31). */
export function networkErrorCode(error: number): Buffer {
  const b = Buffer.alloc(3);
  b[0] = 3;
  b.writeUInt16BE(error & 0xffff, 1);
  return b;
}

export interface ParsedReceipt {
  id: string;
  sub: string;
  dlvrd: string;
  submitDate: string;
  doneDate: string;
  stat: string;
  err: string;
  text: string;
}

const RECEIPT =
  /^id:(\S+) sub:(\d{3}) dlvrd:(\d{3}) submit date:(\d{10}) done date:(\d{10}) stat:([A-Z]{7}) err:(\d{3}) text:(.*)$/s;

/** Reads receipt text back (for ESME-side code and tests); undefined when it is not one. */
export function parseReceiptText(text: string): ParsedReceipt | undefined {
  const m = RECEIPT.exec(text);
  if (!m) return undefined;
  const [, id, sub, dlvrd, submitDate, doneDate, stat, err, sample] = m as unknown as string[];
  return {
    id: id ?? "",
    sub: sub ?? "",
    dlvrd: dlvrd ?? "",
    submitDate: submitDate ?? "",
    doneDate: doneDate ?? "",
    stat: stat ?? "",
    err: err ?? "",
    text: sample ?? "",
  };
}
