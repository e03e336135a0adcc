/**
 * Counters and the stats shape the SMSC exposes as plain data (the admin API and /metrics read
 * them; this module has no HTTP and no prom-client).
 */
import type { BindMode } from "../smpp/pdu-types.js";
import type { OutboxLaneStats } from "./esme-outbox.js";
import type { RefusalReason } from "./smsc-status.js";

/** Counters of one bind, kept by its session and the submit service. */
export interface BindCounters {
  /** submit_sm / data_sm / submit_multi received (after the bind state check). */
  submitted: number;
  /** Messages accepted (submit_multi counts each destination). */
  accepted: number;
  /** Submits refused, by reason. */
  readonly refused: Partial<Record<RefusalReason, number>>;
  /** Answers replaced by an injection rule (status, drop, reset). */
  injected: number;
  /** deliver_sm (messages and receipts) this bind acknowledged. */
  delivered: number;
  /** Requests that were not submits: query_sm, cancel_sm, replace_sm. */
  otherRequests: number;
}

export function newBindCounters(): BindCounters {
  return { submitted: 0, accepted: 0, refused: {}, injected: 0, delivered: 0, otherRequests: 0 };
}

export function countRefusal(c: BindCounters | SmscCounters, reason: RefusalReason): void {
  c.refused[reason] = (c.refused[reason] ?? 0) + 1;
}

export interface BindStats {
  /** A number for this bind, unique while the SMSC runs. */
  id: number;
  systemId: string;
  mode: BindMode;
  remote: string;
  boundAt: number;
  /** Submits accepted in the last full second of the clock. */
  tps: number;
  tpsLimit: number;
  window: { size: number; inUse: number };
  /** deliver_sm awaiting a response on this bind. */
  outboundInFlight: number;
  throttled: { tps: number; window: number; dailyQuota: number; queueFull: number };
  submitted: number;
  accepted: number;
  refused: Partial<Record<RefusalReason, number>>;
  injected: number;
  delivered: number;
}

export interface AccountStats {
  systemId: string;
  binds: number;
  maxBinds: number;
  dailyQuota: number;
  usedToday: number;
}

/** SMSC-wide counters. */
export interface SmscCounters {
  submitted: number;
  accepted: number;
  readonly refused: Partial<Record<RefusalReason, number>>;
  /** Messages accepted from handsets. */
  mobileOriginated: number;
  charged: number;
  chargeRefused: number;
  chargeUnavailable: number;
  bindsRefused: number;
  malformedPdus: number;
}

export function newSmscCounters(): SmscCounters {
  return {
    submitted: 0,
    accepted: 0,
    refused: {},
    mobileOriginated: 0,
    charged: 0,
    chargeRefused: 0,
    chargeUnavailable: 0,
    bindsRefused: 0,
    malformedPdus: 0,
  };
}

export interface SmscStats {
  binds: BindStats[];
  accounts: AccountStats[];
  queues: {
    /** Messages with a delivery not final yet. */
    pendingMessages: number;
    /** Messages held, pending and final (queryable). */
    storedMessages: number;
    /** Pending deliveries by phase. */
    scheduled: number;
    attempting: number;
    retrying: number;
    inOutbox: number;
    /** Charging requests awaiting the OCS. */
    chargingInFlight: number;
    /** deliver_sm waiting per system_id. */
    outbox: OutboxLaneStats[];
  };
  /** Receipts queued for ESMEs, by `stat:` (DELIVRD, UNDELIV, …). */
  receipts: Record<string, number>;
  receiptsDropped: number;
  /** Final states reached, by `stat:` name. */
  finalStates: Record<string, number>;
  totals: SmscCounters;
}

/** Submits per second over whole seconds of the clock (the last full second is reported). */
export class RateMeter {
  private second = -1;
  private current = 0;
  private previous = 0;

  hit(now: number): void {
    const s = Math.floor(now / 1000);
    if (s !== this.second) this.roll(s);
    this.current++;
  }

  rate(now: number): number {
    const s = Math.floor(now / 1000);
    if (s !== this.second) this.roll(s);
    return this.previous;
  }

  private roll(s: number): void {
    this.previous = s === this.second + 1 ? this.current : 0;
    this.second = s;
    this.current = 0;
  }
}
