/**
 * Top-ups by amount and by express card, with what follows: a blocked account whose balance now
 * covers its debt is restored and its owed fees taken in full (seeds).
 */
import type { ExpressCard } from "../store/balance-store.js";
import { type ChargingEngine, ChargingError } from "./engine.js";
import { cardProblemText, checkCardCode } from "./express-cards.js";
import { restoreIfPaid } from "./fees.js";
import type { Account, ChargingRecord } from "./model.js";
import type { Kopecks } from "./money.js";

export interface TopUpResult {
  readonly records: ChargingRecord[];
  /** The account was blocked and is active again. */
  readonly restored: boolean;
}

/** Credits `amount` and restores the account if it was blocked and is now paid up. Not persisted. */
export function applyTopUp(
  engine: ChargingEngine,
  account: Account,
  amount: Kopecks,
  reference: string,
): TopUpResult {
  const records = [engine.credit(account, amount, "topup", reference)];
  const owed = restoreIfPaid(account, engine.planOf(account));
  if (owed !== undefined && owed > 0)
    records.push(feeRecord(engine, account, owed, "owed fees on restoration"));
  return { records, restored: owed !== undefined };
}

export function feeRecord(
  engine: ChargingEngine,
  account: Account,
  charge: Kopecks,
  reference: string,
): ChargingRecord {
  const now = engine.clock.now();
  return {
    id: engine.nextRecordId("fee"),
    accountId: account.id,
    msisdn: account.subscribers[0]?.msisdn ?? "",
    sessionId: reference,
    kind: "fee",
    ratingGroup: undefined,
    destination: undefined,
    startedAt: now,
    endedAt: now,
    units: 0,
    charge,
    fromBuckets: {},
    balanceAfter: account.balance,
    throttled: false,
  };
}

/** Redeems express cards one at a time per code, so a code can never be used twice. */
export class CardRedeemer {
  private readonly inFlight = new Set<string>();

  constructor(private readonly engine: ChargingEngine) {}

  /** Tops the account up with the card's amount, marks the card used, and persists both. */
  async redeem(account: Account, code: string): Promise<TopUpResult & { card: ExpressCard }> {
    const problem = checkCardCode(code);
    if (problem !== undefined) throw new ChargingError("CARD_REJECTED", "card", cardProblemText[problem]);
    if (this.inFlight.has(code)) throw new ChargingError("CARD_REJECTED", "card", cardProblemText.used);
    this.inFlight.add(code);
    try {
      const card = await this.engine.store.card(code);
      if (card === undefined) throw new ChargingError("CARD_REJECTED", "card", cardProblemText.unknown);
      if (card.usedBy !== undefined) throw new ChargingError("CARD_REJECTED", "card", cardProblemText.used);
      const result = applyTopUp(this.engine, account, card.amount, `card:${code}`);
      const used: ExpressCard = { ...card, usedBy: account.id, usedAt: this.engine.clock.now() };
      await this.engine.persist([account], result.records, [used]);
      return { ...result, card: used };
    } finally {
      this.inFlight.delete(code);
    }
  }
}
