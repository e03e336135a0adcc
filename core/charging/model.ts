/**
 * The charging domain's data: tariff plans (from the catalog), accounts with their balances,
 * unit buckets and reservations. Plain, JSON-serialisable objects; the store persists accounts
 * whole. Times are milliseconds since the Unix epoch on the injected clock.
 */
import type { Kopecks } from "./money.js";

/** What a call or message is rated as (the seeds' destination classes). */
export type DestinationClass =
  | "on-net" // within the A1 network
  | "on-net-3g" // within the A1 network, from the 3G network (Light, Light+)
  | "off-net" // other networks of Belarus
  | "international"
  | "favorite" // one of the subscriber's "favorite" numbers
  | "cug"; // within the closed user group (ZAG) of a corporate client

export type ServiceKind = "voice" | "sms" | "mms" | "data";

/** The unit a bucket and a grant count in. */
export type UnitKind = "seconds" | "messages" | "octets";

export const unitOf: Record<ServiceKind, UnitKind> = {
  voice: "seconds",
  sms: "messages",
  mms: "messages",
  data: "octets",
};

/** Non-stop day/night windows (seeds: day 09:30:00-00:29:59, night 00:30:00-09:29:59, local time). */
export type TimeWindow = "day" | "night";

export type FinalUnitActionName = "TERMINATE" | "REDIRECT" | "RESTRICT_ACCESS";

/** Units included in a plan's fee, granted each fee period. */
export interface Allowance {
  readonly id: string;
  readonly kind: ServiceKind;
  /** Minutes (voice), messages (sms/mms) or megabytes (data). */
  readonly amount: number;
  /** Destinations that draw on it (voice, sms, mms); absent = every destination. */
  readonly classes?: readonly DestinationClass[];
  /** Data only in this time window. */
  readonly window?: TimeWindow;
  /** Lower is used first among buckets that apply (before expiry order). Default 100. */
  readonly priority?: number;
}

export interface FeeTerms {
  readonly amount: Kopecks;
  /**
   * daily: charged every day in equal instalments of the calendar month's fee;
   * monthly: in full on the 1st of each calendar month; every-30-days: in full every 30 days.
   */
  readonly charging: "daily" | "monthly" | "every-30-days";
}

export interface Rates {
  /** Per started minute, by destination; a class missing here is charged at `off-net`. */
  readonly voicePerMinute: Readonly<Partial<Record<DestinationClass, Kopecks>>>;
  readonly smsPerMessage: Readonly<Partial<Record<DestinationClass, Kopecks>>>;
  readonly mmsPerMessage: Kopecks;
  /** Per megabyte (2^20 octets), prorated per octet and rounded up per commit. */
  readonly dataPerMegabyte: Kopecks;
}

export interface Plan {
  readonly id: string;
  readonly name: string;
  readonly line?: string;
  /** No new connections (seeds: "archived tariff plans"). */
  readonly archived: boolean;
  readonly fee: FeeTerms;
  /** The balance may go down to −creditLimit (0: prepaid, floor 0). */
  readonly creditLimit: Kopecks;
  readonly favoriteNumbers: number;
  readonly allowances: readonly Allowance[];
  readonly rates: Rates;
  /** Services the plan offers; others are refused with 4010. */
  readonly services: readonly ServiceKind[];
  /** After the data allowances are used: keep granting at this speed instead of charging money. */
  readonly throttleKbps?: number;
  /** Calls within the CUG are free and not credit-controlled (4011). */
  readonly cugUnlimited: boolean;
  /** Calls to favorite numbers are free and not credit-controlled. */
  readonly favoritesUnlimited: boolean;
  readonly finalUnitAction: FinalUnitActionName;
  readonly pauseAllowed: boolean;
}

export type AccountState = "active" | "paused" | "blocked" | "closed";

export interface Subscriber {
  readonly msisdn: string;
  readonly imsi: string;
}

