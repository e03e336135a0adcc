/**
 * Field by field conversion between the messages of link-messages.ts and the plain objects
 * protobufjs encodes and decodes (snake_case field names, enums as numbers, uint64 as Long).
 * Decoding checks what the receiver relies on (lengths of RAND/AUTN/AUTS, IMSI digits, enum
 * values) and throws `BadField`, which the codec turns into a "bad-field" error frame.
 */
import type {
  BasicServiceGroup,
  BarringProgram,
  ForwardingCondition,
  SsRequest,
} from "../../../handsets/mmi-types.js";
import { LinkError } from "./link-errors.js";
import type {
  FailureCause,
  LinkMessage,
  SsOutcome,
  SsStatusEntry,
  SmsOutcome,
  UssdMessageBody,
} from "./link-messages.js";
import type { EnumMap, LinkSchema } from "./link-schema.js";

/** A field the receiver cannot take. */
export class BadField extends Error {
  override readonly name = "BadField";
}

type ProtoObject = Record<string, unknown>;

const FORWARDING: Record<ForwardingCondition, true> = {
  unconditional: true,
  busy: true,
  "no-reply": true,
  "not-reachable": true,
  all: true,
  "all-conditional": true,
};
const BARRING: Record<BarringProgram, true> = {
  "all-outgoing": true,
  "outgoing-international": true,
  "outgoing-international-except-home": true,
  "all-incoming": true,
  "incoming-when-roaming": true,
  "all-barring-services": true,
  "all-outgoing-services": true,
  "all-incoming-services": true,
};
const GROUPS: Record<BasicServiceGroup, true> = {
  "all-teleservices": true,
  telephony: true,
  "all-data-teleservices": true,
  facsimile: true,
  "short-message-services": true,
  "voice-group-call": true,
  "voice-broadcast": true,
  "all-teleservices-except-sms": true,
  "all-bearer-services": true,
  "all-async-services": true,
  "all-sync-services": true,
  "all-data-circuit-sync": true,
  "all-data-circuit-async": true,
  "telephony-and-all-sync": true,
  "all-gprs-bearer-services": true,
  "plmn-specific-teleservice": true,
};

// ------------------------------------------------------------------------------------ encode

function num<N extends string>(map: EnumMap<N>, word: N): number {
  const n = map.toNumber.get(word);
  if (n === undefined) throw new LinkError("LINK_ENCODE", `no enum value for "${word}"`);
  return n;
}

function optional(value: string | undefined): string {
  return value ?? "";
}

export function bodyToProto(schema: LinkSchema, m: LinkMessage): ProtoObject {
  const e = schema.enums;
  switch (m.type) {
    case "attach-request":
      return { imsi: m.imsi, imei: m.imei };
    case "auth-response":
      return { res: m.res };
    case "auth-failure":
      return { cause: num(e.authFailure, m.cause), ...(m.cause === "sync-failure" ? { auts: m.auts } : {}) };
    case "detach-request":
    case "detach-accept":
    case "ussd-release":
      return {};
    case "call-setup":
      return {
        called: m.called,
        clir: m.clir === "default" ? 0 : num(e.clir, m.clir),
        emergency: m.emergency,
      };
    case "call-answer":
    case "call-hangup":
    case "call-alerting":
    case "call-connected":
      return { call_id: m.callId };
    case "sms-submit":
    case "sms-deliver":
    case "sms-status-report":
      return { tpdu: m.tpdu, service_centre: optional(m.serviceCentre) };
    case "sms-deliver-result":
      return m.ok ? { ok: true } : { ok: false, cause: m.cause };
    case "ussd-begin":
    case "ussd-reply":
      return { text: m.text, dcs: m.dcs };
    case "ss-request":
      return ssRequestToProto(schema, m.request);
    case "data-start":
      return { apn: m.apn };
    case "data-usage":
    case "data-stop":
      return { session_id: m.sessionId, octets: m.octets };
    case "auth-request":
      return { rand: m.rand, autn: m.autn };
    case "attach-accept":
      return {
        msisdn: m.msisdn,
        operator_long_name: m.operator.longName,
        operator_short_name: m.operator.shortName,
        plmn: m.operator.plmn,
        access_technology: num(e.accessTechnology, m.accessTechnology),
        area_code: m.areaCode,
        cell_id: m.cellId,
      };
    case "attach-reject":
    case "network-detach":
      return { cause: m.cause, reason: num(e.rejectReason, m.reason) };
    case "call-incoming":
      return { call_id: m.callId, caller: optional(m.caller), waiting: m.waiting };
    case "call-released":
      return { call_id: m.callId, reason: num(e.releaseReason, m.reason), cause: m.cause };
    case "sms-submit-result":
      return smsOutcomeToProto(schema, m.result);
    case "ussd":
      return m.status === "notify" || m.status === "request"
        ? { status: num(e.ussdStatus, m.status), text: m.text, dcs: m.dcs }
        : { status: num(e.ussdStatus, m.status) };
    case "ss-result":
      return ssOutcomeToProto(schema, m.result);
    case "data-grant":
      return {
        session_id: m.sessionId,
        octets: m.octets,
        validity_time: m.validityTime,
        threshold_octets: m.thresholdOctets,
        final_unit_action: m.finalUnitAction === undefined ? 0 : num(e.finalUnitAction, m.finalUnitAction),
        redirect_url: optional(m.redirectUrl),
        restricted: m.restricted,
        throttle_kbps: m.throttleKbps,
      };
    case "data-ended":
      return { session_id: m.sessionId, reason: num(e.dataEnd, m.reason), result_code: m.resultCode };
    case "refused":
      return { cause: num(e.failure, m.cause), detail: optional(m.detail) };
    case "error":
      return {
        code: num(e.errorCode, m.code),
        message: m.message,
        offending_correlation: m.offendingCorrelation,
      };
  }
}

