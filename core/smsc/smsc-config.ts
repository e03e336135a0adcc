/**
 * The SMSC's configuration as code uses it: ESME accounts, the delivery-outcome mode, routes,
 * validity, retries and limits. Times are milliseconds here; the config file gives seconds and
 * hours (smsc-config-file.ts turns one into the other). `smscConfig()` fills in every default, so
 * a test names only what it cares about.
 */
import type { BindMode } from "../smpp/pdu-types.js";

/** How message ids are written in submit_sm_resp, receipts and receipted_message_id. */
export type MessageIdFormat = "hex" | "decimal";

/** The final message states (SMPP 3.4 §5.2.28) an outcome can name. */
export type FinalState =
  "DELIVERED" | "EXPIRED" | "DELETED" | "UNDELIVERABLE" | "ACCEPTED" | "UNKNOWN" | "REJECTED";

export const FINAL_STATES: readonly FinalState[] = [
  "DELIVERED",
  "EXPIRED",
  "DELETED",
  "UNDELIVERABLE",
  "ACCEPTED",
  "UNKNOWN",
  "REJECTED",
];

export interface EsmeAccount {
  readonly systemId: string;
  readonly password: string;
  /** Bind modes this account may use. */
  readonly bindModes: readonly BindMode[];
  /** Binds of this system_id at once; one more gets ESME_RBINDFAIL. */
  readonly maxBinds: number;
  /** submit_sm / submit_multi / data_sm per second and bind (token bucket); 0 = no limit. */
  readonly tps: number;
  /** Token bucket size: how many may arrive at once after a quiet spell. Default = tps. */
  readonly burst: number;
  /** Requests received on a bind and not answered yet; one more gets ESME_RMSGQFUL. */
  readonly window: number;
  /** Message segments accepted per day for the whole account; 0 = no limit. */
  readonly dailyQuota: number;
  /** When set, every message this ESME submits is charged to this MSISDN's OCS account. */
  readonly chargingMsisdn?: string;
  readonly messageIdFormat: MessageIdFormat;
}

/**
 * What becomes of a message sent to a handset:
 * - reality: the handset decides (attached or not, delivered, its memory full); retries until
 *   the validity period ends;
 * - deterministic: the destination's last digit picks the final state (DETERMINISTIC_TABLE in
 *   delivery-outcomes.ts: 1 EXPIRED, 2 DELETED, 3 UNDELIVERABLE, 4 ACCEPTED, 5 REJECTED,
 *   6 UNKNOWN, anything else DELIVERED);
 * - percentage: a seeded draw over the given weights (percent, summing to 100).
 * In the last two modes the final state comes `delayMs` after the delivery was due.
 */
export type OutcomeConfig =
  | { readonly mode: "reality" }
  | { readonly mode: "deterministic"; readonly delayMs: number }
  | {
      readonly mode: "percentage";
      readonly weights: readonly { readonly state: FinalState; readonly percent: number }[];
      readonly delayMs: number;
    };

/** A short number (or any prefix) whose messages go to an ESME as deliver_sm. */
export interface EsmeRoute {
  readonly prefix: string;
  readonly systemId: string;
}

export interface SmscRoutes {
  /**
   * Destinations that are handsets, by prefix (digits, no "+"). Empty: every destination made of
   * digits that no ESME route takes.
   */
  readonly handsetPrefixes: readonly string[];
  /** Longest prefix wins; checked before the handset prefixes. */
  readonly esme: readonly EsmeRoute[];
}

export interface RetryConfig {
  /** Waits between delivery attempts to an absent handset or a full memory; the last repeats. */
  readonly handsetDelaysMs: readonly number[];
  /** Attempts before a handset message becomes UNDELIVERABLE; 0 = until it expires. */
  readonly handsetMaxAttempts: number;
  /** Waits between deliver_sm attempts that an ESME refused or let time out; the last repeats. */
  readonly esmeDelaysMs: readonly number[];
  /** deliver_sm attempts (messages and receipts) before giving up. */
  readonly esmeMaxAttempts: number;
  /** How long to wait for a deliver_sm_resp. */
  readonly esmeResponseTimeoutMs: number;
}