/** Units of one allowance (or package) for one validity period. */
export interface Bucket {
  readonly id: string;
  /** The allowance or package it came from. */
  readonly source: string;
  readonly kind: ServiceKind;
  readonly classes?: readonly DestinationClass[];
  readonly window?: TimeWindow;
  readonly priority: number;
  /** In the unit of its kind: seconds, messages, octets. */
  readonly total: number;
  /** Not yet consumed (reservations are held separately). */
  remaining: number;
  readonly validFrom: number;
  readonly validUntil: number;
}

/**
 * One rating group of one credit-control session: what is held for the current grant and what
 * the session has used so far. Money for usage is charged on the cumulative units (per started
 * minute, per message, per megabyte prorated), so frequent updates never round up twice.
 */
export interface Reservation {
  readonly sessionId: string;
  readonly ratingGroup: number;
  readonly kind: ServiceKind;
  readonly destination: DestinationClass | undefined;
  /** Origin-Host of the client, for RAR / ASR. */
  readonly originHost: string;
  readonly msisdn: string;
  readonly startedAt: number;
  /** Held for the current grant: bucket id → units. */
  heldBuckets: Record<string, number>;
  /** Held for the current grant: kopecks. */
  heldMoney: Kopecks;
  /** Units of the current grant. */
  grantedUnits: number;
  /** The current grant is throttled (free units at the plan's reduced speed). */
  throttled: boolean;
  /** Cumulative usage: units taken from buckets, by bucket source. */
  usedFromBuckets: Record<string, number>;
  /** Cumulative usage paid with money, in units. */
  usedMoneyUnits: number;
  /** Cumulative usage at the throttled speed, in units. */
  usedThrottledUnits: number;
  /** Cumulative usage reported, in units (all sources). */
  usedUnits: number;
  /** Cumulative money charged for this session and rating group. */
  charged: Kopecks;
  /** Tcc: released if the session says nothing until then. */
  expiresAt: number;
}

export interface Account {
  readonly id: string;
  state: AccountState;
  balance: Kopecks;
  /** Overrides the plan's credit limit when set. */
  creditLimit: Kopecks | undefined;
  planId: string;
  subscribers: Subscriber[];
  favorites: string[];
  cugId: string | undefined;
  buckets: Bucket[];
  reservations: Reservation[];
  /** Start of the current fee period and when the next fee falls due. */
  feePeriodStart: number;
  nextFeeAt: number;
  /** Fees that fell due while paused or blocked: taken in full on restoration. */
  feesOwed: Kopecks;
  /** When the account was paused (the Pause service), for the 50% fee rule. */
  pausedAt: number | undefined;
  readonly createdAt: number;
  /** The SIM issued with the account: what the HLR/AuC needs to authenticate it. */
  sim?: AccountSim;
}

export interface AccountSim {
  readonly iccid: string;
  /** K and OPc, 16 bytes hex each. */
  readonly k: string;
  readonly opc: string;
  /** The network's last SQN for this subscriber (TS 33.102 Annex C). */
  sqn: number;
  /** PUK1 as the operator keeps it (customer care, the `*141*3*6#` self-care check). */
  readonly puk1?: string;
}

/** What the OCS reports after each completed session or event. */
export interface ChargingRecord {
  readonly id: string;
  readonly accountId: string;
  readonly msisdn: string;
  readonly sessionId: string;
  readonly kind: ServiceKind | "fee" | "topup" | "refund" | "adjustment";
  readonly ratingGroup: number | undefined;
  readonly destination: DestinationClass | undefined;
  readonly startedAt: number;
  readonly endedAt: number;
  /** Units used: seconds, messages or octets. */
  readonly units: number;
  /** Money taken from the balance (negative for top-ups and refunds). */
  readonly charge: Kopecks;
  /** Units taken from buckets, by bucket source. */
  readonly fromBuckets: Readonly<Record<string, number>>;
  readonly balanceAfter: Kopecks;
  readonly throttled: boolean;
}
