/**
 * What the handset front end (the AT interpreter, the MMI procedures) needs from the network:
 * registration, calls, USSD, SMS and supplementary services, and the events the network pushes
 * (incoming SMS and status reports, USSD from the network, ringing, call progress).
 *
 * The contract is deliberately small and typed; the network edge (core/network), the in-process
 * link and the WebSocket link implement it later. `OfflineNetwork` is the implementation for a
 * handset with no core: never registered, every service "no network service".
 *
 * Failures are values (`{ ok: false, … }`), never rejected promises: a rejection is a bug in the
 * implementation, and the AT layer answers it like a network failure of cause "unknown".
 */
import type { SsRequest } from "../mmi-types.js";
import type { SmsDeliver, SmsStatusReport, SmsSubmit } from "../sms/sms-types.js";

/** The <stat> of +CREG (TS 27.007 §7.2), in words. */
export type RegistrationStatus =
  | "not-registered" // 0: not registered, not searching
  | "registered-home" // 1
  | "searching" // 2
  | "denied" // 3
  | "unknown" // 4
  | "registered-roaming"; // 5

/** <AcT> of +CREG / +COPS: 0 GSM, 2 UTRAN, 7 E-UTRAN. */
export type AccessTechnology = "gsm" | "utran" | "e-utran";

export interface NetworkOperator {
  /** Long alphanumeric name, e.g. "A1". */
  readonly longName: string;
  readonly shortName: string;
  /** MCC + MNC, e.g. "25701". */
  readonly plmn: string;
}

export interface Registration {
  readonly status: RegistrationStatus;
  readonly operator?: NetworkOperator;
  readonly accessTechnology?: AccessTechnology;
  /** Location / tracking area code, 16 bits. */
  readonly areaCode?: number;
  readonly cellId?: number;
}

/** +CSQ (TS 27.007 §8.5): <rssi> 0-31 or 99 (unknown), <ber> 0-7 or 99. */
export interface SignalQuality {
  readonly rssi: number;
  readonly ber: number;
}

/** Who the handset is, for attach. */
export interface SubscriberIdentity {
  readonly imsi: string;
  readonly msisdn: string;
  readonly iccid: string;
  readonly imei: string;
}

/** Why the network did not do what was asked; the AT layer maps these to +CME ERROR codes. */
export type NetworkFailureCause =
  | "no-service" // not registered: CME 30
  | "timeout" // CME 31
  | "emergency-only" // CME 32
  | "not-allowed" // CME 3
  | "not-supported" // CME 4
  | "call-barred" // the call or service is barred by the network
  | "unknown"; // CME 100

export interface NetworkFailure {
  readonly ok: false;
  readonly cause: NetworkFailureCause;
}

export type NetworkOutcome = { readonly ok: true } | NetworkFailure;

export interface OutgoingCall {
  readonly number: string;
  readonly emergency: boolean;
  /** CLIR for this call: "invoke" hides the caller's number, "suppress" shows it. */
  readonly clir?: "invoke" | "suppress";
}

/** Why a call attempt ended before it was connected (V.250 / TS 27.007 result codes). */
export type CallSetupFailure =
  NetworkFailure | { readonly ok: false; readonly cause: "busy" | "no-answer" | "no-carrier" };

export type DialOutcome = { readonly ok: true } | CallSetupFailure;

/** A USSD string (TS 22.090) with its CBS data coding scheme (TS 23.038 §5), e.g. 15 for GSM 7-bit. */
export interface UssdMessage {
  readonly text: string;
  readonly dcs: number;
}

/**
 * The network's answer to a mobile-initiated USSD request, as <m> of +CUSD (TS 27.007 §7.15):
 * "notify" 0 (no further action), "request" 1 (the network asks for a reply; the dialogue stays
 * open), "terminated" 2, "other-client" 3, "not-supported" 4, "timeout" 5.
 */
