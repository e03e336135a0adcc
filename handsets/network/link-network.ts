/**
 * `HandsetNetwork` (the AT layer's view of the network) over the link to a core: one handset on
 * its own link connection. Registration is the handset's attach with AKA (handsets/device); calls,
 * USSD, SMS and supplementary services are link procedures whose answers come back on the
 * procedure's correlation; the core's own frames (incoming calls, MT SMS, network USSD) become
 * `NetworkEvent`s.
 *
 *   const network = await connectHandsetNetwork("ws://127.0.0.1:8080/ws", { imei }, session);
 *   new AtInterpreter({ sim: new SimAccess(session), network, … });
 */
import { type Clock, realClock, type TimerHandle } from "../../core/clock/clock.js";
import type { LinkConnection } from "../../core/network/link/link-connection.js";
import type {
  CallReleaseReason,
  HandsetToCore,
  RejectReason,
} from "../../core/network/link/link-messages.js";
import { connectLink } from "../../core/network/link/ws-link-client.js";
import type { CardSession } from "../../sim/apdu.js";
import type { SsRequest } from "../mmi-types.js";
import { decodeSmsDeliver } from "../sms/sms-deliver.js";
import { decodeSmsStatusReport } from "../sms/sms-status-report.js";
import { encodeSmsSubmit } from "../sms/sms-submit.js";
import { isInService } from "../device/device-state.js";
import { Handset } from "../device/handset.js";
import { type IncomingMessage, SingleHandsetLink } from "../device/handset-port.js";
import type {
  DialOutcome,
  HandsetNetwork,
  NetworkEvent,
  NetworkFailure,
  NetworkListener,
  NetworkOutcome,
  OutgoingCall,
  OutgoingSms,
  Registration,
  SignalQuality,
  SmsSubmitResult,
  SsResult,
  SubscriberIdentity,
  UssdMessage,
  UssdResult,
} from "./handset-network.js";

export interface LinkNetworkOptions {
  readonly imei: string;
  /** The handset's number on the connection (default 1). */
  readonly handsetId?: number;
  readonly clock?: Clock;
  /** How long a request waits for the core's answer (default 30 s). */
  readonly requestTimeoutMs?: number;
}

const NO_SERVICE: NetworkFailure = { ok: false, cause: "no-service" };
const TIMEOUT: NetworkFailure = { ok: false, cause: "timeout" };
/** TS 24.008 Annex G texts of the reject causes, for +CEER. */
const REJECT_TEXT: Readonly<Record<RejectReason, string>> = {
  "imsi-unknown": "IMSI unknown in HLR",
  "illegal-ms": "illegal MS",
  "illegal-me": "illegal ME",
  "not-allowed": "services not allowed",
  "authentication-rejected": "authentication rejected",
  "network-failure": "network failure",
  congestion: "congestion",
  "protocol-error": "protocol error, unspecified",
};
const IN_SERVICE_SIGNAL: SignalQuality = { rssi: 24, ber: 0 };
const NO_SIGNAL: SignalQuality = { rssi: 99, ber: 99 };

export class LinkNetwork implements HandsetNetwork {
  readonly handset: Handset;
  readonly #port: SingleHandsetLink;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  #listener: NetworkListener | undefined;
  /** The call in progress or alerting (the core's call id). */
  #callId = 0;
  #incomingCallId = 0;
  /** The correlation of the open USSD dialogue (0: none). */
  #ussdCorrelation = 0;
  #ussdWaiting: ((result: UssdResult) => void) | undefined;
  #failure: string | undefined;
  #failureListener: ((report: string) => void) | undefined;

