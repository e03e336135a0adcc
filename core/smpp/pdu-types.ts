/**
 * Typed SMPP PDUs (SMPP 3.4 §4, with the SMPP 5.0 TLVs we use). Field names are the spec's (and
 * the npm `smpp` package's), so a PDU reads like the standard.
 *
 * A decoded PDU has every mandatory field. short_message and message_payload are raw octets:
 * turn them into text with text-codec.ts (decodeText) and concat.ts (readSegment), never by guess.
 * Times (schedule_delivery_time, validity_period, final_date) are the raw SMPP time strings
 * (SMPP 3.4 §7.1.1); smpp-time.ts parses them on the injected clock.
 */

/** Optional parameters (TLVs) with a typed value. SMPP 3.4 §5.3.2 / SMPP 5.0 §4.8.4. */
export interface StandardTlvs {
  dest_addr_subunit?: number; // 0x0005
  dest_network_type?: number; // 0x0006
  dest_bearer_type?: number; // 0x0007
  dest_telematics_id?: number; // 0x0008
  source_addr_subunit?: number; // 0x000D
  source_network_type?: number; // 0x000E
  source_bearer_type?: number; // 0x000F
  source_telematics_id?: number; // 0x0010
  qos_time_to_live?: number; // 0x0017
  payload_type?: number; // 0x0019
  additional_status_info_text?: string; // 0x001D
  receipted_message_id?: string; // 0x001E
  ms_msg_wait_facilities?: number; // 0x0030
  privacy_indicator?: number; // 0x0201
  source_subaddress?: Buffer; // 0x0202
  dest_subaddress?: Buffer; // 0x0203
  /** 0x0204; some USSD gateways carry the session id here. */
  user_message_reference?: number;
  user_response_code?: number; // 0x0205
  source_port?: number; // 0x020A
  dest_port?: number; // 0x020B
  sar_msg_ref_num?: number; // 0x020C
  language_indicator?: number; // 0x020D
  sar_total_segments?: number; // 0x020E
  sar_segment_seqnum?: number; // 0x020F
  sc_interface_version?: number; // 0x0210
  number_of_messages?: number; // 0x0304
  dpf_result?: number; // 0x0420
  set_dpf?: number; // 0x0421
  ms_availability_status?: number; // 0x0422
  /** 0x0423: network type, then a 2-octet error code. */
  network_error_code?: Buffer;
  message_payload?: Buffer; // 0x0424
  delivery_failure_reason?: number; // 0x0425
  more_messages_to_send?: number; // 0x0426
  /** 0x0427, values in MessageState. */
  message_state?: number;
  congestion_state?: number; // 0x0428 (SMPP 5.0)
  /** 0x0501, values in UssdServiceOp. */
  ussd_service_op?: number;
  display_time?: number; // 0x1201
  sms_signal?: number; // 0x1203
  ms_validity?: Buffer; // 0x1204
  alert_on_message_delivery?: number; // 0x130C
  its_reply_type?: number; // 0x1380
  /** 0x1383: octet 1 session number, octet 2 bits 7..1 sequence, bit 0 end of session. */
  its_session_info?: Buffer;
}

export type StandardTlvName = keyof StandardTlvs;

/** A TLV value as the package codes it: integers, C-octet strings, octet strings. */
export type TlvValue = number | string | Buffer;

/** A TLV whose tag no registry knows; kept as octets and sent back unchanged. */
export interface RawTlv {
  tag: number;
  value: Buffer;
}

export interface PduCommon extends StandardTlvs {
  command_status: number;
  sequence_number: number;
  /** TLVs registered by name through tlv-registry.ts (vendor TLVs) or not in StandardTlvs. */
  vendor_tlvs?: Record<string, TlvValue | TlvValue[]>;
  /** TLVs with tags nobody registered. */
  unknown_tlvs?: RawTlv[];
}

export interface BindBody {
  system_id: string;
  password: string;
  system_type: string;
  interface_version: number;
  addr_ton: number;
  addr_npi: number;
  address_range: string;
}

export interface BindTransmitter extends PduCommon, BindBody {
  command: "bind_transmitter";
}
export interface BindReceiver extends PduCommon, BindBody {
  command: "bind_receiver";
}
export interface BindTransceiver extends PduCommon, BindBody {
  command: "bind_transceiver";
}
export interface BindTransmitterResp extends PduCommon {
  command: "bind_transmitter_resp";
  system_id: string;
}
export interface BindReceiverResp extends PduCommon {
  command: "bind_receiver_resp";
  system_id: string;
}
export interface BindTransceiverResp extends PduCommon {
  command: "bind_transceiver_resp";
  system_id: string;
}
export interface Outbind extends PduCommon {
  command: "outbind";
  system_id: string;
  password: string;
}

