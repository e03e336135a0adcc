import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SsRequest } from "../../handsets/mmi-types.js";
import { createInProcessLink } from "../../core/network/link/in-process-link.js";
import type { SsOutcome } from "../../core/network/link/link-messages.js";
import { attach, startCore, type Subscriber, TestFarm, type TestCore } from "./harness.js";

const PLAN = "business-unlim-1";
let core: TestCore;
let farm: TestFarm;
let a: Subscriber;
let b: Subscriber;
let c: Subscriber;

beforeEach(async () => {
  core = await startCore();
  farm = new TestFarm(createInProcessLink(core.node.network!.edge));
  a = await core.subscriber(1, PLAN, 10_000);
  b = await core.subscriber(2, PLAN, 10_000);
  c = await core.subscriber(3, PLAN, 10_000);
  for (const [id, s] of [
    [1, a],
    [2, b],
    [3, c],
  ] as const) {
    expect((await attach(farm, id, s.card)).type).toBe("attach-accept");
  }
});

afterEach(async () => {
  await core.stop();
});

async function ss(id: number, request: SsRequest): Promise<SsOutcome> {
  const corr = farm.send(id, { type: "ss-request", request });
  return (await farm.take(id, "ss-result", (f) => f.correlation === corr)).message.result;
}

function dial(id: number, number: string): number {
  return farm.send(id, { type: "call-setup", called: number, clir: "default", emergency: false });
}

async function connect(from: number, to: number, number: string): Promise<number> {
  const corr = dial(from, number);
  const { message } = await farm.take(from, "call-alerting", (f) => f.correlation === corr);
  await farm.take(to, "call-incoming");
  farm.send(to, { type: "call-answer", callId: message.callId });
  await farm.take(from, "call-connected", (f) => f.correlation === corr);
  await farm.take(to, "call-connected");
  return message.callId;
}

const forwarding = (
  procedure: SsRequest["procedure"],
  serviceCode: string,
  condition: "unconditional" | "busy" | "no-reply" | "not-reachable" | "all" | "all-conditional",
  extra: { forwardedTo?: string; noReplyTimer?: number } = {},
): SsRequest => ({ service: "call-forwarding", procedure, serviceCode, condition, ...extra });

const barring = (
  procedure: SsRequest["procedure"],
  serviceCode: string,
  program: Extract<SsRequest, { service: "call-barring" }>["program"],
  password?: string,
): SsRequest => ({
  service: "call-barring",
  procedure,
  serviceCode,
  program,
  ...(password !== undefined ? { password } : {}),
});

describe("call forwarding", () => {
  it("forwards unconditionally (21), charges the forwarded leg to the forwarding party, and can be interrogated and erased", async () => {
    expect(
      await ss(2, forwarding("register", "21", "unconditional", { forwardedTo: `+${c.msisdn}` })),
    ).toEqual({ ok: true });
    expect(await ss(2, forwarding("interrogate", "21", "unconditional"))).toEqual({
      ok: true,
      entries: [{ active: true, classes: 1, number: `+${c.msisdn}` }],
    });
    const corr = dial(1, b.msisdn);
    const { message } = await farm.take(1, "call-alerting", (f) => f.correlation === corr);
    const incoming = await farm.take(3, "call-incoming");
    expect(incoming.message).toMatchObject({ callId: message.callId, caller: `+${a.msisdn}` });
    expect(farm.pending(2)).toEqual([]);
    farm.send(3, { type: "call-answer", callId: message.callId });
    await farm.take(1, "call-connected");
    await core.advance(30_000);
    farm.send(1, { type: "call-hangup", callId: 0 });
    await farm.take(3, "call-released");
    // Two voice records: A → B (the caller's) and B → C (the forwarded leg).
    let records: string[] = [];
    for (let i = 0; i < 500 && records.length < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 2));
      records = (await core.node.store.records({}))
        .map((s) => s.record)
        .filter((r) => r.kind === "voice")
        .map((r) => `${r.msisdn}:${r.destination}:${r.units}`);
    }
    expect(records.sort()).toEqual([`${a.msisdn}:on-net:30`, `${b.msisdn}:on-net:30`].sort());
    expect(await ss(2, forwarding("erase", "21", "unconditional"))).toEqual({ ok: true });
    expect(await ss(2, forwarding("interrogate", "21", "unconditional"))).toEqual({
      ok: true,
      entries: [{ active: false, classes: 1 }],
    });
  });

  it("forwards on busy (67), on no reply after its timer (61) and when not reachable (62)", async () => {
    // Busy: b talks to c; a's call goes to an off-net number (a sink that answers).
    expect(await ss(2, forwarding("register", "67", "busy", { forwardedTo: "+375331112233" }))).toEqual({
      ok: true,
    });
    await connect(3, 2, b.msisdn);
    const busy = dial(1, b.msisdn);
    await farm.take(1, "call-alerting", (f) => f.correlation === busy);
    await core.advance(2000);
    await farm.take(1, "call-connected", (f) => f.correlation === busy);
    farm.send(1, { type: "call-hangup", callId: 0 });
    farm.send(3, { type: "call-hangup", callId: 0 });
    await farm.take(2, "call-released");
    farm.clear();

    // No reply: b rings for 10 s, then c rings.
    expect(
      await ss(2, forwarding("register", "61", "no-reply", { forwardedTo: c.msisdn, noReplyTimer: 10 })),
    ).toEqual({
      ok: true,
    });
    const nr = dial(1, b.msisdn);
    await farm.take(1, "call-alerting", (f) => f.correlation === nr);
    await farm.take(2, "call-incoming");
    await core.advance(9000);
    expect(farm.pending(3)).toEqual([]);
    await core.advance(2000);
    expect((await farm.take(2, "call-released")).message.reason).toBe("no-answer");
    await farm.take(3, "call-incoming");
    farm.send(1, { type: "call-hangup", callId: 0 });
    await farm.take(3, "call-released");
    farm.clear();

    // Not reachable: b detaches; 004 (all conditional) covers it.
    expect(await ss(2, forwarding("register", "004", "all-conditional", { forwardedTo: c.msisdn }))).toEqual({
      ok: true,
    });
    farm.send(2, { type: "detach-request" });
    await farm.take(2, "detach-accept");
    const unreachable = dial(1, b.msisdn);
    await farm.take(1, "call-alerting", (f) => f.correlation === unreachable);
    await farm.take(3, "call-incoming");
  });
});

