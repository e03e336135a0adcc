/**
 * The Gy application of the OCS: a thin adapter from CCRs to the charging engine and back to
 * CCAs. Per MSCC: commit the Used-Service-Unit, then grant for the Requested-Service-Unit; each
 * rating group gets its own grant and Result-Code (RFC 4006 §5.1.2, TS 32.299 §5.2.2). The answer
 * is sent only after the changes are durable.
 */
import {
  commitUsage,
  findReservation,
  type GrantOutcome,
  openReservation,
  releaseHeld,
  removeReservation,
  reserve,
  type UsageRequest,
} from "../charging/credit-control.js";
import { classifyDestination } from "../charging/destination.js";
import type { ChargingEngine } from "../charging/engine.js";
import { msUntilWindowEnd } from "../charging/local-time.js";
import type {
  Account,
  ChargingRecord,
  DestinationClass,
  Plan,
  Reservation,
  ServiceKind,
} from "../charging/model.js";
import { priceOf, rateFor } from "../charging/pricing.js";
import { DiameterProtocolError } from "../diameter/errors.js";
import { buildCca } from "../diameter/gy/gy-build.js";
import { CURRENCY_BYN } from "../diameter/gy/gy-enums.js";
import { parseCcr } from "../diameter/gy/gy-parse.js";
import type {
  CreditControlAnswer,
  CreditControlRequest,
  MsccAnswer,
  MsccRequest,
  Mutable,
  ServiceUnits,
} from "../diameter/gy/gy-types.js";
import type { DiameterMessage } from "../diameter/message.js";
import { ResultCode } from "../diameter/result-codes.js";

export interface GyOcsOptions {
  readonly originHost: string;
  readonly originRealm: string;
  /** Rating-Group → service (default 1 data, 2 voice, 3 SMS, 4 MMS). */
  readonly ratingGroups?: Readonly<Record<number, ServiceKind>>;
  /** Validity-Time on grants, seconds (default 600). */
  readonly validityTimeS?: number;
  /** Quota thresholds as a percentage of the grant (default 20). */
  readonly thresholdPercent?: number;
  /** Final-Unit-Action REDIRECT target. */
  readonly redirectUrl?: string;
  /** Final-Unit-Action RESTRICT_ACCESS: Filter-Id and the rule letting top-up traffic through. */
  readonly restrictFilterId?: string;
  readonly restrictionRule?: string;
}

export const DEFAULT_RATING_GROUPS: Readonly<Record<number, ServiceKind>> = {
  1: "data",
  2: "voice",
  3: "sms",
  4: "mms",
};

interface MsccContext {
  readonly account: Account;
  readonly plan: Plan;
  readonly ccr: CreditControlRequest;
  readonly records: ChargingRecord[];
  readonly now: number;
}

export class GyOcs {
  private readonly ratingGroups: Readonly<Record<number, ServiceKind>>;

  constructor(
    private readonly engine: ChargingEngine,
    private readonly options: GyOcsOptions,
  ) {
    this.ratingGroups = options.ratingGroups ?? DEFAULT_RATING_GROUPS;
  }

  get identity(): { originHost: string; originRealm: string } {
    return { originHost: this.options.originHost, originRealm: this.options.originRealm };
  }

  /** The DiameterServer request handler. */
  readonly handle = (message: DiameterMessage): DiameterMessage | Promise<DiameterMessage> => {
    const ccr = parseCcr(message);
    if (ccr instanceof DiameterProtocolError) throw ccr;
    const answer = this.answer(ccr);
    if (answer.persist === undefined) return buildCca(message, answer.cca);
    return answer.persist.then(() => buildCca(message, answer.cca));
  };

  /**
   * Answers a typed CCR without Diameter framing, for a client in the same process (the SMSC of
   * `telsim core`): the same rules and records as `handle`, resolved once the charge is persisted.
   */
  answerRequest(ccr: CreditControlRequest): Promise<CreditControlAnswer> {
    const answer = this.answer(ccr);
    if (answer.persist === undefined) return Promise.resolve(answer.cca);
    return answer.persist.then(() => answer.cca);
  }

