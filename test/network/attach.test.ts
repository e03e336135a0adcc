import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createInProcessLink } from "../../core/network/link/in-process-link.js";
import { makeSqn } from "../../sim/sqn.js";
import { attach, makeCard, startCore, TestFarm, type TestCore, waitFor } from "./harness.js";

const PLAN = "business-unlim-1";
let core: TestCore;
let farm: TestFarm;

beforeEach(async () => {
  core = await startCore();
  farm = new TestFarm(createInProcessLink(core.node.network!.edge));
});

afterEach(async () => {
  await core.stop();
});

describe("attach with AKA", () => {
  it("authenticates with Milenage, registers and confirms the MSISDN", async () => {
    const a = await core.subscriber(1, PLAN, 1000);
    const result = await attach(farm, 1, a.card);
    expect(result).toEqual({
      type: "attach-accept",
      msisdn: a.msisdn,
      operator: { longName: "A1", shortName: "A1", plmn: "25701" },
      accessTechnology: "e-utran",
      areaCode: 0x0101,
      cellId: 1,
    });
    const edge = core.node.network!.edge;
    expect(edge.isAttached(a.msisdn)).toBe(true);
    // The card accepted SQN 1 in IND slot 1 (TS 33.102 Annex C.3.2); the network stored it durably.
    expect(a.card.sqn[1]).toBe(makeSqn(1, 1));
    expect(a.account.sim?.sqn).toBe(makeSqn(1, 1));
    const stored = (await core.node.store.loadAccounts()).find((x) => x.id === a.account.id);
    expect(stored?.sim?.sqn).toBe(makeSqn(1, 1));
    // A second attach takes the next SQN.
    expect((await attach(farm, 1, a.card)).type).toBe("attach-accept");
    expect(a.account.sim?.sqn).toBe(makeSqn(2, 2));
  });

  it("resynchronises when the card's SQN is ahead (AUTS), then attaches", async () => {
    const a = await core.subscriber(2, PLAN, 1000);
    // The card has seen SQN SEQ 500 in every slot; the network is at 0.
    a.card.sqn.fill(makeSqn(500, 0));
    const result = await attach(farm, 1, a.card);
    expect(result.type).toBe("attach-accept");
    expect(core.node.network!.edge.hlr.counters.resynchronisations).toBe(1);
    expect(a.account.sim!.sqn).toBeGreaterThan(makeSqn(500, 0));
  });

  it("rejects an unknown IMSI with cause #2", async () => {
    const stranger = makeCard("257019999999999", "375299999999", "stranger");
    expect(await attach(farm, 3, stranger)).toEqual({
      type: "attach-reject",
      cause: 2,
      reason: "imsi-unknown",
    });
  });

  it("rejects a card with the wrong K: MAC failure, then AUTHENTICATION REJECT (#3)", async () => {
    const a = await core.subscriber(4, PLAN, 1000);
    const forged = makeCard(a.imsi, a.msisdn, "another key");
    expect(await attach(farm, 4, forged)).toEqual({
      type: "attach-reject",
      cause: 3,
      reason: "authentication-rejected",
    });
    expect(core.node.network!.edge.isAttached(a.msisdn)).toBe(false);
  });

  it("rejects a wrong RES", async () => {
    const a = await core.subscriber(5, PLAN, 1000);
    const c = farm.send(5, { type: "attach-request", imsi: a.imsi, imei: "" });
    await farm.take(5, "auth-request");
    farm.send(5, { type: "auth-response", res: new Uint8Array(8) }, c);
    const { message } = await farm.take(5, "attach-reject");
    expect(message.reason).toBe("authentication-rejected");
  });

  it("rejects blocked and closed accounts with #8, and a bad IMEI with #6", async () => {
    const blocked = await core.subscriber(6, PLAN, 1000);
    blocked.account.state = "blocked";
    expect(await attach(farm, 6, blocked.card)).toEqual({
      type: "attach-reject",
      cause: 8,
      reason: "not-allowed",
    });
    const closed = await core.subscriber(7, PLAN, 1000);
    closed.account.state = "closed";
    expect((await attach(farm, 7, closed.card)).type).toBe("attach-reject");
    const ok = await core.subscriber(8, PLAN, 1000);
    expect(await attach(farm, 8, ok.card, "356938035643808")).toEqual({
      type: "attach-reject",
      cause: 6,
      reason: "illegal-me",
    });
  });

  it("detaches, and a new attach of the same IMSI elsewhere replaces the old registration", async () => {
    const a = await core.subscriber(9, PLAN, 1000);
    const edge = core.node.network!.edge;
    await attach(farm, 1, a.card);
    const second = new TestFarm(createInProcessLink(edge));
    expect((await attach(second, 77, a.card)).type).toBe("attach-accept");
    expect(edge.registry.size).toBe(1);
    second.send(77, { type: "detach-request" });
    await second.take(77, "detach-accept");
    expect(edge.isAttached(a.msisdn)).toBe(false);
  });

  it("answers services asked before attach with refused / no-service", async () => {
    const c = farm.send(1, { type: "ussd-begin", text: "*100#", dcs: 15 });
    expect((await farm.take(1, "refused")).message).toEqual({ type: "refused", cause: "no-service" });
    const d = farm.send(1, {
      type: "call-setup",
      called: "+375291234567",
      clir: "default",
      emergency: false,
    });
    const released = await farm.take(1, "call-released", (f) => f.correlation === d);
    expect(released.message.reason).toBe("no-service");
    expect(c).toBeLessThan(d);
  });

  it("answers a core-to-handset message from a handset with a wrong-direction error", async () => {
    const c = farm.send(1, {
      type: "attach-accept",
      msisdn: "1",
      operator: { longName: "", shortName: "", plmn: "" },
      accessTechnology: "gsm",
      areaCode: 0,
      cellId: 0,
    });
    const { message, frame } = await farm.take(1, "error");
    expect(frame.correlation).toBe(c);
    expect(message).toMatchObject({ code: "wrong-direction", offendingCorrelation: c });
    await waitFor("still up", () => (farm.link.closed ? undefined : true));
  });
});
