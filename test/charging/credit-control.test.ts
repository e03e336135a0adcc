import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  availableMoney,
  commitUsage,
  floorOf,
  reserve,
  type UsageRequest,
} from "../../core/charging/credit-control.js";
import type { Account, DestinationClass, Plan, ServiceKind } from "../../core/charging/model.js";
import { allowanceBuckets } from "../../core/charging/periods.js";
import { config, corporate, everything, light, nonstop, payg, unlim } from "./plans.js";

const MB = 1024 * 1024;
// 2026-11-22 12:00 local (09:00 UTC): day window.
const NOON = Date.UTC(2026, 10, 22, 9, 0, 0);
// 2026-11-22 03:00 local (00:00 UTC): night window.
const NIGHT = Date.UTC(2026, 10, 22, 0, 0, 0);

function account(plan: Plan, balance: number, at = NOON): Account {
  return {
    id: "acc-1",
    state: "active",
    balance,
    creditLimit: undefined,
    planId: plan.id,
    subscribers: [{ msisdn: "375291234567", imsi: "257010000000001" }],
    favorites: [],
    cugId: undefined,
    buckets: allowanceBuckets(plan, at - 1000, at + 30 * 86_400_000),
    reservations: [],
    feePeriodStart: at,
    nextFeeAt: at,
    feesOwed: 0,
    pausedAt: undefined,
    createdAt: at,
  };
}

let sessions = 0;
function req(
  kind: ServiceKind,
  requested?: number,
  destination?: DestinationClass,
  now = NOON,
): UsageRequest {
  return {
    sessionId: `s${++sessions}`,
    ratingGroup: { data: 1, voice: 2, sms: 3, mms: 4 }[kind],
    kind,
    destination,
    requested,
    originHost: "pgw",
    msisdn: "375291234567",
    now,
  };
}

