/**
 * The PGW as charging trigger function for data (TS 32.251 online charging over Gy, RFC 4006
 * session charging with unit reservation): one Gy session per data session, octets granted by
 * the OCS and enforced against the usage the handset reports.
 *
 * - data-start → CCR-I with an empty Requested-Service-Unit (the OCS sizes the grant);
 * - usage is counted against the grant; a CCR-U with Used-Service-Unit goes out when the grant
 *   is used (QUOTA_EXHAUSTED), when what is left falls to the Volume-Quota-Threshold (THRESHOLD),
 *   when the Validity-Time expires (VALIDITY_TIME, the new grant pushed unsolicited) and after a
 *   RAR (FORCED_REAUTHORISATION);
 * - final units (RFC 4006 §5.6): TERMINATE ends the session with CCR-T once they are used;
 *   REDIRECT and RESTRICT_ACCESS report the usage (CCR-U without RSU) and mark the session
 *   restricted (only the top-up site) until a RAR re-authorises it;
 * - a throttled grant carries QoS-Information (TS 29.212 Max-Requested-Bandwidth): the handset
 *   gets the rate in kbit/s and slows down;
 * - data-stop → CCR-T with the usage since the last report.
 * Every answer to the handset is a data-grant (the grant as it now stands: octets left, counted
 * from that answer) or a data-ended.
 */
import type { Clock, TimerHandle } from "../clock/clock.js";
import type { GyClient } from "../diameter/gy/gy-client.js";
import { SERVICE_CONTEXT } from "../diameter/gy/gy-enums.js";
import type { GySession } from "../diameter/gy/gy-session.js";
import type { MsccRequest, ReportingReason } from "../diameter/gy/gy-types.js";
import type { Logger } from "../diameter/logger.js";
import { ResultCode } from "../diameter/result-codes.js";
import { type Grant, type GrantOutcome, grantOf } from "./gy-grant.js";
import type { HandsetEndpoint } from "./handset-endpoint.js";
import type { DataEndReason, DataGrant, FinalUnitActionName } from "./link/link-messages.js";

export interface PgwOptions {
  /** Rating-Group of data (default 1). */
  readonly ratingGroup?: number;
  /** Octets granted when no OCS controls the session (no Gy client, 4011, CCFH CONTINUE). */
  readonly uncontrolledOctets?: number;
  /** APNs served; default any. */
  readonly apns?: readonly string[];
}

export interface PgwContext {
  readonly clock: Clock;
  readonly gy: GyClient | undefined;
  readonly logger: Logger;
}

const FUA: Record<"TERMINATE" | "REDIRECT" | "RESTRICT_ACCESS", FinalUnitActionName> = {
  TERMINATE: "terminate",
  REDIRECT: "redirect",
  RESTRICT_ACCESS: "restrict-access",
};

class DataSession {
  grant: Grant | undefined;
  controlled = true;
  /** Octets reported by the handset and not yet sent to the OCS. */
  unreported = 0;
  /** Octets used of the current grant. */
  usedInGrant = 0;
  /** Octets used while a CCR-U was in flight: they count against the grant it brings. */
  usedInFlight = 0;
  restricted = false;
  inFlight: Promise<void> | undefined;
  validity: TimerHandle | undefined;
  ended = false;
  /** Correlations of usage reports waiting for the CCR-U in flight. */
  waiting: number[] = [];

  constructor(
    readonly id: number,
    readonly h: HandsetEndpoint,
    readonly session: GySession | undefined,
  ) {}
}

export class Pgw {
  private readonly sessions = new Map<number, DataSession>();
  private readonly byGySession = new Map<string, DataSession>();
  private nextId = 1;
  readonly counters = { started: 0, updates: 0, ended: 0, throttledGrants: 0 };

  constructor(
    private readonly ctx: PgwContext,
    private readonly options: PgwOptions = {},
  ) {}

  get activeSessions(): number {
    return this.sessions.size;
  }

  private get ratingGroup(): number {
    return this.options.ratingGroup ?? 1;
  }

  start(h: HandsetEndpoint, correlation: number, apn: string): void {
    if (h.msisdn === undefined) {
      h.send(correlation, { type: "refused", cause: "no-service" });
      return;
    }
    if (this.options.apns !== undefined && !this.options.apns.includes(apn)) {
      h.send(correlation, { type: "refused", cause: "not-allowed", detail: `APN ${apn} is not served` });
      return;
    }
    const id = this.allocateId();
    const gy = this.ctx.gy;
    const session =
      gy === undefined
        ? undefined
        : gy.session({
            subscriptionIds: [
              { type: "E164", data: h.msisdn },
              ...(h.imsi !== undefined ? [{ type: "IMSI" as const, data: h.imsi }] : []),
            ],
            serviceContextId: SERVICE_CONTEXT.ps,
            calledStationId: apn,
          });
    const s = new DataSession(id, h, session);
    this.sessions.set(id, s);
    (h.dataSessions ??= new Set()).add(id);
    this.counters.started++;
    if (session === undefined) {
      s.controlled = false;
      h.send(correlation, this.grantMessage(s));
      return;
    }
    this.byGySession.set(session.sessionId, s);
    s.inFlight = session
      .initial([{ ratingGroup: this.ratingGroup, requested: {} }])
      .then((outcome) => {
        s.inFlight = undefined;
        this.applyOutcome(s, grantOf(outcome, this.ratingGroup, "octets"), correlation, true);
      })
      .catch((e: unknown) => this.crash(s, correlation, e));
  }

