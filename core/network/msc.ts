/**
 * The MSC: voice calls between registered handsets and to sinks standing for other networks,
 * each charged by time through Gy (voice-charging.ts), with the supplementary services of
 * supplementary.ts applied as the call is routed:
 *
 * - outgoing barring first (TS 22.088 §1.1: BAOC; BOIC and BOIC-exHC for numbers outside the
 *   home country code, this core having no roaming), then CCR-I for the caller (a refusal ends
 *   the set-up: 4012 → "credit-exhausted", others → "rejected");
 * - an on-net called party: incoming barring (BAIC) → rejected; CFU → forwarded; not registered
 *   → CFNRc or "not-reachable"; in a call → call waiting (TS 22.083: one waiting call, while
 *   the other is active) or CFB or "busy"; else it rings, with CFNRy after its timer or "no-answer"
 *   after `noAnswerMs`. Rejecting a ringing call is User Determined User Busy: CFB or "busy";
 * - a forwarded leg is charged to the forwarding subscriber (his own CCR-I, Called-Party-Address
 *   the forwarded-to number), at most `maxForwardings` times per call (TS 22.082 §1.6 limit);
 * - other numbers are sinks: "375…" off-net, anything else international; a sink answers after
 *   `sinkAnswerMs`. Emergency numbers go to a sink without registration, barring or charging.
 */
import type { Clock } from "../clock/clock.js";
import { normaliseNumber } from "../charging/destination.js";
import type { ChargingEngine } from "../charging/engine.js";
import type { GyClient } from "../diameter/gy/gy-client.js";
import type { Logger } from "../diameter/logger.js";
import { ResultCode } from "../diameter/result-codes.js";
import type { SsRequest } from "../../handsets/mmi-types.js";
import { Call, type CallLeg, type SinkKind } from "./call.js";
import type { HandsetEndpoint } from "./handset-endpoint.js";
import {
  type CallReleaseReason,
  type CallSetup,
  CORE_CORRELATION_FIRST,
  nextCoreCorrelation,
  RELEASE_CAUSE,
} from "./link/link-messages.js";
import type { Registry } from "./registry.js";
import { type SupplementaryOptions, SupplementaryServices } from "./supplementary.js";
import { VoiceCharging } from "./voice-charging.js";

export interface MscOptions {
  /** Ringing without an answer for this long releases the call (default 60 s). */
  readonly noAnswerMs?: number;
  /** A sink (another network) answers after this long (default 2 s). */
  readonly sinkAnswerMs?: number;
  /** Forwardings per call (default 5). */
  readonly maxForwardings?: number;
  /** Rating-Group of voice (default 2). */
  readonly ratingGroup?: number;
  /** Default 112 and 911. */
  readonly emergencyNumbers?: readonly string[];
  /** Country code of the home network: numbers outside it are international (default "375"). */
  readonly homeCountryCode?: string;
  readonly supplementary?: SupplementaryOptions;
}

export interface MscContext {
  readonly clock: Clock;
  readonly engine: ChargingEngine;
  readonly registry: Registry;
  /** Gy client for voice charging; undefined: calls are not charged. */
  readonly gy: GyClient | undefined;
  readonly logger: Logger;
}

type Reasons = { readonly caller: CallReleaseReason; readonly callee: CallReleaseReason };
const BOTH_NORMAL: Reasons = { caller: "normal", callee: "normal" };

export class Msc {
  readonly services: SupplementaryServices;
  private readonly calls = new Map<number, Call>();
  /** Gy Session-Id → the call it charges (for RAR / ASR). */
  private readonly bySession = new Map<string, { call: Call; charging: VoiceCharging }>();
  private nextCallId = 1;
  private nextCorrelation = CORE_CORRELATION_FIRST;
  readonly counters = { setups: 0, connected: 0, released: 0, refused: 0, forwarded: 0 };

  constructor(
    private readonly ctx: MscContext,
    private readonly options: MscOptions = {},
  ) {
    this.services = new SupplementaryServices(options.supplementary);
  }

  get activeCalls(): number {
    return this.calls.size;
  }

  call(id: number): Call | undefined {
    return this.calls.get(id);
  }

  // ------------------------------------------------------------------ handset requests

