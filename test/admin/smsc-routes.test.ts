/**
 * The SMSC through the admin API, against a real core with its network and SMSC on free ports and
 * a virtual clock (so rates and delivery times are exact): stats, binds and queues that move with
 * a real SMPP bind, error-injection rules that change the next submit_sm's answer, the
 * telsim_smsc_* metrics, and top-ups that settle an unconfirmed payment.
 */
import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../core/clock/virtual-clock.js";
import { DAY } from "../../core/charging/local-time.js";
import { CommandStatus } from "../../core/smpp/command-status.js";
import type { DeliverSm, OutboundPdu } from "../../core/smpp/pdu-types.js";
import { connectAndBind } from "../../core/smpp/smpp-client.js";
import type { SmppSession } from "../../core/smpp/smpp-session.js";
import { DEMO_ACCOUNT, esmeAccount, smscConfig } from "../../core/smsc/smsc-config.js";
import { ALICE, addSubscriber, api, eventually, startNode, type TestNode } from "./helpers.js";

/** A whole second, so the virtual clock's "last full second" is exact. */
const T0 = Date.UTC(2026, 2, 10, 10, 0, 0);
/** The final state comes this long after a message was accepted (deterministic outcome mode). */
const DELIVERY_MS = 5_000;

let t: TestNode | undefined;
let clock: VirtualClock;
const sessions: SmppSession[] = [];

afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
  await t?.node.stop();
  t = undefined;
});

/** A core with its network and an SMSC: demo at 2 submits a second, acme never bound. */
async function startWithSmsc(): Promise<TestNode> {
  clock = new VirtualClock(T0);
  t = await startNode({
    clock,
    network: {
      seed: "smsc-admin",
      smsc: {
        port: 0,
        config: smscConfig({
          accounts: [
            { ...DEMO_ACCOUNT, tps: 2, burst: 2 },
            esmeAccount({ systemId: "acme", password: "acmepw" }),
          ],
          // the destination's last digit picks the final state: 0 DELIVERED, 3 UNDELIVERABLE
          outcome: { mode: "deterministic", delayMs: DELIVERY_MS },
        }),
      },
    },
  });
  return t;
}

interface Esme {
  readonly session: SmppSession;
  readonly receipts: DeliverSm[];
}

async function bindDemo(node: TestNode): Promise<Esme> {
  const port = node.node.network?.smppAddress?.port;
  if (port === undefined) throw new Error("the SMSC does not listen");
  const { session } = await connectAndBind({
    port,
    mode: "transceiver",
    system_id: "demo",
    password: "demopass",
  });
  sessions.push(session);
  const receipts: DeliverSm[] = [];
  session.on("request", (pdu) => {
    if (pdu.command !== "deliver_sm") return;
    receipts.push(pdu);
    session.respond(pdu);
  });
  return { session, receipts };
}

function submitSm(destination: string): OutboundPdu<"submit_sm"> {
  return {
    command: "submit_sm",
    source_addr_ton: 5,
    source_addr_npi: 0,
    source_addr: "TELSIM",
    dest_addr_ton: 1,
    dest_addr_npi: 1,
    destination_addr: destination,
    registered_delivery: 1,
    data_coding: 0,
    short_message: Buffer.from("hello from the admin tests"),
  };
}

async function submit(esme: Esme, destination = "375291111110"): Promise<number> {
  return (await esme.session.request(submitSm(destination))).command_status;
}

async function metricsText(base: string): Promise<string> {
  const r = await fetch(`${base}/metrics`);
  expect(r.status).toBe(200);
  return r.text();
}

const NO_REFUSALS = {
  tps: 0,
  window: 0,
  "daily-quota": 0,
  "queue-full": 0,
  "credit-limit": 0,
  "service-denied": 0,
  "charging-rejected": 0,
  "charging-unavailable": 0,
  "no-route": 0,
  invalid: 0,
};
const NO_STATS = { DELIVRD: 0, EXPIRED: 0, DELETED: 0, UNDELIV: 0, ACCEPTD: 0, UNKNOWN: 0, REJECTD: 0 };
const NOT_THROTTLED = { tps: 0, window: 0, dailyQuota: 0, queueFull: 0 };

