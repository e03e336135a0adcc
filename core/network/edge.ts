/**
 * The network edge: the core's side of the link. It takes link connections (in-process or
 * WebSocket), keeps a `HandsetEndpoint` per handset, and hands each frame to the function that
 * owns that state: attach and detach to the HLR (hlr.ts) and the registration table, calls and
 * supplementary services to the MSC, data to the PGW, SMS to the SMS router, USSD to the USSD
 * gateway. It is also the SMSC's `MobileTerminating` and the USSD gateway's way to the handsets.
 *
 * A frame it cannot take is answered, never dropped: an error frame for a message that only the
 * core sends ("wrong-direction"), `refused` for a service asked of an unregistered handset.
 */
import { CORE_CORRELATION_FIRST, nextCoreCorrelation } from "./link/link-messages.js";
import { type Clock, realClock } from "../clock/clock.js";
import type { ChargingEngine } from "../charging/engine.js";
import type { GyClient } from "../diameter/gy/gy-client.js";
import { type Logger, stderrLogger } from "../diameter/logger.js";
import type { ActionOutcome, OpenOutcome, ToHandset } from "../ussd/dialogue-types.js";
import type {
  HandsetStatusReport,
  MobileTerminating,
  MtDeliveryResult,
  MtSms,
} from "../smsc/mobile-terminating.js";
import { encodeSmsDeliver } from "../../handsets/sms/sms-deliver.js";
import { encodeSmsStatusReport } from "../../handsets/sms/sms-status-report.js";
import { decodeSmsSubmit } from "../../handsets/sms/sms-submit.js";
import type { SmsDeliver, SmsSubmit } from "../../handsets/sms/sms-types.js";
import type { RandomBytes } from "../../sim/aka-network.js";
import { EdgeLink, HandsetEndpoint } from "./handset-endpoint.js";
import { type AttachStep, Hlr, type HlrOptions } from "./hlr.js";
import type { LinkAcceptor, LinkConnection } from "./link/link-connection.js";
import {
  type AccessTechnology,
  isHandsetToCore,
  type LinkFrame,
  REJECT_CAUSE,
  type RejectReason,
  type UssdNetworkMessage,
} from "./link/link-messages.js";
import { Msc, type MscOptions } from "./msc.js";
import { Pgw, type PgwOptions } from "./pgw.js";
import { Registry } from "./registry.js";
import { DirectSmsRouter, mtToDeliver, RP_CAUSE, type SmsRouter, statusReportOf } from "./sms-routing.js";

/** The USSD gateway as the edge uses it (core/ussd/gateway.ts UssdGateway fits). */
export interface UssdPort {
  dial(msisdn: string, dialled: string): OpenOutcome;
  reply(msisdn: string, text: string): ActionOutcome;
  acknowledge(msisdn: string): ActionOutcome;
  release(msisdn: string): ActionOutcome;
}

export interface NetworkOperatorInfo {
  readonly longName: string;
  readonly shortName: string;
  /** MCC + MNC. */
  readonly plmn: string;
}

export interface NetworkEdgeOptions {
  readonly engine: ChargingEngine;
  /** RAND source for the AuC (a seeded generator for reproducible runs). */
  readonly randomBytes: RandomBytes;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** The MSC's and PGW's Gy client (connected); undefined: calls and data are not charged. */
  readonly gy?: GyClient;
  readonly ussd?: UssdPort;
  /** Mobile-originated SMS; default: DirectSmsRouter (handset to handset). */
  readonly sms?: SmsRouter;
  readonly operator?: NetworkOperatorInfo;
  readonly accessTechnology?: AccessTechnology;
  readonly areaCode?: number;
  readonly cellId?: number;
  readonly hlr?: Omit<HlrOptions, "engine" | "randomBytes">;
  readonly msc?: MscOptions;
  readonly pgw?: PgwOptions;
  /** How long an MT SMS waits for the handset's RP-ACK (default 10 s). */
  readonly mtTimeoutMs?: number;
}