function ssRequestToProto(schema: LinkSchema, r: SsRequest): ProtoObject {
  const e = schema.enums;
  const o: ProtoObject = {
    service: num(e.ssService, r.service),
    procedure: num(e.ssProcedure, r.procedure),
    service_code: r.serviceCode,
  };
  switch (r.service) {
    case "call-forwarding":
      o["condition"] = r.condition;
      o["forwarded_to"] = optional(r.forwardedTo);
      o["no_reply_timer"] = r.noReplyTimer ?? 0;
      break;
    case "call-barring":
      o["program"] = r.program;
      o["password"] = optional(r.password);
      break;
    case "barring-password":
      o["barring_code"] = optional(r.barringCode);
      o["old_password"] = r.oldPassword;
      o["new_password"] = r.newPassword;
      break;
    case "call-waiting":
    case "clip":
    case "clir":
      break;
  }
  if ("basicService" in r && r.basicService !== undefined) {
    o["basic_service_code"] = r.basicService.code;
    o["basic_service_group"] = r.basicService.group;
  }
  return o;
}

function smsOutcomeToProto(schema: LinkSchema, r: SmsOutcome): ProtoObject {
  if (r.ok) return { ok: true };
  if (r.cause === "rejected")
    return { ok: false, cause: num(schema.enums.failure, "rejected"), code: r.code };
  return { ok: false, cause: num(schema.enums.failure, r.cause) };
}

function ssOutcomeToProto(schema: LinkSchema, r: SsOutcome): ProtoObject {
  if (!r.ok) return { ok: false, cause: num(schema.enums.failure, r.cause) };
  if (r.entries === undefined) return { ok: true };
  return {
    ok: true,
    has_entries: true,
    entries: r.entries.map((x) => ({
      active: x.active,
      classes: x.classes ?? 0,
      number: optional(x.number),
      no_reply_timer: x.noReplyTimer ?? 0,
    })),
  };
}

// ------------------------------------------------------------------------------------ decode

function str(o: ProtoObject, field: string): string {
  const v = o[field];
  if (v === undefined || v === null) return "";
  if (typeof v !== "string") throw new BadField(`${field} is not a string`);
  return v;
}

function uint(o: ProtoObject, field: string): number {
  const v = o[field];
  if (v === undefined || v === null) return 0;
  if (typeof v === "number") return v;
  // uint64 fields decode as Long: { low, high, unsigned }.
  if (typeof v === "object" && "low" in v && "high" in v) {
    const low = (v as { low: number }).low >>> 0;
    const high = (v as { high: number }).high >>> 0;
    const value = high * 0x1_0000_0000 + low;
    if (!Number.isSafeInteger(value)) throw new BadField(`${field} is beyond 2^53`);
    return value;
  }
  throw new BadField(`${field} is not a number`);
}

function bool(o: ProtoObject, field: string): boolean {
  return o[field] === true;
}

function bytes(o: ProtoObject, field: string, lengths?: readonly number[]): Uint8Array {
  const v = o[field];
  let out: Uint8Array;
  if (v === undefined || v === null) out = new Uint8Array(0);
  else if (v instanceof Uint8Array) out = new Uint8Array(v.buffer, v.byteOffset, v.length);
  else if (Array.isArray(v) && v.length === 0) out = new Uint8Array(0);
  else throw new BadField(`${field} is not bytes`);
  if (lengths !== undefined && !lengths.includes(out.length)) {
    throw new BadField(`${field} must be ${lengths.join(" or ")} bytes, not ${out.length}`);
  }
  return out;
}

