/**
 * Typed PDUs ⇄ octets. The npm `smpp` package supplies the command and TLV tables and the wire
 * types (integers, C-octet strings, length-prefixed octets, submit_multi address lists) that code
 * the mandatory parameters. Its PDU class is not used, so its field "filters" never run: no text
 * auto-detection by the low nibble of data_coding, no Date conversion of times on the real clock,
 * no leaked global. short_message stays octets and times stay strings. TLVs are coded here from
 * the package's TLV table: unknown tags are kept (the package drops them on encode), every length
 * is checked (the package reads past a short TLV), and error responses may carry TLVs.
 */
import smpp from "smpp";
import { CommandStatus } from "./command-status.js";
import { SmppCodecError } from "./codec-error.js";
import type { Command, OutboundPdu, Pdu, RawTlv, StandardTlvName, TlvValue } from "./pdu-types.js";
import { tlvByName, tlvByTag, type TlvDefinition } from "./tlv-registry.js";

export const HEADER_LENGTH = 16;
/** The package's own maximum; peers may be configured for more. */
export const DEFAULT_MAX_PDU_LENGTH = 16_384;

/** Commands with a type in pdu-types.ts (the package also knows the SMPP 5.0 broadcast ones). */
const SUPPORTED: ReadonlySet<string> = new Set<Command>([
  "bind_transmitter",
  "bind_transmitter_resp",
  "bind_receiver",
  "bind_receiver_resp",
  "bind_transceiver",
  "bind_transceiver_resp",
  "outbind",
  "submit_sm",
  "submit_sm_resp",
  "submit_multi",
  "submit_multi_resp",
  "data_sm",
  "data_sm_resp",
  "deliver_sm",
  "deliver_sm_resp",
  "query_sm",
  "query_sm_resp",
  "cancel_sm",
  "cancel_sm_resp",
  "replace_sm",
  "replace_sm_resp",
  "alert_notification",
  "enquire_link",
  "enquire_link_resp",
  "unbind",
  "unbind_resp",
  "generic_nack",
]);

const STANDARD_TLV_NAMES = [
  "dest_addr_subunit",
  "dest_network_type",
  "dest_bearer_type",
  "dest_telematics_id",
  "source_addr_subunit",
  "source_network_type",
  "source_bearer_type",
  "source_telematics_id",
  "qos_time_to_live",
  "payload_type",
  "additional_status_info_text",
  "receipted_message_id",
  "ms_msg_wait_facilities",
  "privacy_indicator",
  "source_subaddress",
  "dest_subaddress",
  "user_message_reference",
  "user_response_code",
  "source_port",
  "dest_port",
  "sar_msg_ref_num",
  "language_indicator",
  "sar_total_segments",
  "sar_segment_seqnum",
  "sc_interface_version",
  "number_of_messages",
  "dpf_result",
  "set_dpf",
  "ms_availability_status",
  "network_error_code",
  "message_payload",
  "delivery_failure_reason",
  "more_messages_to_send",
  "message_state",
  "congestion_state",
  "ussd_service_op",
  "display_time",
  "sms_signal",
  "ms_validity",
  "alert_on_message_delivery",
  "its_reply_type",
  "its_session_info",
] as const satisfies readonly StandardTlvName[];
// compile-time check that the list covers StandardTlvs
const _allStandard: Exclude<StandardTlvName, (typeof STANDARD_TLV_NAMES)[number]> extends never
  ? true
  : false = true;
void _allStandard;
const STANDARD_TLVS: ReadonlySet<string> = new Set(STANDARD_TLV_NAMES);

const HEADER_FIELDS: ReadonlySet<string> = new Set([
  "command",
  "command_status",
  "sequence_number",
  "vendor_tlvs",
  "unknown_tlvs",
]);

export interface PduHeader {
  commandLength: number;
  commandId: number;
  commandStatus: number;
  sequenceNumber: number;
}

export function readHeader(frame: Uint8Array): PduHeader | undefined {
  if (frame.length < HEADER_LENGTH) return undefined;
  const b = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  return {
    commandLength: b.readUInt32BE(0),
    commandId: b.readUInt32BE(4),
    commandStatus: b.readUInt32BE(8),
    sequenceNumber: b.readUInt32BE(12),
  };
}

/** Why a frame could not become a typed PDU, and the command_status to answer with. */
export interface PduDecodeFailure {
  header: PduHeader;
  /** The command name when the id is known. */
  command: string | undefined;
  isResponse: boolean;
  /** ESME_RINVCMDID, ESME_RINVCMDLEN, ESME_RINVTLVSTREAM (0xC0), ESME_RINVTLVLEN (0xC2), … */
  status: number;
  reason: string;
}