  constructor(connection: LinkConnection, card: CardSession, options: LinkNetworkOptions) {
    this.#clock = options.clock ?? realClock;
    this.#timeoutMs = options.requestTimeoutMs ?? 30_000;
    this.#port = new SingleHandsetLink(connection, options.handsetId ?? 1);
    this.handset = new Handset({ imei: options.imei, clock: this.#clock, card, port: this.#port });
    this.handset.onUnsolicited((message, correlation) => this.#unsolicited(message, correlation));
    this.handset.onStateChange((state, previous) => {
      const reject = this.handset.rejection;
      if (reject !== undefined && (state === "denied" || (state === "searching" && previous !== "denied"))) {
        const what = state === "denied" ? "attach reject" : "network detach";
        this.#failed(`${what}: #${reject.cause} ${REJECT_TEXT[reject.reason]}`);
      }
      this.#emit({ kind: "registration", registration: this.registration() });
    });
    this.#port.onDown((reason) => this.#linkLost(reason));
  }

  /**
   * The last failure the network reported (an attach reject, a network detach, a call released
   * abnormally, the link lost), as text for +CEER (TS 27.007 §6.10); undefined when none.
   */
  failureReport(): string | undefined {
    return this.#failure;
  }

  /** The one listener told each failure report as it happens (the console prints it on stderr). */
  onFailure(listener: (report: string) => void): void {
    this.#failureListener = listener;
  }

  registration(): Registration {
    return this.handset.registration();
  }

  signalQuality(): SignalQuality {
    return this.#port.down ? NO_SIGNAL : IN_SERVICE_SIGNAL;
  }

  async register(_subscriber: SubscriberIdentity): Promise<Registration> {
    const handset = this.handset;
    if (handset.state === "off") await handset.powerOn();
    else if (handset.state === "sim-locked" || handset.state === "sim-check") await handset.simChanged();
    else if (!isInService(handset.state)) await handset.attach();
    return this.registration();
  }

  deregister(): Promise<Registration> {
    this.handset.detach();
    return Promise.resolve(this.registration());
  }

  async dial(call: OutgoingCall): Promise<DialOutcome> {
    if (!isInService(this.handset.state)) return NO_SERVICE;
    const clir = call.clir ?? "default";
    return this.#request<DialOutcome>(
      { type: "call-setup", called: call.number, clir, emergency: call.emergency },
      (message, settle) => {
        switch (message.type) {
          case "call-alerting":
            this.#callId = message.callId;
            this.handset.apply("call-started");
            settle({ ok: true });
            return false;
          case "call-connected":
            this.#emit({ kind: "call-connected" });
            return false;
          case "call-released":
            // Released before it was connected: the set-up failed (a normal release reads NO CARRIER).
            settle({ ok: false, cause: setupFailure(message.reason) });
            this.#noteRelease(message.reason, message.cause);
            this.#callEnded(message.reason);
            return true;
          case "refused":
            settle({ ok: false, cause: message.cause });
            return true;
          default:
            return false;
        }
      },
    );
  }

  answer(): Promise<NetworkOutcome> {
    if (this.#incomingCallId === 0) return Promise.resolve({ ok: false, cause: "not-allowed" });
    const callId = this.#incomingCallId;
    return this.#request<NetworkOutcome>({ type: "call-answer", callId }, (message, settle) => {
      if (message.type === "call-connected") {
        this.#callId = callId;
        this.#incomingCallId = 0;
        this.handset.apply("call-started");
        settle({ ok: true });
        return true;
      }
      if (message.type === "refused") {
        settle({ ok: false, cause: message.cause });
        return true;
      }
      return false;
    });
  }

  async hangUp(): Promise<void> {
    if (this.#callId === 0 && this.#incomingCallId === 0) return;
    await this.#request<undefined>({ type: "call-hangup", callId: 0 }, (message, settle) => {
      if (message.type === "call-released") this.#callEnded("normal", false);
      settle(undefined);
      return message.type === "call-released" || message.type === "refused";
    });
    this.#callEnded("normal", false);
  }