export const DEFAULT_OPERATOR: NetworkOperatorInfo = { longName: "A1", shortName: "A1", plmn: "25701" };

interface PendingMt {
  readonly h: HandsetEndpoint;
  readonly resolve: (result: MtDeliveryResult) => void;
  readonly timer: { cancel(): void };
}

export class NetworkEdge implements LinkAcceptor, MobileTerminating {
  readonly hlr: Hlr;
  readonly registry = new Registry();
  readonly msc: Msc;
  readonly pgw: Pgw;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly links = new Set<EdgeLink>();
  private nextLinkId = 1;
  private smsRouter: SmsRouter;
  private ussdPort: UssdPort | undefined;
  private readonly pendingMt = new Map<number, PendingMt>();
  private nextMtCorrelation = CORE_CORRELATION_FIRST;
  readonly counters = { frames: 0, errors: 0, attaches: 0, rejects: 0, smsSubmitted: 0, smsDelivered: 0 };
  /** Called when a subscriber registers (the SMSC retries its waiting messages then). */
  onAttached: ((msisdn: string) => void) | undefined;

  constructor(private readonly options: NetworkEdgeOptions) {
    this.clock = options.clock ?? realClock;
    this.logger = options.logger ?? stderrLogger("network-edge");
    this.hlr = new Hlr({ ...options.hlr, engine: options.engine, randomBytes: options.randomBytes });
    const gy = options.gy;
    this.msc = new Msc(
      { clock: this.clock, engine: options.engine, registry: this.registry, gy, logger: this.logger },
      options.msc,
    );
    this.pgw = new Pgw({ clock: this.clock, gy, logger: this.logger }, options.pgw);
    this.smsRouter =
      options.sms ??
      new DirectSmsRouter(
        (to, d) => this.deliverDirect(to, d),
        () => this.clock.now(),
      );
    this.ussdPort = options.ussd;
  }

  /** Plugs in the SMSC (or another router) once it exists. */
  setSmsRouter(router: SmsRouter): void {
    this.smsRouter = router;
  }

  /** Plugs in the USSD gateway once it exists (it needs `ussdToHandset` first). */
  setUssd(port: UssdPort): void {
    this.ussdPort = port;
  }

  get linkCount(): number {
    return this.links.size;
  }

  // ---------------------------------------------------------------- LinkAcceptor

  accept(connection: LinkConnection): void {
    const link = new EdgeLink(connection, this.nextLinkId++);
    this.links.add(link);
    connection.onFrame((frame) => this.onFrame(link, frame));
    connection.onClose(() => this.dropLink(link));
  }

  private onFrame(link: EdgeLink, frame: LinkFrame): void {
    this.counters.frames++;
    const m = frame.message;
    const c = frame.correlation;
    if (m.type === "error") {
      this.counters.errors++;
      this.logger.warn(`link ${link.id} handset ${frame.handset}: error frame ${m.code}: ${m.message}`);
      return;
    }
    let h = link.handsets.get(frame.handset);
    if (h === undefined) {
      h = new HandsetEndpoint(link, frame.handset);
      link.handsets.set(frame.handset, h);
    }
    if (!isHandsetToCore(m)) {
      this.counters.errors++;
      h.send(c, {
        type: "error",
        code: "wrong-direction",
        message: `${m.type} is sent by the core, not to it`,
        offendingCorrelation: c,
      });
      return;
    }
    switch (m.type) {
      case "attach-request":
        return this.attachRequest(h, c, m.imsi, m.imei);
      case "auth-response": {
        const p = h.attach;
        if (p?.context === undefined || p.correlation !== c) return this.noProcedure(h, c, "authentication");
        return this.attachStep(h, c, this.hlr.response(p.context, m.res));
      }
      case "auth-failure": {
        const p = h.attach;
        if (p?.context === undefined || p.correlation !== c) return this.noProcedure(h, c, "authentication");
        this.hlr.failure(p.context, m).then(
          (step) => {
            if (h.attach === p) this.attachStep(h, c, step);
          },
          (e: unknown) => this.attachFailed(h, c, e),
        );
        return;
      }
      case "detach-request":
        if (h.registered) this.leave(h);
        h.attach = undefined;
        h.send(c, { type: "detach-accept" });
        return;
      case "call-setup":
        return this.msc.setup(h, c, m);
      case "call-answer":
        return this.msc.answer(h, c, m.callId);
      case "call-hangup":
        return this.msc.hangup(h, c, m.callId);
      case "ss-request":
        return this.msc.supplementaryService(h, c, m.request);
      case "sms-submit":
        return this.smsSubmit(h, c, m.tpdu, m.serviceCentre);
      case "sms-deliver-result":
        return this.mtResult(
          h,
          c,
          m.ok ? "delivered" : m.cause === RP_CAUSE.memoryExceeded ? "memory-full" : "absent",
        );
      case "ussd-begin":
        return this.ussdBegin(h, c, m.text);
      case "ussd-reply":
        return this.ussdReply(h, c, m.text);
      case "ussd-release":
        if (h.msisdn !== undefined) this.ussdPort?.release(h.msisdn);
        h.ussdCorrelation = 0;
        return;
      case "data-start":
        return this.pgw.start(h, c, m.apn);
      case "data-usage":
        return this.pgw.usage(h, c, m.sessionId, m.octets);
      case "data-stop":
        return this.pgw.stop(h, c, m.sessionId, m.octets);
    }
  }