  usage(h: HandsetEndpoint, correlation: number, sessionId: number, octets: number): void {
    const s = this.owned(h, correlation, sessionId);
    if (s === undefined) return;
    this.count(s, octets);
    if (s.inFlight !== undefined) {
      s.waiting.push(correlation);
      return;
    }
    const grant = s.grant;
    if (!s.controlled || grant === undefined || s.restricted) {
      h.send(correlation, this.grantMessage(s));
      return;
    }
    const left = grant.units - s.usedInGrant;
    if (left <= 0) {
      if (grant.finalUnitAction === "TERMINATE")
        return this.finish(s, correlation, "final-units", 0, "FINAL");
      if (grant.finalUnitAction !== undefined) return this.update(s, correlation, "FINAL", false);
      return this.update(s, correlation, "QUOTA_EXHAUSTED", true);
    }
    if (grant.finalUnitAction === undefined && grant.threshold > 0 && left <= grant.threshold) {
      return this.update(s, correlation, "THRESHOLD", true);
    }
    h.send(correlation, this.grantMessage(s));
  }

  stop(h: HandsetEndpoint, correlation: number, sessionId: number, octets: number): void {
    const s = this.owned(h, correlation, sessionId);
    if (s === undefined) return;
    this.count(s, octets);
    this.finish(s, correlation, "normal", 0, "FINAL");
  }

  /** The handset left: its sessions end with CCR-T (no frame to it). */
  detached(h: HandsetEndpoint): void {
    if (h.dataSessions === undefined) return;
    for (const id of [...h.dataSessions]) {
      const s = this.sessions.get(id);
      if (s !== undefined) this.finish(s, undefined, "aborted", 0, "FINAL", 4);
    }
  }

  /** A RAR for a Gy session: true if it is one of ours (CCR-U FORCED_REAUTHORISATION follows). */
  reauthorise(gySessionId: string): boolean {
    const s = this.byGySession.get(gySessionId);
    if (s === undefined) return false;
    if (s.inFlight === undefined) this.update(s, 0, "FORCED_REAUTHORISATION", true);
    return true;
  }

  /** An ASR: the session ends (CCR-T with DIAMETER_ADMINISTRATIVE, RFC 6733 §8.15). */
  abort(gySessionId: string): boolean {
    const s = this.byGySession.get(gySessionId);
    if (s === undefined) return false;
    this.finish(s, 0, "aborted", 0, "FINAL", 4);
    return true;
  }

  // ------------------------------------------------------------------ internals

  private owned(h: HandsetEndpoint, correlation: number, sessionId: number): DataSession | undefined {
    const s = this.sessions.get(sessionId);
    if (s === undefined || s.h !== h || s.ended) {
      h.send(correlation, { type: "refused", cause: "not-allowed", detail: `no data session ${sessionId}` });
      return undefined;
    }
    return s;
  }

  private count(s: DataSession, octets: number): void {
    s.unreported += octets;
    if (s.inFlight !== undefined) s.usedInFlight += octets;
    else s.usedInGrant += octets;
  }

  /** CCR-U with the usage so far; `request`: ask for more units (no RSU after final units). */
  private update(s: DataSession, correlation: number, reason: ReportingReason, request: boolean): void {
    const session = s.session;
    if (session === undefined || session.state !== "open") {
      s.h.send(correlation, this.grantMessage(s));
      return;
    }
    this.counters.updates++;
    this.cancelValidity(s);
    const used = s.unreported;
    s.unreported = 0;
    s.usedInFlight = 0;
    const mscc: MsccRequest = {
      ratingGroup: this.ratingGroup,
      ...(request ? { requested: {} } : {}),
      used: [{ totalOctets: used, reportingReason: reason }],
    };
    s.inFlight = session
      .update([mscc])
      .then((outcome) => {
        s.inFlight = undefined;
        if (s.ended) return;
        const g = grantOf(outcome, this.ratingGroup, "octets");
        if (!request && g.kind === "granted") {
          // Final units used under REDIRECT / RESTRICT_ACCESS: restricted until re-authorised.
          s.restricted = true;
          s.usedInGrant = s.usedInFlight;
          this.answer(s, correlation);
          return;
        }
        this.applyOutcome(s, g, correlation, false);
      })
      .catch((e: unknown) => this.crash(s, correlation, e));
  }

