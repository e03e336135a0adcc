import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChargingRecord } from "../../core/charging/model.js";
import { createInProcessLink } from "../../core/network/link/in-process-link.js";
import { attach, startCore, type Subscriber, TestFarm, type TestCore } from "./harness.js";

/** Corporate rates (catalog rateCards.corporate): kopecks per started minute. */
const RATE = { "on-net": 6, "off-net": 15, international: 150, favorite: 4, cug: 2 } as const;
const PLAN = "business-unlim-1";

let core: TestCore;
let farm: TestFarm;
let ids: Map<string, number>;

beforeEach(async () => {
  core = await startCore();
  farm = new TestFarm(createInProcessLink(core.node.network!.edge));
  ids = new Map();
});

afterEach(async () => {
  await core.stop();
});

async function online(
  n: number,
  balance = 10_000,
  extra: Parameters<TestCore["subscriber"]>[3] = {},
): Promise<Subscriber> {
  const s = await core.subscriber(n, PLAN, balance, extra);
  ids.set(s.msisdn, n);
  expect((await attach(farm, n, s.card)).type).toBe("attach-accept");
  return s;
}

function idOf(s: Subscriber): number {
  const id = ids.get(s.msisdn);
  if (id === undefined) throw new Error("not online");
  return id;
}

async function voiceRecords(accountId: string): Promise<ChargingRecord[]> {
  const stored = await core.node.store.records({ accountId });
  return stored.map((s) => s.record).filter((r) => r.kind === "voice");
}

/** A dials `number`; `callee` answers (or a sink does); the call lasts `seconds`; A hangs up. */
async function call(
  a: Subscriber,
  number: string,
  seconds: number,
  callee?: Subscriber,
): Promise<ChargingRecord> {
  const from = idOf(a);
  const before = (await voiceRecords(a.account.id)).length;
  const c = farm.send(from, { type: "call-setup", called: number, clir: "default", emergency: false });
  const alerting = await farm.take(from, "call-alerting", (f) => f.correlation === c);
  const callId = alerting.message.callId;
  if (callee !== undefined) {
    const to = idOf(callee);
    const incoming = await farm.take(to, "call-incoming");
    expect(incoming.message).toMatchObject({ callId, caller: `+${a.msisdn}`, waiting: false });
    const answer = farm.send(to, { type: "call-answer", callId });
    await farm.take(to, "call-connected", (f) => f.correlation === answer);
  } else {
    await core.advance(2000);
  }
  await farm.take(from, "call-connected", (f) => f.correlation === c);
  await core.advance(seconds * 1000);
  const h = farm.send(from, { type: "call-hangup", callId });
  await farm.take(from, "call-released", (f) => f.correlation === h);
  if (callee !== undefined) {
    const released = await farm.take(idOf(callee), "call-released");
    expect(released.message.reason).toBe("normal");
  }
  return recordAfter(a, before);
}