/** The message fields shared by submit_sm and deliver_sm (SMPP 3.4 §4.4.1, §4.6.1). */
export interface ShortMessageBody {
  service_type: string;
  source_addr_ton: number;
  source_addr_npi: number;
  source_addr: string;
  dest_addr_ton: number;
  dest_addr_npi: number;
  destination_addr: string;
  esm_class: number;
  protocol_id: number;
  priority_flag: number;
  schedule_delivery_time: string;
  validity_period: string;
  registered_delivery: number;
  replace_if_present_flag: number;
  data_coding: number;
  sm_default_msg_id: number;
  /** Up to 254 octets; the UDH leads when esm_class has 0x40. */
  short_message: Buffer;
}

export interface SubmitSm extends PduCommon, ShortMessageBody {
  command: "submit_sm";
}
export interface SubmitSmResp extends PduCommon {
  command: "submit_sm_resp";
  message_id: string;
}
export interface DeliverSm extends PduCommon, ShortMessageBody {
  command: "deliver_sm";
}
export interface DeliverSmResp extends PduCommon {
  command: "deliver_sm_resp";
  message_id: string;
}

/** A submit_multi destination: an SME address (dest_flag 1) or a distribution list (2). */
export type MultiDestination =
  { dest_addr_ton: number; dest_addr_npi: number; destination_addr: string } | { dl_name: string };

export interface SubmitMulti
  extends PduCommon, Omit<ShortMessageBody, "dest_addr_ton" | "dest_addr_npi" | "destination_addr"> {
  command: "submit_multi";
  dest_address: MultiDestination[];
}
export interface UnsuccessSme {
  dest_addr_ton: number;
  dest_addr_npi: number;
  destination_addr: string;
  error_status_code: number;
}
export interface SubmitMultiResp extends PduCommon {
  command: "submit_multi_resp";
  message_id: string;
  unsuccess_sme: UnsuccessSme[];
}

/** SMPP 3.4 §4.7.1: the text travels in message_payload. */
export interface DataSm extends PduCommon {
  command: "data_sm";
  service_type: string;
  source_addr_ton: number;
  source_addr_npi: number;
  source_addr: string;
  dest_addr_ton: number;
  dest_addr_npi: number;
  destination_addr: string;
  esm_class: number;
  registered_delivery: number;
  data_coding: number;
}
export interface DataSmResp extends PduCommon {
  command: "data_sm_resp";
  message_id: string;
}

export interface QuerySm extends PduCommon {
  command: "query_sm";
  message_id: string;
  source_addr_ton: number;
  source_addr_npi: number;
  source_addr: string;
}
export interface QuerySmResp extends PduCommon {
  command: "query_sm_resp";
  message_id: string;
  final_date: string;
  message_state: number;
  error_code: number;
}

export interface CancelSm extends PduCommon {
  command: "cancel_sm";
  service_type: string;
  message_id: string;
  source_addr_ton: number;
  source_addr_npi: number;
  source_addr: string;
  dest_addr_ton: number;
  dest_addr_npi: number;
  destination_addr: string;
}
export interface CancelSmResp extends PduCommon {
  command: "cancel_sm_resp";
}

export interface ReplaceSm extends PduCommon {
  command: "replace_sm";
  message_id: string;
  source_addr_ton: number;
  source_addr_npi: number;
  source_addr: string;
  schedule_delivery_time: string;
  validity_period: string;
  registered_delivery: number;
  sm_default_msg_id: number;
  short_message: Buffer;
}
export interface ReplaceSmResp extends PduCommon {
  command: "replace_sm_resp";
}

export interface AlertNotification extends PduCommon {
  command: "alert_notification";
  source_addr_ton: number;
  source_addr_npi: number;
  source_addr: string;
  esme_addr_ton: number;
  esme_addr_npi: number;
  esme_addr: string;
}

export interface EnquireLink extends PduCommon {
  command: "enquire_link";
}
export interface EnquireLinkResp extends PduCommon {
  command: "enquire_link_resp";
}
export interface Unbind extends PduCommon {
  command: "unbind";
}
export interface UnbindResp extends PduCommon {
  command: "unbind_resp";
}
export interface GenericNack extends PduCommon {
  command: "generic_nack";
}

/** PDUs that expect a response. */
export type RequestPdu =
  | BindTransmitter
  | BindReceiver
  | BindTransceiver
  | SubmitSm
  | SubmitMulti
  | DataSm
  | DeliverSm
  | QuerySm
  | CancelSm
  | ReplaceSm
  | EnquireLink
  | Unbind;

