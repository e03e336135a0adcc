/**
 * Delivery receipts for registered_delivery 0, 1 and 2 (SMPP 3.4 §5.2.17) in each outcome mode,
 * with the exact text and TLVs; message id formats; intermediate notifications.
 */
import { afterEach, describe, expect, it } from "vitest";
import { CommandStatus } from "../../core/smpp/command-status.js";
import { type DeliverSm, MessageState } from "../../core/smpp/pdu-types.js";
import { DETERMINISTIC_TABLE } from "../../core/smsc/delivery-outcomes.js";
import { InMemoryHandsets } from "../../core/smsc/mobile-terminating.js";
import { parseReceiptText } from "../../core/smsc/receipts.js";
import {
  type Esme,
  type Harness,
  bindEsme,
  receiptTextOf,
  settle,
  startSmsc,
  submitSm,
  until,
} from "./smsc-harness.js";

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

/** Submits one message per registered_delivery value and returns the receipts by value. */
async function receiptsFor(e: Esme, destination: string): Promise<Map<number, DeliverSm[]>> {
  const ids = new Map<string, number>();
  for (const rd of [0, 1, 2]) {
    const r = await e.session.request(submitSm({ destination_addr: destination, registered_delivery: rd }));
    expect(r.command_status).toBe(0);
    if (r.command === "submit_sm_resp") ids.set(r.message_id, rd);
  }
  await settle(40);
  const out = new Map<number, DeliverSm[]>([
    [0, []],
    [1, []],
    [2, []],
  ]);
  for (const d of e.delivered) out.get(ids.get(d.receipted_message_id ?? "") ?? -1)?.push(d);
  return out;
}

describe("receipts in reality mode", () => {
  it("DELIVRD: the exact text, TLVs and addresses for rd 1; nothing for rd 0 and 2", async () => {
    h = await startSmsc();
    const e = await esme();
    const byRd = await receiptsFor(e, "+375291234567");
    expect(byRd.get(0)).toEqual([]);
    expect(byRd.get(2)).toEqual([]);
    const [receipt] = byRd.get(1) ?? [];
    expect(receipt).toBeDefined();
    // the virtual clock stands at 2026-11-22 09:30 UTC
    expect(receiptTextOf(receipt!)).toBe(
      "id:00000002 sub:001 dlvrd:001 submit date:2611220930 done date:2611220930 stat:DELIVRD err:000 text:Hello from telsim",
    );
    expect(receipt).toMatchObject({
      command: "deliver_sm",
      esm_class: 0x04,
      data_coding: 0,
      source_addr_ton: 1,
      source_addr_npi: 1,
      source_addr: "+375291234567",
      dest_addr_ton: 5,
      destination_addr: "ACME",
      receipted_message_id: "00000002",
      message_state: MessageState.DELIVERED,
    });
    expect(receipt!.network_error_code).toBeUndefined();
  });

  it("EXPIRED after retrying an absent handset: receipts for rd 1 and 2, err:006 and network_error_code", async () => {
    const handsets = new InMemoryHandsets();
    handsets.detach("375291234567");
    h = await startSmsc({ defaultValidityMs: 600_000 }, { mobile: handsets });
    const e = await esme();
    for (const rd of [0, 1, 2]) await e.session.request(submitSm({ registered_delivery: rd }));
    expect(h.smsc.stats().queues).toMatchObject({ pendingMessages: 3, retrying: 3 });
    h.clock.advance(60_000); // first retry
    h.clock.advance(300_000); // second retry
    expect(h.smsc.stats().queues).toMatchObject({ pendingMessages: 3, retrying: 3 });
    h.clock.advance(240_000); // validity over at 10 min
    await until(() => e.delivered.length === 2, "two receipts");
    const texts = e.delivered.map(receiptTextOf);
    expect(texts).toEqual([
      "id:00000002 sub:001 dlvrd:000 submit date:2611220930 done date:2611220940 stat:EXPIRED err:006 text:Hello from telsim",
      "id:00000003 sub:001 dlvrd:000 submit date:2611220930 done date:2611220940 stat:EXPIRED err:006 text:Hello from telsim",
    ]);
    expect(e.delivered[0]).toMatchObject({
      message_state: MessageState.EXPIRED,
      network_error_code: Buffer.from([0x03, 0x00, 0x06]),
    });
  });

  it("UNDELIV when the handset's memory stays full past the attempts allowed (err:032)", async () => {
    const handsets = new InMemoryHandsets();
    handsets.setMemoryFull("375291234567", true);
    h = await startSmsc({ retry: { handsetMaxAttempts: 2, handsetDelaysMs: [1000] } }, { mobile: handsets });
    const e = await esme();
    const byRd = new Map<number, string>();
    for (const rd of [0, 1, 2]) {
      const r = await e.session.request(submitSm({ registered_delivery: rd }));
      if (r.command === "submit_sm_resp") byRd.set(rd, r.message_id);
    }
    h.clock.advance(1000);
    await until(() => e.delivered.length === 2, "two receipts");
    expect(
      e.delivered.map((d) => [
        d.receipted_message_id,
        parseReceiptText(receiptTextOf(d))?.stat,
        parseReceiptText(receiptTextOf(d))?.err,
      ]),
    ).toEqual([
      [byRd.get(1), "UNDELIV", "032"],
      [byRd.get(2), "UNDELIV", "032"],
    ]);
  });

  it("retries at once when the network edge says the handset is back", async () => {
    const handsets = new InMemoryHandsets();
    handsets.detach("375291234567");
    h = await startSmsc({}, { mobile: handsets });
    const e = await esme();
    await e.session.request(submitSm({ registered_delivery: 1 }));
    handsets.attach("375291234567");
    expect(h.smsc.handsetAttached("375291234567")).toBe(1);
    await until(() => e.delivered.length === 1, "the receipt");
    expect(e.delivered[0]?.message_state).toBe(MessageState.DELIVERED);
    expect(handsets.inbox("375291234567")).toHaveLength(1);
  });

  it("sends an intermediate notification (registered_delivery bit 4) when the first attempt fails", async () => {
    const handsets = new InMemoryHandsets();
    handsets.detach("375291234567");
    h = await startSmsc({}, { mobile: handsets });
    const e = await esme();
    await e.session.request(submitSm({ registered_delivery: 0x11 }));
    await until(() => e.delivered.length === 1, "the notification");
    expect(e.delivered[0]).toMatchObject({ esm_class: 0x20, message_state: MessageState.ENROUTE });
    expect(parseReceiptText(receiptTextOf(e.delivered[0]!))).toMatchObject({
      stat: "ENROUTE",
      dlvrd: "000",
      err: "006",
    });
    // only once, however often it is retried; then the final receipt
    h.clock.advance(60_000);
    handsets.attach("375291234567");
    h.clock.advance(300_000);
    await until(() => e.delivered.length === 2, "the final receipt");
    expect(e.delivered[1]).toMatchObject({ esm_class: 0x04, message_state: MessageState.DELIVERED });
  });
});

