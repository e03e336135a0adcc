/**
 * A Gy session through the node: it shows in /api/sessions and the subscriber, gets RAR/ASR when
 * the admin API changes the account, ends in /api/cdrs, and is counted in /metrics.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CcOutcome, GyClient } from "../../core/diameter/gy/gy-client.js";
import type { GySession } from "../../core/diameter/gy/gy-session.js";
import { ALICE, addSubscriber, api, BOB, eventually, gyClient, startNode, type TestNode } from "./helpers.js";

const MB = 1024 * 1024;
let t: TestNode;
let client: GyClient;
const reauths: string[] = [];
const aborts: string[] = [];

beforeEach(async () => {
  reauths.length = 0;
  aborts.length = 0;
  t = await startNode();
  client = await gyClient(t.node, {
    onReAuth: (s) => reauths.push(s.sessionId),
    onAbort: (s) => aborts.push(s.sessionId),
  });
  await addSubscriber(t.base);
});

afterEach(async () => {
  await client.close();
  await t.node.stop();
});

function ok(o: CcOutcome) {
  if (o.kind !== "answer") throw new Error(o.reason);
  expect(o.answer.resultCode).toBe(2001);
  return o.answer;
}

async function openDataSession(): Promise<GySession> {
  const s = client.session({ subscriptionIds: [{ type: "E164", data: ALICE.msisdn }] });
  ok(await s.initial([{ ratingGroup: 1, requested: { totalOctets: 2 * MB } }]));
  return s;
}

describe("live sessions and CDRs", () => {
  it("lists a live session, then its record once it ends", async () => {
    const s = await openDataSession();
    const live = await api(t.base, "GET", "/api/sessions");
    expect(live.status).toBe(200);
    expect(live.json.sessions).toEqual([
      expect.objectContaining({
        sessionId: s.sessionId,
        msisdn: ALICE.msisdn,
        ratingGroup: 1,
        kind: "data",
        grantedUnits: 2 * MB,
        heldMoney: "0.00",
      }),
    ]);
    expect(Date.parse(live.json.sessions[0].expiresAt)).toBeGreaterThan(Date.now());
    const shown = await api(t.base, "GET", `/api/subscribers/${ALICE.msisdn}`);
    expect(shown.json.sessions).toEqual([
      { sessionId: s.sessionId, ratingGroup: 1, kind: "data", grantedUnits: 2 * MB, heldMoney: "0.00" },
    ]);
    const filtered = await api(t.base, "GET", `/api/sessions?msisdn=${ALICE.msisdn}`);
    expect(filtered.json.sessions).toHaveLength(1);

    ok(await s.terminate([{ ratingGroup: 1, used: [{ totalOctets: MB }] }]));
    expect((await api(t.base, "GET", "/api/sessions")).json.sessions).toEqual([]);
    const cdrs = await api(t.base, "GET", `/api/cdrs?msisdn=${ALICE.msisdn}`);
    expect(cdrs.status).toBe(200);
    expect(cdrs.json.records).toEqual([
      expect.objectContaining({
        sequence: 1,
        sessionId: s.sessionId,
        msisdn: ALICE.msisdn,
        kind: "data",
        ratingGroup: 1,
        units: MB,
        charge: "0.00",
        fromBuckets: { internet: MB },
        balanceAfter: "10.00",
      }),
    ]);
  });

  it("filters CDRs by time and pages them", async () => {
    await api(t.base, "POST", `/api/subscribers/${ALICE.msisdn}/topup`, { amount: "1.00" });
    await api(t.base, "POST", `/api/subscribers/${ALICE.msisdn}/topup`, { amount: "2.00" });
    const all = await api(t.base, "GET", "/api/cdrs");
    expect(all.json.records.map((r: { charge: string }) => r.charge)).toEqual(["-1.00", "-2.00"]);
    const first = await api(t.base, "GET", "/api/cdrs?limit=1");
    expect(first.json.records).toHaveLength(1);
    const next = await api(t.base, "GET", `/api/cdrs?after=${first.json.records[0].sequence}`);
    expect(next.json.records.map((r: { charge: string }) => r.charge)).toEqual(["-2.00"]);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await api(t.base, "GET", `/api/cdrs?since=${future}`)).json.records).toEqual([]);
    expect((await api(t.base, "GET", `/api/cdrs?until=${future}`)).json.records).toHaveLength(2);
  });

  it.each([
    ["/api/cdrs?since=yesterday", "since"],
    ["/api/cdrs?until=2026-13-45", "until"],
    ["/api/cdrs?limit=-1", "limit"],
    ["/api/cdrs?limit=many", "limit"],
    ["/api/cdrs?msisdn=123", "msisdn"],
    ["/api/sessions?msisdn=abc", "msisdn"],
  ])("answers 400 for %s naming %s", async (path, field) => {
    const r = await api(t.base, "GET", path);
    expect(r.status).toBe(400);
    expect(r.json.error.field).toBe(field);
  });

  it("answers 404 for a filter on an unknown subscriber", async () => {
    expect((await api(t.base, "GET", `/api/cdrs?msisdn=${BOB.msisdn}`)).status).toBe(404);
    expect((await api(t.base, "GET", `/api/sessions?msisdn=${BOB.msisdn}`)).status).toBe(404);
  });
});

describe("RAR and ASR from admin changes", () => {
  it("re-authorises live sessions after a top-up, a plan change and Pause", async () => {
    const s = await openDataSession();
    await api(t.base, "POST", `/api/subscribers/${ALICE.msisdn}/topup`, { amount: "1.00" });
    await eventually(() => reauths.length === 1);
    await api(t.base, "PATCH", `/api/subscribers/${ALICE.msisdn}`, { plan: "business-unlim-2" });
    await eventually(() => reauths.length === 2);
    await api(t.base, "PATCH", `/api/subscribers/${ALICE.msisdn}`, { state: "paused" });
    await eventually(() => reauths.length === 3);
    expect(new Set(reauths)).toEqual(new Set([s.sessionId]));
    expect(aborts).toEqual([]);
  });

  it("aborts live sessions when the account is blocked", async () => {
    const s = await openDataSession();
    await api(t.base, "PATCH", `/api/subscribers/${ALICE.msisdn}`, { state: "blocked" });
    await eventually(() => aborts.length === 1);
    expect(aborts).toEqual([s.sessionId]);
  });
});

describe("/metrics", () => {
  it("exposes gauges and counters in Prometheus text format", async () => {
    const s = await openDataSession();
    ok(await s.update([{ ratingGroup: 1, requested: {}, used: [{ totalOctets: MB }] }]));
    await api(t.base, "POST", `/api/subscribers/${ALICE.msisdn}/topup`, { amount: "2.50" });
    const during = await fetch(`${t.base}/metrics`);
    expect(during.status).toBe(200);
    expect(during.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await during.text();
    expect(text).toContain('telsim_accounts{state="active"} 1');
    expect(text).toContain('telsim_accounts{state="paused"} 0');
    expect(text).toContain("telsim_live_sessions 1");
    expect(text).toContain("telsim_reservations 1");
    expect(text).toContain("telsim_diameter_peers 1");
    expect(text).toContain('telsim_ccr_total{request_type="initial",result_code="2001"} 1');
    expect(text).toContain('telsim_ccr_total{request_type="update",result_code="2001"} 1');
    expect(text).toContain('telsim_topups_total{method="amount"} 1');
    expect(text).toContain('telsim_topup_amount_kopecks_total{method="amount"} 250');
    expect(text).toContain('telsim_records_total{kind="topup"} 1');
    expect(text).toContain("telsim_diameter_requests_total 2");
    expect(text).toContain(
      'telsim_http_requests_total{method="POST",route="/api/subscribers",status="201"} 1',
    );
    expect(text).toContain("# TYPE telsim_held_money_kopecks gauge");
    expect(text).toContain("process_cpu_user_seconds_total");

    ok(await s.terminate([{ ratingGroup: 1, used: [{ totalOctets: MB }] }]));
    const unknown = client.session({ subscriptionIds: [{ type: "E164", data: BOB.msisdn }] });
    const refused = await unknown.initial([{ ratingGroup: 1, requested: {} }]);
    expect(refused.kind === "answer" && refused.answer.resultCode).toBe(5030);
    const after = await (await fetch(`${t.base}/metrics`)).text();
    expect(after).toContain("telsim_live_sessions 0");
    expect(after).toContain('telsim_ccr_total{request_type="termination",result_code="2001"} 1');
    expect(after).toContain('telsim_ccr_total{request_type="initial",result_code="5030"} 1');
    expect(after).toContain('telsim_records_total{kind="data"} 1');
  });

  it("keeps each node's metrics apart", async () => {
    const other = await startNode();
    try {
      const text = await (await fetch(`${other.base}/metrics`)).text();
      expect(text).toContain('telsim_accounts{state="active"} 0');
    } finally {
      await other.node.stop();
    }
  });
});