  setup(h: HandsetEndpoint, correlation: number, m: CallSetup): void {
    this.counters.setups++;
    const called = normaliseNumber(m.called);
    const emergency = m.emergency || (this.options.emergencyNumbers ?? ["112", "911"]).includes(called);
    const refuse = (reason: CallReleaseReason): void => {
      this.counters.refused++;
      h.send(correlation, { type: "call-released", callId: 0, reason, cause: RELEASE_CAUSE[reason] });
    };
    if (!h.registered && !emergency) return refuse("no-service");
    if (called === "") return refuse("unallocated");
    if (h.calls !== undefined && h.calls.size > 0) return refuse("rejected");
    const msisdn = h.msisdn ?? "";
    const hidden = m.clir === "invoke" || (m.clir === "default" && this.services.clirDefault(msisdn));
    const call = new Call(
      this.allocateCallId(),
      { endpoint: h, correlation },
      msisdn,
      hidden || msisdn === "" ? undefined : `+${msisdn}`,
      called,
    );
    this.track(call, h);
    if (emergency) {
      this.routeToSink(call, "emergency", called);
      return;
    }
    const international = !called.startsWith(this.homeCode);
    if (
      this.services.isBarred(msisdn, "all-outgoing") ||
      (international &&
        (this.services.isBarred(msisdn, "outgoing-international") ||
          this.services.isBarred(msisdn, "outgoing-international-except-home")))
    ) {
      this.release(call, { caller: "barred", callee: "normal" });
      return;
    }
    this.chargeAndRoute(call, msisdn, h.imsi, called).catch((e: unknown) => this.failed(call, e));
  }

  answer(h: HandsetEndpoint, correlation: number, callId: number): void {
    const call = this.callsOf(h).find(
      (c) => c.state === "alerting" && c.callee === h && (callId === 0 || c.id === callId),
    );
    if (call === undefined) {
      h.send(correlation, { type: "refused", cause: "not-allowed", detail: "no incoming call is alerting" });
      return;
    }
    // Answering a waiting call releases the active one (as AT+CHLD=1, TS 22.030 §6.5.5.1).
    for (const other of this.callsOf(h))
      if (other !== call && other.state === "connected") this.release(other, BOTH_NORMAL);
    this.connect(call, correlation);
  }

  hangup(h: HandsetEndpoint, correlation: number, callId: number): void {
    const calls = this.callsOf(h).filter((c) => callId === 0 || c.id === callId);
    if (calls.length === 0) {
      h.send(correlation, { type: "refused", cause: "not-allowed", detail: "no call to release" });
      return;
    }
    for (const call of calls) {
      if (call.caller.endpoint === h) {
        this.release(call, BOTH_NORMAL, { endpoint: h, correlation });
      } else if (call.state === "alerting") {
        // User Determined User Busy (TS 22.001): call forwarding on busy applies.
        const cfb = this.services.forwardingFor(this.calleeMsisdn(call), "busy");
        this.detachCallee(call, { endpoint: h, correlation }, "normal");
        if (cfb !== undefined) this.forward(call, this.calleeMsisdn(call), cfb.number);
        else this.release(call, { caller: "busy", callee: "normal" });
      } else {
        this.release(call, BOTH_NORMAL, { endpoint: h, correlation });
      }
    }
  }

  supplementaryService(h: HandsetEndpoint, correlation: number, request: SsRequest): void {
    if (h.msisdn === undefined) {
      h.send(correlation, { type: "ss-result", result: { ok: false, cause: "no-service" } });
      return;
    }
    h.send(correlation, { type: "ss-result", result: this.services.operate(h.msisdn, request) });
  }

  /** The handset left (detach, a new registration elsewhere, its link closed): its calls end. */
  detached(h: HandsetEndpoint): void {
    for (const call of this.callsOf(h)) {
      if (call.callee === h && call.state === "alerting") {
        this.detachCallee(call, undefined, "normal", true);
        this.release(call, { caller: "not-reachable", callee: "normal" });
      } else {
        this.release(call, BOTH_NORMAL, { endpoint: h, correlation: 0 }, true);
      }
    }
  }

  /** A RAR for a voice session: CCR-U FORCED_REAUTHORISATION. True if it is one of ours. */
  reauthorise(gySessionId: string): boolean {
    const found = this.bySession.get(gySessionId);
    if (found === undefined) return false;
    found.charging.reauthorise();
    return true;
  }

  /** An ASR for a voice session: the call is released. */
  abort(gySessionId: string): boolean {
    const found = this.bySession.get(gySessionId);
    if (found === undefined) return false;
    this.release(found.call, { caller: "rejected", callee: "normal" });
    return true;
  }

  /** Releases every call (the core stops). */
  releaseAll(): void {
    for (const call of [...this.calls.values()])
      this.release(call, { caller: "network-failure", callee: "network-failure" });
  }

  // ------------------------------------------------------------------ routing

  private get homeCode(): string {
    return this.options.homeCountryCode ?? "375";
  }