  // ---------------------------------------------------------------- attach and detach

  private attachRequest(h: HandsetEndpoint, c: number, imsi: string, imei: string): void {
    this.counters.attaches++;
    if (h.registered) this.leave(h);
    const pending = { correlation: c, context: undefined };
    h.attach = pending;
    this.hlr.begin(imsi, imei).then(
      (step) => {
        if (h.attach === pending && !h.link.closed) this.attachStep(h, c, step);
      },
      (e: unknown) => this.attachFailed(h, c, e),
    );
  }

  private attachStep(h: HandsetEndpoint, c: number, step: AttachStep): void {
    switch (step.kind) {
      case "challenge":
        if (h.attach !== undefined) h.attach.context = step.context;
        h.send(c, { type: "auth-request", rand: step.rand, autn: step.autn });
        return;
      case "accepted": {
        h.attach = undefined;
        const previous = this.registry.byImsiOf(step.imsi);
        if (previous !== undefined && previous !== h) this.leave(previous);
        this.registry.register(h, step.imsi, step.msisdn, step.account);
        if (this.onAttached !== undefined) queueMicrotask(() => this.onAttached?.(step.msisdn));
        const operator = this.options.operator ?? DEFAULT_OPERATOR;
        h.send(c, {
          type: "attach-accept",
          msisdn: step.msisdn,
          operator,
          accessTechnology: this.options.accessTechnology ?? "e-utran",
          areaCode: this.options.areaCode ?? 0x0101,
          cellId: this.options.cellId ?? 1,
        });
        return;
      }
      case "rejected":
        this.reject(h, c, step.reason);
        return;
    }
  }

  private reject(h: HandsetEndpoint, c: number, reason: RejectReason): void {
    this.counters.rejects++;
    h.attach = undefined;
    h.send(c, { type: "attach-reject", cause: REJECT_CAUSE[reason], reason });
  }

  private attachFailed(h: HandsetEndpoint, c: number, e: unknown): void {
    this.logger.error(`attach of ${h.toString()}: ${e instanceof Error ? e.message : String(e)}`);
    if (h.attach?.correlation === c) this.reject(h, c, "network-failure");
  }

  private noProcedure(h: HandsetEndpoint, c: number, what: string): void {
    h.send(c, {
      type: "refused",
      cause: "not-allowed",
      detail: `no ${what} in progress with correlation ${c}`,
    });
  }

  /** The handset's registration ends: its calls, data sessions and USSD dialogue end with it. */
  private leave(h: HandsetEndpoint): void {
    this.msc.detached(h);
    this.pgw.detached(h);
    if (h.msisdn !== undefined) this.ussdPort?.release(h.msisdn);
    h.ussdCorrelation = 0;
    for (const [k, p] of this.pendingMt) {
      if (p.h !== h) continue;
      this.pendingMt.delete(k);
      p.timer.cancel();
      p.resolve("absent");
    }
    this.registry.unregister(h);
  }

