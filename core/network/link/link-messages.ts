/**
 * The link contract between handsets and the core, as TypeScript: every message of
 * proto/link.proto as one discriminated union (`type`), wrapped in a `LinkFrame` that names the
 * handset and the correlation id. The in-process link passes these objects as they are; the
 * WebSocket link encodes them with link-codec.ts. Stable: changes are additive only.
 *
 * Correlation (see proto/link.proto): an answer carries the correlation of the request it
 * answers; a procedure keeps the correlation of its first frame:
 *   attach-request(c) → auth-request(c) → auth-response(c) | auth-failure(c)
 *     → attach-accept(c) | attach-reject(c) | auth-request(c) again after a resynchronisation
 *   detach-request(c) → detach-accept(c)
 *   call-setup(c) → call-alerting(c) → call-connected(c) → call-released(c); or call-released(c)
 *   call-incoming(k) (the core's own k) … call-released(k) when the caller gives up
 *   call-answer(c) → call-connected(c) | refused(c) (nothing alerting)
 *   call-hangup(c) → call-released(c) for each call it ends | refused(c) (no call)
 *   Call events name their call with `callId`; a handset tracks calls by it, not by correlation.
 *   sms-submit(c) → sms-submit-result(c)
 *   sms-deliver(k) | sms-status-report(k) → sms-deliver-result(k)
 *   ussd-begin(c) | ussd-reply(c) → ussd(c); network-initiated ussd(0); ussd-release: no answer
 *   ss-request(c) → ss-result(c)
 *   data-start(c) → data-grant(c) | data-ended(c); data-usage(c) → data-grant(c) | data-ended(c);
 *   data-stop(c) → data-ended(c); grants and ends the core decides alone (timers, RAR, ASR): (0)
 *   any request → refused(c) (not registered, not supported) or error(c) (a bad frame)
 */
import type { SsRequest } from "../../../handsets/mmi-types.js";

/** A handset on one connection: a number the farm assigns (uint32), unique on that connection. */
export type HandsetId = number;

export interface LinkFrame {
  readonly handset: HandsetId;
  /** uint32; 0 for unsolicited frames; a handset's 1..HANDSET_CORRELATION_LAST, the core's above. */
  readonly correlation: number;
  readonly message: LinkMessage;
}

/** The last correlation a handset numbers its requests with (proto/link.proto). */
export const HANDSET_CORRELATION_LAST = 0x7fff_ffff;
/** The core numbers the procedures it starts (an incoming SMS or call) from here to 0xFFFFFFFF. */
export const CORE_CORRELATION_FIRST = 0x8000_0000;

/** The core's next correlation after `c`, wrapping within its half. */
export function nextCoreCorrelation(c: number): number {
  return c >= 0xffff_ffff ? CORE_CORRELATION_FIRST : c + 1;
}

/** Why a service was not given; the same words as NetworkFailureCause in handsets/network. */
export type FailureCause =
  "no-service" | "timeout" | "emergency-only" | "not-allowed" | "not-supported" | "call-barred" | "unknown";

// ---------------------------------------------------------------- handset → core

export interface AttachRequest {
  readonly type: "attach-request";
  readonly imsi: string;
  readonly imei: string;
}

/** RES = f2(K, RAND) from the USIM (TS 33.102 §6.3.3). */
export interface AuthResponse {
  readonly type: "auth-response";
  readonly res: Uint8Array;
}

/** TS 24.008 §9.2.3a AUTHENTICATION FAILURE: #20 MAC failure, or #21 synch failure with AUTS. */
export type AuthFailure =
  | { readonly type: "auth-failure"; readonly cause: "mac-failure" }
  | { readonly type: "auth-failure"; readonly cause: "sync-failure"; readonly auts: Uint8Array };

export interface DetachRequest {
  readonly type: "detach-request";
}

export interface CallSetup {
  readonly type: "call-setup";
  readonly called: string;
  /** "invoke" hides the caller's number, "suppress" shows it, "default" follows the subscription. */
  readonly clir: "default" | "invoke" | "suppress";
  readonly emergency: boolean;
}

export interface CallAnswer {
  readonly type: "call-answer";
  readonly callId: number;
}

export interface CallHangup {
  readonly type: "call-hangup";
  /** 0: every call of the handset (and rejects an alerting one). */
  readonly callId: number;
}

export interface SmsSubmit {
  readonly type: "sms-submit";
  /** The SMS-SUBMIT TPDU (TS 23.040 §9.2.2.2); handsets/sms/sms-submit.ts encodes it. */
  readonly tpdu: Uint8Array;
  readonly serviceCentre?: string;
}

/** RP-ACK (ok) or RP-ERROR with an RP-cause (TS 24.011 §8.2.5.4) for an MT message. */
export type SmsDeliverResult =
  | { readonly type: "sms-deliver-result"; readonly ok: true }
  | { readonly type: "sms-deliver-result"; readonly ok: false; readonly cause: number };

export interface UssdBegin {
  readonly type: "ussd-begin";
  readonly text: string;
  /** CBS data coding scheme (TS 23.038 §5), e.g. 15. */
  readonly dcs: number;
}

