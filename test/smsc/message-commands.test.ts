/**
 * query_sm, cancel_sm and replace_sm on pending and final messages; validity periods and scheduled
 * delivery on the virtual clock (SMPP 3.4 §4.8-4.10, §5.2.15-16, §7.1.1).
 */
import { afterEach, describe, expect, it } from "vitest";
import { CommandStatus } from "../../core/smpp/command-status.js";
import { MessageState } from "../../core/smpp/pdu-types.js";
import { formatSmppAbsoluteTime, formatSmppRelativeTime } from "../../core/smpp/smpp-time.js";
import { InMemoryHandsets, mtSmsText } from "../../core/smsc/mobile-terminating.js";
import { parseReceiptText } from "../../core/smsc/receipts.js";
import {
  type Esme,
  type Harness,
  T0,
  bindEsme,
  receiptTextOf,
  settle,
  startSmsc,
  submitSm,
  until,
} from "./smsc-harness.js";

let h: Harness;
let e: Esme;
let handsets: InMemoryHandsets;
afterEach(async () => {
  await e?.close();
  await h?.close();
});

async function start(config: Parameters<typeof startSmsc>[0] = {}): Promise<void> {
  handsets = new InMemoryHandsets();
  h = await startSmsc(config, { mobile: handsets });
  e = await bindEsme(h.port);
}

async function submit(fields: Parameters<typeof submitSm>[0] = {}): Promise<string> {
  const r = await e.session.request(submitSm(fields));
  if (r.command !== "submit_sm_resp" || r.command_status !== 0)
    throw new Error(`refused: ${r.command_status}`);
  return r.message_id;
}

const MINUTE = 60_000;
const inOneMinute = formatSmppRelativeTime(MINUTE); // "000000000100000R"

describe("scheduled delivery and validity", () => {
  it("holds a message with a relative schedule until its time, then delivers it", async () => {
    await start();
    const id = await submit({ schedule_delivery_time: inOneMinute, registered_delivery: 1 });
    expect(handsets.inbox("375291234567")).toHaveLength(0);
    expect(h.smsc.stats().queues).toMatchObject({ scheduled: 1, pendingMessages: 1 });
    const q = await e.session.request({ command: "query_sm", message_id: id, source_addr: "ACME" });
    expect(q).toMatchObject({ command_status: 0, message_state: MessageState.ENROUTE, final_date: "" });
    h.clock.advance(MINUTE - 1);
    expect(handsets.inbox("375291234567")).toHaveLength(0);
    h.clock.advance(1);
    expect(handsets.inbox("375291234567")).toHaveLength(1);
    await until(() => e.delivered.length === 1, "the receipt");
    expect(parseReceiptText(receiptTextOf(e.delivered[0]!))).toMatchObject({
      submitDate: "2611220930",
      doneDate: "2611220931",
      stat: "DELIVRD",
    });
  });

  it("honours an absolute schedule with a time zone (quarter hours), and delivers a past one at once", async () => {
    await start();
    // 12:45 at UTC+3 (12 quarter hours) is 09:45 UTC
    await submit({ schedule_delivery_time: "261122124500012+" });
    await submit({ schedule_delivery_time: "250101000000000+", short_message: Buffer.from("past") });
    expect(handsets.inbox("375291234567").map(mtSmsText)).toEqual(["past"]);
    h.clock.advance(15 * MINUTE - 1);
    expect(handsets.inbox("375291234567")).toHaveLength(1);
    h.clock.advance(1);
    expect(handsets.inbox("375291234567")).toHaveLength(2);
  });

  it("expires an undeliverable message at the end of its relative validity period", async () => {
    await start();
    handsets.detach("375291234567");
    const id = await submit({ validity_period: formatSmppRelativeTime(5 * MINUTE), registered_delivery: 2 });
    h.clock.advance(5 * MINUTE - 1);
    expect(h.smsc.stats().queues.pendingMessages).toBe(1);
    h.clock.advance(1);
    await until(() => e.delivered.length === 1, "the EXPIRED receipt");
    expect(e.delivered[0]).toMatchObject({ receipted_message_id: id, message_state: MessageState.EXPIRED });
    const q = await e.session.request({ command: "query_sm", message_id: id, source_addr: "ACME" });
    expect(q).toMatchObject({
      message_state: MessageState.EXPIRED,
      final_date: "261122093500000+",
      error_code: 6,
    });
  });

  it("expires at an absolute validity, caps validity at the SMSC's maximum and refuses past or invalid ones", async () => {
    await start({ maxValidityMs: 60 * MINUTE });
    handsets.detach("375291234567");
    await submit({ validity_period: formatSmppAbsoluteTime(T0 + 2 * MINUTE) });
    await submit({ validity_period: formatSmppRelativeTime(5 * 24 * 60 * MINUTE) });
    h.clock.advance(2 * MINUTE);
    expect(h.smsc.stats().finalStates).toEqual({ EXPIRED: 1 });
    h.clock.advance(58 * MINUTE);
    expect(h.smsc.stats().finalStates).toEqual({ EXPIRED: 2 });
    const past = await e.session.request(submitSm({ validity_period: formatSmppAbsoluteTime(T0) }));
    expect(past.command_status).toBe(CommandStatus.ESME_RINVEXPIRY);
    const month13 = await e.session.request(submitSm({ validity_period: "261322000000000+" }));
    expect(month13.command_status).toBe(CommandStatus.ESME_RINVEXPIRY);
    const after = await e.session.request(
      submitSm({
        schedule_delivery_time: formatSmppRelativeTime(10 * MINUTE),
        validity_period: formatSmppRelativeTime(MINUTE),
      }),
    );
    expect(after.command_status).toBe(CommandStatus.ESME_RINVSCHED);
  });

  it("takes data_sm's validity from qos_time_to_live", async () => {
    await start();
    handsets.detach("375291234567");
    await e.session.request({
      command: "data_sm",
      destination_addr: "375291234567",
      registered_delivery: 1,
      message_payload: Buffer.from("ttl"),
      qos_time_to_live: 90,
    });
    h.clock.advance(90_000);
    await until(() => e.delivered.length === 1, "the receipt");
    expect(e.delivered[0]?.message_state).toBe(MessageState.EXPIRED);
  });
});

