/**
 * Every PDU an ESME sends, and deliver_sm towards it: behaviour over real TCP (the octets are
 * covered by the fixtures in test/smpp).
 */
import { afterEach, describe, expect, it } from "vitest";
import { CommandStatus } from "../../core/smpp/command-status.js";
import { MessageState } from "../../core/smpp/pdu-types.js";
import { decodeText } from "../../core/smpp/text-codec.js";
import { InMemoryHandsets, mtSmsText } from "../../core/smsc/mobile-terminating.js";
import { type Esme, type Harness, bindEsme, settle, startSmsc, submitSm, until } from "./smsc-harness.js";

let h: Harness;
const esmes: Esme[] = [];
afterEach(async () => {
  for (const e of esmes.splice(0)) await e.close();
  await h?.close();
});

async function esme(options: Parameters<typeof bindEsme>[1] = {}): Promise<Esme> {
  const e = await bindEsme(h.port, options);
  esmes.push(e);
  return e;
}

describe("requests from an ESME", () => {
  it("submit_sm: accepted with a message id, delivered to the handset", async () => {
    const handsets = new InMemoryHandsets();
    h = await startSmsc({}, { mobile: handsets });
    const e = await esme();
    const resp = await e.session.request(submitSm({ destination_addr: "+375291234567" }));
    expect(resp).toMatchObject({ command: "submit_sm_resp", command_status: 0, message_id: "00000001" });
    const inbox = handsets.inbox("375291234567");
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({
      messageId: "00000001",
      originator: "ACME",
      originatorTon: 5,
      dataCoding: 0,
    });
    expect(mtSmsText(inbox[0]!)).toBe("Hello from telsim");
    expect(h.smsc.stats().totals).toMatchObject({ submitted: 1, accepted: 1 });
  });

  it("data_sm: the text in message_payload, answered with data_sm_resp and a message id", async () => {
    const handsets = new InMemoryHandsets();
    h = await startSmsc({}, { mobile: handsets });
    const e = await esme();
    const resp = await e.session.request({
      command: "data_sm",
      source_addr: "ACME",
      dest_addr_ton: 1,
      destination_addr: "375291234567",
      data_coding: 0,
      message_payload: Buffer.from("data sm text"),
    });
    expect(resp).toMatchObject({ command: "data_sm_resp", command_status: 0, message_id: "00000001" });
    expect(mtSmsText(handsets.inbox("375291234567")[0]!)).toBe("data sm text");
  });

  it("submit_multi: one message id, unsuccess_sme for the destinations that fail", async () => {
    const handsets = new InMemoryHandsets();
    h = await startSmsc({ routes: { handsetPrefixes: ["375"] } }, { mobile: handsets });
    const e = await esme();
    const resp = await e.session.request({
      command: "submit_multi",
      source_addr: "ACME",
      dest_address: [
        { dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: "375291111111" },
        { dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: "490001" },
        { dl_name: "friends" },
        { dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: "375292222222" },
      ],
      registered_delivery: 1,
      short_message: Buffer.from("to many"),
    });
    expect(resp).toMatchObject({ command: "submit_multi_resp", command_status: 0, message_id: "00000001" });
    if (resp.command !== "submit_multi_resp") throw new Error("no submit_multi_resp");
    expect(resp.unsuccess_sme).toEqual([
      {
        dest_addr_ton: 1,
        dest_addr_npi: 1,
        destination_addr: "490001",
        error_status_code: CommandStatus.ESME_RINVDSTADR,
      },
      {
        dest_addr_ton: 0,
        dest_addr_npi: 0,
        destination_addr: "friends",
        error_status_code: CommandStatus.ESME_RINVDLNAME,
      },
    ]);
    expect(handsets.inbox("375291111111")).toHaveLength(1);
    expect(handsets.inbox("375292222222")).toHaveLength(1);
    // a receipt per destination, each with the one message id
    await until(() => e.delivered.length === 2, "two receipts");
    expect(e.delivered.map((d) => [d.source_addr, d.receipted_message_id])).toEqual([
      ["375291111111", "00000001"],
      ["375292222222", "00000001"],
    ]);
    const q = await e.session.request({ command: "query_sm", message_id: "00000001", source_addr: "ACME" });
    expect(q).toMatchObject({ command_status: 0, message_state: MessageState.DELIVERED });
  });

  it("submit_multi: when every destination fails, the answer carries the first one's status", async () => {
    h = await startSmsc({ routes: { handsetPrefixes: ["375"] } });
    const e = await esme();
    const resp = await e.session.request({
      command: "submit_multi",
      dest_address: [{ dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: "490001" }],
      short_message: Buffer.from("x"),
    });
    expect(resp.command_status).toBe(CommandStatus.ESME_RINVDSTADR);
    const none = await e.session.request({
      command: "submit_multi",
      dest_address: [],
      short_message: Buffer.from("x"),
    });
    expect(none.command_status).toBe(CommandStatus.ESME_RINVNUMDESTS);
  });

  it("refuses what the message itself gets wrong, each with its status", async () => {
    h = await startSmsc({ routes: { handsetPrefixes: ["375"] } });
    const e = await esme();
    const cases: [Parameters<typeof submitSm>[0], number][] = [
      [{ destination_addr: "" }, CommandStatus.ESME_RINVDSTADR],
      [{ destination_addr: "4912345" }, CommandStatus.ESME_RINVDSTADR],
      [{ priority_flag: 4 }, CommandStatus.ESME_RINVPRTFLG],
      [{ replace_if_present_flag: 2 }, CommandStatus.ESME_RINVREPFLAG],
      [{ sm_default_msg_id: 3 }, CommandStatus.ESME_RINVDFTMSGID],
      [{ message_payload: Buffer.from("both") }, CommandStatus.ESME_RINVMSGLEN],
      [{ esm_class: 0x40, short_message: Buffer.from([0x09, 0x00, 0x03]) }, CommandStatus.ESME_RINVESMCLASS],
      [{ sar_msg_ref_num: 1, sar_total_segments: 2 }, CommandStatus.ESME_RINVOPTPARAMVAL],
      [{ validity_period: "garbage" }, CommandStatus.ESME_RINVEXPIRY],
      [{ schedule_delivery_time: "2613" }, CommandStatus.ESME_RINVSCHED],
      [{ ussd_service_op: 2 }, CommandStatus.ESME_ROPTPARNOTALLWD],
    ];
    for (const [fields, status] of cases) {
      const resp = await e.session.request(submitSm(fields));
      expect([JSON.stringify(Object.keys(fields ?? {})), resp.command_status]).toEqual([
        JSON.stringify(Object.keys(fields ?? {})),
        status,
      ]);
    }
    expect(h.smsc.stats().totals.accepted).toBe(0);
  });

  it("hands submit_sm / data_sm with ussd_service_op to the USSD hook, which answers through deliverToEsme", async () => {
    const seen: [string, string, number | undefined][] = [];
    let smsc: Harness["smsc"] | undefined;
    h = await startSmsc(
      {},
      {
        ussd: {
          fromEsme: async (systemId, pdu) => {
            seen.push([systemId, pdu.command, pdu.ussd_service_op]);
            const outcome = await smsc?.deliverToEsme(systemId, {
              command: "deliver_sm",
              service_type: "USSD",
              source_addr: "375291234567",
              destination_addr: "150",
              ussd_service_op: 18,
              short_message: Buffer.from("1"),
            });
            return { status: outcome?.kind === "delivered" ? 0 : 8, messageId: "ussd-1" };
          },
        },
      },
    );
    smsc = h.smsc;
    const e = await esme();
    const r = await e.session.request(
      submitSm({ service_type: "USSD", ussd_service_op: 2, short_message: Buffer.from("1. Balance") }),
    );
    expect(r).toMatchObject({ command_status: 0, message_id: "ussd-1" });
    expect(seen).toEqual([["demo", "submit_sm", 2]]);
    expect(e.delivered[0]).toMatchObject({
      service_type: "USSD",
      ussd_service_op: 18,
      destination_addr: "150",
    });
    expect(h.smsc.stats().totals.accepted).toBe(0);
  });

  it("enquire_link is answered in every state", async () => {
    h = await startSmsc();
    const e = await esme();
    expect((await e.session.request({ command: "enquire_link" })).command).toBe("enquire_link_resp");
  });
});

