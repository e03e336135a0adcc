/**
 * Tcc session supervision (RFC 4006 §13) on the virtual clock, through a whole in-process core
 * (CoreNode: memory store, admin API, Gy over TCP): a session that stops talking is closed after
 * Tcc by the node's own sweeper timer, what it held is released, its record holds what it used,
 * and a later CCR on it gets 5002 DIAMETER_UNKNOWN_SESSION_ID; a session that keeps talking
 * within Tcc stays open, however long it lasts.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatMoney } from "../../core/charging/money.js";
import { VirtualClock } from "../../core/clock/virtual-clock.js";
import type { GyClient } from "../../core/diameter/gy/gy-client.js";
import { MemoryLogger } from "../../core/diameter/logger.js";
import { CoreNode } from "../../core/node.js";
import { ALICE, addSubscriber, api, gyClient, OPEN_PLAN } from "../admin/helpers.js";
import {
  advance,
  allRecords,
  answered,
  kopecks,
  MB,
  type RecordView,
  rawUpdate,
  subscriberMoney,
} from "./ocs-test-kit.js";

/** The shipped catalog's defaults (catalog/a1-tariffs.yaml): Tcc 900 s, Validity-Time 600 s. */
const TCC_MS = 900_000;
const VALIDITY_MS = 600_000;
/** How often the node's sweeper looks (ms of the virtual clock). */
const SWEEP_MS = 1000;
/** business-unlim-1 (corporate rate card): an off-net minute costs 0.15. */
const OFF_NET = "375331234567";
const OFF_NET_MINUTE = 15;
/** The balance provisioned; a fee the core may charge on connection comes off it at once. */
const INITIAL = 1000;

const alice = [{ type: "E164" as const, data: ALICE.msisdn }];

let clock: VirtualClock;
let node: CoreNode;
let base: string;
let client: GyClient;
/** The balance once provisioned (after any fee charged on connection). */
let start: number;

beforeEach(async () => {
  // Midday, far from the day/night window edge and from any fee.
  clock = new VirtualClock(Date.UTC(2026, 2, 10, 10, 0, 0));
  node = await CoreNode.start({
    memory: true,
    diameterPort: 0,
    httpPort: 0,
    clock,
    logger: new MemoryLogger(),
    tccIntervalMs: SWEEP_MS,
    // The first fee falls due one virtual day after the account opens: never within a test.
    feeIntervalMs: 86_400_000,
  });
  base = `http://${node.httpAddress.host}:${node.httpAddress.port}`;
  expect((await addSubscriber(base, { plan: OPEN_PLAN, balance: "10.00" })).status).toBe(201);
  start = (await subscriberMoney(base, ALICE.msisdn)).balance;
  expect(start).toBeLessThanOrEqual(INITIAL);
  client = await gyClient(node);
});

afterEach(async () => {
  await client.close();
  await node.stop();
});

/** The subscriber's records of sessions and events (fees aside). */
const usageRecords = async (): Promise<RecordView[]> =>
  (await allRecords(base, ALICE.msisdn)).filter((r) => r.kind !== "fee");

const sessionsOf = async (): Promise<{ sessionId: string; ratingGroup: number }[]> =>
  (await api(base, "GET", `/api/sessions?msisdn=${ALICE.msisdn}`)).json.sessions;

