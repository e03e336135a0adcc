/**
 * Checks a submitted message (submit_sm, submit_multi, data_sm, or a handset's MO) and turns it
 * into MessageContent plus its schedule and expiry. Pure: the caller gives the time. Every refusal
 * carries the command_status SMPP 3.4 names for it.
 */
import { CommandStatus } from "../smpp/command-status.js";
import { segmentCapacity, splitEncodedMessage, type SegmentAlphabet } from "../smpp/concat.js";
import { interpretDataCoding } from "../smpp/data-coding.js";
import { EsmClass } from "../smpp/pdu-types.js";
import { parseSmppTime } from "../smpp/smpp-time.js";
import { parseUdh } from "../smpp/udh.js";
import type { MessageContent } from "./message-store.js";

/** The message fields of submit_sm that submit_multi and data_sm share (or default). */
export interface MessageFields {
  service_type: string;
  source_addr_ton: number;
  source_addr_npi: number;
  source_addr: string;
  esm_class: number;
  protocol_id: number;
  priority_flag: number;
  schedule_delivery_time: string;
  validity_period: string;
  registered_delivery: number;
  replace_if_present_flag: number;
  data_coding: number;
  sm_default_msg_id: number;
  short_message: Buffer;
  message_payload?: Buffer;
  sar_msg_ref_num?: number;
  sar_total_segments?: number;
  sar_segment_seqnum?: number;
  /** data_sm's validity, in seconds (SMPP 3.4 §5.3.2.25). */
  qos_time_to_live?: number;
}

export interface IntakeTimes {
  now: number;
  defaultValidityMs: number;
  maxValidityMs: number;
}

export type Intake =
  | { ok: true; content: MessageContent; scheduledAt: number; expiresAt: number }
  | { ok: false; status: number; detail: string };

const EMPTY = Buffer.alloc(0);

function refuse(status: number, detail: string): Intake {
  return { ok: false, status, detail };
}

function alphabetOf(dataCoding: number): SegmentAlphabet {
  const a = interpretDataCoding(dataCoding).alphabet;
  return a === "gsm7" ? "gsm7" : a === "ucs2" ? "ucs2" : "binary";
}

/**
 * Air-interface segments of user data without a header: 1 when it fits one message (160 GSM-7
 * septets, 140 octets otherwise), else as many as a split needs (TS 23.040 §9.2.3.24.1). Throws
 * BAD_CONCAT above 255.
 */
export function segmentsOf(userData: Buffer, dataCoding: number): number {
  if (userData.length <= 140) return 1;
  const alphabet = alphabetOf(dataCoding);
  if (userData.length <= segmentCapacity(alphabet).single) return 1;
  return splitEncodedMessage(userData, alphabet).length;
}

/** Validity and schedule (SMPP 3.4 §5.2.15-16, §7.1.1) on the caller's clock. */
function timesOf(
  f: MessageFields,
  t: IntakeTimes,
): { ok: true; scheduledAt: number; expiresAt: number } | { ok: false; status: number; detail: string } {
  let expiresAt = t.now + t.defaultValidityMs;
  if (f.qos_time_to_live !== undefined && f.qos_time_to_live > 0) {
    expiresAt = t.now + f.qos_time_to_live * 1000;
  } else if (f.validity_period !== "") {
    const v = parseSmppTime(f.validity_period, t.now);
    if (v.kind === "invalid") return { ok: false, status: CommandStatus.ESME_RINVEXPIRY, detail: v.reason };
    if (v.kind !== "none") {
      if (v.atMs <= t.now)
        return {
          ok: false,
          status: CommandStatus.ESME_RINVEXPIRY,
          detail: "the validity period has already ended",
        };
      expiresAt = v.atMs;
    }
  }
  // the SMSC's own maximum caps what the ESME asks (SMPP 3.4 §5.2.16)
  expiresAt = Math.min(expiresAt, t.now + t.maxValidityMs);
  let scheduledAt = 0;
  if (f.schedule_delivery_time !== "") {
    const s = parseSmppTime(f.schedule_delivery_time, t.now);
    if (s.kind === "invalid") return { ok: false, status: CommandStatus.ESME_RINVSCHED, detail: s.reason };
    if (s.kind !== "none" && s.atMs > t.now) scheduledAt = s.atMs;
    if (scheduledAt >= expiresAt)
      return {
        ok: false,
        status: CommandStatus.ESME_RINVSCHED,
        detail: "scheduled after the message expires",
      };
  }
  return { ok: true, scheduledAt, expiresAt };
}

/** Checks the fields and builds the content. */
export function readMessage(f: MessageFields, t: IntakeTimes): Intake {
  if (f.priority_flag > 3)
    return refuse(CommandStatus.ESME_RINVPRTFLG, `priority_flag ${f.priority_flag} is not 0-3`);
  if (f.replace_if_present_flag > 1)
    return refuse(
      CommandStatus.ESME_RINVREPFLAG,
      `replace_if_present_flag ${f.replace_if_present_flag} is not 0 or 1`,
    );
  if (f.sm_default_msg_id !== 0)
    return refuse(CommandStatus.ESME_RINVDFTMSGID, "predefined messages (sm_default_msg_id) are not offered");
  const payload = f.message_payload;
  const viaPayload = payload !== undefined && payload.length > 0;
  // SMPP 3.4 §5.3.2.32: with message_payload, sm_length must be 0
  if (viaPayload && f.short_message.length > 0)
    return refuse(CommandStatus.ESME_RINVMSGLEN, "short_message and message_payload are both present");
  const userData = viaPayload ? payload : (f.short_message ?? EMPTY);
  const udhi = (f.esm_class & EsmClass.UDHI) !== 0;
  if (udhi) {
    try {
      parseUdh(userData);
    } catch (e) {
      return refuse(
        CommandStatus.ESME_RINVESMCLASS,
        `UDHI is set but ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }
  const ref = f.sar_msg_ref_num;
  const total = f.sar_total_segments;
  const seq = f.sar_segment_seqnum;
  let sar: MessageContent["sar"];
  if (ref !== undefined || total !== undefined || seq !== undefined) {
    if (ref === undefined || total === undefined || seq === undefined || total < 1 || seq < 1 || seq > total)
      return refuse(
        CommandStatus.ESME_RINVOPTPARAMVAL,
        "sar_msg_ref_num, sar_total_segments and sar_segment_seqnum must come together, 1 <= seqnum <= total",
      );
    sar = { reference: ref, total, sequence: seq };
  }
  let segments = 1;
  if (!udhi && sar === undefined) {
    try {
      segments = segmentsOf(userData, f.data_coding);
    } catch (e) {
      return refuse(CommandStatus.ESME_RINVMSGLEN, e instanceof Error ? e.message : String(e));
    }
  }
  const times = timesOf(f, t);
  if (!times.ok) return times;
  return {
    ok: true,
    scheduledAt: times.scheduledAt,
    expiresAt: times.expiresAt,
    content: {
      serviceType: f.service_type,
      source: { ton: f.source_addr_ton, npi: f.source_addr_npi, addr: f.source_addr },
      esmClass: f.esm_class,
      protocolId: f.protocol_id,
      priority: f.priority_flag,
      dataCoding: f.data_coding,
      registeredDelivery: f.registered_delivery,
      userData,
      udhi,
      segments,
      sar,
    },
  };
}