/** The voice record number `index` of `a`, once the CCR-T has been answered. */
async function recordAfter(a: Subscriber, index: number): Promise<ChargingRecord> {
  // Bounded: 500 polls of 2 ms.
  for (let i = 0; i < 500; i++) {
    const record = (await voiceRecords(a.account.id))[index];
    if (record !== undefined) return record;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error("no voice record");
}

describe("voice calls charged per minute through Gy", () => {
  it("charges on-net, off-net, international, favorite and CUG calls at their class's rate", async () => {
    const favorite = await online(2);
    const colleague = await online(3, 10_000, { cugId: "acme" });
    const a = await online(1, 10_000, { cugId: "acme", favorites: [favorite.msisdn] });
    const other = await online(4);
    const cases: [string, string, Subscriber | undefined][] = [
      ["on-net", `+${other.msisdn}`, other],
      ["off-net", "+375331234567", undefined],
      ["international", "+48221234567", undefined],
      ["favorite", favorite.msisdn, favorite],
      ["cug", `+${colleague.msisdn}`, colleague],
    ];
    for (const [destination, number, callee] of cases) {
      // 90 s: two started minutes.
      const record = await call(a, number, 90, callee);
      expect(record).toMatchObject({
        destination,
        units: 90,
        charge: 2 * RATE[destination as keyof typeof RATE],
      });
    }
  });

  it("refuses the set-up when the OCS answers 4012 (no credit)", async () => {
    const b = await online(2);
    const a = await online(1, 0);
    a.account.creditLimit = 0;
    const c = farm.send(1, { type: "call-setup", called: b.msisdn, clir: "default", emergency: false });
    const released = await farm.take(1, "call-released", (f) => f.correlation === c);
    expect(released.message).toMatchObject({ reason: "credit-exhausted", cause: 31 });
    expect(farm.pending(2)).toEqual([]);
  });

  it("releases a call in progress when a CCR-U is answered with 4012", async () => {
    const b = await online(2);
    const a = await online(1, 1000);
    a.account.creditLimit = 0;
    const c = farm.send(1, { type: "call-setup", called: b.msisdn, clir: "default", emergency: false });
    const { message } = await farm.take(1, "call-alerting", (f) => f.correlation === c);
    await farm.take(2, "call-incoming");
    farm.send(2, { type: "call-answer", callId: message.callId });
    await farm.take(1, "call-connected");
    // The money is gone (a manual adjustment): the next report gets 4012.
    a.account.balance = -500;
    await core.advance(300_000);
    const released = await farm.take(1, "call-released", (f) => f.correlation === c);
    expect(released.message.reason).toBe("credit-exhausted");
    expect((await farm.take(2, "call-released")).message.reason).toBe("normal");
  });

  it("releases the call when the final units are used (Final-Unit-Action TERMINATE)", async () => {
    const b = await online(2);
    const a = await online(1, 6); // one minute on-net
    a.account.creditLimit = 0;
    const c = farm.send(1, { type: "call-setup", called: b.msisdn, clir: "default", emergency: false });
    const { message } = await farm.take(1, "call-alerting", (f) => f.correlation === c);
    await farm.take(2, "call-incoming");
    farm.send(2, { type: "call-answer", callId: message.callId });
    await farm.take(1, "call-connected");
    await core.advance(59_000);
    expect(farm.pending(1).filter((f) => f.message.type === "call-released")).toEqual([]);
    await core.advance(2000);
    expect((await farm.take(1, "call-released")).message.reason).toBe("credit-exhausted");
    expect(await recordAfter(a, 0)).toMatchObject({ destination: "on-net", units: 60, charge: 6 });
  });

  it("gives busy, not reachable and no answer", async () => {
    const b = await online(2);
    const c3 = await online(3);
    const a = await online(1);
    // c3 calls b, b answers: b is busy (no call waiting).
    const first = farm.send(3, { type: "call-setup", called: b.msisdn, clir: "default", emergency: false });
    const alerting = await farm.take(3, "call-alerting", (f) => f.correlation === first);
    await farm.take(2, "call-incoming");
    farm.send(2, { type: "call-answer", callId: alerting.message.callId });
    await farm.take(3, "call-connected");
    const busy = farm.send(1, { type: "call-setup", called: b.msisdn, clir: "default", emergency: false });
    expect((await farm.take(1, "call-released", (f) => f.correlation === busy)).message).toMatchObject({
      reason: "busy",
      cause: 17,
    });
    // A subscriber who is not attached.
    const absent = await core.subscriber(9, PLAN, 1000);
    const nr = farm.send(1, { type: "call-setup", called: absent.msisdn, clir: "default", emergency: false });
    expect((await farm.take(1, "call-released", (f) => f.correlation === nr)).message.reason).toBe(
      "not-reachable",
    );
    // Ringing without an answer for 60 s.
    farm.send(3, { type: "call-hangup", callId: 0 });
    await farm.take(2, "call-released");
    const na = farm.send(1, { type: "call-setup", called: b.msisdn, clir: "invoke", emergency: false });
    await farm.take(1, "call-alerting", (f) => f.correlation === na);
    const incoming = await farm.take(2, "call-incoming");
    expect(incoming.message.caller).toBeUndefined(); // CLIR
    await core.advance(61_000);
    expect((await farm.take(1, "call-released", (f) => f.correlation === na)).message.reason).toBe(
      "no-answer",
    );
    expect((await farm.take(2, "call-released")).message.reason).toBe("no-answer");
    void a;
    void c3;
  });

  it("lets the called party reject (user busy) and the caller hang up while ringing", async () => {
    const b = await online(2);
    await online(1);
    const c = farm.send(1, { type: "call-setup", called: b.msisdn, clir: "default", emergency: false });
    await farm.take(1, "call-alerting", (f) => f.correlation === c);
    await farm.take(2, "call-incoming");
    const reject = farm.send(2, { type: "call-hangup", callId: 0 });
    await farm.take(2, "call-released", (f) => f.correlation === reject);
    expect((await farm.take(1, "call-released", (f) => f.correlation === c)).message.reason).toBe("busy");
    const d = farm.send(1, { type: "call-setup", called: b.msisdn, clir: "default", emergency: false });
    await farm.take(2, "call-incoming");
    const hang = farm.send(1, { type: "call-hangup", callId: 0 });
    await farm.take(1, "call-released", (f) => f.correlation === hang);
    expect((await farm.take(2, "call-released")).message.reason).toBe("normal");
    expect(d).toBeGreaterThan(0);
  });
});

describe("an external OCS", () => {
  it("charges the calls of this core's MSC on another core's OCS (host, port, realm)", async () => {
    const ocsCore = await startCore();
    const edgeCore = await startCore({
      ocs: {
        host: ocsCore.node.diameterAddress.host,
        port: ocsCore.node.diameterAddress.port,
        realm: "telsim.local",
      },
    });
    try {
      const edgeFarm = new TestFarm(createInProcessLink(edgeCore.node.network!.edge));
      // The subscriber is known to both: to this core's HLR (SIM) and to the OCS (account).
      const a = await edgeCore.subscriber(1, PLAN, 10_000);
      const charged = await ocsCore.subscriber(1, PLAN, 10_000);
      expect((await attach(edgeFarm, 1, a.card)).type).toBe("attach-accept");
      const c = edgeFarm.send(1, {
        type: "call-setup",
        called: "+375331234567",
        clir: "default",
        emergency: false,
      });
      await edgeFarm.take(1, "call-alerting", (f) => f.correlation === c);
      await edgeCore.advance(2000);
      await edgeFarm.take(1, "call-connected", (f) => f.correlation === c);
      await edgeCore.advance(30_000);
      edgeFarm.send(1, { type: "call-hangup", callId: 0 });
      await edgeFarm.take(1, "call-released");
      let records: ChargingRecord[] = [];
      for (let i = 0; i < 500 && records.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 2));
        records = (await ocsCore.node.store.records({ accountId: charged.account.id })).map((s) => s.record);
      }
      expect(records[0]).toMatchObject({
        kind: "voice",
        destination: "off-net",
        units: 30,
        charge: RATE["off-net"],
      });
      expect((await edgeCore.node.store.records({})).filter((s) => s.record.kind === "voice")).toEqual([]);
    } finally {
      await edgeCore.stop();
      await ocsCore.stop();
    }
  });
});
