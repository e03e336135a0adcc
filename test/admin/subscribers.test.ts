/** POST / GET / PATCH /api/subscribers, and the errors every route shares (400, 404, 405, 413, 500). */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isLuhnValid } from "../../sim/luhn.js";
import {
  ALICE,
  addSubscriber,
  api,
  BOB,
  FAVORITES_PLAN,
  NO_PAUSE_PLAN,
  OPEN_PLAN,
  startNode,
  type TestNode,
} from "./helpers.js";

let t: TestNode;

beforeEach(async () => {
  t = await startNode();
});

afterEach(async () => {
  await t.node.stop();
});

describe("POST /api/subscribers", () => {
  it("creates the account, issues a SIM, keeps its keys on the account and persists before answering", async () => {
    const r = await addSubscriber(t.base, { msisdn: `+${ALICE.msisdn}`, creditLimit: "8.00", cugId: "acme" });
    expect(r.status).toBe(201);
    expect(r.headers.get("location")).toBe(`/api/subscribers/${ALICE.msisdn}`);
    expect(r.json).toMatchObject({
      accountId: "acc-1",
      msisdn: ALICE.msisdn,
      imsi: ALICE.imsi,
      plan: { id: OPEN_PLAN, name: "Business Unlim 1.0" },
      state: "active",
      balance: "10.00",
      creditLimit: "8.00",
      available: "18.00",
      feesOwed: "0.00",
      favorites: [],
      cugId: "acme",
      sessions: [],
    });
    expect(r.json.buckets).toEqual([
      expect.objectContaining({
        source: "internet",
        kind: "data",
        unit: "octets",
        total: 5120 * 1024 * 1024,
      }),
    ]);
    expect(Number.isNaN(Date.parse(r.json.nextFeeAt))).toBe(false);
    const sim = r.json.sim;
    expect(sim).toMatchObject({ imsi: ALICE.imsi, msisdn: ALICE.msisdn });
    expect(sim.iccid).toMatch(/^8937501\d{12}$/);
    expect(sim.iccid.slice(7, 18)).toBe(`0${ALICE.imsi.slice(5)}`);
    expect(isLuhnValid(sim.iccid)).toBe(true);
    expect(sim.k).toMatch(/^[0-9a-f]{32}$/);
    expect(sim.opc).toMatch(/^[0-9a-f]{32}$/);
    expect(sim.k).not.toBe(sim.opc);
    expect(sim.pin1).toMatch(/^\d{4}$/);
    expect(sim.pin2).toMatch(/^\d{4}$/);
    expect(sim.puk1).toMatch(/^\d{8}$/);
    expect(sim.puk2).toMatch(/^\d{8}$/);
    const stored = await t.node.store.loadAccounts();
    expect(stored).toHaveLength(1);
    expect(stored[0]?.sim).toEqual({ iccid: sim.iccid, k: sim.k, opc: sim.opc, sqn: 0, puk1: sim.puk1 });
    expect(stored[0]?.creditLimit).toBe(800);
  });

  it("issues different keys to different subscribers", async () => {
    const a = await addSubscriber(t.base);
    const b = await addSubscriber(t.base, BOB);
    expect(a.json.sim.k).not.toBe(b.json.sim.k);
    expect(a.json.sim.iccid).not.toBe(b.json.sim.iccid);
  });

  it.each([
    [{ msisdn: undefined }, "msisdn", "MISSING_FIELD"],
    [{ msisdn: "37529111111" }, "msisdn", "INVALID_FIELD"],
    [{ msisdn: "375121111111" }, "msisdn", "INVALID_FIELD"],
    [{ msisdn: 375291111111 }, "msisdn", "INVALID_FIELD"],
    [{ imsi: "25701" }, "imsi", "INVALID_FIELD"],
    [{ imsi: "2570100000000111" }, "imsi", "INVALID_FIELD"],
    [{ imsi: "25701abc" }, "imsi", "INVALID_FIELD"],
    [{ plan: undefined }, "plan", "MISSING_FIELD"],
    [{ plan: "no-such-plan" }, "plan", "UNKNOWN_PLAN"],
    [{ plan: NO_PAUSE_PLAN }, "plan", "ARCHIVED_PLAN"],
    [{ balance: 10 }, "balance", "INVALID_FIELD"],
    [{ balance: "ten" }, "balance", "INVALID_FIELD"],
    [{ balance: "-1.00" }, "balance", "INVALID_FIELD"],
    [{ balance: undefined }, "balance", "MISSING_FIELD"],
    [{ creditLimit: "8.001" }, "creditLimit", "INVALID_FIELD"],
    [{ favorites: ["375293333333"] }, "favorites", "INVALID_FIELD"],
    [{ favorites: "375293333333" }, "favorites", "INVALID_FIELD"],
    [{ cugId: "" }, "cugId", "INVALID_FIELD"],
    [{ allowArchived: "yes" }, "allowArchived", "INVALID_FIELD"],
    [{ creditlimit: "8.00" }, "creditlimit", "UNKNOWN_FIELD"],
  ])("answers 400 for %j naming %s", async (fields, field, code) => {
    const r = await addSubscriber(t.base, fields);
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ code, field });
    expect(r.json.error.message).toEqual(expect.any(String));
    expect(t.node.engine.accountCount).toBe(0);
  });

  it("takes an archived plan with allowArchived, and favorites up to the plan's number", async () => {
    const r = await addSubscriber(t.base, {
      plan: FAVORITES_PLAN,
      allowArchived: true,
      favorites: ["+375293333333", "375294444444", "375293333333"],
    });
    expect(r.status).toBe(201);
    expect(r.json.favorites).toEqual(["375293333333", "375294444444"]);
    const tooMany = await addSubscriber(t.base, {
      ...BOB,
      plan: FAVORITES_PLAN,
      allowArchived: true,
      favorites: ["375293333333", "375294444444", "375295555555", "375296666666"],
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.error.field).toBe("favorites");
  });

  it("answers 409 for a duplicate MSISDN or IMSI", async () => {
    expect((await addSubscriber(t.base)).status).toBe(201);
    const sameMsisdn = await addSubscriber(t.base, { imsi: BOB.imsi });
    expect(sameMsisdn.status).toBe(409);
    expect(sameMsisdn.json.error).toMatchObject({ code: "DUPLICATE_SUBSCRIBER", field: "msisdn" });
    const sameImsi = await addSubscriber(t.base, { msisdn: BOB.msisdn });
    expect(sameImsi.status).toBe(409);
    expect(sameImsi.json.error).toMatchObject({ code: "DUPLICATE_SUBSCRIBER", field: "imsi" });
  });

  it("answers 400 BAD_JSON for a body that is not a JSON object", async () => {
    for (const body of ["{", "[1,2]", "42", ""]) {
      const r = await api(t.base, "POST", "/api/subscribers", body);
      expect(r.status).toBe(400);
      expect(r.json.error).toMatchObject({ code: "BAD_JSON", field: "body" });
    }
  });

  it("answers 413 for a body over 64 KB, and keeps serving", async () => {
    const r = await addSubscriber(t.base, { cugId: "x".repeat(70 * 1024) });
    expect(r.status).toBe(413);
    expect(r.json.error).toMatchObject({ code: "BODY_TOO_LARGE", field: "body" });
    expect((await addSubscriber(t.base)).status).toBe(201);
  });
});