function word<N extends string>(map: EnumMap<N>, o: ProtoObject, field: string): N {
  const n = uint(o, field);
  const w = map.toName.get(n);
  if (w === undefined) throw new BadField(`${field} ${n} is not a known value`);
  return w;
}

function present(value: string): string | undefined {
  return value === "" ? undefined : value;
}

const IMSI = /^\d{6,15}$/;

export function bodyFromProto(schema: LinkSchema, type: string, o: ProtoObject): LinkMessage {
  const e = schema.enums;
  switch (type) {
    case "attach-request": {
      const imsi = str(o, "imsi");
      if (!IMSI.test(imsi)) throw new BadField(`imsi "${imsi}" is not 6-15 digits`);
      return { type, imsi, imei: str(o, "imei") };
    }
    case "auth-response":
      return { type, res: bytes(o, "res", [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]) };
    case "auth-failure": {
      const cause = word(e.authFailure, o, "cause");
      return cause === "sync-failure" ? { type, cause, auts: bytes(o, "auts", [14]) } : { type, cause };
    }
    case "detach-request":
    case "detach-accept":
    case "ussd-release":
      return { type };
    case "call-setup": {
      const called = str(o, "called");
      if (called === "") throw new BadField("called is empty");
      const clir = uint(o, "clir") === 0 ? "default" : word(e.clir, o, "clir");
      return { type, called, clir, emergency: bool(o, "emergency") };
    }
    case "call-answer":
    case "call-hangup":
    case "call-alerting":
    case "call-connected":
      return { type, callId: uint(o, "call_id") };
    case "sms-submit":
    case "sms-deliver":
    case "sms-status-report": {
      const tpdu = bytes(o, "tpdu");
      if (tpdu.length === 0) throw new BadField("tpdu is empty");
      const sc = present(str(o, "service_centre"));
      return sc === undefined ? { type, tpdu } : { type, tpdu, serviceCentre: sc };
    }
    case "sms-deliver-result":
      return bool(o, "ok") ? { type, ok: true } : { type, ok: false, cause: uint(o, "cause") };
    case "ussd-begin":
    case "ussd-reply":
      return { type, text: str(o, "text"), dcs: uint(o, "dcs") };
    case "ss-request":
      return { type, request: ssRequestFromProto(schema, o) };
    case "data-start":
      return { type, apn: str(o, "apn") };
    case "data-usage":
    case "data-stop":
      return { type, sessionId: uint(o, "session_id"), octets: uint(o, "octets") };
    case "auth-request":
      return { type, rand: bytes(o, "rand", [16]), autn: bytes(o, "autn", [16]) };
    case "attach-accept":
      return {
        type,
        msisdn: str(o, "msisdn"),
        operator: {
          longName: str(o, "operator_long_name"),
          shortName: str(o, "operator_short_name"),
          plmn: str(o, "plmn"),
        },
        accessTechnology: word(e.accessTechnology, o, "access_technology"),
        areaCode: uint(o, "area_code"),
        cellId: uint(o, "cell_id"),
      };
    case "attach-reject":
    case "network-detach":
      return { type, cause: uint(o, "cause"), reason: word(e.rejectReason, o, "reason") };
    case "call-incoming": {
      const caller = present(str(o, "caller"));
      const callId = uint(o, "call_id");
      const waiting = bool(o, "waiting");
      return caller === undefined ? { type, callId, waiting } : { type, callId, caller, waiting };
    }
    case "call-released":
      return {
        type,
        callId: uint(o, "call_id"),
        reason: word(e.releaseReason, o, "reason"),
        cause: uint(o, "cause"),
      };
    case "sms-submit-result":
      return { type, result: smsOutcomeFromProto(schema, o) };
    case "ussd":
      return { type, ...ussdFromProto(schema, o) };
    case "ss-result":
      return { type, result: ssOutcomeFromProto(schema, o) };
    case "data-grant": {
      const fua = uint(o, "final_unit_action");
      const redirectUrl = present(str(o, "redirect_url"));
      return {
        type,
        sessionId: uint(o, "session_id"),
        octets: uint(o, "octets"),
        validityTime: uint(o, "validity_time"),
        thresholdOctets: uint(o, "threshold_octets"),
        ...(fua !== 0 ? { finalUnitAction: word(e.finalUnitAction, o, "final_unit_action") } : {}),
        ...(redirectUrl !== undefined ? { redirectUrl } : {}),
        restricted: bool(o, "restricted"),
        throttleKbps: uint(o, "throttle_kbps"),
      };
    }
    case "data-ended":
      return {
        type,
        sessionId: uint(o, "session_id"),
        reason: word(e.dataEnd, o, "reason"),
        resultCode: uint(o, "result_code"),
      };
    case "refused": {
      const cause = word(e.failure, o, "cause");
      if (cause === "rejected" || cause === "wrong-password")
        throw new BadField(`refused with cause ${cause}`);
      const detail = present(str(o, "detail"));
      return detail === undefined ? { type, cause } : { type, cause, detail };
    }
    case "error":
      return {
        type,
        code: word(e.errorCode, o, "code"),
        message: str(o, "message"),
        offendingCorrelation: uint(o, "offending_correlation"),
      };
    default:
      throw new BadField(`unknown message ${type}`);
  }
}