describe("without an SMSC", () => {
  it("answers every SMSC route 404 SMSC_NOT_RUNNING; the SMSC metrics have no series", async () => {
    t = await startNode();
    const calls: [string, string, unknown?][] = [
      ["GET", "/api/smsc"],
      ["GET", "/api/smsc/binds"],
      ["GET", "/api/smsc/queues"],
      ["GET", "/api/smsc/injection-rules"],
      ["POST", "/api/smsc/injection-rules", { action: { kind: "drop" } }],
      ["DELETE", "/api/smsc/injection-rules"],
      ["DELETE", "/api/smsc/injection-rules/1"],
    ];
    for (const [method, path, body] of calls) {
      const r = await api(t.base, method, path, body);
      expect([method, path, r.status, r.json.error.code, r.json.error.field]).toEqual([
        method,
        path,
        404,
        "SMSC_NOT_RUNNING",
        null,
      ]);
    }
    const text = await metricsText(t.base);
    expect(text).toContain("telsim_smsc_pending_messages 0");
    expect(text).toContain("telsim_smsc_submits_accepted_total 0");
    expect(text).toContain("# TYPE telsim_smsc_binds gauge");
    expect(text).not.toContain("telsim_smsc_binds{");
    expect(text).not.toContain("telsim_smsc_receipts_total{");
  });
});