  private answer(ccr: CreditControlRequest): { cca: CreditControlAnswer; persist?: Promise<void> } {
    const cca: Mutable<CreditControlAnswer> = {
      sessionId: ccr.sessionId,
      resultCode: ResultCode.SUCCESS,
      originHost: this.options.originHost,
      originRealm: this.options.originRealm,
      requestType: ccr.requestType,
      requestNumber: ccr.requestNumber,
      mscc: [],
    };
    const account = this.findAccount(ccr);
    if (account === undefined) {
      cca.resultCode = ResultCode.USER_UNKNOWN;
      cca.errorMessage = "unknown subscriber";
      return { cca };
    }
    if (
      (ccr.requestType === "UPDATE" || ccr.requestType === "TERMINATION") &&
      this.engine.bySessionOf(ccr.sessionId) !== account
    ) {
      cca.resultCode = ResultCode.UNKNOWN_SESSION_ID;
      return { cca };
    }
    const plan = this.engine.planOf(account);
    const ctx: MsccContext = { account, plan, ccr, records: [], now: this.engine.clock.now() };
    let mscc: MsccAnswer[];
    switch (ccr.requestType) {
      case "INITIAL":
      case "UPDATE":
        mscc = ccr.mscc.map((m) => this.sessionMscc(ctx, m));
        if (account.reservations.some((r) => r.sessionId === ccr.sessionId)) {
          this.engine.trackSession(ccr.sessionId, account);
        }
        // Tcc supervises the session (RFC 4006 §13): any request restarts it for every rating group.
        for (const r of account.reservations) {
          if (r.sessionId === ccr.sessionId) r.expiresAt = ctx.now + this.engine.config.tccMs;
        }
        break;
      case "TERMINATION":
        mscc = ccr.mscc.map((m) => this.sessionMscc(ctx, m));
        this.endSession(ctx);
        break;
      case "EVENT":
        mscc = this.event(ctx, cca);
        break;
    }
    cca.mscc = mscc;
    cca.resultCode = commandResult(ccr, mscc);
    return { cca, persist: this.engine.persist([account], ctx.records) };
  }

  private findAccount(ccr: CreditControlRequest): Account | undefined {
    for (const s of ccr.subscriptionIds) {
      const a =
        s.type === "E164"
          ? this.engine.byMsisdnOf(s.data)
          : s.type === "IMSI"
            ? this.engine.byImsiOf(s.data)
            : undefined;
      if (a !== undefined) return a;
    }
    return this.engine.bySessionOf(ccr.sessionId);
  }

  private destinationOf(ctx: MsccContext, kind: ServiceKind): DestinationClass | undefined {
    if (kind === "data") return undefined;
    const called = kind === "voice" ? ctx.ccr.calledParty : ctx.ccr.sms?.recipient;
    if (called === undefined) return undefined;
    return classifyDestination(ctx.account, called, { accountOf: (n) => this.engine.byMsisdnOf(n) });
  }

  /** CCR-I / CCR-U / CCR-T for one MSCC: commit what was used, then grant what is asked. */
  private sessionMscc(ctx: MsccContext, m: MsccRequest): MsccAnswer {
    const rg = m.ratingGroup ?? 0;
    const kind = this.ratingGroups[rg];
    if (kind === undefined) return msccResult(rg, m, ResultCode.RATING_FAILED);
    let existing = findReservation(ctx.account, ctx.ccr.sessionId, rg);
    let used = 0;
    if (m.used !== undefined) for (const u of m.used) used += unitsOf(kind, u);
    if (existing === undefined && used > 0) {
      // Usage of a rating group this session holds no reservation for (never granted, or refused
      // since): still charged, on a reservation opened for it (RFC 4006 §5.1.2 reports usage per MSCC).
      existing = openReservation(ctx.account, this.usageRequest(ctx, rg, kind, 0), this.engine.config.tccMs);
    }
    if (existing !== undefined) commitUsage(ctx.account, ctx.plan, existing, used, ctx.now);
    if (ctx.ccr.requestType === "TERMINATION" || m.requested === undefined) {
      if (existing !== undefined) releaseHeld(existing);
      return msccResult(rg, m, ResultCode.SUCCESS);
    }
    const request = this.usageRequest(ctx, rg, kind, unitsOf(kind, m.requested), existing?.destination);
    const answer = this.grantAnswer(ctx, kind, reserve(ctx.account, ctx.plan, request, this.engine.config));
    answer.ratingGroup = rg;
    if (m.serviceIdentifier !== undefined) answer.serviceIdentifier = m.serviceIdentifier;
    return answer;
  }

