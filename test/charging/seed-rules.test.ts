/**
 * The seeds' rating rules as a table, on the shipped catalog: plan + usage → result code, charge
 * and the buckets that pay (../shared/seeds/003: tariff plans, credit limits, ZAG, favorite numbers,
 * Non-stop windows, speed after quota).
 */
import { describe, expect, it } from "vitest";
import { Catalog } from "../../core/charging/catalog.js";
import { type ChargingConfig, commitUsage, floorOf, reserve } from "../../core/charging/credit-control.js";
import { MINSK_OFFSET_MS } from "../../core/charging/local-time.js";
import type { Account, DestinationClass, ServiceKind } from "../../core/charging/model.js";
import { allowanceBuckets } from "../../core/charging/periods.js";

const catalog = Catalog.load();
const config: ChargingConfig = {
  defaultQuota: catalog.defaults.grantUnits,
  maxQuota: { voice: 7200, sms: 10, mms: 10, data: 100 * 1024 * 1024 * 1024 },
  tccMs: 900_000,
};
const MB = 1024 * 1024;
const DAYTIME = Date.UTC(2026, 10, 22, 12) - MINSK_OFFSET_MS; // 12:00 local
const NIGHT = Date.UTC(2026, 10, 22, 3) - MINSK_OFFSET_MS; // 03:00 local

function account(planId: string, balance: number, at: number): Account {
  const plan = catalog.plan(planId);
  return {
    id: planId,
    state: "active",
    balance,
    creditLimit: undefined,
    planId,
    subscribers: [{ msisdn: "375291234567", imsi: "257010000000001" }],
    favorites: [],
    cugId: undefined,
    buckets: allowanceBuckets(plan, at - 1000, at + 30 * 86_400_000),
    reservations: [],
    feePeriodStart: at,
    nextFeeAt: at + 86_400_000,
    feesOwed: 0,
    pausedAt: undefined,
    createdAt: at,
  };
}

interface Row {
  readonly rule: string;
  readonly plan: string;
  readonly balance?: number;
  /** Units the account has already used from its allowances (by source), before the usage. */
  readonly usedUp?: Readonly<Record<string, number>>;
  readonly kind: ServiceKind;
  readonly destination?: DestinationClass;
  readonly units: number;
  readonly at?: number;
  readonly expect:
    | { readonly refused: number }
    | {
        readonly charge: number;
        readonly fromBuckets: Readonly<Record<string, number>>;
        readonly throttled?: boolean;
      };
}