describe("GET /api/smsc, /binds and /queues", () => {
  it("shows a real bind, its rate, its throttled submit, the queues, receipts and final states", async () => {
    const node = await startWithSmsc();
    const before = await api(node.base, "GET", "/api/smsc/binds");
    expect(before).toMatchObject({ status: 200, json: { binds: [] } });

    const esme = await bindDemo(node);
    // burst 2: the third submit in the same second is throttled (tps)
    const statuses = [
      await submit(esme, "375291111110"),
      await submit(esme, "375291111113"),
      await submit(esme, "375291111120"),
    ];
    expect(statuses).toEqual([CommandStatus.ESME_ROK, CommandStatus.ESME_ROK, CommandStatus.ESME_RTHROTTLED]);

    const queues = await api(node.base, "GET", "/api/smsc/queues");
    expect(queues.status).toBe(200);
    expect(queues.json).toMatchObject({ pendingMessages: 2, storedMessages: 2, chargingInFlight: 0 });

    clock.advance(1000); // the second of the submits is now the last full one
    const binds = await api(node.base, "GET", "/api/smsc/binds");
    expect(binds.status).toBe(200);
    expect(binds.json.binds).toEqual([
      {
        id: 1,
        systemId: "demo",
        mode: "transceiver",
        remote: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
        boundAt: new Date(T0).toISOString(),
        tps: 2,
        tpsLimit: 2,
        window: { size: 100, inUse: 0 },
        outboundInFlight: 0,
        throttled: { ...NOT_THROTTLED, tps: 1 },
        submitted: 3,
        accepted: 2,
        refused: { ...NO_REFUSALS, tps: 1 },
        injected: 0,
        delivered: 0,
      },
    ]);
    const during = await metricsText(node.base);
    expect(during).toContain('telsim_smsc_bind_tps{system_id="demo",bind="1"} 2');
    expect(during).toContain('telsim_smsc_bind_tps_limit{system_id="demo",bind="1"} 2');
    expect(during).toContain('telsim_smsc_throttled{system_id="demo",reason="tps"} 1');
    expect(during).toContain('telsim_smsc_throttled{system_id="demo",reason="window"} 0');
    expect(during).toContain('telsim_smsc_throttled{system_id="acme",reason="tps"} 0');
    expect(during).toContain('telsim_smsc_binds{system_id="demo"} 1');
    expect(during).toContain('telsim_smsc_binds{system_id="acme"} 0');
    expect(during).toContain('telsim_smsc_daily_quota_used{system_id="demo"} 2');
    expect(during).toContain("telsim_smsc_submits_received_total 3");
    expect(during).toContain("telsim_smsc_submits_accepted_total 2");
    expect(during).toContain('telsim_smsc_submits_refused_total{reason="tps"} 1');
    expect(during).toContain('telsim_smsc_submits_refused_total{reason="no-route"} 0');
    expect(during).toContain("telsim_smsc_pending_messages 2");
    expect(during).toContain('telsim_smsc_receipts_total{stat="DELIVRD"} 0');
    expect(during).toContain("# TYPE telsim_smsc_submits_accepted_total counter");
    expect(during).toContain("# TYPE telsim_smsc_bind_tps gauge");

    clock.advance(DELIVERY_MS); // both final: one DELIVERED, one UNDELIVERABLE, each with its receipt
    await eventually(() => esme.receipts.length === 2);
    const receiptStats = esme.receipts.map((r) => /stat:(\w+)/.exec(r.short_message.toString("latin1"))?.[1]);
    expect(receiptStats.sort()).toEqual(["DELIVRD", "UNDELIV"]);
    // the SMSC counts a receipt delivered when the ESME's deliver_sm_resp is back
    await eventually(() => node.node.network?.smsc?.stats().binds[0]?.delivered === 2);
    const stats = await api(node.base, "GET", "/api/smsc");
    expect(stats.status).toBe(200);
    expect(stats.json.binds).toMatchObject([{ id: 1, tps: 0, delivered: 2, accepted: 2 }]);
    expect(stats.json.accounts).toEqual([
      { systemId: "demo", binds: 1, maxBinds: 4, dailyQuota: 0, usedToday: 2 },
      { systemId: "acme", binds: 0, maxBinds: 4, dailyQuota: 0, usedToday: 0 },
    ]);
    expect(stats.json.queues).toMatchObject({ pendingMessages: 0, storedMessages: 2, inOutbox: 0 });
    expect(stats.json.queues.outbox).toEqual([
      {
        systemId: "demo",
        queued: 0,
        delayed: 0,
        inFlight: 0,
        binds: 1,
        delivered: 2,
        retried: 0,
        failed: 0,
        dropped: 0,
      },
    ]);
    expect(stats.json.receipts).toEqual({ ...NO_STATS, DELIVRD: 1, UNDELIV: 1 });
    expect(stats.json.finalStates).toEqual({ ...NO_STATS, DELIVRD: 1, UNDELIV: 1 });
    expect(stats.json.receiptsDropped).toBe(0);
    expect(stats.json.totals).toEqual({
      submitted: 3,
      accepted: 2,
      refused: { ...NO_REFUSALS, tps: 1 },
      mobileOriginated: 0,
      charged: 0,
      chargeRefused: 0,
      chargeUnavailable: 0,
      bindsRefused: 0,
      malformedPdus: 0,
    });
    const after = await metricsText(node.base);
    expect(after).toContain('telsim_smsc_bind_tps{system_id="demo",bind="1"} 0');
    expect(after).toContain('telsim_smsc_receipts_total{stat="DELIVRD"} 1');
    expect(after).toContain('telsim_smsc_receipts_total{stat="UNDELIV"} 1');
    expect(after).toContain('telsim_smsc_receipts_total{stat="EXPIRED"} 0');
    expect(after).toContain('telsim_smsc_final_states_total{stat="DELIVRD"} 1');
    expect(after).toContain('telsim_smsc_final_states_total{stat="UNDELIV"} 1');
    expect(after).toContain("telsim_smsc_pending_messages 0");
    expect(after).toContain("telsim_smsc_stored_messages 2");

    // the bind goes: its series go with it, the account stays at 0 binds
    await sessions.splice(0)[0]?.close();
    await eventually(() => node.node.network?.smsc?.stats().binds.length === 0);
    const closed = await metricsText(node.base);
    expect(closed).not.toContain("telsim_smsc_bind_tps{");
    expect(closed).toContain('telsim_smsc_binds{system_id="demo"} 0');
    expect(closed).toContain('telsim_smsc_throttled{system_id="demo",reason="tps"} 0');
    expect(closed).toContain("telsim_smsc_submits_accepted_total 2");
  });
});