  /** The network ends a subscriber's registration (account blocked or closed). */
  networkDetach(imsi: string, reason: RejectReason = "not-allowed"): boolean {
    const h = this.registry.byImsiOf(imsi);
    if (h === undefined) return false;
    this.leave(h);
    h.send(0, { type: "network-detach", cause: REJECT_CAUSE[reason], reason });
    return true;
  }

  private dropLink(link: EdgeLink): void {
    this.links.delete(link);
    for (const h of link.handsets.values()) {
      h.attach = undefined;
      if (h.registered) this.leave(h);
    }
    link.handsets.clear();
  }

  // ---------------------------------------------------------------- SMS

  private smsSubmit(
    h: HandsetEndpoint,
    c: number,
    tpdu: Uint8Array,
    serviceCentre: string | undefined,
  ): void {
    if (h.msisdn === undefined) {
      h.send(c, { type: "sms-submit-result", result: { ok: false, cause: "no-service" } });
      return;
    }
    let submit: SmsSubmit;
    try {
      submit = decodeSmsSubmit(tpdu);
    } catch (e) {
      // RP-cause 96: invalid mandatory information (TS 24.011 §8.2.5.4).
      this.logger.debug(`SMS-SUBMIT from ${h.toString()}: ${e instanceof Error ? e.message : String(e)}`);
      h.send(c, { type: "sms-submit-result", result: { ok: false, cause: "rejected", code: 96 } });
      return;
    }
    this.counters.smsSubmitted++;
    this.smsRouter.submit({ msisdn: h.msisdn, imsi: h.imsi }, submit, serviceCentre).then(
      (result) => h.send(c, { type: "sms-submit-result", result }),
      (e: unknown) => {
        this.logger.error(`SMS from ${h.toString()}: ${e instanceof Error ? e.message : String(e)}`);
        h.send(c, {
          type: "sms-submit-result",
          result: { ok: false, cause: "rejected", code: RP_CAUSE.temporaryFailure },
        });
      },
    );
  }

  isAttached(msisdn: string): boolean {
    return this.registry.byNumber(msisdn) !== undefined;
  }

  /** MobileTerminating: every segment as one SMS-DELIVER; "delivered" when each was acknowledged. */
  async deliver(msisdn: string, sms: MtSms): Promise<MtDeliveryResult> {
    const now = this.clock.now();
    for (const [i, part] of sms.parts.entries()) {
      const result = await this.deliverDirect(msisdn, mtToDeliver(sms, part, now, i < sms.parts.length - 1));
      if (result !== "delivered") return result;
    }
    return "delivered";
  }

  statusReport(msisdn: string, report: HandsetStatusReport): void {
    const h = this.registry.byNumber(msisdn);
    if (h === undefined) return;
    h.send(this.allocateMtCorrelation(), {
      type: "sms-status-report",
      tpdu: encodeSmsStatusReport(statusReportOf(report)),
    });
  }

  /** Sends one SMS-DELIVER and waits for RP-ACK / RP-ERROR (or the time-out: "absent"). */
  deliverDirect(msisdn: string, deliver: SmsDeliver): Promise<MtDeliveryResult> {
    const h = this.registry.byNumber(msisdn);
    if (h === undefined) return Promise.resolve("absent");
    const c = this.allocateMtCorrelation();
    return new Promise((resolve) => {
      const timer = this.clock.setTimer(this.options.mtTimeoutMs ?? 10_000, () => {
        if (this.pendingMt.delete(c)) resolve("absent");
      });
      this.pendingMt.set(c, { h, resolve, timer });
      h.send(c, { type: "sms-deliver", tpdu: encodeSmsDeliver(deliver) });
    });
  }