  private usageRequest(
    ctx: MsccContext,
    ratingGroup: number,
    kind: ServiceKind,
    requested: number,
    destination?: DestinationClass,
  ): UsageRequest {
    return {
      sessionId: ctx.ccr.sessionId,
      ratingGroup,
      kind,
      destination: destination ?? this.destinationOf(ctx, kind),
      requested,
      originHost: ctx.ccr.originHost,
      msisdn: ctx.account.subscribers[0]?.msisdn ?? "",
      now: ctx.now,
    };
  }

  private grantAnswer(ctx: MsccContext, kind: ServiceKind, outcome: GrantOutcome): Mutable<MsccAnswer> {
    if (outcome.kind === "refused") return { resultCode: outcome.resultCode };
    const granted = unitsAs(kind, outcome.units);
    const percent = this.options.thresholdPercent ?? 20;
    const threshold = Math.floor((outcome.units * percent) / 100);
    let validity = this.options.validityTimeS ?? 600;
    for (const id of Object.keys(outcome.reservation.heldBuckets)) {
      const b = ctx.account.buckets.find((x) => x.id === id);
      if (b?.window !== undefined) validity = Math.min(validity, Math.ceil(msUntilWindowEnd(ctx.now) / 1000));
    }
    const answer: Mutable<MsccAnswer> = {
      resultCode: ResultCode.SUCCESS,
      granted,
      validityTime: validity,
    };
    if (threshold > 0) {
      if (kind === "data") answer.volumeQuotaThreshold = threshold;
      else if (kind === "voice") answer.timeQuotaThreshold = threshold;
      else answer.unitQuotaThreshold = threshold;
    }
    if (outcome.throttled && ctx.plan.throttleKbps !== undefined) {
      answer.maxBandwidthDl = ctx.plan.throttleKbps * 1000;
      answer.maxBandwidthUl = ctx.plan.throttleKbps * 1000;
    }
    if (outcome.final) {
      const action = ctx.plan.finalUnitAction;
      answer.finalUnitIndication =
        action === "REDIRECT"
          ? { action, redirectUrl: this.options.redirectUrl ?? "http://127.0.0.1:8080/topup" }
          : action === "RESTRICT_ACCESS"
            ? {
                action,
                filterIds: [this.options.restrictFilterId ?? "topup-only"],
                restrictionFilterRules: [
                  this.options.restrictionRule ?? "permit out ip from any to 127.0.0.1 8080",
                ],
              }
            : { action };
    }
    return answer;
  }

  /** CCR-T: every rating group of the session ends with a record. */
  private endSession(ctx: MsccContext): void {
    for (const r of [...ctx.account.reservations]) {
      if (r.sessionId !== ctx.ccr.sessionId) continue;
      ctx.records.push(this.recordOf(ctx.account, r, ctx.now));
      removeReservation(ctx.account, r);
    }
    this.engine.untrackSession(ctx.ccr.sessionId);
  }

  recordOf(account: Account, r: Reservation, now: number): ChargingRecord {
    return {
      id: this.engine.nextRecordId(`${r.kind}`),
      accountId: account.id,
      msisdn: r.msisdn,
      sessionId: r.sessionId,
      kind: r.kind,
      ratingGroup: r.ratingGroup,
      destination: r.destination,
      startedAt: r.startedAt,
      endedAt: now,
      units: r.usedUnits,
      charge: r.charged,
      fromBuckets: { ...r.usedFromBuckets },
      balanceAfter: account.balance,
      throttled: r.usedThrottledUnits > 0,
    };
  }

