/** The OCS over real Diameter: our Gy client → TCP → DiameterServer → GyOcs → engine → store. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ChargingEngine } from "../../core/charging/engine.js";
import type { Plan } from "../../core/charging/model.js";
import { VirtualClock } from "../../core/clock/virtual-clock.js";
import type { CcOutcome } from "../../core/diameter/gy/gy-client.js";
import { GyClient } from "../../core/diameter/gy/gy-client.js";
import { silentLogger } from "../../core/diameter/logger.js";
import { DiameterServer } from "../../core/diameter/server.js";
import { GyOcs } from "../../core/ocs/gy-ocs.js";
import { MemoryBalanceStore } from "../../core/store/memory-store.js";
import { config, corporate, everything, payg, unlim } from "../charging/plans.js";

const MB = 1024 * 1024;
const catalog = new Map<string, Plan>([payg, everything, unlim, corporate].map((p) => [p.id, p]));

let engine: ChargingEngine;
let server: DiameterServer;
let client: GyClient;
let store: MemoryBalanceStore;

beforeEach(async () => {
  const clock = new VirtualClock(Date.UTC(2026, 10, 22, 9, 0, 0));
  store = new MemoryBalanceStore();
  engine = new ChargingEngine({ plan: (id) => catalog.get(id) }, store, clock, config);
  const ocs = new GyOcs(engine, {
    originHost: "ocs.telsim.local",
    originRealm: "telsim.local",
    validityTimeS: 600,
  });
  server = new DiameterServer({
    identity: { originHost: "ocs.telsim.local", originRealm: "telsim.local" },
    handler: ocs.handle,
    logger: silentLogger,
  });
  const { port } = await server.listen();
  client = new GyClient({
    primary: { host: "127.0.0.1", port },
    identity: { originHost: "pgw.telsim.local", originRealm: "telsim.local" },
    destinationRealm: "telsim.local",
    logger: silentLogger,
  });
  await client.connect();
});

afterEach(async () => {
  await client.close();
  await server.close();
});

function answer(o: CcOutcome) {
  if (o.kind !== "answer") throw new Error(o.reason);
  return o.answer;
}

const alice = [{ type: "E164" as const, data: "375291111111" }];

describe("Gy OCS", () => {
  it("answers 5030 for an unknown subscriber", async () => {
    const s = client.session({ subscriptionIds: [{ type: "E164", data: "375290000000" }] });
    expect(answer(await s.initial([{ ratingGroup: 1, requested: {} }])).resultCode).toBe(5030);
  });

  it("runs a data session I/U/T, charges the balance, writes one record, and persists before answering", async () => {
    const acc = engine.createAccount({
      subscribers: [{ msisdn: "375291111111", imsi: "257010000000011" }],
      planId: "payg",
      balance: 1000,
    });
    const s = client.session({ subscriptionIds: alice });
    const i = answer(await s.initial([{ ratingGroup: 1, requested: { totalOctets: 4 * MB } }]));
    expect(i.resultCode).toBe(2001);
    expect(i.mscc[0]).toMatchObject({
      ratingGroup: 1,
      resultCode: 2001,
      granted: { totalOctets: 4 * MB },
      validityTime: 600,
      volumeQuotaThreshold: Math.floor(4 * MB * 0.2),
    });
    const stored = await store.loadAccounts();
    expect(stored[0]?.reservations[0]?.heldMoney).toBe(200);
    answer(
      await s.update([
        {
          ratingGroup: 1,
          requested: {},
          used: [{ totalOctets: 4 * MB, reportingReason: "QUOTA_EXHAUSTED" }],
        },
      ]),
    );
    answer(await s.terminate([{ ratingGroup: 1, used: [{ totalOctets: MB, reportingReason: "FINAL" }] }]));
    expect(acc.balance).toBe(1000 - 250);
    expect(acc.reservations).toEqual([]);
    const records = await store.records({});
    expect(
      records.map((r) => [r.record.kind, r.record.units, r.record.charge, r.record.balanceAfter]),
    ).toEqual([["data", 5 * MB, 250, 750]]);
  });

  it("charges usage reported for a rating group the session holds no grant for", async () => {
    const acc = engine.createAccount({
      subscribers: [{ msisdn: "375291111111", imsi: "257010000000011" }],
      planId: "payg",
      balance: 1000,
    });
    const s = client.session({ subscriptionIds: alice });
    expect(answer(await s.initial([{ ratingGroup: 1, requested: { totalOctets: MB } }])).resultCode).toBe(
      2001,
    );
    // Rating group 1 has a grant; SMS usage (rating group 3) arrives under no grant at all.
    const u = answer(
      await s.update([
        { ratingGroup: 1, requested: {}, used: [{ totalOctets: MB }] },
        { ratingGroup: 3, used: [{ serviceSpecificUnits: 2 }] },
      ]),
    );
    expect(u.mscc.map((m) => [m.ratingGroup, m.resultCode])).toEqual([
      [1, 2001],
      [3, 2001],
    ]);
    answer(await s.terminate([{ ratingGroup: 1, used: [{ totalOctets: MB }] }]));
    const records = (await store.records({})).map((r) => r.record);
    const sms = records.find((r) => r.ratingGroup === 3);
    expect(sms).toMatchObject({ kind: "sms", units: 2 });
    expect(sms?.charge).toBeGreaterThan(0);
    expect(acc.balance).toBe(1000 - records.reduce((sum, r) => sum + r.charge, 0));
    expect(acc.reservations).toEqual([]);
  });

  it("gives each rating group its own grant and Result-Code, 5031 for an unknown one", async () => {
    engine.createAccount({
      subscribers: [{ msisdn: "375291111111", imsi: "257010000000011" }],
      planId: "payg",
      balance: 1000,
    });
    const s = client.session({ subscriptionIds: alice });
    const a = answer(
      await s.initial([
        { ratingGroup: 1, requested: {} },
        { ratingGroup: 99, requested: {} },
      ]),
    );
    expect(a.resultCode).toBe(2001);
    expect(a.mscc.map((m) => [m.ratingGroup, m.resultCode])).toEqual([
      [1, 2001],
      [99, 5031],
    ]);
  });

  it("sends Final-Unit-Indication on the last grant and 4012 when nothing is left", async () => {
    engine.createAccount({
      subscribers: [{ msisdn: "375291111111", imsi: "257010000000011" }],
      planId: "payg",
      balance: 50,
    });
    const s = client.session({ subscriptionIds: alice });
    const i = answer(await s.initial([{ ratingGroup: 1, requested: { totalOctets: 10 * MB } }]));
    expect(i.mscc[0]?.granted?.totalOctets).toBe(MB);
    expect(i.mscc[0]?.finalUnitIndication).toEqual({
      action: "REDIRECT",
      redirectUrl: "http://127.0.0.1:8080/topup",
    });
    const u = answer(await s.update([{ ratingGroup: 1, requested: {}, used: [{ totalOctets: MB }] }]));
    expect(u.resultCode).toBe(4012);
    expect(u.mscc[0]?.resultCode).toBe(4012);
  });

  it("keeps granting at the reduced rate after the quota on a throttled plan (QoS-Information)", async () => {
    engine.createAccount({
      subscribers: [{ msisdn: "375291111111", imsi: "257010000000011" }],
      planId: "unlim",
      balance: 0,
    });
    const s = client.session({ subscriptionIds: alice });
    const i = answer(await s.initial([{ ratingGroup: 1, requested: { totalOctets: 2 * MB } }]));
    expect(i.mscc[0]).toMatchObject({ granted: { totalOctets: MB } });
    expect(i.mscc[0]?.maxBandwidthDl).toBeUndefined();
    const u = answer(
      await s.update([{ ratingGroup: 1, requested: { totalOctets: 2 * MB }, used: [{ totalOctets: MB }] }]),
    );
    expect(u.mscc[0]).toMatchObject({
      resultCode: 2001,
      granted: { totalOctets: 2 * MB },
      maxBandwidthDl: 512_000,
      maxBandwidthUl: 512_000,
    });
  });

  it("charges SMS as an event (DIRECT_DEBITING), answers balance checks and price enquiries, refunds", async () => {
    const acc = engine.createAccount({
      subscribers: [{ msisdn: "375291111111", imsi: "257010000000011" }],
      planId: "payg",
      balance: 10,
    });
    engine.createAccount({
      subscribers: [{ msisdn: "375292222222", imsi: "257010000000022" }],
      planId: "payg",
      balance: 0,
    });
    const sms = (
      action: "DIRECT_DEBITING" | "CHECK_BALANCE" | "PRICE_ENQUIRY" | "REFUND_ACCOUNT",
      to: string,
    ) =>
      client.event({
        subscriptionIds: alice,
        requestedAction: action,
        mscc: [{ ratingGroup: 3, requested: { serviceSpecificUnits: 1 } }],
        sms: { recipient: to },
        serviceContextId: "32274@3gpp.org",
      });
    expect(answer(await sms("PRICE_ENQUIRY", "375292222222")).cost).toEqual({
      minorUnits: 5,
      currencyCode: 933,
    });
    expect(answer(await sms("CHECK_BALANCE", "375447777777")).checkBalanceResult).toBe("ENOUGH_CREDIT");
    expect(answer(await sms("DIRECT_DEBITING", "375447777777")).resultCode).toBe(2001); // off-net: 0.08
    expect(acc.balance).toBe(2);
    expect(answer(await sms("CHECK_BALANCE", "375447777777")).checkBalanceResult).toBe("NO_CREDIT");
    expect(answer(await sms("DIRECT_DEBITING", "375447777777")).resultCode).toBe(4012);
    expect(acc.balance).toBe(2);
    expect(answer(await sms("REFUND_ACCOUNT", "375447777777")).resultCode).toBe(2001);
    expect(acc.balance).toBe(10);
    expect(acc.reservations).toEqual([]);
  });

  it("answers 4011 for calls inside an unlimited CUG and rates on-net by the called subscriber", async () => {
    engine.createAccount({
      subscribers: [{ msisdn: "375291111111", imsi: "257010000000011" }],
      planId: "corporate",
      balance: 100,
      cugId: "acme",
    });
    engine.createAccount({
      subscribers: [{ msisdn: "375292222222", imsi: "257010000000022" }],
      planId: "corporate",
      balance: 0,
      cugId: "acme",
    });
    const cug = client.session({
      subscriptionIds: alice,
      calledParty: "tel:+375292222222",
      serviceContextId: "32260@3gpp.org",
    });
    expect(answer(await cug.initial([{ ratingGroup: 2, requested: { time: 60 } }])).resultCode).toBe(4011);
    const off = client.session({
      subscriptionIds: alice,
      calledParty: "+375447654321",
      serviceContextId: "32260@3gpp.org",
    });
    const a = answer(await off.initial([{ ratingGroup: 2, requested: { time: 600 } }]));
    expect(a.mscc[0]?.granted?.time).toBe(300); // 1.00 BYN at 0.20 per minute
  });

  it("answers 5002 for an update of an unknown session", async () => {
    engine.createAccount({
      subscribers: [{ msisdn: "375291111111", imsi: "257010000000011" }],
      planId: "payg",
      balance: 100,
    });
    const base = client.requestBase();
    const o = await client.send(
      {
        ...base,
        sessionId: "nope;1;1",
        requestType: "UPDATE",
        requestNumber: 1,
        subscriptionIds: alice,
        mscc: [],
      },
      "TERMINATE",
    );
    expect(answer(o).resultCode).toBe(5002);
  });
});