export interface SmscLimits {
  /** Messages not yet final; beyond it submits get ESME_RMSGQFUL. */
  readonly maxPendingMessages: number;
  /** How long a final message stays queryable. */
  readonly finalRetentionMs: number;
  /** The most final messages kept for query_sm; the oldest go first. */
  readonly maxFinalMessages: number;
  /** deliver_sm per bind awaiting a response. */
  readonly outboundWindow: number;
  /** deliver_sm (MO and receipts) waiting per system_id while nothing can take them. */
  readonly outboxMaxQueued: number;
  /** Unsent response octets on a connection above which reading from it pauses. */
  readonly writeHighWaterBytes: number;
}

export interface SmscConfig {
  /** system_id in bind responses. */
  readonly systemId: string;
  readonly accounts: readonly EsmeAccount[];
  readonly outcome: OutcomeConfig;
  readonly routes: SmscRoutes;
  /** Validity when the submit gives none, and the longest accepted. */
  readonly defaultValidityMs: number;
  readonly maxValidityMs: number;
  readonly retry: RetryConfig;
  readonly limits: SmscLimits;
  /** Receipt dates and the daily quota's midnight are in UTC plus this offset. */
  readonly utcOffsetMinutes: number;
  /** Message id format for messages from handsets. */
  readonly handsetMessageIdFormat: MessageIdFormat;
}

/** The documented demo account a fresh core offers: system_id `demo`, password `demopass`. */
export const DEMO_ACCOUNT: EsmeAccount = {
  systemId: "demo",
  password: "demopass",
  bindModes: ["transmitter", "receiver", "transceiver"],
  maxBinds: 4,
  tps: 100,
  burst: 100,
  window: 100,
  dailyQuota: 0,
  messageIdFormat: "hex",
};

export const DEFAULT_PORT = 2775;

const HOUR = 3_600_000;

export const DEFAULT_RETRY: RetryConfig = {
  handsetDelaysMs: [60_000, 300_000, 900_000, HOUR],
  handsetMaxAttempts: 0,
  esmeDelaysMs: [5_000, 30_000, 60_000],
  esmeMaxAttempts: 10,
  esmeResponseTimeoutMs: 10_000,
};

export const DEFAULT_LIMITS: SmscLimits = {
  maxPendingMessages: 500_000,
  finalRetentionMs: 600_000,
  maxFinalMessages: 200_000,
  outboundWindow: 100,
  outboxMaxQueued: 100_000,
  writeHighWaterBytes: 1 << 20,
};

export const DEFAULT_SMSC_CONFIG: SmscConfig = {
  systemId: "TELSIM",
  accounts: [DEMO_ACCOUNT],
  outcome: { mode: "reality" },
  routes: { handsetPrefixes: [], esme: [] },
  defaultValidityMs: 24 * HOUR,
  maxValidityMs: 7 * 24 * HOUR,
  retry: DEFAULT_RETRY,
  limits: DEFAULT_LIMITS,
  utcOffsetMinutes: 0,
  handsetMessageIdFormat: "hex",
};

/** An account with defaults for everything but system_id and password. */
export function esmeAccount(
  fields: Pick<EsmeAccount, "systemId" | "password"> & Partial<EsmeAccount>,
): EsmeAccount {
  const tps = fields.tps ?? 0;
  return {
    bindModes: ["transmitter", "receiver", "transceiver"],
    maxBinds: 4,
    window: 100,
    dailyQuota: 0,
    messageIdFormat: "hex",
    ...fields,
    tps,
    burst: fields.burst ?? Math.max(1, tps),
  };
}

export interface SmscConfigInput extends Partial<Omit<SmscConfig, "retry" | "limits" | "routes">> {
  readonly retry?: Partial<RetryConfig>;
  readonly limits?: Partial<SmscLimits>;
  readonly routes?: Partial<SmscRoutes>;
}

/** A complete configuration from the given fields and the defaults. */
export function smscConfig(input: SmscConfigInput = {}): SmscConfig {
  return {
    ...DEFAULT_SMSC_CONFIG,
    ...input,
    routes: { ...DEFAULT_SMSC_CONFIG.routes, ...input.routes },
    retry: { ...DEFAULT_RETRY, ...input.retry },
    limits: { ...DEFAULT_LIMITS, ...input.limits },
  };
}
