/** A month of fees, renewals, Pause, blocking and restoration on the virtual clock, with the shipped catalog. */
import { describe, expect, it } from "vitest";
import { Catalog } from "../../core/charging/catalog.js";
import type { ChargingConfig } from "../../core/charging/credit-control.js";
import { ChargingEngine } from "../../core/charging/engine.js";
import { MINSK_OFFSET_MS } from "../../core/charging/local-time.js";
import { reconcile } from "../../core/charging/reconcile.js";
import { FeeScheduler } from "../../core/charging/schedulers.js";
import { applyTopUp } from "../../core/charging/topups.js";
import { VirtualClock } from "../../core/clock/virtual-clock.js";
import { MemoryBalanceStore } from "../../core/store/memory-store.js";

const catalog = Catalog.load();
const config: ChargingConfig = {
  defaultQuota: catalog.defaults.grantUnits,
  maxQuota: catalog.defaults.grantUnits,
  tccMs: catalog.defaults.tccSeconds * 1000,
};

describe("a month in virtual time", () => {
  it("charges fees per plan, renews allowances, blocks on debt, restores on top-up, and reconciles", async () => {
    // 2026-12-01 00:00 local.
    const clock = new VirtualClock(Date.UTC(2026, 11, 1) - MINSK_OFFSET_MS);
    const store = new MemoryBalanceStore();
    const engine = new ChargingEngine({ plan: (id) => catalog.findPlan(id) }, store, clock, config);
    const blocked: string[] = [];
    const fees = new FeeScheduler(engine, { onBlocked: (a) => blocked.push(a.id) }, 3_600_000);
    const mk = (n: number, planId: string, balance: number) =>
      engine.createAccount({
        subscribers: [{ msisdn: `37529000000${n}`, imsi: `25701000000000${n}` }],
        planId,
        balance,
        allowArchived: true,
      });
    const daily = mk(1, "business-unlim-1", 5000);
    const thirty = mk(2, "web-900", 1000);
    const monthly = mk(3, "about-everything-at-once", 5000);
    const initial = new Map([daily, thirty, monthly].map((a) => [a.id, a.balance]));
    fees.start();
    const started = Date.now();
    for (let h = 0; h < 31 * 24; h++) clock.advance(3_600_000);
    await fees.runNow();
    const records = (await store.records({ limit: 100_000 })).map((r) => r.record);
    const feeTotal = (id: string) =>
      records.filter((r) => r.accountId === id && r.kind === "fee").reduce((s, r) => s + r.charge, 0);
    // Daily instalments over all 31 days of December (and the 1st of January) sum to the fee.
    const plan = catalog.plan("business-unlim-1");
    expect(
      feeTotal(daily.id) - records.filter((r) => r.accountId === daily.id && r.kind === "fee").at(-1)!.charge,
    ).toBe(plan.fee.amount);
    // The 30-day plan: 8.50 on connection, then 8.50 more on day 30 blocks it (10.00 − 17.00 < 0).
    expect(blocked).toContain(thirty.id);
    expect(thirty.state).toBe("blocked");
    expect(thirty.balance).toBe(1000 - 850 * 2);
    // The monthly plan: December in full (connected on the 1st), January in full on 1 January.
    expect(feeTotal(monthly.id)).toBe(catalog.plan("about-everything-at-once").fee.amount * 2);
    // Allowances were renewed on 1 January for the calendar-month plans.
    expect(monthly.buckets.every((b) => b.validFrom >= Date.UTC(2027, 0, 1) - MINSK_OFFSET_MS)).toBe(true);
    // A top-up restores the blocked account and records it.
    const topup = applyTopUp(engine, thirty, 2000, "test");
    await engine.persist([thirty], topup.records);
    expect(thirty.state).toBe("active");
    const all = (await store.records({ limit: 100_000 })).map((r) => r.record);
    for (const a of [daily, thirty, monthly]) {
      expect(reconcile(a, initial.get(a.id) ?? 0, all)).toMatchObject({ ok: true });
    }
    fees.stop();
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