describe("query_sm", () => {
  it("answers for pending and final messages, and refuses unknown ids and another source_addr", async () => {
    await start();
    const pending = await submit({ schedule_delivery_time: inOneMinute });
    const done = await submit();
    expect(
      await e.session.request({ command: "query_sm", message_id: pending, source_addr: "ACME" }),
    ).toMatchObject({
      command_status: 0,
      message_id: pending,
      message_state: MessageState.ENROUTE,
      final_date: "",
      error_code: 0,
    });
    expect(await e.session.request({ command: "query_sm", message_id: done })).toMatchObject({
      command_status: 0,
      message_state: MessageState.DELIVERED,
      final_date: "261122093000000+",
    });
    const otherSource = await e.session.request({
      command: "query_sm",
      message_id: done,
      source_addr: "OTHER",
    });
    expect(otherSource.command_status).toBe(CommandStatus.ESME_RQUERYFAIL);
    const unknown = await e.session.request({
      command: "query_sm",
      message_id: "0000ffff",
      source_addr: "ACME",
    });
    expect(unknown.command_status).toBe(CommandStatus.ESME_RQUERYFAIL);
    const invalid = await e.session.request({
      command: "query_sm",
      message_id: "not-an-id",
      source_addr: "ACME",
    });
    expect(invalid.command_status).toBe(CommandStatus.ESME_RINVMSGID);
  });

  it("forgets final messages after the retention time", async () => {
    await start({ limits: { finalRetentionMs: 10 * MINUTE } });
    const id = await submit();
    h.clock.advance(10 * MINUTE);
    const q = await e.session.request({ command: "query_sm", message_id: id, source_addr: "ACME" });
    expect(q.command_status).toBe(CommandStatus.ESME_RQUERYFAIL);
    expect(h.smsc.stats().queues.storedMessages).toBe(0);
  });
});

