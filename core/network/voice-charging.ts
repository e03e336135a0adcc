/**
 * Time-based Gy charging of one call leg (TS 32.299 §5.2.2 session charging with unit
 * reservation): CCR-I at set-up with Called-Party-Address (the OCS classes the destination from
 * it), the grant's seconds counted from the moment the call connects, CCR-U before the time runs
 * out (at the Time-Quota-Threshold, at exhaustion, and when the Validity-Time expires), CCR-T at
 * release with the seconds used since the last report.
 *
 * Ends the call through `onEnd` when the OCS refuses more time (4012, 4010…), when the final
 * units are used (Final-Unit-Action TERMINATE; REDIRECT and RESTRICT_ACCESS mean nothing to a
 * voice call and end it too, RFC 4006 §5.6.1), or when there is no answer under CCFH TERMINATE.
 */
import type { Clock, TimerHandle } from "../clock/clock.js";
import type { GyClient } from "../diameter/gy/gy-client.js";
import { SERVICE_CONTEXT } from "../diameter/gy/gy-enums.js";
import type { GySession } from "../diameter/gy/gy-session.js";
import type { MsccRequest, ReportingReason } from "../diameter/gy/gy-types.js";
import type { Logger } from "../diameter/logger.js";
import { type Grant, type GrantOutcome, grantOf } from "./gy-grant.js";

export type VoiceEnd = "credit-exhausted" | "final-units" | "network-failure";

export interface VoiceChargingOptions {
  readonly gy: GyClient;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly ratingGroup: number;
  /** The charged party. */
  readonly msisdn: string;
  readonly imsi: string | undefined;
  /** Digits of the called (or forwarded-to) party. */
  readonly called: string;
  readonly onEnd: (end: VoiceEnd, resultCode: number) => void;
}

export class VoiceCharging {
  private readonly session: GySession;
  private grant: Grant | undefined;
  private controlled = true;
  private connectedAt: number | undefined;
  /** Whole seconds already reported in Used-Service-Units. */
  private reported = 0;
  /** Usage (seconds since connect) at which the current grant starts. */
  private grantBase = 0;
  private grantedAt = 0;
  private timers: TimerHandle[] = [];
  private inFlight: Promise<void> | undefined;
  private closed = false;
  /** Set when the OCS answered the initial request: the session has a CCR-T to send. */
  private opened = false;

  constructor(private readonly o: VoiceChargingOptions) {
    this.session = o.gy.session({
      subscriptionIds: [
        { type: "E164", data: o.msisdn },
        ...(o.imsi !== undefined ? [{ type: "IMSI" as const, data: o.imsi }] : []),
      ],
      serviceContextId: SERVICE_CONTEXT.ims,
      calledParty: `tel:+${o.called}`,
    });
  }

  get sessionId(): string {
    return this.session.sessionId;
  }

  /** CCR-I: the call may proceed on "granted" and "uncontrolled". */
  async open(): Promise<GrantOutcome> {
    const outcome = grantOf(
      await this.session.initial([this.request(undefined)]),
      this.o.ratingGroup,
      "time",
    );
    if (this.closed) return outcome;
    if (outcome.kind === "granted") {
      this.opened = true;
      this.take(outcome);
    } else if (outcome.kind === "uncontrolled") {
      this.controlled = false;
    }
    return outcome;
  }

  /** The call connected: the granted time starts to run. */
  connect(): void {
    if (this.closed || this.connectedAt !== undefined) return;
    this.connectedAt = this.o.clock.now();
    this.schedule();
  }

  /** The call ended: CCR-T with the seconds since the last report (started seconds count). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.cancelTimers();
    if (this.inFlight !== undefined) await this.inFlight;
    if (!this.opened || this.session.state !== "open") return;
    const used = Math.max(0, Math.ceil(this.usedMs() / 1000) - this.reported);
    this.reported += used;
    const outcome = await this.session.terminate([
      { ratingGroup: this.o.ratingGroup, used: [{ time: used, reportingReason: "FINAL" }] },
    ]);
    if (outcome.kind === "failed") this.o.logger.warn(`CCR-T ${this.sessionId}: ${outcome.reason}`);
  }

  /** A RAR: report and ask again (TS 32.299 §6.3.9, FORCED_REAUTHORISATION). */
  reauthorise(): void {
    this.update("FORCED_REAUTHORISATION");
  }

  private usedMs(): number {
    return this.connectedAt === undefined ? 0 : this.o.clock.now() - this.connectedAt;
  }

  private request(reason: ReportingReason | undefined, used?: number): MsccRequest {
    return {
      ratingGroup: this.o.ratingGroup,
      ...(this.grant?.finalUnitAction === undefined ? { requested: {} } : {}),
      ...(used !== undefined
        ? { used: [{ time: used, ...(reason !== undefined ? { reportingReason: reason } : {}) }] }
        : {}),
    };
  }

  private take(grant: Grant): void {
    this.grant = grant;
    this.grantBase = this.reported;
    this.grantedAt = this.o.clock.now();
    this.schedule();
  }

  private schedule(): void {
    this.cancelTimers();
    const grant = this.grant;
    if (this.closed || !this.controlled || grant === undefined) return;
    const now = this.o.clock.now();
    if (grant.validityTime !== undefined) {
      const at = this.grantedAt + grant.validityTime * 1000;
      this.timers.push(this.o.clock.setTimer(at - now, () => this.update("VALIDITY_TIME")));
    }
    if (this.connectedAt === undefined) return;
    const exhaustedAt = this.connectedAt + (this.grantBase + grant.units) * 1000;
    if (grant.finalUnitAction !== undefined) {
      // RFC 4006 §5.6.1: the final units are used, the service ends.
      this.timers.push(this.o.clock.setTimer(exhaustedAt - now, () => this.end("final-units", 0)));
      return;
    }
    if (grant.threshold > 0) {
      const thresholdAt = exhaustedAt - grant.threshold * 1000;
      this.timers.push(this.o.clock.setTimer(thresholdAt - now, () => this.update("THRESHOLD")));
    }
    this.timers.push(this.o.clock.setTimer(exhaustedAt - now, () => this.update("QUOTA_EXHAUSTED")));
  }

  private update(reason: ReportingReason): void {
    if (this.closed || this.inFlight !== undefined || this.session.state !== "open") return;
    this.cancelTimers();
    const used = Math.max(0, Math.floor(this.usedMs() / 1000) - this.reported);
    this.reported += used;
    this.inFlight = this.session
      .update([this.request(reason, used)])
      .then((outcome) => {
        this.inFlight = undefined;
        if (this.closed) return;
        const g = grantOf(outcome, this.o.ratingGroup, "time");
        switch (g.kind) {
          case "granted":
            this.take(g);
            break;
          case "uncontrolled":
            this.controlled = false;
            break;
          case "refused":
            this.end("credit-exhausted", g.resultCode);
            break;
          case "failed":
            this.end("network-failure", 0);
            break;
        }
      })
      .catch((e: unknown) => {
        this.inFlight = undefined;
        this.o.logger.warn(`CCR-U ${this.sessionId}: ${e instanceof Error ? e.message : String(e)}`);
      });
  }

  private end(end: VoiceEnd, resultCode: number): void {
    if (this.closed) return;
    this.cancelTimers();
    this.o.onEnd(end, resultCode);
  }

  private cancelTimers(): void {
    for (const t of this.timers) t.cancel();
    this.timers = [];
  }
}
