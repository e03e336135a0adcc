import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { decodeSmsDeliver } from "../../handsets/sms/sms-deliver.js";
import { encodeSmsSubmit } from "../../handsets/sms/sms-submit.js";
import { createInProcessLink } from "../../core/network/link/in-process-link.js";
import { MemoryLogger } from "../../core/diameter/logger.js";
import { smscSmsRouter } from "../../core/network/smsc-router.js";
import { Smsc } from "../../core/smsc/smsc.js";
import { attach, startCore, type Subscriber, TestFarm, type TestCore, waitFor } from "./harness.js";

let core: TestCore;
let farm: TestFarm;
let a: Subscriber;
let b: Subscriber;

beforeEach(async () => {
  core = await startCore();
  farm = new TestFarm(createInProcessLink(core.node.network!.edge));
  a = await core.subscriber(1, "business-unlim-1", 1234);
  b = await core.subscriber(2, "business-unlim-1", 1000);
  expect((await attach(farm, 1, a.card)).type).toBe("attach-accept");
});

afterEach(async () => {
  await core.stop();
});

function submit(to: string, text: string): Uint8Array {
  return encodeSmsSubmit({
    rejectDuplicates: false,
    replyPath: false,
    statusReportRequest: false,
    messageReference: 7,
    destination: to,
    destinationType: 0x91,
    protocolIdentifier: 0,
    dataCoding: 0,
    content: { kind: "text", text },
  });
}

describe("SMS through the edge (direct routing, no SMSC)", () => {
  it("delivers an SMS-SUBMIT as SMS-DELIVER and relays the RP-ACK", async () => {
    expect((await attach(farm, 2, b.card)).type).toBe("attach-accept");
    const c = farm.send(1, { type: "sms-submit", tpdu: submit(`+${b.msisdn}`, "hello") });
    const { frame, message } = await farm.take(2, "sms-deliver");
    const deliver = decodeSmsDeliver(message.tpdu);
    expect(deliver.originator).toBe(`+${a.msisdn}`);
    expect(deliver.content).toEqual({ kind: "text", text: "hello" });
    farm.send(2, { type: "sms-deliver-result", ok: true }, frame.correlation);
    expect((await farm.take(1, "sms-submit-result", (f) => f.correlation === c)).message.result).toEqual({
      ok: true,
    });
  });

  it("answers RP-ERROR for an absent subscriber and for a TPDU that is not an SMS-SUBMIT", async () => {
    const c = farm.send(1, { type: "sms-submit", tpdu: submit(`+${b.msisdn}`, "anyone?") });
    expect((await farm.take(1, "sms-submit-result", (f) => f.correlation === c)).message.result).toEqual({
      ok: false,
      cause: "rejected",
      code: 27,
    });
    const d = farm.send(1, { type: "sms-submit", tpdu: Uint8Array.of(0x00, 0x01) });
    expect((await farm.take(1, "sms-submit-result", (f) => f.correlation === d)).message.result).toEqual({
      ok: false,
      cause: "rejected",
      code: 96,
    });
  });
});

describe("USSD through the gateway", () => {
  it("answers *100# from the built-in menus", async () => {
    const c = farm.send(1, { type: "ussd-begin", text: "*100#", dcs: 15 });
    const { message } = await farm.take(1, "ussd", (f) => f.correlation === c);
    expect(message.status).toBe("notify");
    if (message.status !== "notify") return;
    expect(message.text).toMatch(/12[.,]34/);
  });

  it("answers an unknown service code with not-supported", async () => {
    const c = farm.send(1, { type: "ussd-begin", text: "*999*1#", dcs: 15 });
    expect((await farm.take(1, "ussd", (f) => f.correlation === c)).message).toEqual({
      type: "ussd",
      status: "not-supported",
    });
  });
});

describe("SMS through the SMSC (core/smsc)", () => {
  it("submits MO to the SMSC and gets the MT delivery from it", async () => {
    const edge = core.node.network!.edge;
    const smsc = new Smsc({ clock: core.clock, mobile: edge, logger: new MemoryLogger() });
    edge.setSmsRouter(smscSmsRouter(smsc));
    edge.onAttached = (msisdn) => smsc.handsetAttached(msisdn);
    try {
      expect((await attach(farm, 2, b.card)).type).toBe("attach-accept");
      const c = farm.send(1, { type: "sms-submit", tpdu: submit(`+${b.msisdn}`, "via the SMSC") });
      expect((await farm.take(1, "sms-submit-result", (f) => f.correlation === c)).message.result).toEqual({
        ok: true,
      });
      const { frame, message } = await farm.take(2, "sms-deliver");
      // The core numbers what it starts from the upper half: never one of the handset's own.
      expect(frame.correlation).toBeGreaterThanOrEqual(0x8000_0000);
      const deliver = decodeSmsDeliver(message.tpdu);
      expect(deliver.content).toEqual({ kind: "text", text: "via the SMSC" });
      expect(deliver.originator).toBe(`+${a.msisdn}`);
      farm.send(2, { type: "sms-deliver-result", ok: true }, frame.correlation);
      await waitFor("delivered", () => (edge.counters.smsDelivered === 1 ? true : undefined));
    } finally {
      await smsc.close();
    }
  });
});