describe("receipts in deterministic mode (the destination's last digit)", () => {
  const expected: Record<string, [string, number]> = {
    DELIVERED: ["DELIVRD", MessageState.DELIVERED],
    EXPIRED: ["EXPIRED", MessageState.EXPIRED],
    DELETED: ["DELETED", MessageState.DELETED],
    UNDELIVERABLE: ["UNDELIV", MessageState.UNDELIVERABLE],
    ACCEPTED: ["ACCEPTD", MessageState.ACCEPTED],
    REJECTED: ["REJECTD", MessageState.REJECTED],
    UNKNOWN: ["UNKNOWN", MessageState.UNKNOWN],
  };
  const failure = new Set(["EXPIRED", "DELETED", "UNDELIVERABLE", "REJECTED", "UNKNOWN"]);

  it.each([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])(
    "digit %i: rd 1 always, rd 2 on failure only, rd 0 never",
    async (digit) => {
      h = await startSmsc({ outcome: { mode: "deterministic", delayMs: 0 } });
      const e = await esme();
      const state = DETERMINISTIC_TABLE[digit] ?? "DELIVERED";
      const [stat, code] = expected[state] ?? ["?", -1];
      const byRd = await receiptsFor(e, `37529123456${digit}`);
      expect(byRd.get(0)).toEqual([]);
      expect(byRd.get(1)?.map((d) => [parseReceiptText(receiptTextOf(d))?.stat, d.message_state])).toEqual([
        [stat, code],
      ]);
      expect(byRd.get(2)?.length).toBe(failure.has(state) ? 1 : 0);
    },
  );

  it("gives the final state after the configured delay, and query_sm shows ENROUTE meanwhile", async () => {
    h = await startSmsc({ outcome: { mode: "deterministic", delayMs: 2000 } });
    const e = await esme();
    const r = await e.session.request(submitSm({ destination_addr: "375291234563", registered_delivery: 1 }));
    const id = r.command === "submit_sm_resp" ? r.message_id : "";
    const q1 = await e.session.request({ command: "query_sm", message_id: id, source_addr: "ACME" });
    expect(q1).toMatchObject({ message_state: MessageState.ENROUTE, final_date: "" });
    h.clock.advance(2000);
    await until(() => e.delivered.length === 1, "the receipt");
    const q2 = await e.session.request({ command: "query_sm", message_id: id, source_addr: "ACME" });
    expect(q2).toMatchObject({
      message_state: MessageState.UNDELIVERABLE,
      final_date: "261122093002000+",
      error_code: 32,
    });
    expect(parseReceiptText(receiptTextOf(e.delivered[0]!))?.doneDate).toBe("2611220930");
  });
});