describe("call waiting", () => {
  it("offers a second call as waiting (43) and answering it releases the first", async () => {
    expect(await ss(2, { service: "call-waiting", procedure: "activate", serviceCode: "43" })).toEqual({
      ok: true,
    });
    expect(await ss(2, { service: "call-waiting", procedure: "interrogate", serviceCode: "43" })).toEqual({
      ok: true,
      entries: [{ active: true, classes: 1 }],
    });
    await connect(3, 2, b.msisdn);
    const corr = dial(1, b.msisdn);
    const { message } = await farm.take(1, "call-alerting", (f) => f.correlation === corr);
    const waiting = await farm.take(2, "call-incoming");
    expect(waiting.message).toMatchObject({ callId: message.callId, waiting: true });
    farm.send(2, { type: "call-answer", callId: message.callId });
    await farm.take(1, "call-connected", (f) => f.correlation === corr);
    expect((await farm.take(3, "call-released")).message.reason).toBe("normal");
    expect(await ss(2, { service: "call-waiting", procedure: "deactivate", serviceCode: "43" })).toEqual({
      ok: true,
    });
  });
});

describe("call barring", () => {
  it("bars all outgoing (33) with the password, and refuses a wrong one", async () => {
    expect(await ss(1, barring("activate", "33", "all-outgoing", "1111"))).toEqual({
      ok: false,
      cause: "wrong-password",
    });
    expect(await ss(1, barring("activate", "33", "all-outgoing", "0000"))).toEqual({ ok: true });
    expect(await ss(1, barring("interrogate", "33", "all-outgoing"))).toEqual({
      ok: true,
      entries: [{ active: true, classes: 1 }],
    });
    const corr = dial(1, b.msisdn);
    expect((await farm.take(1, "call-released", (f) => f.correlation === corr)).message).toMatchObject({
      reason: "barred",
      cause: 29,
    });
    // Emergency calls are never barred.
    const sos = dial(1, "112");
    await farm.take(1, "call-alerting", (f) => f.correlation === sos);
    farm.send(1, { type: "call-hangup", callId: 0 });
    await farm.take(1, "call-released");
    expect(await ss(1, barring("deactivate", "330", "all-barring-services", "0000"))).toEqual({ ok: true });
    const after = dial(1, b.msisdn);
    await farm.take(1, "call-alerting", (f) => f.correlation === after);
  });

  it("bars international calls only (331, 332), and incoming calls (35)", async () => {
    expect(await ss(1, barring("activate", "331", "outgoing-international", "0000"))).toEqual({ ok: true });
    const intl = dial(1, "+48221234567");
    expect((await farm.take(1, "call-released", (f) => f.correlation === intl)).message.reason).toBe(
      "barred",
    );
    const national = dial(1, "+375331234567");
    await farm.take(1, "call-alerting", (f) => f.correlation === national);
    farm.send(1, { type: "call-hangup", callId: 0 });
    await farm.take(1, "call-released");
    expect(await ss(1, barring("deactivate", "333", "all-outgoing-services", "0000"))).toEqual({ ok: true });
    expect(await ss(1, barring("activate", "332", "outgoing-international-except-home", "0000"))).toEqual({
      ok: true,
    });
    const again = dial(1, "+48221234567");
    expect((await farm.take(1, "call-released", (f) => f.correlation === again)).message.reason).toBe(
      "barred",
    );

    expect(await ss(2, barring("activate", "35", "all-incoming", "0000"))).toEqual({ ok: true });
    const toB = dial(3, b.msisdn);
    expect((await farm.take(3, "call-released", (f) => f.correlation === toB)).message.reason).toBe(
      "rejected",
    );
    expect(await ss(2, barring("activate", "353", "all-incoming-services", "0000"))).toEqual({
      ok: false,
      cause: "not-allowed",
    });
    expect(await ss(2, barring("deactivate", "353", "all-incoming-services", "0000"))).toEqual({ ok: true });
  });

  it("changes the barring password (**03*330*OLD*NEW*NEW#)", async () => {
    const change = (oldPassword: string, newPassword: string): SsRequest => ({
      service: "barring-password",
      procedure: "register",
      serviceCode: "03",
      barringCode: "330",
      oldPassword,
      newPassword,
    });
    expect(await ss(1, change("9999", "1234"))).toEqual({ ok: false, cause: "wrong-password" });
    expect(await ss(1, change("0000", "1234"))).toEqual({ ok: true });
    expect(await ss(1, barring("activate", "351", "incoming-when-roaming", "0000"))).toEqual({
      ok: false,
      cause: "wrong-password",
    });
    expect(await ss(1, barring("activate", "351", "incoming-when-roaming", "1234"))).toEqual({ ok: true });
  });
});