const table: Row[] = [
  {
    rule: "Light: 3G on-net calls use the on-net-3g minutes before the all-networks minutes",
    plan: "light",
    kind: "voice",
    destination: "on-net-3g",
    units: 600,
    expect: { charge: 0, fromBuckets: { "on-net-3g": 600 } },
  },
  {
    rule: "Light: once the 3G minutes are used, 3G on-net calls use the all-networks minutes",
    plan: "light",
    usedUp: { "on-net-3g": 300 * 60 },
    kind: "voice",
    destination: "on-net-3g",
    units: 120,
    expect: { charge: 0, fromBuckets: { "all-networks": 120 } },
  },
  {
    rule: "Light: international calls are not in any allowance: 1.90 per started minute",
    plan: "light",
    balance: 1000,
    kind: "voice",
    destination: "international",
    units: 61,
    expect: { charge: 380, fromBuckets: {} },
  },
  {
    rule: "About everything at once: calls to a favorite number use the on-net minutes",
    plan: "about-everything-at-once",
    kind: "voice",
    destination: "favorite",
    units: 300,
    expect: { charge: 0, fromBuckets: { "on-net": 300 } },
  },
  {
    rule: "About everything at once: the balance may go down to −8.00 (credit limit)",
    plan: "about-everything-at-once",
    balance: 0,
    usedUp: { "on-net": 250 * 60 },
    kind: "voice",
    destination: "off-net",
    units: 7200,
    expect: { charge: 798, fromBuckets: {} }, // 42 started minutes at 0.19 fit in 8.00
  },
  {
    rule: "BUSINESS.PRO.Platinum: calls within the closed group use the included minutes",
    plan: "business-pro-platinum",
    kind: "voice",
    destination: "cug",
    units: 60,
    expect: { charge: 0, fromBuckets: { "all-networks": 60 } },
  },
  {
    rule: "BUSINESS.PRO.Platinum: international calls use the 200 international minutes",
    plan: "business-pro-platinum",
    kind: "voice",
    destination: "international",
    units: 90,
    expect: { charge: 0, fromBuckets: { international: 120 } },
  },
  {
    rule: "Corporate 5: calls within the closed group are unlimited and not credit-controlled (4011)",
    plan: "corporate-5",
    kind: "voice",
    destination: "cug",
    units: 60,
    expect: { refused: 4011 },
  },
  {
    rule: "Corporate 5: calls to a favorite number use the on-net minutes",
    plan: "corporate-5",
    kind: "voice",
    destination: "favorite",
    units: 60,
    expect: { charge: 0, fromBuckets: { "on-net": 60 } },
  },
  {
    rule: "Smart 1: calls to favorite numbers are unlimited (4011)",
    plan: "smart-1",
    kind: "voice",
    destination: "favorite",
    units: 60,
    expect: { refused: 4011 },
  },
  {
    rule: "Non-stop: daytime traffic uses the day bucket",
    plan: "non-stop",
    kind: "data",
    units: 10 * MB,
    at: DAYTIME,
    expect: { charge: 0, fromBuckets: { day: 10 * MB } },
  },
  {
    rule: "Non-stop: night traffic (00:30-09:29) uses the night bucket",
    plan: "non-stop",
    kind: "data",
    units: 10 * MB,
    at: NIGHT,
    expect: { charge: 0, fromBuckets: { night: 10 * MB } },
  },
  {
    rule: "WEB 900: a data-only plan refuses voice (4010)",
    plan: "web-900",
    kind: "voice",
    destination: "on-net",
    units: 60,
    expect: { refused: 4010 },
  },
  {
    rule: "WEB 900: traffic beyond the 900 MB is paid at 0.10 per MB",
    plan: "web-900",
    balance: 1000,
    usedUp: { internet: 900 * MB },
    kind: "data",
    units: 5 * MB,
    expect: { charge: 50, fromBuckets: {} },
  },
  {
    rule: "Business Unlim 3.0: after the included traffic, access goes on at 1 Mbps, free",
    plan: "business-unlim-3",
    balance: 0,
    usedUp: { internet: 20480 * MB },
    kind: "data",
    units: 50 * MB,
    expect: { charge: 0, fromBuckets: {}, throttled: true },
  },
  {
    rule: "Mobile Cabinet: after 100 GB the speed drops to 512 Kbps, free",
    plan: "mobile-cabinet",
    balance: 0,
    usedUp: { internet: 100 * 1024 * MB },
    kind: "data",
    units: 50 * MB,
    expect: { charge: 0, fromBuckets: {}, throttled: true },
  },
];

describe("seed rating rules (shipped catalog)", () => {
  for (const row of table) {
    it(row.rule, () => {
      const at = row.at ?? DAYTIME;
      const plan = catalog.plan(row.plan);
      const a = account(row.plan, row.balance ?? 0, at);
      for (const [source, units] of Object.entries(row.usedUp ?? {})) {
        const b = a.buckets.find((x) => x.source === source);
        if (b === undefined) throw new Error(`no bucket ${source} on ${row.plan}`);
        b.remaining -= units;
      }
      const before = a.balance;
      const g = reserve(
        a,
        plan,
        {
          sessionId: "s",
          ratingGroup: 1,
          kind: row.kind,
          destination: row.destination,
          requested: row.units,
          originHost: "x",
          msisdn: "375291234567",
          now: at,
        },
        config,
      );
      if ("refused" in row.expect) {
        expect(g).toMatchObject({ kind: "refused", resultCode: row.expect.refused });
        return;
      }
      if (g.kind !== "granted") throw new Error(`refused ${g.resultCode}: ${g.reason}`);
      expect(g.throttled).toBe(row.expect.throttled ?? false);
      const used = Math.min(row.units, g.units);
      const c = commitUsage(a, plan, g.reservation, used, at);
      expect(c.fromBuckets).toEqual(row.expect.fromBuckets);
      expect(before - a.balance).toBe(row.expect.charge);
      expect(a.balance).toBeGreaterThanOrEqual(floorOf(a, plan));
    });
  }
});