export type UssdResult =
  | { readonly ok: true; readonly status: "notify" | "request"; readonly message: UssdMessage }
  | { readonly ok: true; readonly status: "terminated" | "other-client" | "not-supported" | "timeout" }
  | NetworkFailure;

/** Why the network refused a short message (TS 27.005 §3.2.5 <err>). */
export type SmsFailure =
  | NetworkFailure
  /** An RP-cause (TS 24.011 §8.2.5.4) or TP-FCS (TS 23.040 §9.2.3.22) value, 1-255. */
  | { readonly ok: false; readonly cause: "rejected"; readonly code: number };

export type SmsSubmitResult = { readonly ok: true } | SmsFailure;

export interface OutgoingSms {
  readonly submit: SmsSubmit;
  /** Service centre given by the terminal (PDU prefix or AT+CSCA); undefined: the network's default. */
  readonly serviceCentre: string | undefined;
}

export interface IncomingSms {
  readonly deliver: SmsDeliver;
  readonly serviceCentre?: string;
}

export interface IncomingStatusReport {
  readonly report: SmsStatusReport;
  readonly serviceCentre?: string;
}

/** One entry of an interrogation answer (rendered as +CCFC / +CCWA / +CLCK lines). */
export interface SsStatusEntry {
  readonly active: boolean;
  /** TS 27.007 <class> bit map (1 voice, 2 data, 4 fax, 8 SMS, …); 7 when the network gives none. */
  readonly classes?: number;
  /** Call forwarding: the forwarded-to number. */
  readonly number?: string;
  /** Call forwarding on no reply: the timer in seconds. */
  readonly noReplyTimer?: number;
}

export type SsResult =
  /** Done; `entries` answer an interrogation (an empty list: the service is not active). */
  | { readonly ok: true; readonly entries?: readonly SsStatusEntry[] }
  | NetworkFailure
  /** The password given for barring (or its registration) is wrong: CME 16. */
  | { readonly ok: false; readonly cause: "wrong-password" };

export type NetworkEvent =
  | { readonly kind: "registration"; readonly registration: Registration }
  /** An incoming call is alerting (repeat the event for each RING). */
  | { readonly kind: "ring"; readonly caller?: string }
  | { readonly kind: "call-connected" }
  | { readonly kind: "call-ended"; readonly reason: "normal" | "busy" | "no-answer" | "no-carrier" }
  | { readonly kind: "sms"; readonly sms: IncomingSms }
  | { readonly kind: "status-report"; readonly report: IncomingStatusReport }
  /** Network-initiated USSD, or a later answer in an open dialogue. */
  | { readonly kind: "ussd"; readonly result: Extract<UssdResult, { ok: true }> };

export type NetworkListener = (event: NetworkEvent) => void;

export interface HandsetNetwork {
  /** The registration as it stands (for AT+CREG?, AT+COPS?). */
  registration(): Registration;
  signalQuality(): SignalQuality;
  /** Attach and register; resolves with the new registration (also pushed as an event). */
  register(subscriber: SubscriberIdentity): Promise<Registration>;
  deregister(): Promise<Registration>;
  /** Starts a call; resolves when the network has accepted the set-up (alerting) or refused it. */
  dial(call: OutgoingCall): Promise<DialOutcome>;
  /** Answers the alerting incoming call. */
  answer(): Promise<NetworkOutcome>;
  /** Releases the calls in progress (and rejects an alerting one). */
  hangUp(): Promise<void>;
  /** Sends a USSD string: a new dialogue, or the reply in the open one. */
  ussd(message: UssdMessage): Promise<UssdResult>;
  /** Ends the open USSD dialogue, if any. */
  cancelUssd(): Promise<void>;
  sendSms(sms: OutgoingSms): Promise<SmsSubmitResult>;
  supplementaryService(request: SsRequest): Promise<SsResult>;
  /** Registers the one listener for network events; returns the function that removes it. */
  listen(listener: NetworkListener): () => void;
}