describe("grants: buckets first, then money, then refusal", () => {
  it("grants data from the bucket, then money, with FUI when money runs out, then 4012", () => {
    const a = account(payg, 100); // 1.00 BYN = 2 MB at 0.50 per MB; no allowance
    const first = reserve(a, payg, req("data", 10 * MB), config);
    expect(first).toMatchObject({ kind: "granted", units: 2 * MB, final: true });
    if (first.kind !== "granted") throw new Error();
    expect(first.reservation.heldMoney).toBe(100);
    expect(availableMoney(a, payg)).toBe(0);
    commitUsage(a, payg, first.reservation, 2 * MB, NOON);
    expect(a.balance).toBe(0);
    expect(
      reserve(a, payg, { ...req("data"), sessionId: first.reservation.sessionId }, config),
    ).toMatchObject({
      kind: "refused",
      resultCode: 4012,
    });
  });

  it("uses the included megabyte before money", () => {
    const a = account(light, 1000);
    const g = reserve(a, light, req("data", 3 * MB), config);
    if (g.kind !== "granted") throw new Error(g.reason);
    expect(g.units).toBe(3 * MB);
    expect(Object.values(g.reservation.heldBuckets)).toEqual([MB]);
    expect(g.reservation.heldMoney).toBe(100);
    const c = commitUsage(a, light, g.reservation, 1.5 * MB, NOON);
    expect(c.fromBuckets).toEqual({ data: MB });
    expect(c.charged).toBe(25);
    expect(a.balance).toBe(975);
  });

  it("bills voice per started minute on the cumulative usage, never twice", () => {
    const a = account(payg, 1000);
    const g = reserve(a, payg, req("voice", 120, "off-net"), config);
    if (g.kind !== "granted") throw new Error(g.reason);
    commitUsage(a, payg, g.reservation, 30, NOON); // minute 1 started: 0.20
    expect(a.balance).toBe(980);
    reserve(a, payg, { ...req("voice", 120, "off-net"), sessionId: g.reservation.sessionId }, config);
    commitUsage(a, payg, g.reservation, 25, NOON); // 55 s: still minute 1
    expect(a.balance).toBe(980);
    reserve(a, payg, { ...req("voice", 120, "off-net"), sessionId: g.reservation.sessionId }, config);
    commitUsage(a, payg, g.reservation, 10, NOON); // 65 s: minute 2
    expect(a.balance).toBe(960);
    expect(g.reservation.charged).toBe(40);
  });

  it("Light: 3G on-net minutes are used before the all-network minutes", () => {
    const a = account(light, 0);
    const g = reserve(a, light, req("voice", 600, "on-net-3g"), config);
    if (g.kind !== "granted") throw new Error(g.reason);
    const held = Object.entries(g.reservation.heldBuckets).map(([id, n]) => [id.split("@")[0], n]);
    expect(held).toEqual([
      ["on-net-3g", 300],
      ["all-networks", 300],
    ]);
    const off = reserve(a, light, req("voice", 600, "off-net"), config);
    if (off.kind !== "granted") throw new Error(off.reason);
    expect(off.units).toBe(300); // the all-network minutes not held by the first call
  });

  it("credit limit: the balance goes negative down to the limit, never below", () => {
    const a = account(everything, 100);
    expect(floorOf(a, everything)).toBe(-800);
    const g = reserve(a, everything, req("data", 100 * MB), config);
    if (g.kind !== "granted") throw new Error(g.reason);
    commitUsage(a, everything, g.reservation, g.units, NOON);
    expect(a.balance).toBe(-800);
    expect(reserve(a, everything, req("sms", 1, "off-net"), config)).toMatchObject({ kind: "granted" }); // included SMS
  });

  it("throttles data after the quota on a throttled plan instead of charging", () => {
    const a = account(unlim, 0);
    const g1 = reserve(a, unlim, req("data", 4 * MB), config);
    expect(g1).toMatchObject({ kind: "granted", units: MB, throttled: false });
    if (g1.kind !== "granted") throw new Error();
    commitUsage(a, unlim, g1.reservation, MB, NOON);
    const g2 = reserve(a, unlim, { ...req("data", 4 * MB), sessionId: g1.reservation.sessionId }, config);
    expect(g2).toMatchObject({ kind: "granted", units: 4 * MB, throttled: true, final: false });
    if (g2.kind !== "granted") throw new Error();
    commitUsage(a, unlim, g2.reservation, 4 * MB, NOON);
    expect(a.balance).toBe(0);
    expect(g2.reservation.usedThrottledUnits).toBe(4 * MB);
  });

  it("refuses with 4011 inside an unlimited CUG and 4010 for a paused account or a service not on the plan", () => {
    expect(reserve(account(corporate, 100), corporate, req("voice", 60, "cug"), config)).toMatchObject({
      resultCode: 4011,
    });
    const paused = account(payg, 100);
    paused.state = "paused";
    expect(reserve(paused, payg, req("voice", 60, "on-net"), config)).toMatchObject({ resultCode: 4010 });
    expect(reserve(account(nonstop, 100), nonstop, req("voice", 60, "on-net"), config)).toMatchObject({
      resultCode: 4010,
    });
  });

  it("Non-stop: the night bucket only at night, the day bucket only by day", () => {
    const day = account(nonstop, 0, NOON);
    const d = reserve(day, nonstop, req("data", 5 * MB, undefined, NOON), config);
    expect(d.kind === "granted" && d.units).toBe(MB);
    const night = account(nonstop, 0, NIGHT);
    const n = reserve(night, nonstop, req("data", 5 * MB, undefined, NIGHT), config);
    expect(n.kind === "granted" && n.units).toBe(2 * MB);
  });
});

describe("invariants", () => {
  it("1,000 sessions racing on one account never take it below its floor", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5000 }),
        fc.array(
          fc.tuple(
            fc.constantFrom<ServiceKind>("voice", "data", "sms"),
            fc.double({ min: 0, max: 1.5, noNaN: true }),
          ),
          {
            minLength: 1000,
            maxLength: 1000,
          },
        ),
        (balance, steps) => {
          const a = account(everything, balance);
          const floor = floorOf(a, everything);
          const open: { r: NonNullable<ReturnType<typeof grantOf>>; used: number }[] = [];
          function grantOf(kind: ServiceKind) {
            const g = reserve(a, everything, req(kind, undefined, "off-net"), config);
            return g.kind === "granted" ? g : undefined;
          }
          for (const [kind, fraction] of steps) {
            const g = grantOf(kind);
            if (g !== undefined) open.push({ r: g, used: Math.floor(g.units * Math.min(1, fraction)) });
            expect(availableMoney(a, everything)).toBeGreaterThanOrEqual(0);
          }
          for (const { r, used } of open) commitUsage(a, everything, r.reservation, used, NOON);
          expect(a.balance).toBeGreaterThanOrEqual(floor);
          expect(a.buckets.every((b) => b.remaining >= 0 && b.remaining <= b.total)).toBe(true);
        },
      ),
      { numRuns: 30 },
    );
  });
});