  /** CCR-EVENT (RFC 4006 §6.3-§6.5): direct debiting, refund, balance check, price enquiry. */
  private event(ctx: MsccContext, cca: Mutable<CreditControlAnswer>): MsccAnswer[] {
    const action = ctx.ccr.requestedAction ?? "DIRECT_DEBITING";
    const mscc: MsccAnswer[] = [];
    let cost = 0;
    let enough = true;
    for (const m of ctx.ccr.mscc) {
      const rg = m.ratingGroup ?? 0;
      const kind = this.ratingGroups[rg];
      if (kind === undefined) {
        mscc.push({ ratingGroup: rg, resultCode: ResultCode.RATING_FAILED });
        enough = false;
        continue;
      }
      const units = m.requested !== undefined ? unitsOf(kind, m.requested) : 0;
      const wanted = units > 0 ? units : this.engine.config.defaultQuota[kind];
      const destination = this.destinationOf(ctx, kind);
      const price = priceOf(kind, rateFor(ctx.plan, kind, destination), wanted);
      if (action === "PRICE_ENQUIRY") {
        cost += price;
        mscc.push({ ratingGroup: rg, resultCode: ResultCode.SUCCESS });
      } else if (action === "REFUND_ACCOUNT") {
        const record = this.engine.credit(ctx.account, Math.max(1, price), "refund", ctx.ccr.sessionId);
        ctx.records.push(record);
        mscc.push({ ratingGroup: rg, resultCode: ResultCode.SUCCESS });
      } else {
        const outcome = reserve(
          ctx.account,
          ctx.plan,
          {
            sessionId: ctx.ccr.sessionId,
            ratingGroup: rg,
            kind,
            destination,
            requested: wanted,
            originHost: ctx.ccr.originHost,
            msisdn: ctx.account.subscribers[0]?.msisdn ?? "",
            now: ctx.now,
          },
          this.engine.config,
        );
        const complete = outcome.kind === "granted" && outcome.units >= wanted;
        if (action === "CHECK_BALANCE") {
          if (outcome.kind === "granted") removeReservation(ctx.account, outcome.reservation);
          enough &&= complete;
          mscc.push({ ratingGroup: rg, resultCode: ResultCode.SUCCESS });
        } else if (outcome.kind === "refused" || !complete) {
          if (outcome.kind === "granted") removeReservation(ctx.account, outcome.reservation);
          mscc.push({
            ratingGroup: rg,
            resultCode: outcome.kind === "refused" ? outcome.resultCode : ResultCode.CREDIT_LIMIT_REACHED,
          });
        } else {
          const r = outcome.reservation;
          commitUsage(ctx.account, ctx.plan, r, wanted, ctx.now);
          removeReservation(ctx.account, r);
          ctx.records.push(this.recordOf(ctx.account, r, ctx.now));
          cost += r.charged;
          mscc.push({ ratingGroup: rg, resultCode: ResultCode.SUCCESS, granted: unitsAs(kind, wanted) });
        }
      }
    }
    if (action === "CHECK_BALANCE") cca.checkBalanceResult = enough ? "ENOUGH_CREDIT" : "NO_CREDIT";
    else if (action === "PRICE_ENQUIRY" || action === "DIRECT_DEBITING") {
      cca.cost = { minorUnits: cost, currencyCode: CURRENCY_BYN };
    }
    return mscc;
  }
}

/** RFC 4006: the command succeeds if any rating group did; a lone failed MSCC's code is the command's. */
function commandResult(ccr: CreditControlRequest, mscc: readonly MsccAnswer[]): number {
  if (ccr.requestType === "TERMINATION" || mscc.length === 0) return ResultCode.SUCCESS;
  if (mscc.some((m) => m.resultCode === ResultCode.SUCCESS)) return ResultCode.SUCCESS;
  return mscc[0]?.resultCode ?? ResultCode.SUCCESS;
}

function msccResult(ratingGroup: number, m: MsccRequest, resultCode: number): MsccAnswer {
  const answer: Mutable<MsccAnswer> = { ratingGroup, resultCode };
  if (m.serviceIdentifier !== undefined) answer.serviceIdentifier = m.serviceIdentifier;
  return answer;
}

function unitsOf(kind: ServiceKind, u: ServiceUnits): number {
  switch (kind) {
    case "voice":
      return u.time ?? 0;
    case "data":
      return u.totalOctets ?? (u.inputOctets ?? 0) + (u.outputOctets ?? 0);
    case "sms":
    case "mms":
      return u.serviceSpecificUnits ?? 0;
  }
}

function unitsAs(kind: ServiceKind, units: number): ServiceUnits {
  switch (kind) {
    case "voice":
      return { time: units };
    case "data":
      return { totalOctets: units };
    case "sms":
    case "mms":
      return { serviceSpecificUnits: units };
  }
}
