/**
 * The owner of the charging state: accounts and their indexes (MSISDN, IMSI, live sessions).
 * Every change goes through here and is handed to the BalanceStore; callers answer their peer
 * only after `persist` resolves, so nothing answered is lost in a crash.
 */
import type { Clock } from "../clock/clock.js";
import type { BalanceStore, ExpressCard } from "../store/balance-store.js";
import { availableMoney, type ChargingConfig, floorOf } from "./credit-control.js";
import type { Account, ChargingRecord, Plan, Subscriber } from "./model.js";
import type { Kopecks } from "./money.js";
import { allowanceBuckets, periodEnd } from "./periods.js";

export interface PlanSource {
  plan(id: string): Plan | undefined;
}

export class ChargingError extends Error {
  override readonly name = "ChargingError";
  constructor(
    readonly code:
      | "UNKNOWN_PLAN"
      | "ARCHIVED_PLAN"
      | "DUPLICATE_SUBSCRIBER"
      | "UNKNOWN_ACCOUNT"
      | "INVALID_AMOUNT"
      | "ACCOUNT_CLOSED"
      | "CARD_REJECTED"
      | "INVALID_STATE",
    /** The request field the problem is in. */
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export interface NewAccount {
  readonly id?: string;
  readonly subscribers: readonly Subscriber[];
  readonly planId: string;
  readonly balance: Kopecks;
  readonly creditLimit?: Kopecks;
  readonly favorites?: readonly string[];
  readonly cugId?: string;
  /** Allow archived plans (migration of existing subscribers). */
  readonly allowArchived?: boolean;
}

export class ChargingEngine {
  private readonly byId = new Map<string, Account>();
  private readonly byMsisdn = new Map<string, Account>();
  private readonly byImsi = new Map<string, Account>();
  private readonly bySession = new Map<string, Account>();
  private accountCounter = 0;
  private recordCounter = 0;

  constructor(
    readonly plans: PlanSource,
    readonly store: BalanceStore,
    readonly clock: Clock,
    readonly config: ChargingConfig,
  ) {}

  /** Loads every account from the store and rebuilds the indexes (sessions from reservations). */
  async load(): Promise<void> {
    for (const a of await this.store.loadAccounts()) this.index(a);
  }

  private index(a: Account): void {
    this.byId.set(a.id, a);
    for (const s of a.subscribers) {
      this.byMsisdn.set(s.msisdn, a);
      this.byImsi.set(s.imsi, a);
    }
    for (const r of a.reservations) this.bySession.set(r.sessionId, a);
    const n = Number(/^acc-(\d+)$/.exec(a.id)?.[1] ?? 0);
    if (n > this.accountCounter) this.accountCounter = n;
  }

  get accountCount(): number {
    return this.byId.size;
  }

  accounts(): IterableIterator<Account> {
    return this.byId.values();
  }

  account(id: string): Account | undefined {
    return this.byId.get(id);
  }
  byMsisdnOf(msisdn: string): Account | undefined {
    return this.byMsisdn.get(msisdn);
  }
  byImsiOf(imsi: string): Account | undefined {
    return this.byImsi.get(imsi);
  }
  bySessionOf(sessionId: string): Account | undefined {
    return this.bySession.get(sessionId);
  }

  planOf(account: Account): Plan {
    const plan = this.plans.plan(account.planId);
    if (plan === undefined) throw new ChargingError("UNKNOWN_PLAN", "plan", `unknown plan ${account.planId}`);
    return plan;
  }

  /** Tracks that a session now holds a reservation on the account. */
  trackSession(sessionId: string, account: Account): void {
    this.bySession.set(sessionId, account);
  }

  untrackSession(sessionId: string): void {
    this.bySession.delete(sessionId);
  }

  sessionCount(): number {
    return this.bySession.size;
  }

  createAccount(req: NewAccount): Account {
    const plan = this.plans.plan(req.planId);
    if (plan === undefined) throw new ChargingError("UNKNOWN_PLAN", "plan", `unknown plan "${req.planId}"`);
    if (plan.archived && req.allowArchived !== true) {
      throw new ChargingError(
        "ARCHIVED_PLAN",
        "plan",
        `plan "${req.planId}" is archived: no new connections`,
      );
    }
    for (const s of req.subscribers) {
      if (this.byMsisdn.has(s.msisdn)) {
        throw new ChargingError(
          "DUPLICATE_SUBSCRIBER",
          "msisdn",
          `MSISDN ${s.msisdn} already has an account`,
        );
      }
      if (this.byImsi.has(s.imsi)) {
        throw new ChargingError("DUPLICATE_SUBSCRIBER", "imsi", `IMSI ${s.imsi} already has an account`);
      }
    }
    if (req.id !== undefined && this.byId.has(req.id)) {
      throw new ChargingError("DUPLICATE_SUBSCRIBER", "id", `account ${req.id} exists`);
    }
    const now = this.clock.now();
    const id = req.id ?? `acc-${++this.accountCounter}`;
    const end = periodEnd(plan, now);
    const account: Account = {
      id,
      state: "active",
      balance: req.balance,
      creditLimit: req.creditLimit,
      planId: plan.id,
      subscribers: [...req.subscribers],
      favorites: [...(req.favorites ?? [])],
      cugId: req.cugId,
      buckets: allowanceBuckets(plan, now, end),
      reservations: [],
      feePeriodStart: now,
      nextFeeAt: now,
      feesOwed: 0,
      pausedAt: undefined,
      createdAt: now,
    };
    this.index(account);
    return account;
  }

  /** A new record id, unique within this process run and after restarts (time-based prefix). */
  nextRecordId(prefix: string): string {
    this.recordCounter++;
    return `${prefix}-${this.clock.now().toString(36)}-${this.recordCounter.toString(36)}`;
  }

  /** Adds money (a top-up); returns the record. Restoring a blocked account is the fee module's job. */
  credit(
    account: Account,
    amount: Kopecks,
    kind: "topup" | "refund" | "adjustment",
    reference: string,
  ): ChargingRecord {
    if (!Number.isSafeInteger(amount) || amount <= 0) {
      throw new ChargingError("INVALID_AMOUNT", "amount", "the amount must be a positive number of kopecks");
    }
    if (account.state === "closed")
      throw new ChargingError("ACCOUNT_CLOSED", "account", `account ${account.id} is closed`);
    account.balance += amount;
    const now = this.clock.now();
    return {
      id: this.nextRecordId(kind),
      accountId: account.id,
      msisdn: account.subscribers[0]?.msisdn ?? "",
      sessionId: reference,
      kind,
      ratingGroup: undefined,
      destination: undefined,
      startedAt: now,
      endedAt: now,
      units: 0,
      charge: -amount,
      fromBuckets: {},
      balanceAfter: account.balance,
      throttled: false,
    };
  }

  /** Persists the accounts, records and express cards (durable when resolved). */
  persist(
    accounts: readonly Account[],
    records: readonly ChargingRecord[] = [],
    cards: readonly ExpressCard[] = [],
  ): Promise<void> {
    return this.store.persist({ accounts, records, cards });
  }

  /** Money the account can still commit (for the admin API and USSD balance). */
  available(account: Account): Kopecks {
    return availableMoney(account, this.planOf(account));
  }

  floor(account: Account): Kopecks {
    return floorOf(account, this.planOf(account));
  }
}
