/**
 * What the admin API shows of the SMSC: its plain-data stats (core/smsc/smsc-stats.ts) as a stable
 * JSON shape. Times are ISO 8601; counters by refusal reason and by receipt `stat:` list every
 * known key (0 when nothing happened), so a client and a dashboard always see the same fields.
 */
import { commandStatusName } from "../smpp/command-status.js";
import { RECEIPT_STAT, STATE_CODE } from "../smsc/delivery-outcomes.js";
import type { InjectionAction, InjectionRule } from "../smsc/injection-rules.js";
import { FINAL_STATES } from "../smsc/smsc-config.js";
import type { AccountStats, BindStats, SmscCounters, SmscStats } from "../smsc/smsc-stats.js";
import { REFUSAL_STATUS, type RefusalReason } from "../smsc/smsc-status.js";
import { iso } from "./views.js";

/** Every reason the SMSC refuses a submit for (smsc-status.ts). */
export const REFUSAL_REASONS = Object.keys(REFUSAL_STATUS) as RefusalReason[];

/** The receipt `stat:` of every final state: DELIVRD, EXPIRED, DELETED, UNDELIV, ACCEPTD, … */
export const FINAL_STATS: readonly string[] = FINAL_STATES.map((s) => RECEIPT_STAT[STATE_CODE[s]] ?? s);

/** Throttling reasons as the bind stats name them (a subset of the refusal reasons). */
export const THROTTLE_REASONS = ["tps", "window", "dailyQuota", "queueFull"] as const;

/** Every refusal reason with its count, 0 for those that did not happen. */
export function refusedView(refused: Partial<Record<RefusalReason, number>>): Record<RefusalReason, number> {
  return Object.fromEntries(REFUSAL_REASONS.map((r) => [r, refused[r] ?? 0])) as Record<
    RefusalReason,
    number
  >;
}

/** Counts by `stat:`, the known ones first (0 when none), then any others the SMSC reported. */
export function byStatView(counts: Readonly<Record<string, number>>): Record<string, number> {
  const view: Record<string, number> = {};
  for (const stat of FINAL_STATS) view[stat] = counts[stat] ?? 0;
  for (const [stat, n] of Object.entries(counts)) if (!(stat in view)) view[stat] = n;
  return view;
}

export function bindView(b: BindStats) {
  return {
    id: b.id,
    systemId: b.systemId,
    mode: b.mode,
    remote: b.remote,
    boundAt: iso(b.boundAt),
    tps: b.tps,
    tpsLimit: b.tpsLimit,
    window: { size: b.window.size, inUse: b.window.inUse },
    outboundInFlight: b.outboundInFlight,
    throttled: { ...b.throttled },
    submitted: b.submitted,
    accepted: b.accepted,
    refused: refusedView(b.refused),
    injected: b.injected,
    delivered: b.delivered,
  };
}

export function accountStatsView(a: AccountStats) {
  return {
    systemId: a.systemId,
    binds: a.binds,
    maxBinds: a.maxBinds,
    dailyQuota: a.dailyQuota,
    usedToday: a.usedToday,
  };
}

export function queuesView(q: SmscStats["queues"]) {
  return {
    pendingMessages: q.pendingMessages,
    storedMessages: q.storedMessages,
    scheduled: q.scheduled,
    attempting: q.attempting,
    retrying: q.retrying,
    inOutbox: q.inOutbox,
    chargingInFlight: q.chargingInFlight,
    outbox: q.outbox.map((l) => ({
      systemId: l.systemId,
      queued: l.queued,
      delayed: l.delayed,
      inFlight: l.inFlight,
      binds: l.binds,
      delivered: l.delivered,
      retried: l.retried,
      failed: l.failed,
      dropped: l.dropped,
    })),
  };
}

export function totalsView(t: SmscCounters) {
  return {
    submitted: t.submitted,
    accepted: t.accepted,
    refused: refusedView(t.refused),
    mobileOriginated: t.mobileOriginated,
    charged: t.charged,
    chargeRefused: t.chargeRefused,
    chargeUnavailable: t.chargeUnavailable,
    bindsRefused: t.bindsRefused,
    malformedPdus: t.malformedPdus,
  };
}

export function smscStatsView(s: SmscStats) {
  return {
    binds: s.binds.map(bindView),
    accounts: s.accounts.map(accountStatsView),
    queues: queuesView(s.queues),
    receipts: byStatView(s.receipts),
    receiptsDropped: s.receiptsDropped,
    finalStates: byStatView(s.finalStates),
    totals: totalsView(s.totals),
  };
}

/** A command_status by name ("ESME_RTHROTTLED"; hex for codes without one), as a rule accepts it. */
function actionView(a: InjectionAction) {
  switch (a.kind) {
    case "status":
      return { kind: a.kind, status: commandStatusName(a.status) };
    case "delay":
      return {
        kind: a.kind,
        ms: a.ms,
        ...(a.status !== undefined ? { status: commandStatusName(a.status) } : {}),
      };
    case "drop":
    case "reset":
      return { kind: a.kind };
  }
}

export function injectionRuleView(r: InjectionRule) {
  return {
    id: r.id,
    name: r.name ?? null,
    match: { ...r.match },
    action: actionView(r.action),
    times: r.times ?? null,
    hits: r.hits,
  };
}