export type DecodeResult = { ok: true; pdu: Pdu } | { ok: false; failure: PduDecodeFailure };

function fail(header: PduHeader, command: string | undefined, status: number, reason: string): DecodeResult {
  const isResponse = (header.commandId & 0x80000000) !== 0;
  return { ok: false, failure: { header, command, isResponse, status, reason } };
}

function defaultFor(type: smpp.SmppWireType): unknown {
  if (type === smpp.types.buffer) return Buffer.alloc(0);
  if (type === smpp.types.dest_address_array || type === smpp.types.unsuccess_sme_array) return [];
  if (type === smpp.types.string || type === smpp.types.cstring) return "";
  return 0;
}

function decodeTlvValue(def: TlvDefinition, value: Buffer): TlvValue | string {
  switch (def.kind) {
    case "int8":
      return value.readUInt8(0);
    case "int16":
      return value.readUInt16BE(0);
    case "int32":
      return value.readUInt32BE(0);
    case "cstring": {
      const nul = value.indexOf(0);
      return value.toString("latin1", 0, nul < 0 ? value.length : nul);
    }
    case "string":
      return value.toString("latin1");
    case "buffer":
      return Buffer.from(value);
  }
}

const FIXED_SIZE: Partial<Record<TlvDefinition["kind"], number>> = { int8: 1, int16: 2, int32: 4 };

/** True when the octets from `offset` to the end are whole TLVs. */
function isTlvStream(frame: Buffer, offset: number): boolean {
  let at = offset;
  while (at + 4 <= frame.length) at += 4 + frame.readUInt16BE(at + 2);
  return at === frame.length;
}

/**
 * One frame (exactly command_length octets) → a typed PDU, or the reason it is not one.
 * Never throws.
 */