  private async chargeAndRoute(
    call: Call,
    msisdn: string,
    imsi: string | undefined,
    called: string,
  ): Promise<void> {
    if (!(await this.charge(call, msisdn, imsi, called))) return;
    await this.route(call, called);
  }

  /** CCR-I for one charged party; false when the call was released (refused, or gone meanwhile). */
  private async charge(
    call: Call,
    msisdn: string,
    imsi: string | undefined,
    called: string,
  ): Promise<boolean> {
    const gy = this.ctx.gy;
    if (gy === undefined) return call.state !== "released";
    const charging = new VoiceCharging({
      gy,
      clock: this.ctx.clock,
      logger: this.ctx.logger,
      ratingGroup: this.options.ratingGroup ?? 2,
      msisdn,
      imsi,
      called,
      onEnd: (end) =>
        this.release(call, {
          caller: end === "network-failure" ? "network-failure" : "credit-exhausted",
          callee: "normal",
        }),
    });
    call.charging.push(charging);
    this.bySession.set(charging.sessionId, { call, charging });
    const outcome = await charging.open();
    if (call.state === "released") return false;
    if (outcome.kind === "refused") {
      this.release(call, {
        caller: outcome.resultCode === ResultCode.CREDIT_LIMIT_REACHED ? "credit-exhausted" : "rejected",
        callee: "normal",
      });
      return false;
    }
    if (outcome.kind === "failed") {
      this.release(call, { caller: "network-failure", callee: "normal" });
      return false;
    }
    return true;
  }

  private async route(call: Call, number: string): Promise<void> {
    if (call.state === "released") return;
    const account = this.ctx.engine.byMsisdnOf(number);
    if (account === undefined) {
      this.routeToSink(call, number.startsWith(this.homeCode) ? "off-net" : "international", number);
      return;
    }
    const s = this.services;
    if (s.isBarred(number, "all-incoming"))
      return this.release(call, { caller: "rejected", callee: "normal" });
    const cfu = s.forwardingFor(number, "unconditional");
    if (cfu !== undefined) return this.forward(call, number, cfu.number);
    const target = this.ctx.registry.byNumber(number);
    if (target === undefined) {
      const cfnrc = s.forwardingFor(number, "not-reachable");
      if (cfnrc !== undefined) return this.forward(call, number, cfnrc.number);
      return this.release(call, { caller: "not-reachable", callee: "normal" });
    }
    const busyWith = this.callsOf(target);
    if (busyWith.length > 0) {
      const canWait = s.waitingActive(number) && busyWith.length === 1 && busyWith[0]?.state === "connected";
      if (canWait) return this.alert(call, target, number, true);
      const cfb = s.forwardingFor(number, "busy");
      if (cfb !== undefined) return this.forward(call, number, cfb.number);
      return this.release(call, { caller: "busy", callee: "normal" });
    }
    this.alert(call, target, number, false);
  }

  private alert(call: Call, target: HandsetEndpoint, msisdn: string, waiting: boolean): void {
    const leg: CallLeg = { endpoint: target, correlation: this.allocateCorrelation() };
    call.target = { kind: "handset", leg, msisdn, waiting };
    this.track(call, target);
    this.alerting(call);
    target.send(leg.correlation, {
      type: "call-incoming",
      callId: call.id,
      ...(call.presentedCaller !== undefined ? { caller: call.presentedCaller } : {}),
      waiting,
    });
    const cfnry = this.services.forwardingFor(msisdn, "no-reply");
    if (cfnry !== undefined) {
      call.timers.push(
        this.ctx.clock.setTimer(cfnry.noReplyTimer * 1000, () => {
          if (call.state !== "alerting" || call.callee !== target) return;
          this.detachCallee(call, undefined, "no-answer");
          this.forward(call, msisdn, cfnry.number);
        }),
      );
    } else {
      call.timers.push(
        this.ctx.clock.setTimer(this.options.noAnswerMs ?? 60_000, () => {
          if (call.state === "alerting" && call.callee === target) {
            this.release(call, { caller: "no-answer", callee: "no-answer" });
          }
        }),
      );
    }
  }

  private routeToSink(call: Call, sink: SinkKind, number: string): void {
    call.target = { kind: "sink", sink, number };
    this.alerting(call);
    call.timers.push(
      this.ctx.clock.setTimer(this.options.sinkAnswerMs ?? 2000, () => {
        if (call.state === "alerting" && call.target?.kind === "sink") this.connect(call, undefined);
      }),
    );
  }

  /** The caller hears ringing: call-alerting once per call, however often it is forwarded. */
  private alerting(call: Call): void {
    const first = call.state === "setup";
    call.state = "alerting";
    if (first) {
      call.caller.endpoint.send(call.caller.correlation, { type: "call-alerting", callId: call.id });
    }
  }