export type ResponsePdu =
  | BindTransmitterResp
  | BindReceiverResp
  | BindTransceiverResp
  | SubmitSmResp
  | SubmitMultiResp
  | DataSmResp
  | DeliverSmResp
  | QuerySmResp
  | CancelSmResp
  | ReplaceSmResp
  | EnquireLinkResp
  | UnbindResp
  | GenericNack;

/** PDUs without a response (SMPP 3.4 §4.1.7 outbind, §4.12.1 alert_notification). */
export type UnansweredPdu = Outbind | AlertNotification;

export type Pdu = RequestPdu | ResponsePdu | UnansweredPdu;
export type Command = Pdu["command"];
export type RequestCommand = RequestPdu["command"];
export type ResponseCommand = ResponsePdu["command"];

export type PduOf<C extends Command> = Extract<Pdu, { command: C }>;

/** The response command of each request. */
export interface ResponseCommandOf {
  bind_transmitter: "bind_transmitter_resp";
  bind_receiver: "bind_receiver_resp";
  bind_transceiver: "bind_transceiver_resp";
  submit_sm: "submit_sm_resp";
  submit_multi: "submit_multi_resp";
  data_sm: "data_sm_resp";
  deliver_sm: "deliver_sm_resp";
  query_sm: "query_sm_resp";
  cancel_sm: "cancel_sm_resp";
  replace_sm: "replace_sm_resp";
  enquire_link: "enquire_link_resp";
  unbind: "unbind_resp";
}

/** The same as a value: the response command of each request. */
export const RESPONSE_COMMAND: { readonly [C in RequestCommand]: ResponseCommandOf[C] } = {
  bind_transmitter: "bind_transmitter_resp",
  bind_receiver: "bind_receiver_resp",
  bind_transceiver: "bind_transceiver_resp",
  submit_sm: "submit_sm_resp",
  submit_multi: "submit_multi_resp",
  data_sm: "data_sm_resp",
  deliver_sm: "deliver_sm_resp",
  query_sm: "query_sm_resp",
  cancel_sm: "cancel_sm_resp",
  replace_sm: "replace_sm_resp",
  enquire_link: "enquire_link_resp",
  unbind: "unbind_resp",
};

/** What a request may be answered with: its own response, or generic_nack (SMPP 3.4 §4.3). */
export type ResponseTo<C extends RequestCommand> = PduOf<ResponseCommandOf[C]> | GenericNack;

/**
 * A PDU to send: the command plus any fields; missing mandatory fields take their defaults
 * (0, "", empty octets), and sequence_number is assigned by the session when absent.
 */
export type OutboundPdu<C extends Command = Command> = C extends Command
  ? { command: C } & Partial<Omit<PduOf<C>, "command">>
  : never;

/** message_state values (SMPP 3.4 §5.2.28). */
export const MessageState = {
  SCHEDULED: 0, // SMPP 5.0
  ENROUTE: 1,
  DELIVERED: 2,
  EXPIRED: 3,
  DELETED: 4,
  UNDELIVERABLE: 5,
  ACCEPTED: 6,
  UNKNOWN: 7,
  REJECTED: 8,
  SKIPPED: 9, // SMPP 5.0
} as const;

/** ussd_service_op values (SMPP 3.4 §5.3.2.44); 32..255 are vendor-specific. */
export const UssdServiceOp = {
  PSSD_INDICATION: 0,
  PSSR_INDICATION: 1,
  USSR_REQUEST: 2,
  USSN_REQUEST: 3,
  PSSD_RESPONSE: 16,
  PSSR_RESPONSE: 17,
  USSR_CONFIRM: 18,
  USSN_CONFIRM: 19,
} as const;

/** esm_class bits (SMPP 3.4 §5.2.12). */
export const EsmClass = {
  MODE_MASK: 0x03,
  DEFAULT_MODE: 0x00,
  DATAGRAM: 0x01,
  FORWARD: 0x02,
  STORE_AND_FORWARD: 0x03,
  TYPE_MASK: 0x3c,
  DELIVERY_RECEIPT: 0x04,
  DELIVERY_ACK: 0x08,
  USER_ACK: 0x10,
  CONVERSATION_ABORT: 0x18,
  INTERMEDIATE_NOTIFICATION: 0x20,
  UDHI: 0x40,
  REPLY_PATH: 0x80,
} as const;

/** bind modes and their commands. */
export type BindMode = "transmitter" | "receiver" | "transceiver";
export type BindCommand = `bind_${BindMode}`;
