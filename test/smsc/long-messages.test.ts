/**
 * Long messages: segments an ESME split with UDH or sar_* TLVs (each its own message, id, charge
 * and receipt), message_payload the SMSC splits itself (one id, charged per segment), and long MO
 * text from a handset.
 */
import { afterEach, describe, expect, it } from "vitest";
import { segmentText } from "../../core/smpp/concat.js";
import { encodeText } from "../../core/smpp/text-codec.js";
import { IEI_CONCAT_16BIT, IEI_CONCAT_8BIT, parseUdh } from "../../core/smpp/udh.js";
import { InMemoryHandsets, mtSmsText } from "../../core/smsc/mobile-terminating.js";
import { type SmsChargeRequest, type SmsCharger, CHARGED } from "../../core/smsc/sms-charger.js";
import { esmeAccount } from "../../core/smsc/smsc-config.js";
import { decodeText } from "../../core/smpp/text-codec.js";
import { type Esme, type Harness, bindEsme, startSmsc, submitSm, until } from "./smsc-harness.js";

let h: Harness;
let e: Esme;
afterEach(async () => {
  await e?.close();
  await h?.close();
});

class RecordingCharger implements SmsCharger {
  readonly requests: SmsChargeRequest[] = [];
  charge(r: SmsChargeRequest) {
    this.requests.push(r);
    return Promise.resolve(CHARGED);
  }
}

const LONG = "The quick brown fox jumps over the lazy dog. ".repeat(8).trim(); // 359 GSM-7 characters

async function start(): Promise<{ handsets: InMemoryHandsets; charger: RecordingCharger }> {
  const handsets = new InMemoryHandsets();
  const charger = new RecordingCharger();
  h = await startSmsc(
    {
      accounts: [esmeAccount({ systemId: "payer", password: "pw", chargingMsisdn: "375290000001" })],
      routes: { esme: [{ prefix: "7000", systemId: "payer" }], handsetPrefixes: [] },
    },
    { mobile: handsets, charger },
  );
  e = await bindEsme(h.port, { system_id: "payer", password: "pw" });
  return { handsets, charger };
}