describe("deliver_sm towards ESMEs", () => {
  const routes = { esme: [{ prefix: "7000", systemId: "acme" }], handsetPrefixes: ["375"] };

  it("routes a handset's MO to the short number's ESME, with the handset's number as source", async () => {
    h = await startSmsc({ routes });
    const acme = await esme({ system_id: "acme", password: "acmepw", mode: "receiver" });
    const r = await h.smsc.submitFromHandset("375291234567", { destination: "7000", text: "STOP" });
    expect(r).toMatchObject({ accepted: true, messageId: "00000001", segments: 1 });
    await until(() => acme.delivered.length === 1, "the MO deliver_sm");
    const mo = acme.delivered[0]!;
    expect(mo).toMatchObject({
      source_addr_ton: 1,
      source_addr: "375291234567",
      destination_addr: "7000",
      esm_class: 0,
      data_coding: 0,
    });
    expect(decodeText(mo.data_coding, mo.short_message)).toBe("STOP");
    await until(() => (h.smsc.stats().finalStates["DELIVRD"] ?? 0) === 1, "DELIVRD");
  });

  it("keeps MO for an ESME that is not bound and delivers it when it binds", async () => {
    h = await startSmsc({ routes });
    await h.smsc.submitFromHandset("375291234567", { destination: "70001", text: "later" });
    expect(h.smsc.stats().queues.outbox).toMatchObject([{ systemId: "acme", queued: 1, binds: 0 }]);
    const acme = await esme({ system_id: "acme", password: "acmepw", mode: "transceiver" });
    await until(() => acme.delivered.length === 1, "the queued MO");
  });

  it("retries a deliver_sm the ESME answers with an error, then with a timeout, on the SMSC's clock", async () => {
    h = await startSmsc({ routes });
    const acme = await esme({ system_id: "acme", password: "acmepw", mode: "receiver" });
    const answers = [CommandStatus.ESME_RX_T_APPN, undefined, CommandStatus.ESME_ROK];
    acme.answer = () => answers.shift();
    await h.smsc.submitFromHandset("375291234567", { destination: "7000", text: "retry me" });
    await until(() => acme.delivered.length === 1, "the first attempt");
    await settle();
    h.clock.advance(5_000); // first retry delay
    await until(() => acme.delivered.length === 2, "the second attempt");
    await settle();
    h.clock.advance(10_000); // the response timeout
    await settle();
    h.clock.advance(30_000); // second retry delay
    await until(() => acme.delivered.length === 3, "the third attempt");
    await until(() => (h.smsc.stats().finalStates["DELIVRD"] ?? 0) === 1, "DELIVRD");
    expect(h.smsc.stats().queues.outbox[0]).toMatchObject({ retried: 2, delivered: 1 });
    expect(h.smsc.stats().binds[0]).toMatchObject({ systemId: "acme", delivered: 1 });
  });

  it("ends a deliver_sm the ESME rejects permanently (ESME_RX_R_APPN) as UNDELIVERABLE, with a status report", async () => {
    const handsets = new InMemoryHandsets();
    h = await startSmsc({ routes }, { mobile: handsets });
    const acme = await esme({ system_id: "acme", password: "acmepw", mode: "receiver" });
    acme.answer = () => CommandStatus.ESME_RX_R_APPN;
    await h.smsc.submitFromHandset("375291234567", {
      destination: "7000",
      text: "no",
      statusReportRequest: true,
      messageReference: 42,
    });
    await until(() => handsets.statusReports("375291234567").length === 1, "the status report");
    expect(handsets.statusReports("375291234567")[0]).toMatchObject({
      messageId: "00000001",
      messageReference: 42,
      recipient: "7000",
      state: "UNDELIVERABLE",
    });
  });

  it("delivers an ESME's submit to another ESME's short number (ESME to ESME)", async () => {
    h = await startSmsc({ routes });
    const acme = await esme({ system_id: "acme", password: "acmepw", mode: "receiver" });
    const demo = await esme();
    const resp = await demo.session.request(submitSm({ destination_addr: "7000", registered_delivery: 1 }));
    expect(resp.command_status).toBe(0);
    await until(
      () => acme.delivered.length === 1 && demo.delivered.length === 1,
      "the message and its receipt",
    );
    expect(acme.delivered[0]).toMatchObject({ source_addr: "ACME", destination_addr: "7000" });
    expect(demo.delivered[0]).toMatchObject({ esm_class: 4, message_state: MessageState.DELIVERED });
  });

  it("carries a handset's SMS to another handset", async () => {
    const handsets = new InMemoryHandsets();
    h = await startSmsc({ routes }, { mobile: handsets });
    const r = await h.smsc.submitFromHandset("375291111111", {
      destination: "+375292222222",
      text: "hi Bob",
    });
    expect(r.accepted).toBe(true);
    expect(handsets.inbox("375292222222").map((m) => [m.originator, mtSmsText(m)])).toEqual([
      ["375291111111", "hi Bob"],
    ]);
    const none = await h.smsc.submitFromHandset("375291111111", { destination: "4911", text: "?" });
    expect(none).toMatchObject({ accepted: false, reason: "no-route", rpCause: 1 });
  });
});