export interface UssdReply {
  readonly type: "ussd-reply";
  readonly text: string;
  readonly dcs: number;
}

export interface UssdRelease {
  readonly type: "ussd-release";
}

export interface SsRequestMessage {
  readonly type: "ss-request";
  /** The parsed MMI procedure (handsets/mmi-types.ts), as the handset's MMI parser gives it. */
  readonly request: SsRequest;
}

export interface DataStart {
  readonly type: "data-start";
  readonly apn: string;
}

/** Octets used since the last report (both directions). */
export interface DataUsage {
  readonly type: "data-usage";
  readonly sessionId: number;
  readonly octets: number;
}

export interface DataStop {
  readonly type: "data-stop";
  readonly sessionId: number;
  /** Octets used since the last report. */
  readonly octets: number;
}

// ---------------------------------------------------------------- core → handset

export interface AuthRequest {
  readonly type: "auth-request";
  readonly rand: Uint8Array;
  readonly autn: Uint8Array;
}

export type AccessTechnology = "gsm" | "utran" | "e-utran";

export interface AttachAccept {
  readonly type: "attach-accept";
  readonly msisdn: string;
  readonly operator: { readonly longName: string; readonly shortName: string; readonly plmn: string };
  readonly accessTechnology: AccessTechnology;
  readonly areaCode: number;
  readonly cellId: number;
}

/** What a reject means; `cause` carries the TS 24.008 §10.5.3.6 value. */
export type RejectReason =
  | "imsi-unknown" // #2 IMSI unknown in HLR
  | "illegal-ms" // #3
  | "illegal-me" // #6
  | "not-allowed" // #8 services not allowed: a blocked or closed account
  | "authentication-rejected" // AUTHENTICATION REJECT (§4.3.2.5): RES or AUTS did not verify
  | "network-failure" // #17
  | "congestion" // #22
  | "protocol-error"; // #111

export interface AttachReject {
  readonly type: "attach-reject";
  readonly cause: number;
  readonly reason: RejectReason;
}

export interface DetachAccept {
  readonly type: "detach-accept";
}

/** The network ended the registration (account blocked or closed, the core stops). */
export interface NetworkDetach {
  readonly type: "network-detach";
  readonly cause: number;
  readonly reason: RejectReason;
}

/** The call set-up was accepted and the called party is being alerted. */
export interface CallAlerting {
  readonly type: "call-alerting";
  readonly callId: number;
}

export interface CallIncoming {
  readonly type: "call-incoming";
  readonly callId: number;
  /** Absent when the caller withheld the number (CLIR). */
  readonly caller?: string;
  /** Call waiting: the handset is already in a call (+CCWA). */
  readonly waiting: boolean;
}

export interface CallConnected {
  readonly type: "call-connected";
  readonly callId: number;
}

export type CallReleaseReason =
  | "normal"
  | "busy"
  | "no-answer"
  | "not-reachable"
  | "unallocated"
  | "barred"
  | "rejected"
  | "credit-exhausted"
  | "network-failure"
  | "no-service";

export interface CallReleased {
  readonly type: "call-released";
  readonly callId: number;
  readonly reason: CallReleaseReason;
  /** TS 24.008 §10.5.4.11 cause value (Q.850): 16 normal, 17 busy, 19 no answer, … */
  readonly cause: number;
}

/** Same shape as SmsSubmitResult of handsets/network/handset-network.ts. */
export type SmsOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly cause: FailureCause }
  | { readonly ok: false; readonly cause: "rejected"; readonly code: number };

export interface SmsSubmitResultMessage {
  readonly type: "sms-submit-result";
  readonly result: SmsOutcome;
}

export interface SmsDeliverMessage {
  readonly type: "sms-deliver";
  /** The SMS-DELIVER TPDU (TS 23.040 §9.2.2.1). */
  readonly tpdu: Uint8Array;
  readonly serviceCentre?: string;
}

export interface SmsStatusReportMessage {
  readonly type: "sms-status-report";
  /** The SMS-STATUS-REPORT TPDU (TS 23.040 §9.2.2.3). */
  readonly tpdu: Uint8Array;
  readonly serviceCentre?: string;
}

/** <m> of +CUSD (TS 27.007 §7.15) in words; text and dcs with notify and request. */
export type UssdMessageBody =
  | { readonly status: "notify" | "request"; readonly text: string; readonly dcs: number }
  | { readonly status: "terminated" | "other-client" | "not-supported" | "timeout" };

export type UssdNetworkMessage = { readonly type: "ussd" } & UssdMessageBody;

export interface SsStatusEntry {
  readonly active: boolean;
  readonly classes?: number;
  readonly number?: string;
  readonly noReplyTimer?: number;
}

/** Same shape as SsResult of handsets/network/handset-network.ts. */
export type SsOutcome =
  | { readonly ok: true; readonly entries?: readonly SsStatusEntry[] }
  | { readonly ok: false; readonly cause: FailureCause | "wrong-password" };

export interface SsResultMessage {
  readonly type: "ss-result";
  readonly result: SsOutcome;
}