  private mtResult(h: HandsetEndpoint, c: number, result: MtDeliveryResult): void {
    const p = this.pendingMt.get(c);
    if (p === undefined || p.h !== h) return this.noProcedure(h, c, "SMS delivery");
    this.pendingMt.delete(c);
    p.timer.cancel();
    if (result === "delivered") this.counters.smsDelivered++;
    p.resolve(result);
  }

  private allocateMtCorrelation(): number {
    const c = this.nextMtCorrelation;
    this.nextMtCorrelation = nextCoreCorrelation(this.nextMtCorrelation);
    return c;
  }

  // ---------------------------------------------------------------- USSD

  private ussdBegin(h: HandsetEndpoint, c: number, text: string): void {
    const msisdn = h.msisdn;
    if (msisdn === undefined) return h.send(c, { type: "refused", cause: "no-service" });
    const port = this.ussdPort;
    if (port === undefined) return h.send(c, { type: "ussd", status: "not-supported" });
    h.ussdCorrelation = c;
    let outcome = port.dial(msisdn, text);
    if (!outcome.ok && outcome.error === "USSD_BUSY") {
      // A new request from the MS ends the dialogue it had open (TS 24.090 §4.1).
      port.release(msisdn);
      h.ussdCorrelation = c;
      outcome = port.dial(msisdn, text);
    }
    if (!outcome.ok) {
      if (h.ussdCorrelation === c) h.ussdCorrelation = 0;
      h.send(c, { type: "ussd", status: "not-supported" });
    }
  }

  private ussdReply(h: HandsetEndpoint, c: number, text: string): void {
    const msisdn = h.msisdn;
    if (msisdn === undefined) return h.send(c, { type: "refused", cause: "no-service" });
    const port = this.ussdPort;
    if (port === undefined) return h.send(c, { type: "ussd", status: "not-supported" });
    h.ussdCorrelation = c;
    const outcome = port.reply(msisdn, text);
    if (!outcome.ok) {
      if (h.ussdCorrelation === c) h.ussdCorrelation = 0;
      h.send(c, { type: "ussd", status: "terminated" });
    }
  }

  /** The USSD gateway's messages to handsets (UssdCoreOptions.handsets). */
  readonly ussdToHandset = (message: ToHandset): void => {
    const h = this.registry.byNumber(message.msisdn);
    if (h === undefined) {
      if (message.kind !== "release") queueMicrotask(() => this.ussdPort?.release(message.msisdn));
      return;
    }
    const c = h.ussdCorrelation;
    h.ussdCorrelation = 0;
    let out: UssdNetworkMessage;
    switch (message.kind) {
      case "request":
        out = { type: "ussd", status: "request", text: message.text, dcs: message.dcs };
        break;
      case "notify":
        out = { type: "ussd", status: "notify", text: message.text, dcs: message.dcs };
        // The MS acknowledges a USSN once shown (TS 24.090 §4.2); done here for the handset.
        queueMicrotask(() => this.ussdPort?.acknowledge(message.msisdn));
        break;
      case "result":
        out = { type: "ussd", status: "notify", text: message.text, dcs: message.dcs };
        break;
      case "release":
        out = {
          type: "ussd",
          status:
            message.reason === "user-timeout" ||
            message.reason === "application-timeout" ||
            message.reason === "dialogue-timeout"
              ? "timeout"
              : "terminated",
        };
        break;
    }
    h.send(c, out);
  };

  // ---------------------------------------------------------------- Gy server requests

  /** A RAR arrived for a session: the PGW or MSC re-authorises it. True if it is one of ours. */
  reauthorise(gySessionId: string): boolean {
    return this.pgw.reauthorise(gySessionId) || this.msc.reauthorise(gySessionId);
  }

  /** An ASR arrived: the session's service ends. */
  abort(gySessionId: string): boolean {
    return this.pgw.abort(gySessionId) || this.msc.abort(gySessionId);
  }

  /** Ends every call and data session and closes every link. */
  close(reason = "core stopping"): void {
    this.msc.releaseAll();
    for (const link of [...this.links]) link.connection.close(reason);
  }
}
