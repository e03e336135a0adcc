/**
 * Unconfirmed payments (seeds, ISSA "Unconfirmed payments"): a subscriber who has paid, but whose
 * payment has not arrived yet, registers its amount. "The maximum amount for registration is 3
 * Belarusian rubles ... The validity period is 3 days." The amount is credited at once, like a
 * top-up (so an account blocked for debt is restored); it is then a debt: when the next top-up
 * arrives it is taken from it (the payment is confirmed), and if none arrives within the validity
 * period it is written back off the balance (expired). One pending payment per account at a time
 * (our rule: the seeds list the registrations with a status, and a second open one would let the
 * limit be stacked).
 *
 * The engine has no debit other than fees; the write-offs here use its record ids and persist
 * through it, and block the account when they take the balance below its floor, as a fee does.
 */
import type { TimerHandle } from "../clock/clock.js";
import { floorOf } from "../charging/credit-control.js";
import type { ChargingEngine } from "../charging/engine.js";
import { DAY } from "../charging/local-time.js";
import type { Account, ChargingRecord } from "../charging/model.js";
import type { Kopecks } from "../charging/money.js";
import { applyTopUp } from "../charging/topups.js";

export interface UnconfirmedPaymentRules {
  readonly maxAmount: Kopecks;
  readonly validityMs: number;
}

export const UNCONFIRMED_PAYMENT_RULES: UnconfirmedPaymentRules = { maxAmount: 300, validityMs: 3 * DAY };

export type UnconfirmedStatus = "pending" | "confirmed" | "expired";

export interface UnconfirmedPayment {
  readonly id: string;
  readonly accountId: string;
  readonly msisdn: string;
  readonly amount: Kopecks;
  readonly registeredAt: number;
  readonly expiresAt: number;
  status: UnconfirmedStatus;
  settledAt: number | undefined;
}

export type UnconfirmedProblem = "not-positive" | "over-limit" | "pending-exists" | "account-closed";

export type RegisterOutcome =
  | { readonly ok: true; readonly payment: UnconfirmedPayment; readonly restored: boolean }
  | { readonly ok: false; readonly problem: UnconfirmedProblem };

export interface SettleOutcome {
  readonly payment: UnconfirmedPayment;
  /** The write-off took the balance below the floor: the account's sessions must be aborted. */
  readonly blocked: boolean;
}

export interface UnconfirmedEvents {
  /** A pending payment was written off at expiry (persisted). */
  expired?(outcome: SettleOutcome, account: Account): void;
  error?(error: unknown): void;
}

export class UnconfirmedPayments {
  private readonly byAccount = new Map<string, UnconfirmedPayment[]>();
  private readonly timers = new Map<string, TimerHandle>();
  private counter = 0;

  constructor(
    private readonly engine: ChargingEngine,
    readonly rules: UnconfirmedPaymentRules = UNCONFIRMED_PAYMENT_RULES,
    private readonly events: UnconfirmedEvents = {},
  ) {}

  /** Why `amount` cannot be registered on `account` now, or undefined. */
  problem(account: Account, amount: Kopecks): UnconfirmedProblem | undefined {
    if (account.state === "closed") return "account-closed";
    if (!Number.isSafeInteger(amount) || amount <= 0) return "not-positive";
    if (amount > this.rules.maxAmount) return "over-limit";
    if (this.pendingOf(account.id) !== undefined) return "pending-exists";
    return undefined;
  }

  pendingOf(accountId: string): UnconfirmedPayment | undefined {
    return this.byAccount.get(accountId)?.find((p) => p.status === "pending");
  }

  /** Every registration of the account, oldest first. */
  history(accountId: string): readonly UnconfirmedPayment[] {
    return this.byAccount.get(accountId) ?? [];
  }

  /** Credits the amount and starts its validity period; resolves once persisted. */
  async register(account: Account, amount: Kopecks): Promise<RegisterOutcome> {
    const problem = this.problem(account, amount);
    if (problem !== undefined) return { ok: false, problem };
    const now = this.engine.clock.now();
    const payment: UnconfirmedPayment = {
      id: `unconfirmed-${now.toString(36)}-${(++this.counter).toString(36)}`,
      accountId: account.id,
      msisdn: account.subscribers[0]?.msisdn ?? "",
      amount,
      registeredAt: now,
      expiresAt: now + this.rules.validityMs,
      status: "pending",
      settledAt: undefined,
    };
    const list = this.byAccount.get(account.id) ?? [];
    list.push(payment);
    this.byAccount.set(account.id, list);
    const topUp = applyTopUp(this.engine, account, amount, payment.id);
    this.timers.set(
      payment.id,
      this.engine.clock.setTimer(this.rules.validityMs, () => this.expire(payment)),
    );
    await this.engine.persist([account], topUp.records);
    return { ok: true, payment, restored: topUp.restored };
  }

  /**
   * A real top-up has been credited to `account`: its pending payment, if any, is confirmed and its
   * amount taken from the top-up. Whoever credits top-ups calls this after `applyTopUp`; resolves
   * once persisted.
   */
  async onTopUp(account: Account): Promise<SettleOutcome | undefined> {
    const payment = this.pendingOf(account.id);
    if (payment === undefined) return undefined;
    const { outcome, record } = this.writeOff(account, payment, "confirmed");
    await this.engine.persist([account], [record]);
    return outcome;
  }

  /** Stops the expiry timers (the payments stay as they are). */
  stop(): void {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }

  private expire(payment: UnconfirmedPayment): void {
    this.timers.delete(payment.id);
    const account = this.engine.account(payment.accountId);
    if (payment.status !== "pending" || account === undefined) return;
    const { outcome, record } = this.writeOff(account, payment, "expired");
    this.engine.persist([account], [record]).then(
      () => this.events.expired?.(outcome, account),
      (error: unknown) => this.events.error?.(error),
    );
  }

  private writeOff(
    account: Account,
    payment: UnconfirmedPayment,
    status: "confirmed" | "expired",
  ): { outcome: SettleOutcome; record: ChargingRecord } {
    const now = this.engine.clock.now();
    this.timers.get(payment.id)?.cancel();
    this.timers.delete(payment.id);
    payment.status = status;
    payment.settledAt = now;
    account.balance -= payment.amount;
    let blocked = false;
    if (account.state === "active" && account.balance < floorOf(account, this.engine.planOf(account))) {
      account.state = "blocked";
      blocked = true;
    }
    const record: ChargingRecord = {
      id: this.engine.nextRecordId("adjustment"),
      accountId: account.id,
      msisdn: payment.msisdn,
      sessionId: `${payment.id}:${status}`,
      kind: "adjustment",
      ratingGroup: undefined,
      destination: undefined,
      startedAt: now,
      endedAt: now,
      units: 0,
      charge: payment.amount,
      fromBuckets: {},
      balanceAfter: account.balance,
      throttled: false,
    };
    return { outcome: { payment, blocked }, record };
  }
}