export type FinalUnitActionName = "terminate" | "redirect" | "restrict-access";

/** What the handset may use from now on; replaces the previous grant of the session. */
export interface DataGrant {
  readonly type: "data-grant";
  readonly sessionId: number;
  /** Octets granted, counted from this grant. */
  readonly octets: number;
  /** Seconds; 0: none. */
  readonly validityTime: number;
  /** Report usage when this many octets of the grant are left; 0: none. */
  readonly thresholdOctets: number;
  /** Set when these are the final units (FUI, RFC 4006 §5.6.1). */
  readonly finalUnitAction?: FinalUnitActionName;
  readonly redirectUrl?: string;
  /** REDIRECT / RESTRICT_ACCESS is in force: only the top-up site is reachable. */
  readonly restricted: boolean;
  /** QoS maximum bit rate after the quota (kbit/s); 0: not throttled. */
  readonly throttleKbps: number;
}

export type DataEndReason =
  "normal" | "final-units" | "credit-exhausted" | "refused" | "ocs-failure" | "aborted";

export interface DataEnded {
  readonly type: "data-ended";
  readonly sessionId: number;
  readonly reason: DataEndReason;
  /** The Diameter Result-Code behind it; 0: none. */
  readonly resultCode: number;
}

/** The core cannot serve the request: not registered, not supported, nothing to act on. */
export interface Refused {
  readonly type: "refused";
  readonly cause: FailureCause;
  readonly detail?: string;
}

// ---------------------------------------------------------------- both ways

export type LinkErrorCode =
  | "bad-frame" // not a LinkFrame
  | "no-body" // a frame without a (known) message
  | "bad-field" // a field missing or out of range
  | "wrong-direction" // a message the receiver's side never takes
  | "overload"; // the receiver's buffers are full

export interface LinkErrorMessage {
  readonly type: "error";
  readonly code: LinkErrorCode;
  readonly message: string;
  /** The correlation of the frame at fault (0 when it could not be read). */
  readonly offendingCorrelation: number;
}

export type HandsetToCore =
  | AttachRequest
  | AuthResponse
  | AuthFailure
  | DetachRequest
  | CallSetup
  | CallAnswer
  | CallHangup
  | SmsSubmit
  | SmsDeliverResult
  | UssdBegin
  | UssdReply
  | UssdRelease
  | SsRequestMessage
  | DataStart
  | DataUsage
  | DataStop;

export type CoreToHandset =
  | AuthRequest
  | AttachAccept
  | AttachReject
  | DetachAccept
  | NetworkDetach
  | CallAlerting
  | CallIncoming
  | CallConnected
  | CallReleased
  | SmsSubmitResultMessage
  | SmsDeliverMessage
  | SmsStatusReportMessage
  | UssdNetworkMessage
  | SsResultMessage
  | DataGrant
  | DataEnded
  | Refused;

export type LinkMessage = HandsetToCore | CoreToHandset | LinkErrorMessage;
export type LinkMessageType = LinkMessage["type"];

/** The types each side sends (the other side answers anything else with "wrong-direction"). */
export const HANDSET_TO_CORE_TYPES: ReadonlySet<LinkMessageType> = new Set<HandsetToCore["type"]>([
  "attach-request",
  "auth-response",
  "auth-failure",
  "detach-request",
  "call-setup",
  "call-answer",
  "call-hangup",
  "sms-submit",
  "sms-deliver-result",
  "ussd-begin",
  "ussd-reply",
  "ussd-release",
  "ss-request",
  "data-start",
  "data-usage",
  "data-stop",
]);

export function isHandsetToCore(m: LinkMessage): m is HandsetToCore {
  return HANDSET_TO_CORE_TYPES.has(m.type);
}

export function isCoreToHandset(m: LinkMessage): m is CoreToHandset {
  return m.type !== "error" && !HANDSET_TO_CORE_TYPES.has(m.type);
}

/** TS 24.008 §10.5.3.6 values of the reasons. */
export const REJECT_CAUSE: Readonly<Record<RejectReason, number>> = {
  "imsi-unknown": 2,
  "illegal-ms": 3,
  "illegal-me": 6,
  "not-allowed": 8,
  // TS 24.008 Annex G.1: #3 is the cause for an MS that "does not pass the authentication check";
  // AUTHENTICATION REJECT itself has no cause IE and the MS then acts as for #3 (§4.3.2.5).
  "authentication-rejected": 3,
  "network-failure": 17,
  congestion: 22,
  "protocol-error": 111,
};

/** TS 24.008 §10.5.4.11 (Q.850) cause values of the release reasons. */
export const RELEASE_CAUSE: Readonly<Record<CallReleaseReason, number>> = {
  normal: 16, // normal call clearing
  busy: 17, // user busy
  "no-answer": 19, // user alerting, no answer
  "not-reachable": 20, // subscriber absent
  unallocated: 1, // unassigned number
  barred: 29, // facility rejected (barred by a supplementary service)
  rejected: 21, // call rejected
  "credit-exhausted": 31, // normal, unspecified (the OCS ended the call)
  "network-failure": 38, // network out of order
  "no-service": 63, // service or option not available
};