describe("Tcc on the virtual clock", () => {
  it("closes a silent session after Tcc: releases what it held, records what it used, then 5002", async () => {
    expect(node.catalog.defaults.tccSeconds * 1000).toBe(TCC_MS);
    const money = await subscriberMoney(base, ALICE.msisdn);
    expect(money.balance).toBe(start);
    const floor = -money.creditLimit;

    // A call paid from money (5 minutes held), and a data session on the plan's bucket.
    const call = client.session({ subscriptionIds: alice, calledParty: OFF_NET });
    const callI = answered(await call.initial([{ ratingGroup: 2, requested: { time: 300 } }]));
    expect(callI.resultCode).toBe(2001);
    expect(callI.mscc[0]?.granted?.time).toBe(300);
    const data = client.session({ subscriptionIds: alice });
    expect(
      answered(await data.initial([{ ratingGroup: 1, requested: { totalOctets: 10 * MB } }])).resultCode,
    ).toBe(2001);
    const bucketBefore = (await subscriberMoney(base, ALICE.msisdn)).view.buckets[0].remaining as number;

    await advance(clock, 60_000);
    const callU = answered(
      await call.update([{ ratingGroup: 2, requested: { time: 300 }, used: [{ time: 120 }] }]),
    );
    expect(callU.resultCode).toBe(2001);
    const dataU = answered(
      await data.update([
        { ratingGroup: 1, requested: { totalOctets: 10 * MB }, used: [{ totalOctets: 4 * MB }] },
      ]),
    );
    expect(dataU.resultCode).toBe(2001);
    const lastCcrAt = clock.now();

    const talking = await subscriberMoney(base, ALICE.msisdn);
    expect(talking.balance).toBe(start - 2 * OFF_NET_MINUTE);
    expect(talking.held).toBe(5 * OFF_NET_MINUTE);
    expect(talking.available).toBe(talking.balance - floor - 5 * OFF_NET_MINUTE);
    expect(await sessionsOf()).toHaveLength(2);

    // Silent until just before Tcc: nothing is released yet.
    await advance(clock, TCC_MS - 2 * SWEEP_MS);
    expect(await sessionsOf()).toHaveLength(2);
    expect((await subscriberMoney(base, ALICE.msisdn)).held).toBe(5 * OFF_NET_MINUTE);
    expect(await usageRecords()).toEqual([]);

    // Past Tcc: the sweeper (the node's own timer) closes both sessions.
    await advance(clock, 3 * SWEEP_MS);
    expect(await sessionsOf()).toEqual([]);
    expect(node.engine.bySessionOf(call.sessionId)).toBeUndefined();
    expect(node.engine.bySessionOf(data.sessionId)).toBeUndefined();
    const released = await subscriberMoney(base, ALICE.msisdn);
    expect(released.balance).toBe(start - 2 * OFF_NET_MINUTE); // releasing charges nothing
    expect(released.held).toBe(0);
    expect(released.available).toBe(released.balance - floor);
    expect(released.view.sessions).toEqual([]);
    // The data held from the bucket went back to it; only the 4 MB used are gone.
    expect(released.view.buckets[0].remaining).toBe(bucketBefore - 4 * MB);

    const records = await usageRecords();
    const byKind = new Map(records.map((r) => [r.kind, r]));
    expect(records).toHaveLength(2);
    expect(byKind.get("voice")).toMatchObject({
      sessionId: call.sessionId,
      ratingGroup: 2,
      units: 120,
      charge: "0.30",
      balanceAfter: formatMoney(start - 2 * OFF_NET_MINUTE),
    });
    expect(byKind.get("data")).toMatchObject({
      sessionId: data.sessionId,
      ratingGroup: 1,
      units: 4 * MB,
      charge: "0.00",
      fromBuckets: { internet: 4 * MB },
    });
    for (const r of records) {
      const ended = Date.parse(r.endedAt);
      expect(ended).toBeGreaterThanOrEqual(lastCcrAt + TCC_MS);
      expect(ended).toBeLessThanOrEqual(lastCcrAt + TCC_MS + SWEEP_MS);
    }

    // The client did not hear of it: its next CCR-U (and a CCR-T) find no session, and what they
    // report is not charged.
    const late = answered(
      await call.update([{ ratingGroup: 2, requested: { time: 300 }, used: [{ time: 240 }] }]),
    );
    expect(late.resultCode).toBe(5002);
    const lateT = answered(await data.terminate([{ ratingGroup: 1, used: [{ totalOctets: MB }] }]));
    expect(lateT.resultCode).toBe(5002);
    const after = await subscriberMoney(base, ALICE.msisdn);
    expect(after.balance).toBe(start - 2 * OFF_NET_MINUTE);
    expect(after.view.buckets[0].remaining).toBe(bucketBefore - 4 * MB);
    expect(await sessionsOf()).toEqual([]);
    expect(await usageRecords()).toHaveLength(2);

    // The balance reconciles with all the records (a connection fee included).
    const charged = (await allRecords(base, ALICE.msisdn)).reduce((sum, r) => sum + kopecks(r.charge), 0);
    expect(after.balance).toBe(INITIAL - charged);
  });

  it("keeps a session that updates within Tcc open for several times Tcc", async () => {
    const data = client.session({ subscriptionIds: alice });
    expect(
      answered(await data.initial([{ ratingGroup: 1, requested: { totalOctets: 10 * MB } }])).resultCode,
    ).toBe(2001);
    const call = client.session({ subscriptionIds: alice, calledParty: OFF_NET });
    expect(answered(await call.initial([{ ratingGroup: 2, requested: { time: 300 } }])).resultCode).toBe(
      2001,
    );
    // An update every Validity-Time (600 s < Tcc 900 s) for 3 Tcc.
    const rounds = Math.ceil((3 * TCC_MS) / VALIDITY_MS);
    for (let i = 0; i < rounds; i++) {
      await advance(clock, VALIDITY_MS);
      const u = answered(
        await data.update([
          {
            ratingGroup: 1,
            requested: { totalOctets: 10 * MB },
            used: [{ totalOctets: MB, reportingReason: "VALIDITY_TIME" }],
          },
        ]),
      );
      expect(u.resultCode, `data update ${i}`).toBe(2001);
      const c = answered(
        await call.update([{ ratingGroup: 2, requested: { time: 300 }, used: [{ time: 60 }] }]),
      );
      expect(c.resultCode, `call update ${i}`).toBe(2001);
      expect(await sessionsOf(), `after update ${i}`).toHaveLength(2);
      expect((await subscriberMoney(base, ALICE.msisdn)).held).toBe(5 * OFF_NET_MINUTE);
    }
    expect(clock.now() - Date.UTC(2026, 2, 10, 10, 0, 0)).toBeGreaterThan(3 * TCC_MS);
    expect(await usageRecords()).toEqual([]);

    const dataT = answered(await data.terminate([{ ratingGroup: 1, used: [{ totalOctets: MB }] }]));
    const callT = answered(await call.terminate([{ ratingGroup: 2, used: [{ time: 30 }] }]));
    expect([dataT.resultCode, callT.resultCode]).toEqual([2001, 2001]);
    const records = await usageRecords();
    expect(records.map((r) => [r.sessionId, r.units, r.charge])).toEqual([
      [data.sessionId, (rounds + 1) * MB, "0.00"],
      [call.sessionId, rounds * 60 + 30, (((rounds + 1) * OFF_NET_MINUTE) / 100).toFixed(2)],
    ]);
    const after = await subscriberMoney(base, ALICE.msisdn);
    expect(after.held).toBe(0);
    expect(after.balance).toBe(start - (rounds + 1) * OFF_NET_MINUTE);
  });

  // A CCR-U may report usage without a Requested-Service-Unit (RFC 4006 §8.18, e.g. at a
  // threshold): it must still restart Tcc, or the sweeper would close a live session.
  it("a CCR-U without Requested-Service-Unit restarts Tcc", async () => {
    const data = client.session({ subscriptionIds: alice });
    expect(
      answered(await data.initial([{ ratingGroup: 1, requested: { totalOctets: 10 * MB } }])).resultCode,
    ).toBe(2001);
    for (let i = 0; i < 3; i++) {
      await advance(clock, VALIDITY_MS);
      const u = answered(await data.update([{ ratingGroup: 1, used: [{ totalOctets: MB }] }]));
      expect(u.resultCode, `usage-only update ${i} (${(i + 1) * 600} s)`).toBe(2001);
    }
    const t = answered(await data.terminate([{ ratingGroup: 1, used: [{ totalOctets: MB }] }]));
    expect(t.resultCode).toBe(2001);
    const records = await usageRecords();
    expect(records.map((r) => [r.sessionId, r.units])).toEqual([[data.sessionId, 4 * MB]]);
  });

  it("answers 5002 to a CCR-U naming a session the core never had", async () => {
    const u = answered(
      await rawUpdate(client, "pgw.test.local;1;never-opened", alice, 1, [
        { ratingGroup: 1, requested: {}, used: [{ totalOctets: MB }] },
      ]),
    );
    expect(u.resultCode).toBe(5002);
    expect((await subscriberMoney(base, ALICE.msisdn)).balance).toBe(start);
  });
});