describe("/api/smsc/injection-rules", () => {
  it("a rule added over HTTP answers the next submit_sm with its status; deleting it restores 0", async () => {
    const node = await startWithSmsc();
    const esme = await bindDemo(node);
    const added = await api(node.base, "POST", "/api/smsc/injection-rules", {
      match: { systemId: "demo" },
      action: { kind: "status", status: "ESME_RTHROTTLED" },
    });
    expect(added.status).toBe(201);
    expect(added.json).toEqual({
      id: 1,
      name: null,
      match: { systemId: "demo" },
      action: { kind: "status", status: "ESME_RTHROTTLED" },
      times: null,
      hits: 0,
    });
    expect(await submit(esme)).toBe(0x58);
    const listed = await api(node.base, "GET", "/api/smsc/injection-rules");
    expect(listed).toMatchObject({ status: 200, json: { rules: [{ id: 1, hits: 1 }] } });
    expect(listed.json.rules).toHaveLength(1);

    const removed = await api(node.base, "DELETE", "/api/smsc/injection-rules/1");
    expect(removed.status).toBe(204);
    expect(removed.json).toBeUndefined();
    expect(await submit(esme)).toBe(CommandStatus.ESME_ROK);
    expect((await api(node.base, "GET", "/api/smsc/injection-rules")).json).toEqual({ rules: [] });
    const binds = (await api(node.base, "GET", "/api/smsc/binds")).json.binds;
    // the injected answer is neither an acceptance nor a throttling
    expect(binds).toMatchObject([{ submitted: 1, accepted: 1, injected: 1, throttled: NOT_THROTTLED }]);

    const again = await api(node.base, "DELETE", "/api/smsc/injection-rules/1");
    expect(again.status).toBe(404);
    expect(again.json.error).toMatchObject({ code: "INJECTION_RULE_NOT_FOUND", field: "id" });
    const malformed = await api(node.base, "DELETE", "/api/smsc/injection-rules/one");
    expect(malformed.status).toBe(400);
    expect(malformed.json.error).toMatchObject({ code: "INVALID_FIELD", field: "id" });
  });

  it("lists rules in order, with names, limits and statuses by name, and clears them all", async () => {
    const node = await startWithSmsc();
    const post = (body: unknown) => api(node.base, "POST", "/api/smsc/injection-rules", body);
    expect((await post({ match: { command: "submit_sm" }, action: { kind: "drop" }, times: 2 })).status).toBe(
      201,
    );
    const second = await post({
      name: "slow MTS",
      match: { destinationPrefix: "+37533", probability: 0.5 },
      action: { kind: "delay", ms: 1500, status: 0x45 },
    });
    expect(second.status).toBe(201);
    expect((await api(node.base, "GET", "/api/smsc/injection-rules")).json.rules).toEqual([
      { id: 1, name: null, match: { command: "submit_sm" }, action: { kind: "drop" }, times: 2, hits: 0 },
      {
        id: 2,
        name: "slow MTS",
        match: { destinationPrefix: "37533", probability: 0.5 },
        action: { kind: "delay", ms: 1500, status: "ESME_RSUBMITFAIL" },
        times: null,
        hits: 0,
      },
    ]);
    const cleared = await api(node.base, "DELETE", "/api/smsc/injection-rules");
    expect(cleared).toMatchObject({ status: 200, json: { removed: 2 } });
    expect((await api(node.base, "GET", "/api/smsc/injection-rules")).json.rules).toEqual([]);
    expect((await api(node.base, "DELETE", "/api/smsc/injection-rules")).json).toEqual({ removed: 0 });
  });

  it("refuses a bad rule with 400 naming the field, and adds nothing", async () => {
    const node = await startWithSmsc();
    const post = (body: unknown) => api(node.base, "POST", "/api/smsc/injection-rules", body);
    const cases: [unknown, string, string, RegExp][] = [
      [
        { match: { command: "deliver_sm" }, action: { kind: "status", status: "ESME_RTHROTTLED" } },
        "INVALID_FIELD",
        "match.command",
        /match\.command: must be one of bind_transmitter/,
      ],
      [{ action: { kind: "explode" } }, "INVALID_FIELD", "action.kind", /status, delay, drop or reset/],
      [
        { action: { kind: "status", status: "ESME_NOPE" } },
        "INVALID_FIELD",
        "action.status",
        /command_status/,
      ],
      [{ action: { kind: "drop" }, colour: "red" }, "UNKNOWN_FIELD", "colour", /rule\.colour: unknown field/],
      [{ match: { systemId: "demo" } }, "MISSING_FIELD", "action", /action is required/],
      [
        { match: { probability: 2 }, action: { kind: "delay", ms: -1 }, times: 0 },
        "INVALID_FIELD",
        "match.probability",
        /match\.probability: .*; action\.ms: .*; times: must be a whole number of at least 1$/,
      ],
    ];
    for (const [body, code, field, message] of cases) {
      const r = await post(body);
      expect([r.status, r.json.error.code, r.json.error.field]).toEqual([400, code, field]);
      expect(r.json.error.message).toMatch(message);
    }
    expect((await api(node.base, "GET", "/api/smsc/injection-rules")).json.rules).toEqual([]);
  });
});