export function decodePdu(frame: Buffer): DecodeResult {
  const header = readHeader(frame) ?? {
    commandLength: frame.length,
    commandId: 0,
    commandStatus: 0,
    sequenceNumber: 0,
  };
  if (frame.length < HEADER_LENGTH)
    return fail(
      header,
      undefined,
      CommandStatus.ESME_RINVCMDLEN,
      `a PDU needs 16 octets, got ${frame.length}`,
    );
  const hexId = `0x${header.commandId.toString(16).padStart(8, "0")}`;
  const def = smpp.commandsById[header.commandId];
  if (!def) return fail(header, undefined, CommandStatus.ESME_RINVCMDID, `unknown command_id ${hexId}`);
  const command = def.command;
  const bad = (status: number, reason: string): DecodeResult =>
    fail(header, command, status, `${command}: ${reason}`);
  if (header.commandLength !== frame.length)
    return bad(
      CommandStatus.ESME_RINVCMDLEN,
      `command_length ${header.commandLength} but ${frame.length} octets`,
    );
  if (!SUPPORTED.has(command)) return bad(CommandStatus.ESME_RINVCMDID, `${hexId} is not supported`);

  const isResponse = (header.commandId & 0x80000000) !== 0;
  // an error response has no mandatory body (SMPP 3.4 §4.4.2) but may carry TLVs; some peers
  // send the body anyway, so the octets are read as TLVs only when they form a clean TLV stream
  const noBody = isResponse && header.commandStatus !== 0 && isTlvStream(frame, HEADER_LENGTH);
  const out: Record<string, unknown> = {
    command,
    command_status: header.commandStatus,
    sequence_number: header.sequenceNumber,
  };
  let offset = HEADER_LENGTH;
  let bodyEnded = false;
  // the mandatory parameters, read with the package's wire types (SMPP 3.4 §4)
  for (const [key, param] of paramsOf(def).list) {
    if (noBody || bodyEnded || offset >= frame.length) {
      // a response may come without a body (SMPP 3.4 §4.4.2: none when command_status is not 0)
      if (!isResponse) return bad(CommandStatus.ESME_RINVCMDLEN, `the body ends before ${key}`);
      out[key] = defaultFor(param.type);
      bodyEnded = !noBody;
      continue;
    }
    let value: unknown;
    try {
      value = param.type.read(frame, offset);
    } catch (e) {
      return bad(CommandStatus.ESME_RINVCMDLEN, `${key} does not parse (${messageOf(e)})`);
    }
    if (param.type === smpp.types.cstring) {
      const length = (value as string).length;
      if (frame[offset + length] !== 0)
        return bad(CommandStatus.ESME_RINVCMDLEN, `${key} has no NUL terminator inside the PDU`);
      // the package reads "ascii", which clears bit 7; keep the octets as they came
      out[key] = frame.toString("latin1", offset, offset + length);
      offset += length + 1;
      continue;
    }
    if (param.type === smpp.types.buffer) {
      const declared = frame[offset] as number;
      if (declared !== (value as Buffer).length)
        return bad(CommandStatus.ESME_RINVMSGLEN, `${key} length ${declared} runs past the end of the PDU`);
      out[key] = Buffer.from(value as Buffer);
    } else {
      out[key] = value;
    }
    offset += param.type.size(value);
    if (offset > frame.length)
      return bad(CommandStatus.ESME_RINVCMDLEN, `${key} runs past the end of the PDU`);
  }
  if (bodyEnded) offset = frame.length;

  // TLVs (SMPP 3.4 §3.2.4.1): tag, length, value, up to command_length exactly
  const unknown: RawTlv[] = [];
  const vendor: Record<string, TlvValue | TlvValue[]> = {};
  let hasVendor = false;
  while (offset < frame.length) {
    if (offset + 4 > frame.length)
      return bad(CommandStatus.ESME_RINVOPTPARSTREAM, `${frame.length - offset} stray octets after the TLVs`);
    const tag = frame.readUInt16BE(offset);
    const length = frame.readUInt16BE(offset + 2);
    const tagHex = `0x${tag.toString(16).padStart(4, "0")}`;
    if (offset + 4 + length > frame.length)
      return bad(CommandStatus.ESME_RINVOPTPARSTREAM, `TLV ${tagHex} of length ${length} runs past the end`);
    const value = frame.subarray(offset + 4, offset + 4 + length);
    offset += 4 + length;
    const tlv = tlvByTag(tag);
    if (!tlv) {
      unknown.push({ tag, value: Buffer.from(value) });
      continue;
    }
    const fixed = FIXED_SIZE[tlv.kind];
    if (fixed !== undefined && length !== fixed)
      return bad(
        CommandStatus.ESME_RINVPARLEN,
        `TLV ${tlv.name} (${tagHex}) has length ${length}, not ${fixed}`,
      );
    const decoded = decodeTlvValue(tlv, value);
    if (STANDARD_TLVS.has(tlv.name) && !tlv.multiple) {
      out[tlv.name] = decoded;
    } else {
      hasVendor = true;
      const prev = vendor[tlv.name];
      if (tlv.multiple) vendor[tlv.name] = Array.isArray(prev) ? [...prev, decoded] : [decoded];
      else vendor[tlv.name] = decoded;
    }
  }
  if (hasVendor) out.vendor_tlvs = vendor;
  if (unknown.length > 0) out.unknown_tlvs = unknown;
  return { ok: true, pdu: out as unknown as Pdu };
}

function encodeTlvValue(def: TlvDefinition, value: unknown): Buffer {
  const bad = (): SmppCodecError =>
    new SmppCodecError("BAD_ARGUMENT", `TLV ${def.name} (${def.kind}) cannot take ${JSON.stringify(value)}`);
  switch (def.kind) {
    case "int8":
    case "int16":
    case "int32": {
      const size = FIXED_SIZE[def.kind] as number;
      if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value >= 2 ** (8 * size))
        throw bad();
      const out = Buffer.alloc(size);
      out.writeUIntBE(value, 0, size);
      return out;
    }
    case "cstring":
      if (typeof value === "string") return Buffer.from(`${value}\0`, "latin1");
      if (Buffer.isBuffer(value)) return Buffer.concat([value, Buffer.alloc(1)]);
      throw bad();
    case "string":
    case "buffer":
      if (typeof value === "string") return Buffer.from(value, "latin1");
      if (Buffer.isBuffer(value)) return value;
      throw bad();
  }
}

function tlvBytes(tag: number, value: Buffer): Buffer {
  if (value.length > 0xffff)
    throw new SmppCodecError("BAD_ARGUMENT", `TLV 0x${tag.toString(16)} is over 65535 octets`);
  const head = Buffer.alloc(4);
  head.writeUInt16BE(tag, 0);
  head.writeUInt16BE(value.length, 2);
  return Buffer.concat([head, value]);
}