function ussdFromProto(schema: LinkSchema, o: ProtoObject): UssdMessageBody {
  const status = word(schema.enums.ussdStatus, o, "status");
  if (status === "notify" || status === "request")
    return { status, text: str(o, "text"), dcs: uint(o, "dcs") };
  return { status };
}

function failureOf(schema: LinkSchema, o: ProtoObject): FailureCause | "rejected" | "wrong-password" {
  return word(schema.enums.failure, o, "cause");
}

function smsOutcomeFromProto(schema: LinkSchema, o: ProtoObject): SmsOutcome {
  if (bool(o, "ok")) return { ok: true };
  const cause = failureOf(schema, o);
  if (cause === "rejected") return { ok: false, cause, code: uint(o, "code") };
  if (cause === "wrong-password") throw new BadField("an SMS cannot fail with wrong-password");
  return { ok: false, cause };
}

function ssOutcomeFromProto(schema: LinkSchema, o: ProtoObject): SsOutcome {
  if (!bool(o, "ok")) {
    const cause = failureOf(schema, o);
    if (cause === "rejected") throw new BadField("a supplementary service cannot fail with rejected");
    return { ok: false, cause };
  }
  if (!bool(o, "has_entries")) return { ok: true };
  const list = o["entries"];
  const entries: SsStatusEntry[] = [];
  if (Array.isArray(list)) {
    for (const item of list as ProtoObject[]) {
      const number = present(str(item, "number"));
      const classes = uint(item, "classes");
      const timer = uint(item, "no_reply_timer");
      entries.push({
        active: bool(item, "active"),
        ...(classes !== 0 ? { classes } : {}),
        ...(number !== undefined ? { number } : {}),
        ...(timer !== 0 ? { noReplyTimer: timer } : {}),
      });
    }
  }
  return { ok: true, entries };
}

function member<T extends string>(set: Record<T, true>, value: string, field: string): T {
  if (!Object.hasOwn(set, value)) throw new BadField(`${field} "${value}" is not a known value`);
  return value as T;
}

function ssRequestFromProto(schema: LinkSchema, o: ProtoObject): SsRequest {
  const e = schema.enums;
  const service = word(e.ssService, o, "service");
  const procedure = word(e.ssProcedure, o, "procedure");
  const serviceCode = str(o, "service_code");
  const code = present(str(o, "basic_service_code"));
  const basicService =
    code === undefined
      ? {}
      : {
          basicService: { code, group: member(GROUPS, str(o, "basic_service_group"), "basic_service_group") },
        };
  switch (service) {
    case "call-forwarding": {
      const forwardedTo = present(str(o, "forwarded_to"));
      const timer = uint(o, "no_reply_timer");
      return {
        service,
        procedure,
        serviceCode,
        condition: member(FORWARDING, str(o, "condition"), "condition"),
        ...(forwardedTo !== undefined ? { forwardedTo } : {}),
        ...basicService,
        ...(timer !== 0 ? { noReplyTimer: timer } : {}),
      };
    }
    case "call-waiting":
      return { service, procedure, serviceCode, ...basicService };
    case "call-barring": {
      const password = present(str(o, "password"));
      return {
        service,
        procedure,
        serviceCode,
        program: member(BARRING, str(o, "program"), "program"),
        ...(password !== undefined ? { password } : {}),
        ...basicService,
      };
    }
    case "clip":
    case "clir":
      return { service, procedure, serviceCode };
    case "barring-password": {
      const barringCode = present(str(o, "barring_code"));
      return {
        service,
        procedure,
        serviceCode,
        ...(barringCode !== undefined ? { barringCode } : {}),
        oldPassword: str(o, "old_password"),
        newPassword: str(o, "new_password"),
      };
    }
  }
}