describe("long messages", () => {
  it("UDH segments: each its own id, charge (one unit) and receipt; the handset gets the headers", async () => {
    const { handsets, charger } = await start();
    const segments = segmentText(LONG, { reference: 0x42 });
    expect(segments).toHaveLength(3);
    const ids: string[] = [];
    for (const s of segments) {
      const r = await e.session.request(submitSm({ ...s, registered_delivery: 1 }));
      if (r.command === "submit_sm_resp") ids.push(r.message_id);
    }
    expect(ids).toEqual(["00000001", "00000002", "00000003"]);
    expect(charger.requests.map((r) => [r.payer, r.recipient, r.segments, r.direction])).toEqual([
      ["375290000001", "375291234567", 1, "mt"],
      ["375290000001", "375291234567", 1, "mt"],
      ["375290000001", "375291234567", 1, "mt"],
    ]);
    const inbox = handsets.inbox("375291234567");
    expect(inbox.map((m) => m.parts[0]?.userDataHeader[0])).toEqual(
      [1, 2, 3].map((seq) => ({ iei: IEI_CONCAT_8BIT, data: Buffer.from([0x42, 3, seq]) })),
    );
    expect(inbox.map(mtSmsText).join("")).toBe(LONG);
    await until(() => e.delivered.length === 3, "three receipts");
    expect(e.delivered.map((d) => d.receipted_message_id)).toEqual(ids);
  });

  it("sar_* segments: each its own message; the handset gets a 16-bit concatenation header", async () => {
    const { handsets, charger } = await start();
    const segments = segmentText(LONG, { reference: 0x1234, method: "sar" });
    for (const s of segments) expect((await e.session.request(submitSm(s))).command_status).toBe(0);
    expect(charger.requests.map((r) => r.segments)).toEqual([1, 1, 1]);
    const inbox = handsets.inbox("375291234567");
    expect(inbox.map((m) => m.parts[0]?.userDataHeader[0])).toEqual(
      [1, 2, 3].map((seq) => ({ iei: IEI_CONCAT_16BIT, data: Buffer.from([0x12, 0x34, 3, seq]) })),
    );
    expect(inbox.map(mtSmsText).join("")).toBe(LONG);
  });

  it("message_payload: one id and one receipt, charged per segment, split for the air interface", async () => {
    const { handsets, charger } = await start();
    const r = await e.session.request(
      submitSm({
        short_message: Buffer.alloc(0),
        message_payload: encodeText(LONG).bytes,
        registered_delivery: 1,
      }),
    );
    expect(r).toMatchObject({ command_status: 0, message_id: "00000001" });
    expect(charger.requests.map((c) => c.segments)).toEqual([3]);
    const [sms] = handsets.inbox("375291234567");
    expect(sms?.parts).toHaveLength(3);
    expect(
      sms?.parts.map((p) => [
        p.userDataHeader[0]?.iei,
        p.userDataHeader[0]?.data[1],
        p.userDataHeader[0]?.data[2],
      ]),
    ).toEqual([
      [IEI_CONCAT_8BIT, 3, 1],
      [IEI_CONCAT_8BIT, 3, 2],
      [IEI_CONCAT_8BIT, 3, 3],
    ]);
    expect(sms?.parts.map((p) => p.body.length)).toEqual([153, 153, 53]);
    expect(mtSmsText(sms!)).toBe(LONG);
    await until(() => e.delivered.length === 1, "one receipt");
  });

  it("UCS2 message_payload: 67 characters per segment", async () => {
    const { charger } = await start();
    const text = "Ж".repeat(140);
    await e.session.request(
      submitSm({ data_coding: 8, short_message: Buffer.alloc(0), message_payload: encodeText(text).bytes }),
    );
    expect(charger.requests.map((c) => [c.segments, c.dataCodingScheme])).toEqual([[3, 8]]);
  });

  it("a short_message longer than 160 GSM-7 septets is two segments", async () => {
    const { charger } = await start();
    await e.session.request(submitSm({ short_message: Buffer.from("x".repeat(200)) }));
    expect(charger.requests.map((c) => c.segments)).toEqual([2]);
  });

  it("a handset's long MO is split and charged per segment; to an ESME it travels in message_payload", async () => {
    const { charger } = await start();
    const text = "y".repeat(300);
    const r = await h.smsc.submitFromHandset("375291111111", { destination: "7000", text });
    expect(r).toMatchObject({ accepted: true, segments: 2 });
    expect(charger.requests.map((c) => [c.payer, c.recipient, c.segments, c.direction])).toEqual([
      ["375291111111", "7000", 2, "mo"],
    ]);
    await until(() => e.delivered.length === 1, "the MO deliver_sm");
    const mo = e.delivered[0]!;
    expect(mo.short_message.length).toBe(0);
    expect(decodeText(mo.data_coding, mo.message_payload ?? Buffer.alloc(0))).toBe(text);
  });

  it("a handset's own segment (with a concatenation IE) counts as one and reaches the ESME with its UDH", async () => {
    const { charger } = await start();
    const r = await h.smsc.submitFromHandset("375291111111", {
      destination: "7000",
      text: "part one",
      userDataHeader: [{ iei: IEI_CONCAT_8BIT, data: Buffer.from([7, 2, 1]) }],
    });
    expect(r).toMatchObject({ accepted: true, segments: 1 });
    expect(charger.requests[0]?.segments).toBe(1);
    await until(() => e.delivered.length === 1, "the MO deliver_sm");
    const mo = e.delivered[0]!;
    expect(mo.esm_class & 0x40).toBe(0x40);
    const { ies, headerLength } = parseUdh(mo.short_message);
    expect(ies).toEqual([{ iei: IEI_CONCAT_8BIT, data: Buffer.from([7, 2, 1]) }]);
    expect(decodeText(0, mo.short_message.subarray(headerLength))).toBe("part one");
  });
});
