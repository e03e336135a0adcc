/**
 * The SMSC's and the USSD gateway's Prometheus metrics. Nothing is counted per message: every
 * value is read from `smsc.stats()` at scrape time (one snapshot per scrape, shared by all the
 * metrics below). SMSC-wide totals only grow, so they are counters; what belongs to live binds
 * (their rates, their throttled submits) goes away with the bind, so it is a gauge. Without an SMSC
 * the unlabelled metrics read 0 and the labelled ones have no series.
 */
import { Counter, Gauge, type Registry } from "prom-client";
import type { SmscStats } from "../smsc/smsc-stats.js";
import type { Smsc } from "../smsc/smsc.js";
import type { UssdCore } from "../ussd/ussd-core.js";
import { FINAL_STATS, REFUSAL_REASONS, THROTTLE_REASONS } from "./smsc-views.js";

export const SMSC_METRIC_NAMES = {
  binds: "telsim_smsc_binds",
  bindTps: "telsim_smsc_bind_tps",
  bindTpsLimit: "telsim_smsc_bind_tps_limit",
  bindWindowInUse: "telsim_smsc_bind_window_in_use",
  throttled: "telsim_smsc_throttled",
  dailyQuotaUsed: "telsim_smsc_daily_quota_used",
  submitsReceived: "telsim_smsc_submits_received_total",
  submitsAccepted: "telsim_smsc_submits_accepted_total",
  submitsRefused: "telsim_smsc_submits_refused_total",
  mobileOriginated: "telsim_smsc_mobile_originated_total",
  receipts: "telsim_smsc_receipts_total",
  receiptsDropped: "telsim_smsc_receipts_dropped_total",
  finalStates: "telsim_smsc_final_states_total",
  pendingMessages: "telsim_smsc_pending_messages",
  storedMessages: "telsim_smsc_stored_messages",
  outboxQueued: "telsim_smsc_outbox_queued",
  ussdDialogues: "telsim_ussd_dialogues",
} as const;

export interface NetworkSources {
  smsc(): Smsc | undefined;
  ussd(): UssdCore | undefined;
}

/** `smsc.stats()` once per scrape: prom-client runs every collect() in one synchronous pass. */
function snapshotOf(source: () => Smsc | undefined): () => SmscStats | undefined {
  let cached: SmscStats | undefined;
  return () => {
    if (cached !== undefined) return cached;
    const smsc = source();
    if (smsc === undefined) return undefined;
    cached = smsc.stats();
    queueMicrotask(() => {
      cached = undefined;
    });
    return cached;
  };
}

