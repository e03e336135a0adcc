import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createInProcessLink } from "../../core/network/link/in-process-link.js";
import type { DataGrant } from "../../core/network/link/link-messages.js";
import { attach, startCore, type Subscriber, TestFarm, type TestCore } from "./harness.js";

const MB = 1 << 20;
let core: TestCore;
let farm: TestFarm;

beforeEach(async () => {
  core = await startCore();
  farm = new TestFarm(createInProcessLink(core.node.network!.edge));
});

afterEach(async () => {
  await core.stop();
});

async function online(plan: string, balance: number): Promise<Subscriber> {
  const s = await core.subscriber(1, plan, balance, { keepBuckets: true });
  expect((await attach(farm, 1, s.card)).type).toBe("attach-accept");
  return s;
}

async function start(): Promise<DataGrant> {
  const c = farm.send(1, { type: "data-start", apn: "internet" });
  return (await farm.take(1, "data-grant", (f) => f.correlation === c)).message;
}

async function use(sessionId: number, octets: number): Promise<DataGrant> {
  const c = farm.send(1, { type: "data-usage", sessionId, octets });
  return (await farm.take(1, "data-grant", (f) => f.correlation === c)).message;
}

describe("data sessions with octet charging", () => {
  it("throttles a Business Unlim session after its quota (QoS rate in the grant)", async () => {
    const s = await online("business-unlim-1", 10_000);
    const bucket = s.account.buckets.find((b) => b.kind === "data");
    if (bucket === undefined) throw new Error("no data bucket");
    bucket.remaining = 15 * MB;
    const first = await start();
    expect(first).toMatchObject({
      octets: 10 * MB,
      validityTime: 600,
      thresholdOctets: 2 * MB,
      throttleKbps: 0,
    });
    // 9 MB used: 1 MB left, under the threshold → CCR-U; the bucket has 6 MB more.
    const second = await use(first.sessionId, 9 * MB);
    expect(second).toMatchObject({ octets: 6 * MB, throttleKbps: 0, restricted: false });
    // The bucket is empty now: the next grant is at the plan's reduced speed.
    const third = await use(first.sessionId, 6 * MB);
    expect(third).toMatchObject({ octets: 10 * MB, throttleKbps: 512 });
    expect(third.finalUnitAction).toBeUndefined();
    const c = farm.send(1, { type: "data-stop", sessionId: first.sessionId, octets: 3 * MB });
    expect((await farm.take(1, "data-ended", (f) => f.correlation === c)).message).toEqual({
      type: "data-ended",
      sessionId: first.sessionId,
      reason: "normal",
      resultCode: 0,
    });
    const records = (await core.node.store.records({ accountId: s.account.id })).map((x) => x.record);
    const data = records.find((r) => r.kind === "data");
    expect(data).toMatchObject({ units: 18 * MB, throttled: true, charge: 0 });
    expect(core.node.network!.edge.pgw.counters.throttledGrants).toBe(1);
  });

  it("ends the session once the final units are used (Final-Unit-Action TERMINATE)", async () => {
    const s = await online("smart-1", 30); // 0.30 BYN at 0.20 per MB: 1.5 MB
    s.account.buckets = [];
    s.account.creditLimit = 0;
    const grant = await start();
    expect(grant).toMatchObject({ octets: 1.5 * MB, finalUnitAction: "terminate", thresholdOctets: 0 });
    const half = await use(grant.sessionId, 0.5 * MB);
    expect(half.octets).toBe(1 * MB);
    const c = farm.send(1, { type: "data-usage", sessionId: grant.sessionId, octets: 1 * MB });
    expect((await farm.take(1, "data-ended", (f) => f.correlation === c)).message.reason).toBe("final-units");
    const records = (await core.node.store.records({ accountId: s.account.id })).map((x) => x.record);
    expect(records.find((r) => r.kind === "data")).toMatchObject({ units: 1.5 * MB, charge: 30 });
  });

  it("restricts the session after the final units under REDIRECT", async () => {
    const s = await online("web-4", 20); // 0.20 BYN at 0.10 per MB: 2 MB
    s.account.buckets = [];
    s.account.creditLimit = 0;
    const grant = await start();
    expect(grant).toMatchObject({
      octets: 2 * MB,
      finalUnitAction: "redirect",
      redirectUrl: "http://127.0.0.1:8080/topup",
    });
    const restricted = await use(grant.sessionId, 2 * MB);
    expect(restricted).toMatchObject({
      restricted: true,
      octets: 0,
      redirectUrl: "http://127.0.0.1:8080/topup",
    });
    // A top-up: the OCS sends RAR, the PGW re-authorises (CCR-U) and pushes the new grant.
    s.account.balance += 1000;
    core.node.notifySessions(s.account, "reauth");
    const pushed = await farm.take(1, "data-grant", (f) => f.correlation === 0);
    expect(pushed.message).toMatchObject({ sessionId: grant.sessionId, restricted: false, octets: 10 * MB });
    expect(pushed.message.finalUnitAction).toBeUndefined();
  });

  it("refuses a session without credit, and re-requests when the Validity-Time expires", async () => {
    const s = await online("smart-1", 0);
    s.account.buckets = [];
    s.account.creditLimit = 0;
    const c = farm.send(1, { type: "data-start", apn: "internet" });
    expect((await farm.take(1, "data-ended", (f) => f.correlation === c)).message).toMatchObject({
      reason: "refused",
      resultCode: 4012,
    });
    s.account.balance = 10_000;
    const grant = await start();
    expect(grant.validityTime).toBe(600);
    // Steps well under the watchdog interval (Tw 30 s), so each DWR is answered before the next.
    await core.advance(601_000, 2_000);
    const pushed = await farm.take(1, "data-grant", (f) => f.correlation === 0);
    expect(pushed.message).toMatchObject({ sessionId: grant.sessionId, octets: 10 * MB });
  });
});