  private applyOutcome(s: DataSession, g: GrantOutcome, correlation: number, initial: boolean): void {
    if (s.ended) return;
    switch (g.kind) {
      case "granted":
        s.grant = g;
        s.restricted = false;
        s.usedInGrant = initial ? s.usedInGrant : s.usedInFlight;
        if (g.maxBandwidth !== undefined) this.counters.throttledGrants++;
        this.armValidity(s, g);
        this.answer(s, correlation);
        return;
      case "uncontrolled":
        s.controlled = false;
        s.grant = undefined;
        this.answer(s, correlation);
        return;
      case "refused":
        this.finish(
          s,
          correlation,
          initial
            ? "refused"
            : g.resultCode === ResultCode.CREDIT_LIMIT_REACHED
              ? "credit-exhausted"
              : "refused",
          g.resultCode,
          "FINAL",
        );
        return;
      case "failed":
        this.finish(s, correlation, "ocs-failure", 0, "FINAL");
        return;
    }
  }

  /** Sends the grant to the request's correlation and to every report that waited for it. */
  private answer(s: DataSession, correlation: number): void {
    const message = this.grantMessage(s);
    s.h.send(correlation, message);
    for (const c of s.waiting.splice(0)) if (c !== correlation) s.h.send(c, message);
  }

  private armValidity(s: DataSession, g: Grant): void {
    this.cancelValidity(s);
    if (g.validityTime === undefined) return;
    s.validity = this.ctx.clock.setTimer(g.validityTime * 1000, () => {
      s.validity = undefined;
      if (!s.ended && s.inFlight === undefined && !s.restricted) this.update(s, 0, "VALIDITY_TIME", true);
    });
  }

  private cancelValidity(s: DataSession): void {
    s.validity?.cancel();
    s.validity = undefined;
  }

  /** CCR-T (when the Gy session is open) and data-ended to `correlation` (undefined: no frame). */
  private finish(
    s: DataSession,
    correlation: number | undefined,
    reason: DataEndReason,
    resultCode: number,
    reportingReason: ReportingReason,
    terminationCause = 1,
  ): void {
    if (s.ended) return;
    s.ended = true;
    this.cancelValidity(s);
    this.sessions.delete(s.id);
    s.h.dataSessions?.delete(s.id);
    this.counters.ended++;
    const waiting = s.waiting.splice(0);
    const tell = (): void => {
      if (correlation === undefined) return;
      s.h.send(correlation, { type: "data-ended", sessionId: s.id, reason, resultCode });
      for (const c of waiting)
        if (c !== correlation) s.h.send(c, { type: "data-ended", sessionId: s.id, reason, resultCode });
    };
    const session = s.session;
    if (session === undefined) {
      tell();
      return;
    }
    const terminate = async (): Promise<void> => {
      if (s.inFlight !== undefined) await s.inFlight;
      if (session.state === "open") {
        const outcome = await session.terminate(
          [
            {
              ratingGroup: this.ratingGroup,
              used: [{ totalOctets: s.unreported, reportingReason: reportingReason }],
            },
          ],
          terminationCause,
        );
        s.unreported = 0;
        if (outcome.kind === "failed") this.ctx.logger.warn(`CCR-T ${session.sessionId}: ${outcome.reason}`);
      }
    };
    terminate()
      .catch((e: unknown) => this.ctx.logger.warn(`CCR-T ${session.sessionId}: ${String(e)}`))
      .finally(() => {
        this.byGySession.delete(session.sessionId);
        tell();
      });
  }

  private crash(s: DataSession, correlation: number, e: unknown): void {
    s.inFlight = undefined;
    this.ctx.logger.error(`data session ${s.id}: ${e instanceof Error ? e.message : String(e)}`);
    this.finish(s, correlation, "ocs-failure", 0, "FINAL");
  }

  private grantMessage(s: DataSession): DataGrant {
    const g = s.grant;
    if (!s.controlled || g === undefined) {
      return {
        type: "data-grant",
        sessionId: s.id,
        octets: this.options.uncontrolledOctets ?? Number.MAX_SAFE_INTEGER,
        validityTime: 0,
        thresholdOctets: 0,
        restricted: false,
        throttleKbps: 0,
      };
    }
    const left = s.restricted ? 0 : Math.max(0, g.units - s.usedInGrant);
    return {
      type: "data-grant",
      sessionId: s.id,
      octets: left,
      validityTime: g.validityTime ?? 0,
      thresholdOctets: g.finalUnitAction === undefined ? Math.min(g.threshold, left) : 0,
      ...(g.finalUnitAction !== undefined ? { finalUnitAction: FUA[g.finalUnitAction] } : {}),
      ...(g.redirectUrl !== undefined ? { redirectUrl: g.redirectUrl } : {}),
      restricted: s.restricted,
      throttleKbps: g.maxBandwidth !== undefined ? Math.round(g.maxBandwidth / 1000) : 0,
    };
  }

  private allocateId(): number {
    const id = this.nextId;
    this.nextId = this.nextId >= 0xffffffff ? 1 : this.nextId + 1;
    return id;
  }
}