export function registerSmscMetrics(registry: Registry, sources: () => NetworkSources | undefined): void {
  const registers = [registry];
  const stats = snapshotOf(() => sources()?.smsc());
  const gauge = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    fill: (g: Gauge<L>, s: SmscStats) => void,
  ): void => {
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers,
      collect() {
        this.reset();
        const s = stats();
        if (s !== undefined) fill(this, s);
      },
    });
  };
  const counter = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    fill: (c: Counter<L>, s: SmscStats) => void,
  ): void => {
    new Counter<L>({
      name,
      help,
      labelNames,
      registers,
      collect() {
        this.reset();
        const s = stats();
        if (s !== undefined) fill(this, s);
      },
    });
  };

  gauge(SMSC_METRIC_NAMES.binds, "Live SMPP binds, by ESME system_id", ["system_id"], (g, s) => {
    for (const a of s.accounts) g.set({ system_id: a.systemId }, a.binds);
  });
  const perBind = (name: string, help: string, read: (b: SmscStats["binds"][number]) => number): void =>
    gauge(name, help, ["system_id", "bind"], (g, s) => {
      for (const b of s.binds) g.set({ system_id: b.systemId, bind: String(b.id) }, read(b));
    });
  perBind(SMSC_METRIC_NAMES.bindTps, "Submits a bind had accepted in the last full second", (b) => b.tps);
  perBind(
    SMSC_METRIC_NAMES.bindTpsLimit,
    "The submits per second a bind may send (0: no limit)",
    (b) => b.tpsLimit,
  );
  perBind(SMSC_METRIC_NAMES.bindWindowInUse, "Requests of a bind not answered yet", (b) => b.window.inUse);
  gauge(
    SMSC_METRIC_NAMES.throttled,
    "Submits the live binds of a system_id had refused for throttling, by reason (gone with the bind)",
    ["system_id", "reason"],
    (g, s) => {
      const sums = new Map<string, Record<(typeof THROTTLE_REASONS)[number], number>>();
      for (const a of s.accounts) sums.set(a.systemId, { tps: 0, window: 0, dailyQuota: 0, queueFull: 0 });
      for (const b of s.binds) {
        const sum = sums.get(b.systemId) ?? { tps: 0, window: 0, dailyQuota: 0, queueFull: 0 };
        for (const reason of THROTTLE_REASONS) sum[reason] += b.throttled[reason];
        sums.set(b.systemId, sum);
      }
      for (const [systemId, sum] of sums) {
        for (const reason of THROTTLE_REASONS) g.set({ system_id: systemId, reason }, sum[reason]);
      }
    },
  );
  gauge(
    SMSC_METRIC_NAMES.dailyQuotaUsed,
    "Segments an ESME account has sent today (its quota: smsc config dailyQuota)",
    ["system_id"],
    (g, s) => {
      for (const a of s.accounts) g.set({ system_id: a.systemId }, a.usedToday);
    },
  );
  counter(SMSC_METRIC_NAMES.submitsReceived, "Submits received from ESMEs", [], (c, s) =>
    c.inc(s.totals.submitted),
  );
  counter(
    SMSC_METRIC_NAMES.submitsAccepted,
    "Messages accepted from ESMEs and handsets (submit_multi: one per destination)",
    [],
    (c, s) => c.inc(s.totals.accepted),
  );
  counter(SMSC_METRIC_NAMES.submitsRefused, "Submits refused, by reason", ["reason"], (c, s) => {
    for (const reason of REFUSAL_REASONS) c.inc({ reason }, s.totals.refused[reason] ?? 0);
  });
  counter(SMSC_METRIC_NAMES.mobileOriginated, "SMS accepted from handsets", [], (c, s) =>
    c.inc(s.totals.mobileOriginated),
  );
  counter(SMSC_METRIC_NAMES.receipts, "Delivery receipts queued for ESMEs, by stat", ["stat"], (c, s) => {
    for (const stat of FINAL_STATS) c.inc({ stat }, s.receipts[stat] ?? 0);
  });
  counter(SMSC_METRIC_NAMES.receiptsDropped, "Receipts dropped (the ESME's queue was full)", [], (c, s) =>
    c.inc(s.receiptsDropped),
  );
  counter(
    SMSC_METRIC_NAMES.finalStates,
    "Deliveries that reached a final state, by stat",
    ["stat"],
    (c, s) => {
      for (const stat of FINAL_STATS) c.inc({ stat }, s.finalStates[stat] ?? 0);
    },
  );
  gauge(SMSC_METRIC_NAMES.pendingMessages, "Messages with a delivery not final yet", [], (g, s) =>
    g.set(s.queues.pendingMessages),
  );
  gauge(SMSC_METRIC_NAMES.storedMessages, "Messages held, pending and final (queryable)", [], (g, s) =>
    g.set(s.queues.storedMessages),
  );
  gauge(
    SMSC_METRIC_NAMES.outboxQueued,
    "deliver_sm waiting for an ESME, by system_id",
    ["system_id"],
    (g, s) => {
      for (const lane of s.queues.outbox) g.set({ system_id: lane.systemId }, lane.queued);
    },
  );
  new Gauge({
    name: SMSC_METRIC_NAMES.ussdDialogues,
    help: "USSD dialogues open now",
    registers,
    collect() {
      this.reset();
      const ussd = sources()?.ussd();
      if (ussd !== undefined) this.set(ussd.gateway.manager.size);
    },
  });
}