describe("cancel_sm", () => {
  it("cancels a pending message (DELETED, with its receipt) and refuses final and unknown ones", async () => {
    await start();
    const pending = await submit({ schedule_delivery_time: inOneMinute, registered_delivery: 1 });
    const done = await submit();
    const c = await e.session.request({ command: "cancel_sm", message_id: pending, source_addr: "ACME" });
    expect(c).toMatchObject({ command: "cancel_sm_resp", command_status: 0 });
    await until(() => e.delivered.length === 1, "the DELETED receipt");
    expect(parseReceiptText(receiptTextOf(e.delivered[0]!))).toMatchObject({
      id: pending,
      stat: "DELETED",
      err: "000",
    });
    h.clock.advance(MINUTE);
    expect(handsets.inbox("375291234567")).toHaveLength(1); // only `done`
    expect((await e.session.request({ command: "cancel_sm", message_id: pending })).command_status).toBe(
      CommandStatus.ESME_RCANCELFAIL,
    );
    expect((await e.session.request({ command: "cancel_sm", message_id: done })).command_status).toBe(
      CommandStatus.ESME_RCANCELFAIL,
    );
    expect((await e.session.request({ command: "cancel_sm", message_id: "00abcdef" })).command_status).toBe(
      CommandStatus.ESME_RCANCELFAIL,
    );
    expect((await e.session.request({ command: "cancel_sm", message_id: "zz" })).command_status).toBe(
      CommandStatus.ESME_RINVMSGID,
    );
  });

  it("cancels every pending message from a source to a destination when message_id is empty", async () => {
    await start();
    await submit({ schedule_delivery_time: inOneMinute });
    await submit({ schedule_delivery_time: inOneMinute });
    await submit({ schedule_delivery_time: inOneMinute, destination_addr: "375299999999" });
    const c = await e.session.request({
      command: "cancel_sm",
      message_id: "",
      source_addr: "ACME",
      destination_addr: "375291234567",
    });
    expect(c.command_status).toBe(0);
    expect(h.smsc.stats().finalStates).toEqual({ DELETED: 2 });
    h.clock.advance(MINUTE);
    expect(handsets.inbox("375299999999")).toHaveLength(1);
    expect(handsets.inbox("375291234567")).toHaveLength(0);
  });
});

describe("replace_sm", () => {
  it("replaces the text, schedule and registered_delivery of a pending message", async () => {
    await start();
    const id = await submit({ schedule_delivery_time: inOneMinute });
    const r = await e.session.request({
      command: "replace_sm",
      message_id: id,
      source_addr: "ACME",
      schedule_delivery_time: formatSmppRelativeTime(2 * MINUTE),
      registered_delivery: 1,
      short_message: Buffer.from("replaced text"),
    });
    expect(r).toMatchObject({ command: "replace_sm_resp", command_status: 0 });
    h.clock.advance(MINUTE);
    expect(handsets.inbox("375291234567")).toHaveLength(0);
    h.clock.advance(MINUTE);
    expect(handsets.inbox("375291234567").map(mtSmsText)).toEqual(["replaced text"]);
    await until(() => e.delivered.length === 1, "the receipt now asked for");
    expect(parseReceiptText(receiptTextOf(e.delivered[0]!))?.text).toBe("replaced text");
  });

  it("refuses to replace a final message, an unknown one, or with a past validity", async () => {
    await start();
    const done = await submit();
    const pending = await submit({ schedule_delivery_time: inOneMinute });
    const rep = (fields: object) =>
      e.session.request({
        command: "replace_sm",
        source_addr: "ACME",
        short_message: Buffer.from("x"),
        ...fields,
      });
    expect((await rep({ message_id: done })).command_status).toBe(CommandStatus.ESME_RREPLACEFAIL);
    expect((await rep({ message_id: "00001234" })).command_status).toBe(CommandStatus.ESME_RREPLACEFAIL);
    expect(
      (await rep({ message_id: pending, validity_period: formatSmppAbsoluteTime(T0 - MINUTE) }))
        .command_status,
    ).toBe(CommandStatus.ESME_RINVEXPIRY);
    expect((await rep({ message_id: pending, source_addr: "SOMEONE" })).command_status).toBe(
      CommandStatus.ESME_RREPLACEFAIL,
    );
  });

  it("submit_sm with replace_if_present_flag replaces a pending message with the same addresses", async () => {
    await start();
    const old = await submit({ schedule_delivery_time: inOneMinute, short_message: Buffer.from("old") });
    await submit({ replace_if_present_flag: 1, short_message: Buffer.from("new") });
    await settle();
    h.clock.advance(MINUTE);
    expect(handsets.inbox("375291234567").map(mtSmsText)).toEqual(["new"]);
    const q = await e.session.request({ command: "query_sm", message_id: old, source_addr: "ACME" });
    expect(q.message_state).toBe(MessageState.DELETED);
  });
});