  private forward(call: Call, fromMsisdn: string, to: string): void {
    call.cancelTimers();
    if (call.state === "released") return;
    if (++call.forwardings > (this.options.maxForwardings ?? 5)) {
      this.release(call, { caller: "rejected", callee: "normal" });
      return;
    }
    this.counters.forwarded++;
    call.target = undefined;
    const number = normaliseNumber(to);
    // The forwarded leg is the forwarding subscriber's call to the forwarded-to number.
    const fromAccount = this.ctx.engine.byMsisdnOf(fromMsisdn);
    const imsi = fromAccount?.subscribers.find((x) => x.msisdn === fromMsisdn)?.imsi;
    this.charge(call, fromMsisdn, imsi, number)
      .then((ok) => (ok ? this.route(call, number) : undefined))
      .catch((e: unknown) => this.failed(call, e));
  }

  // ------------------------------------------------------------------ connect and release

  /** `correlation`: of the answering handset's call-answer (undefined for a sink). */
  private connect(call: Call, correlation: number | undefined): void {
    call.cancelTimers();
    call.state = "connected";
    call.connectedAt = this.ctx.clock.now();
    this.counters.connected++;
    const target = call.target;
    if (target?.kind === "handset") {
      target.leg.endpoint.send(correlation ?? target.leg.correlation, {
        type: "call-connected",
        callId: call.id,
      });
    }
    call.caller.endpoint.send(call.caller.correlation, { type: "call-connected", callId: call.id });
    for (const c of call.charging) c.connect();
  }

  /** Takes the ringing called party out of the call (forwarding or rejection follows). */
  private detachCallee(call: Call, by: CallLeg | undefined, reason: CallReleaseReason, silent = false): void {
    const target = call.target;
    if (target?.kind !== "handset") return;
    const h = target.leg.endpoint;
    h.calls?.delete(call.id);
    if (!silent) {
      h.send(by?.correlation ?? target.leg.correlation, {
        type: "call-released",
        callId: call.id,
        reason,
        cause: RELEASE_CAUSE[reason],
      });
    }
    call.target = undefined;
  }

  /**
   * Ends the call: both parties are told (the one that hung up with its own correlation), the
   * charging legs send CCR-T. `silent`: `by` is gone and gets no frame.
   */
  private release(call: Call, reasons: Reasons, by?: CallLeg, silent = false): void {
    if (call.state === "released") return;
    call.state = "released";
    call.cancelTimers();
    this.calls.delete(call.id);
    this.counters.released++;
    const tell = (leg: CallLeg, reason: CallReleaseReason): void => {
      leg.endpoint.calls?.delete(call.id);
      const isBy = by !== undefined && by.endpoint === leg.endpoint;
      if (isBy && silent) return;
      const r = isBy ? "normal" : reason;
      leg.endpoint.send(isBy ? by.correlation : leg.correlation, {
        type: "call-released",
        callId: call.id,
        reason: r,
        cause: RELEASE_CAUSE[r],
      });
    };
    tell(call.caller, reasons.caller);
    if (call.target?.kind === "handset") tell(call.target.leg, reasons.callee);
    for (const c of call.charging) {
      this.bySession.delete(c.sessionId);
      c.close().catch((e: unknown) =>
        this.ctx.logger.warn(`CCR-T: ${e instanceof Error ? e.message : String(e)}`),
      );
    }
  }

  private failed(call: Call, e: unknown): void {
    this.ctx.logger.error(`call ${call.id}: ${e instanceof Error ? e.message : String(e)}`);
    this.release(call, { caller: "network-failure", callee: "network-failure" });
  }

  // ------------------------------------------------------------------ bookkeeping

  private calleeMsisdn(call: Call): string {
    return call.target?.kind === "handset" ? call.target.msisdn : "";
  }

  private callsOf(h: HandsetEndpoint): Call[] {
    const out: Call[] = [];
    if (h.calls === undefined) return out;
    for (const id of h.calls) {
      const c = this.calls.get(id);
      if (c !== undefined) out.push(c);
    }
    return out;
  }

  private track(call: Call, h: HandsetEndpoint): void {
    this.calls.set(call.id, call);
    (h.calls ??= new Set()).add(call.id);
  }

  private allocateCallId(): number {
    const id = this.nextCallId;
    this.nextCallId = this.nextCallId >= 0xffffffff ? 1 : this.nextCallId + 1;
    return id;
  }

  private allocateCorrelation(): number {
    const c = this.nextCorrelation;
    this.nextCorrelation = nextCoreCorrelation(this.nextCorrelation);
    return c;
  }
}
