import { describe, expect, it } from "vitest";
import { ChargingEngine } from "../../core/charging/engine.js";
import { checkCardCode, generateCards } from "../../core/charging/express-cards.js";
import type { Plan } from "../../core/charging/model.js";
import { applyTopUp, CardRedeemer } from "../../core/charging/topups.js";
import { VirtualClock } from "../../core/clock/virtual-clock.js";
import { MemoryBalanceStore } from "../../core/store/memory-store.js";
import { config, payg } from "./plans.js";

function setup() {
  const clock = new VirtualClock(Date.UTC(2026, 10, 22, 9));
  const store = new MemoryBalanceStore();
  const plans = new Map<string, Plan>([[payg.id, payg]]);
  const engine = new ChargingEngine({ plan: (id) => plans.get(id) }, store, clock, config);
  const account = engine.createAccount({
    subscribers: [{ msisdn: "375291111111", imsi: "257010000000011" }],
    planId: "payg",
    balance: 0,
  });
  return { clock, store, engine, account };
}

describe("top-ups", () => {
  it("credits the amount with a record, and restores a blocked account taking the owed fees", () => {
    const { engine, account } = setup();
    account.state = "blocked";
    account.balance = -100;
    account.feesOwed = 300;
    const partial = applyTopUp(engine, account, 200, "web");
    expect(partial.restored).toBe(false);
    expect(account.state).toBe("blocked");
    const full = applyTopUp(engine, account, 500, "web");
    expect(full.restored).toBe(true);
    expect(account).toMatchObject({ state: "active", balance: 300, feesOwed: 0 });
    expect(full.records.map((r) => [r.kind, r.charge])).toEqual([
      ["topup", -500],
      ["fee", 300],
    ]);
  });

  it("rejects non-positive or fractional amounts", () => {
    const { engine, account } = setup();
    expect(() => applyTopUp(engine, account, 0, "x")).toThrow(/positive/);
    expect(() => applyTopUp(engine, account, 1.5, "x")).toThrow(/positive/);
  });
});

describe("express payment cards", () => {
  it("generates unique 14-digit codes with a check digit, deterministically", () => {
    const a = generateCards(500, 1000, "batch-1", 0);
    expect(new Set(a.map((c) => c.code)).size).toBe(500);
    expect(a.every((c) => checkCardCode(c.code) === undefined)).toBe(true);
    expect(generateCards(500, 1000, "batch-1", 0)).toEqual(a);
  });

  it("a code works once; malformed, mistyped, unknown and used codes are rejected with the reason", async () => {
    const { engine, store, account } = setup();
    const [card] = generateCards(1, 1000, "s", 0);
    if (card === undefined) throw new Error();
    await store.persist({ accounts: [], records: [], cards: [card] });
    const redeemer = new CardRedeemer(engine);
    await expect(redeemer.redeem(account, "123")).rejects.toThrow(/14 digits/);
    const typo = `${card.code.slice(0, 13)}${(Number(card.code[13]) + 1) % 10}`;
    await expect(redeemer.redeem(account, typo)).rejects.toThrow(/check digit/);
    const [other] = generateCards(1, 1000, "other", 0);
    await expect(redeemer.redeem(account, other?.code ?? "")).rejects.toThrow(/no express card/);
    const [first, second] = await Promise.allSettled([
      redeemer.redeem(account, card.code),
      redeemer.redeem(account, card.code),
    ]);
    expect(first.status).toBe("fulfilled");
    expect(second.status).toBe("rejected");
    expect(account.balance).toBe(1000);
    await expect(redeemer.redeem(account, card.code)).rejects.toThrow(/already been used/);
    expect((await store.card(card.code))?.usedBy).toBe(account.id);
  });
});