describe("GET /api/subscribers/:msisdn", () => {
  it("shows the subscriber by MSISDN, with or without +", async () => {
    await addSubscriber(t.base);
    for (const m of [ALICE.msisdn, `%2B${ALICE.msisdn}`]) {
      const r = await api(t.base, "GET", `/api/subscribers/${m}`);
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ msisdn: ALICE.msisdn, balance: "10.00", creditLimit: "0.00" });
      expect(r.json.sim).toBeUndefined();
    }
  });

  it("answers 404 for an unknown subscriber and 400 for a malformed MSISDN", async () => {
    const missing = await api(t.base, "GET", `/api/subscribers/${BOB.msisdn}`);
    expect(missing.status).toBe(404);
    expect(missing.json.error).toMatchObject({ code: "SUBSCRIBER_NOT_FOUND", field: "msisdn" });
    const bad = await api(t.base, "GET", "/api/subscribers/12ab");
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ code: "INVALID_FIELD", field: "msisdn" });
  });
});

describe("PATCH /api/subscribers/:msisdn", () => {
  beforeEach(async () => {
    await addSubscriber(t.base);
  });
  const patch = (body: unknown) => api(t.base, "PATCH", `/api/subscribers/${ALICE.msisdn}`, body);

  it("changes the plan, giving the new plan's allowances", async () => {
    const r = await patch({ plan: "business-unlim-2" });
    expect(r.status).toBe(200);
    expect(r.json.plan.id).toBe("business-unlim-2");
    expect(r.json.buckets).toHaveLength(1);
    expect((await t.node.store.loadAccounts())[0]?.planId).toBe("business-unlim-2");
  });

  it("refuses an archived or unknown plan, naming plan, and changes nothing", async () => {
    for (const plan of [NO_PAUSE_PLAN, "nope"]) {
      const r = await patch({ plan, cugId: "changed" });
      expect(r.status).toBe(400);
      expect(r.json.error.field).toBe("plan");
    }
    const shown = await api(t.base, "GET", `/api/subscribers/${ALICE.msisdn}`);
    expect(shown.json).toMatchObject({ plan: { id: OPEN_PLAN }, cugId: null });
  });

  it("pauses and unpauses (the Pause service)", async () => {
    const paused = await patch({ state: "paused" });
    expect(paused.status).toBe(200);
    expect(paused.json.state).toBe("paused");
    expect(Number.isNaN(Date.parse(paused.json.pausedAt))).toBe(false);
    const active = await patch({ state: "active" });
    expect(active.json).toMatchObject({ state: "active", pausedAt: null });
  });

  it("refuses Pause on a plan without it, naming state", async () => {
    await addSubscriber(t.base, { ...BOB, plan: NO_PAUSE_PLAN, allowArchived: true });
    const r = await api(t.base, "PATCH", `/api/subscribers/${BOB.msisdn}`, { state: "paused" });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ code: "INVALID_STATE", field: "state" });
  });

  it("sets the credit limit, favorites and CUG; null clears the limit and the CUG", async () => {
    const r = await patch({ creditLimit: "5.00", cugId: "acme" });
    expect(r.json).toMatchObject({ creditLimit: "5.00", available: "15.00", cugId: "acme" });
    const cleared = await patch({ creditLimit: null, cugId: null, favorites: [] });
    expect(cleared.json).toMatchObject({ creditLimit: "0.00", cugId: null, favorites: [] });
  });

  it("blocks, unblocks when the balance covers the floor, and closes for good", async () => {
    expect((await patch({ state: "blocked" })).json.state).toBe("blocked");
    expect((await patch({ state: "active" })).json.state).toBe("active");
    expect((await patch({ state: "closed" })).json.state).toBe("closed");
    const again = await patch({ state: "active" });
    expect(again.status).toBe(409);
    expect(again.json.error).toMatchObject({ code: "ACCOUNT_CLOSED", field: "state" });
  });

  it.each([
    [{ state: "sleeping" }, "state", "INVALID_FIELD"],
    [{ creditLimit: "-1.00" }, "creditLimit", "INVALID_FIELD"],
    [{ favorites: ["375293333333"] }, "favorites", "INVALID_FIELD"],
    [{ balance: "99.00" }, "balance", "UNKNOWN_FIELD"],
    [{ plan: 7 }, "plan", "INVALID_FIELD"],
  ])("answers 400 for %j naming %s", async (body, field, code) => {
    const r = await patch(body);
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ code, field });
  });

  it("answers 404 for an unknown subscriber", async () => {
    const r = await api(t.base, "PATCH", `/api/subscribers/${BOB.msisdn}`, { state: "paused" });
    expect(r.status).toBe(404);
  });
});

describe("routing and failures", () => {
  it("answers 404 for an unknown route and 405 with Allow for a wrong method", async () => {
    const none = await api(t.base, "GET", "/api/nothing");
    expect(none.status).toBe(404);
    expect(none.json.error).toEqual({ code: "ROUTE_NOT_FOUND", field: null, message: expect.any(String) });
    const wrong = await api(t.base, "DELETE", `/api/subscribers/${ALICE.msisdn}`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET, PATCH");
    expect(wrong.json.error.code).toBe("METHOD_NOT_ALLOWED");
  });

  it("answers /healthz", async () => {
    expect(await api(t.base, "GET", "/healthz")).toMatchObject({ status: 200, json: { status: "ok" } });
  });

  it("turns an unexpected failure into a logged 500, and keeps serving", async () => {
    await t.node.store.close(); // every persist fails from now on
    const r = await addSubscriber(t.base);
    expect(r.status).toBe(500);
    expect(r.json.error).toMatchObject({ code: "INTERNAL", field: null });
    expect(t.logger.lines.some((l) => l.startsWith("error: admin API POST /api/subscribers failed"))).toBe(
      true,
    );
    expect((await api(t.base, "GET", "/healthz")).status).toBe(200);
  });
});