describe("top-ups settle an unconfirmed payment", () => {
  it("takes the promised payment from the next top-up, by amount or by card, and says so", async () => {
    const node = await startWithSmsc();
    await addSubscriber(node.base); // balance 10.00
    const ussd = node.node.network?.ussd;
    const account = node.node.engine.byMsisdnOf(ALICE.msisdn);
    if (ussd === undefined || account === undefined) throw new Error("no USSD core or no subscriber");
    const registered = await ussd.unconfirmed.register(account, 250);
    expect(registered.ok).toBe(true);
    expect(account.balance).toBe(1250);

    const LATER = 10 * 60_000; // within the 3 days, and before any fee falls due
    clock.advance(LATER);
    const r = await api(node.base, "POST", `/api/subscribers/${ALICE.msisdn}/topup`, { amount: "5.00" });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ balance: "15.00", state: "active", restored: false });
    expect(r.json.unconfirmedPayment).toEqual({
      id: expect.stringMatching(/^unconfirmed-/),
      amount: "2.50",
      status: "confirmed",
      registeredAt: new Date(T0).toISOString(),
      expiresAt: new Date(T0 + 3 * DAY).toISOString(),
      settledAt: new Date(T0 + LATER).toISOString(),
      blocked: false,
    });
    expect(ussd.unconfirmed.pendingOf(account.id)).toBeUndefined();
    const stored = await node.node.store.records({ accountId: account.id });
    expect(stored.map((s) => [s.record.kind, s.record.charge])).toEqual([
      ["topup", -250],
      ["topup", -500],
      ["adjustment", 250],
    ]);

    // nothing pending: a plain top-up answer
    const plain = await api(node.base, "POST", `/api/subscribers/${ALICE.msisdn}/topup`, { amount: "1.00" });
    expect(plain.json.balance).toBe("16.00");
    expect(plain.json).not.toHaveProperty("unconfirmedPayment");

    // the limit is 3 BYN; a card top-up settles the next one
    expect(await ussd.unconfirmed.register(account, 301)).toEqual({ ok: false, problem: "over-limit" });
    expect((await ussd.unconfirmed.register(account, 300)).ok).toBe(true);
    const cards = await api(node.base, "POST", "/api/cards", { count: 1, amount: "4.00", seed: "settle" });
    const code = cards.json.cards[0].code as string;
    const byCard = await api(node.base, "POST", `/api/subscribers/${ALICE.msisdn}/topup`, { card: code });
    expect(byCard.status).toBe(200);
    expect(byCard.json).toMatchObject({
      balance: "20.00", // 16.00 + 3.00 promised + 4.00 card - 3.00 settled
      card: { code, used: true },
      unconfirmedPayment: { amount: "3.00", status: "confirmed", blocked: false },
    });
  });

  it("leaves the answer as it was when the core runs without its network", async () => {
    t = await startNode();
    await addSubscriber(t.base);
    const r = await api(t.base, "POST", `/api/subscribers/${ALICE.msisdn}/topup`, { amount: "1.00" });
    expect(r.status).toBe(200);
    expect(r.json.balance).toBe("11.00");
    expect(r.json).not.toHaveProperty("unconfirmedPayment");
  });
});

describe("telsim_ussd_dialogues", () => {
  it("counts the USSD dialogues open at the scrape", async () => {
    const node = await startWithSmsc();
    await addSubscriber(node.base);
    expect(await metricsText(node.base)).toContain("telsim_ussd_dialogues 0");
    const ussd = node.node.network?.ussd;
    expect(ussd?.gateway.dial(ALICE.msisdn, "*143#").ok).toBe(true);
    // read in the same turn: with no handset attached, the network releases the dialogue right after
    const text = node.node.metrics.text();
    expect(await text).toContain("telsim_ussd_dialogues 1");
  });
});