describe("receipts in percentage mode", () => {
  /** 400 messages: odd ids with registered_delivery 1, even ids with 2. */
  async function run(): Promise<{ stats: Record<string, number>; states: string[]; rd2: number }> {
    h = await startSmsc({
      outcome: {
        mode: "percentage",
        delayMs: 0,
        weights: [
          { state: "DELIVERED", percent: 90 },
          { state: "UNDELIVERABLE", percent: 5 },
          { state: "EXPIRED", percent: 5 },
        ],
      },
    });
    const e = await bindEsme(h.port, { window: 50 });
    const all: Promise<unknown>[] = [];
    for (let i = 0; i < 400; i++)
      all.push(
        e.session.request(
          submitSm({
            destination_addr: `3752900${String(i).padStart(5, "0")}`,
            registered_delivery: i % 2 === 0 ? 1 : 2,
          }),
        ),
      );
    await Promise.all(all);
    await until(() => e.delivered.length >= 200, "the receipts");
    await settle(50);
    const stats = h.smsc.stats().finalStates;
    const odd = (d: DeliverSm): boolean => Number.parseInt(d.receipted_message_id ?? "0", 16) % 2 === 1;
    const states = e.delivered.filter(odd).map((d) => `${d.receipted_message_id}:${d.message_state}`);
    const rd2 = e.delivered.filter((d) => !odd(d));
    expect(rd2.every((d) => d.message_state !== MessageState.DELIVERED)).toBe(true);
    await e.close();
    await h.close();
    return { stats, states, rd2: rd2.length };
  }

  it("draws the final states from the seeded generator: about the configured shares, the same every run", async () => {
    const first = await run();
    expect(Object.values(first.stats).reduce((a, b) => a + b, 0)).toBe(400);
    expect(first.stats["DELIVRD"]).toBeGreaterThan(330);
    const failed = (first.stats["UNDELIV"] ?? 0) + (first.stats["EXPIRED"] ?? 0);
    expect(failed).toBeGreaterThan(10);
    expect(first.states).toHaveLength(200);
    const second = await run();
    expect(second).toEqual(first);
  });
});

describe("message id formats", () => {
  it("hex for one account, decimal for another; the receipt id and receipted_message_id match the response", async () => {
    h = await startSmsc();
    const hex = await esme();
    const dec = await esme({ system_id: "decimal", password: "decpw" });
    const a = await hex.session.request(submitSm({ registered_delivery: 1 }));
    const b = await dec.session.request(submitSm({ registered_delivery: 1 }));
    expect(a).toMatchObject({ message_id: "00000001" });
    expect(b).toMatchObject({ message_id: "0000000002" });
    await until(() => hex.delivered.length === 1 && dec.delivered.length === 1, "both receipts");
    expect(parseReceiptText(receiptTextOf(hex.delivered[0]!))?.id).toBe("00000001");
    expect(hex.delivered[0]?.receipted_message_id).toBe("00000001");
    expect(parseReceiptText(receiptTextOf(dec.delivered[0]!))?.id).toBe("0000000002");
    expect(dec.delivered[0]?.receipted_message_id).toBe("0000000002");
    // ids are read in the account's own format
    const q = await dec.session.request({
      command: "query_sm",
      message_id: "0000000002",
      source_addr: "ACME",
    });
    expect(q.command_status).toBe(0);
    const bad = await dec.session.request({
      command: "query_sm",
      message_id: "0000000x",
      source_addr: "ACME",
    });
    expect(bad.command_status).toBe(CommandStatus.ESME_RINVMSGID);
    // and another ESME's message is not found
    const other = await hex.session.request({
      command: "query_sm",
      message_id: "00000002",
      source_addr: "ACME",
    });
    expect(other.command_status).toBe(CommandStatus.ESME_RQUERYFAIL);
  });

  it("writes receipt dates in the configured time zone", async () => {
    h = await startSmsc({ utcOffsetMinutes: 180 });
    const e = await esme();
    await e.session.request(submitSm({ registered_delivery: 1 }));
    await until(() => e.delivered.length === 1, "the receipt");
    expect(parseReceiptText(receiptTextOf(e.delivered[0]!))).toMatchObject({
      submitDate: "2611221230",
      doneDate: "2611221230",
    });
  });

  it("replaces characters GSM-7 lacks in the receipt's text sample, and takes 20 characters of UCS2 text", async () => {
    h = await startSmsc();
    const e = await esme();
    const text = "Привет, это длинное сообщение";
    const ucs2 = Buffer.from(text, "utf16le").swap16();
    await e.session.request(submitSm({ data_coding: 8, short_message: ucs2, registered_delivery: 1 }));
    await until(() => e.delivered.length === 1, "the receipt");
    expect(parseReceiptText(receiptTextOf(e.delivered[0]!))?.text).toBe("??????, ??? ??????? ");
  });
});