  ussd(message: UssdMessage): Promise<UssdResult> {
    if (!isInService(this.handset.state)) return Promise.resolve(NO_SERVICE);
    if (this.#ussdCorrelation !== 0) {
      return new Promise<UssdResult>((resolve) => {
        const timer = this.#clock.setTimer(this.#timeoutMs, () => this.#settleUssd(TIMEOUT));
        this.#ussdWaiting = (result) => {
          timer.cancel();
          resolve(result);
        };
        this.#port.send(this.#ussdCorrelation, { type: "ussd-reply", text: message.text, dcs: message.dcs });
      });
    }
    const correlation = this.#port.nextCorrelation();
    this.#ussdCorrelation = correlation;
    this.handset.apply("ussd-started");
    return new Promise<UssdResult>((resolve) => {
      const timer = this.#clock.setTimer(this.#timeoutMs, () => this.#settleUssd(TIMEOUT));
      this.#ussdWaiting = (result) => {
        timer.cancel();
        resolve(result);
      };
      this.#port.expect(correlation, (m) => this.#ussdFrame(m));
      this.#port.send(correlation, { type: "ussd-begin", text: message.text, dcs: message.dcs });
    });
  }

  cancelUssd(): Promise<void> {
    if (this.#ussdCorrelation !== 0) {
      this.#port.send(this.#ussdCorrelation, { type: "ussd-release" });
      this.#port.forget(this.#ussdCorrelation);
      this.#endUssd();
    }
    return Promise.resolve();
  }

  sendSms(sms: OutgoingSms): Promise<SmsSubmitResult> {
    if (!isInService(this.handset.state)) return Promise.resolve(NO_SERVICE);
    const submit: HandsetToCore = {
      type: "sms-submit",
      tpdu: encodeSmsSubmit(sms.submit),
      ...(sms.serviceCentre === undefined ? {} : { serviceCentre: sms.serviceCentre }),
    };
    return this.#request<SmsSubmitResult>(submit, (message, settle) => {
      if (message.type === "sms-submit-result") settle(message.result);
      else if (message.type === "refused") settle({ ok: false, cause: message.cause });
      else return false;
      return true;
    });
  }

  supplementaryService(request: SsRequest): Promise<SsResult> {
    if (!isInService(this.handset.state)) return Promise.resolve(NO_SERVICE);
    return this.#request<SsResult>({ type: "ss-request", request }, (message, settle) => {
      if (message.type === "ss-result") settle(message.result);
      else if (message.type === "refused") settle({ ok: false, cause: message.cause });
      else return false;
      return true;
    });
  }

  listen(listener: NetworkListener): () => void {
    this.#listener = listener;
    return () => {
      if (this.#listener === listener) this.#listener = undefined;
    };
  }

  /** Powers the handset off (IMSI detach) and closes the link. */
  close(): void {
    this.#failureListener = undefined;
    this.handset.powerOff();
    this.#port.close();
  }

  #emit(event: NetworkEvent): void {
    this.#listener?.(event);
  }

  #failed(report: string): void {
    this.#failure = report;
    this.#failureListener?.(report);
  }

  /**
   * The link went down: no service any more (+CREG: 0), the call in progress drops (NO CARRIER),
   * an open USSD dialogue ends. The card stays usable; there is no reconnect.
   */
  #linkLost(reason: string): void {
    this.#failed(`link to the core lost (${reason})`);
    this.#settleUssd(NO_SERVICE);
    if (this.#ussdCorrelation !== 0) this.#endUssd();
    this.#callEnded("network-failure");
    if (!this.handset.apply("network-detach")) {
      this.#emit({ kind: "registration", registration: this.registration() });
    }
  }

  /**
   * Sends `message` under a new correlation; `handle` sees each answer and settles the promise
   * (once) with `settle`; it returns true when the procedure is over. A timeout or a link error
   * settles with "timeout" / "no-service" failures.
   */
  #request<T>(
    message: HandsetToCore,
    handle: (answer: IncomingMessage, settle: (value: T) => void) => boolean,
  ): Promise<T> {
    const port = this.#port;
    if (port.down) return Promise.resolve(NO_SERVICE as T);
    const correlation = port.nextCorrelation();
    return new Promise<T>((resolve) => {
      let settled = false;
      let timer: TimerHandle | undefined;
      const settle = (value: T): void => {
        if (settled) return;
        settled = true;
        timer?.cancel();
        resolve(value);
      };
      timer = this.#clock.setTimer(this.#timeoutMs, () => {
        port.forget(correlation);
        settle(TIMEOUT as T);
      });
      port.onDown(() => settle(NO_SERVICE as T));
      port.expect(correlation, (answer) => {
        if (answer.type === "error") {
          settle({ ok: false, cause: "unknown" } as T);
          return true;
        }
        return handle(answer, settle);
      });
      port.send(correlation, message);
    });
  }

  #ussdFrame(message: IncomingMessage): boolean {
    if (message.type === "refused") {
      this.#settleUssd({ ok: false, cause: message.cause });
      this.#endUssd();
      return true;
    }
    if (message.type === "error") {
      this.#settleUssd({ ok: false, cause: "unknown" });
      this.#endUssd();
      return true;
    }
    if (message.type !== "ussd") return false;
    const result: UssdResult =
      message.status === "notify" || message.status === "request"
        ? { ok: true, status: message.status, message: { text: message.text, dcs: message.dcs } }
        : { ok: true, status: message.status };
    // TS 24.090: only a request keeps the dialogue open for the user's reply.
    const open = message.status === "request";
    if (this.#ussdWaiting !== undefined) this.#settleUssd(result);
    else if (result.ok) this.#emit({ kind: "ussd", result });
    if (!open) this.#endUssd();
    return !open;
  }

  #settleUssd(result: UssdResult): void {
    const waiting = this.#ussdWaiting;
    this.#ussdWaiting = undefined;
    waiting?.(result);
  }

  #endUssd(): void {
    this.#ussdCorrelation = 0;
    this.handset.apply("ussd-ended");
  }

  #noteRelease(reason: CallReleaseReason, cause: number): void {
    if (reason !== "normal") this.#failed(`call released: #${cause} ${reason}`);
  }

  #callEnded(reason: CallReleaseReason, report = true): void {
    if (this.#callId === 0 && this.#incomingCallId === 0) return;
    this.#callId = 0;
    this.#incomingCallId = 0;
    this.handset.apply("call-ended");
    if (report) this.#emit({ kind: "call-ended", reason: callFailure(reason) });
  }

  #unsolicited(message: IncomingMessage, correlation: number): void {
    switch (message.type) {
      case "call-incoming":
        this.#incomingCallId = message.callId;
        this.#emit({ kind: "ring", ...(message.caller === undefined ? {} : { caller: message.caller }) });
        return;
      case "call-connected":
        this.#emit({ kind: "call-connected" });
        return;
      case "call-released":
        this.#noteRelease(message.reason, message.cause);
        this.#callEnded(message.reason);
        return;
      case "sms-deliver": {
        const deliver = safely(() => decodeSmsDeliver(message.tpdu));
        // RP-ERROR #95 "semantically incorrect message" for a TPDU we cannot read (TS 24.011 §8.2.5.4).
        this.#port.send(
          correlation,
          deliver === undefined
            ? { type: "sms-deliver-result", ok: false, cause: 95 }
            : { type: "sms-deliver-result", ok: true },
        );
        if (deliver !== undefined) {
          const sc = message.serviceCentre;
          this.#emit({ kind: "sms", sms: { deliver, ...(sc === undefined ? {} : { serviceCentre: sc }) } });
        }
        return;
      }
      case "sms-status-report": {
        const report = safely(() => decodeSmsStatusReport(message.tpdu));
        this.#port.send(
          correlation,
          report === undefined
            ? { type: "sms-deliver-result", ok: false, cause: 95 }
            : { type: "sms-deliver-result", ok: true },
        );
        if (report !== undefined) {
          const sc = message.serviceCentre;
          this.#emit({
            kind: "status-report",
            report: { report, ...(sc === undefined ? {} : { serviceCentre: sc }) },
          });
        }
        return;
      }
      case "ussd":
        // Network-initiated USSD (TS 24.090 §4.2): shown as +CUSD; a request opens a dialogue.
        if (message.status === "notify" || message.status === "request") {
          if (message.status === "request" && this.#ussdCorrelation === 0 && correlation !== 0) {
            this.#ussdCorrelation = correlation;
            this.#port.expect(correlation, (m) => this.#ussdFrame(m));
          }
          this.#emit({
            kind: "ussd",
            result: { ok: true, status: message.status, message: { text: message.text, dcs: message.dcs } },
          });
        } else {
          this.#emit({ kind: "ussd", result: { ok: true, status: message.status } });
        }
        return;
      default:
        return;
    }
  }
}

function callFailure(reason: CallReleaseReason): "normal" | "busy" | "no-answer" | "no-carrier" {
  if (reason === "normal") return "normal";
  if (reason === "busy") return "busy";
  if (reason === "no-answer") return "no-answer";
  return "no-carrier";
}

function setupFailure(reason: CallReleaseReason): "busy" | "no-answer" | "no-carrier" {
  const failure = callFailure(reason);
  return failure === "normal" ? "no-carrier" : failure;
}

function safely<T>(decode: () => T): T | undefined {
  try {
    return decode();
  } catch {
    return undefined;
  }
}

/**
 * Opens a WebSocket link to the core at `url` (e.g. ws://127.0.0.1:8080/ws) for one handset and
 * returns its `HandsetNetwork`. `card` is the session the AT layer's SimAccess uses, so PIN entry
 * and AUTHENTICATE run on the same card. Rejects (LinkError LINK_CONNECT) when the core is not there.
 */
export async function connectHandsetNetwork(
  url: string,
  identity: { readonly imei: string },
  card: CardSession,
  options: Omit<LinkNetworkOptions, "imei"> = {},
): Promise<LinkNetwork> {
  const connection = await connectLink(url);
  return new LinkNetwork(connection, card, { ...options, imei: identity.imei });
}