function encodeNamedTlv(name: string, value: unknown, parts: Buffer[]): void {
  const def = tlvByName(name);
  if (!def)
    throw new SmppCodecError("BAD_ARGUMENT", `unknown field or unregistered TLV ${JSON.stringify(name)}`);
  const values = Array.isArray(value) ? (value as unknown[]) : [value];
  if (values.length > 1 && !def.multiple)
    throw new SmppCodecError("BAD_ARGUMENT", `TLV ${name} may occur only once`);
  for (const v of values) parts.push(tlvBytes(def.tag, encodeTlvValue(def, v)));
}

/**
 * A PDU → octets. Missing mandatory fields take their defaults; `sequenceNumber` overrides the
 * PDU's own (default 0; the session assigns one). With a non-zero command_status the mandatory body is left out
 * (SMPP 3.4 §4.4.2) but TLVs are kept (e.g. delivery_failure_reason in data_sm_resp, §4.7.2).
 * Throws SmppCodecError for an unknown command, field or out-of-range value.
 */
export function encodePdu(pdu: OutboundPdu, sequenceNumber = pdu.sequence_number ?? 0): Buffer {
  const def = smpp.commands[pdu.command];
  if (!def || !SUPPORTED.has(pdu.command))
    throw new SmppCodecError("BAD_ARGUMENT", `unknown command ${JSON.stringify(pdu.command)}`);
  const fields = pdu as Readonly<Record<string, unknown>>;
  const params = paramsOf(def);
  const status = pdu.command_status ?? 0;

  const tlvParts: Buffer[] = [];
  for (const key in fields) {
    if (HEADER_FIELDS.has(key) || params.names.has(key)) continue;
    const value = fields[key];
    if (value !== undefined) encodeNamedTlv(key, value, tlvParts);
  }
  if (pdu.vendor_tlvs)
    for (const [name, value] of Object.entries(pdu.vendor_tlvs)) encodeNamedTlv(name, value, tlvParts);
  if (pdu.unknown_tlvs) for (const { tag, value } of pdu.unknown_tlvs) tlvParts.push(tlvBytes(tag, value));

  // the mandatory parameters, written with the package's wire types
  const values: unknown[] = [];
  let length = HEADER_LENGTH;
  if (status === 0)
    for (const [key, param] of params.list) {
      const given = fields[key];
      const value = given === undefined || given === null ? defaultFor(param.type) : given;
      values.push(value);
      length += sizeOf(param, value, pdu.command, key);
    }
  for (const part of tlvParts) length += part.length;

  const out = Buffer.alloc(length);
  out.writeUInt32BE(length, 0);
  out.writeUInt32BE(def.id >>> 0, 4);
  out.writeUInt32BE(status >>> 0, 8);
  out.writeUInt32BE(sequenceNumber >>> 0, 12);
  let offset = HEADER_LENGTH;
  params.list.forEach(([key, param], i) => {
    if (i >= values.length) return;
    const value = values[i];
    try {
      param.type.write(value, out, offset);
    } catch (e) {
      throw new SmppCodecError(
        "BAD_ARGUMENT",
        `${pdu.command} ${key} cannot take ${show(value)}: ${messageOf(e)}`,
      );
    }
    offset += param.type.size(value);
  });
  for (const part of tlvParts) offset += part.copy(out, offset);
  return out;
}

function sizeOf(param: smpp.SmppParamDef, value: unknown, command: string, key: string): number {
  try {
    return param.type.size(value);
  } catch (e) {
    throw new SmppCodecError("BAD_ARGUMENT", `${command} ${key} cannot take ${show(value)}: ${messageOf(e)}`);
  }
}

function show(value: unknown): string {
  return Buffer.isBuffer(value) ? `<${value.length} octets>` : (JSON.stringify(value) ?? String(value));
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

interface CommandParams {
  list: [string, smpp.SmppParamDef][];
  names: ReadonlySet<string>;
}

const PARAMS = new WeakMap<smpp.SmppCommandDef, CommandParams>();

/** A command's mandatory parameters in wire order, cached per definition. */
function paramsOf(def: smpp.SmppCommandDef): CommandParams {
  let cached = PARAMS.get(def);
  if (!cached) {
    const list = Object.entries(def.params ?? {});
    cached = { list, names: new Set(list.map(([k]) => k)) };
    PARAMS.set(def, cached);
  }
  return cached;
}

/** The command_id of a command name, or undefined. */
export function commandId(command: string): number | undefined {
  return smpp.commands[command]?.id;
}

/** True for the *_resp commands and generic_nack. */
export function isResponseCommand(command: Command): boolean {
  return command === "generic_nack" || command.endsWith("_resp");
}
