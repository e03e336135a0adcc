/** The SMSC's pure parts, one at a time: receipts, outcomes, ids, limits, deadlines, routes. */
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../core/clock/virtual-clock.js";
import { MessageState } from "../../core/smpp/pdu-types.js";
import { DailyQuotas } from "../../core/smsc/daily-quota.js";
import { DeadlineHeap } from "../../core/smsc/deadline-heap.js";
import {
  PercentagePicker,
  deterministicOutcome,
  finalStateByName,
  isSuccess,
} from "../../core/smsc/delivery-outcomes.js";
import { BindRegistry } from "../../core/smsc/bind-registry.js";
import { MessageIdCounter, formatMessageId, parseMessageId } from "../../core/smsc/message-id.js";
import {
  NetworkError,
  intermediateWanted,
  parseReceiptText,
  receiptDate,
  receiptOctets,
  receiptPdu,
  receiptSample,
  receiptText,
  receiptWanted,
} from "../../core/smsc/receipts.js";
import { SmscRouter } from "../../core/smsc/routing.js";
import { esmeAccount } from "../../core/smsc/smsc-config.js";
import { TokenBucket } from "../../core/smsc/token-bucket.js";
import { SeededRandom } from "../../sim/random.js";
import { CommandStatus } from "../../core/smpp/command-status.js";

const FINALS = [
  MessageState.DELIVERED,
  MessageState.EXPIRED,
  MessageState.DELETED,
  MessageState.UNDELIVERABLE,
  MessageState.ACCEPTED,
  MessageState.UNKNOWN,
  MessageState.REJECTED,
];

describe("receipts", () => {
  it("registered_delivery bits 1..0: none, final, failure only, success only; bit 4 intermediate", () => {
    const table = [0, 1, 2, 3].map((rd) => FINALS.map((s) => (receiptWanted(rd, s) ? 1 : 0)).join(""));
    //            DEL EXP DLT UND ACC UNK REJ
    expect(table).toEqual(["0000000", "1111111", "0111011", "1000100"]);
    // the other bits (SME acknowledgements, intermediate) do not change the receipt
    expect(receiptWanted(0x1d, MessageState.DELIVERED)).toBe(true);
    expect(intermediateWanted(0x10)).toBe(true);
    expect(intermediateWanted(0x01)).toBe(false);
    expect(isSuccess(MessageState.ACCEPTED)).toBe(true);
  });

  it("writes the Appendix B text and reads it back", () => {
    const text = receiptText({
      messageId: "0000002a",
      state: MessageState.EXPIRED,
      error: NetworkError.ABSENT_SUBSCRIBER,
      submittedAt: Date.UTC(2026, 0, 2, 3, 4, 59),
      doneAt: Date.UTC(2026, 0, 3, 23, 59, 0),
      sample: "Hello",
      utcOffsetMinutes: 0,
    });
    expect(text).toBe(
      "id:0000002a sub:001 dlvrd:000 submit date:2601020304 done date:2601032359 stat:EXPIRED err:006 text:Hello",
    );
    expect(parseReceiptText(text)).toEqual({
      id: "0000002a",
      sub: "001",
      dlvrd: "000",
      submitDate: "2601020304",
      doneDate: "2601032359",
      stat: "EXPIRED",
      err: "006",
      text: "Hello",
    });
    expect(parseReceiptText("not a receipt")).toBeUndefined();
    expect(receiptDate(Date.UTC(2026, 11, 31, 22, 30), 180)).toBe("2701010130");
  });

  it("samples the first 20 characters of text, skipping a UDH, and none of binary data", () => {
    expect(receiptSample(0, Buffer.from("exactly twenty chars and more"), false)).toBe(
      "exactly twenty chars",
    );
    expect(receiptSample(0, Buffer.from([0x05, 0x00, 0x03, 1, 2, 1, 0x41, 0x00, 0x42]), true)).toBe("A@B");
    expect(receiptSample(8, Buffer.from("Ж€", "utf16le").swap16(), false)).toBe("Ж€");
    expect(receiptSample(4, Buffer.from([1, 2, 3]), false)).toBe("");
    expect(receiptSample(0, Buffer.from([0x05]), true)).toBe("");
    expect(receiptOctets("text:A@€Ж")).toEqual(
      Buffer.from([0x74, 0x65, 0x78, 0x74, 0x3a, 0x41, 0x00, 0x1b, 0x65, 0x3f]),
    );
  });

  it("builds the receipt deliver_sm with swapped addresses and the TLVs", () => {
    const pdu = receiptPdu(
      {
        messageId: "1",
        state: MessageState.UNDELIVERABLE,
        error: 32,
        submittedAt: 0,
        doneAt: 0,
        sample: "",
        utcOffsetMinutes: 0,
      },
      { source: { ton: 1, npi: 1, addr: "375291234567" }, destination: { ton: 5, npi: 0, addr: "ACME" } },
    );
    expect(pdu).toMatchObject({
      source_addr: "375291234567",
      destination_addr: "ACME",
      dest_addr_ton: 5,
      esm_class: 0x04,
      receipted_message_id: "1",
      message_state: MessageState.UNDELIVERABLE,
      network_error_code: Buffer.from([3, 0, 32]),
    });
  });
});

describe("outcomes", () => {
  it("deterministic: the last digit picks the state", () => {
    expect(["...0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "alpha"].map(deterministicOutcome)).toEqual([
      "DELIVERED",
      "EXPIRED",
      "DELETED",
      "UNDELIVERABLE",
      "ACCEPTED",
      "REJECTED",
      "UNKNOWN",
      "DELIVERED",
      "DELIVERED",
      "DELIVERED",
      "DELIVERED",
    ]);
    expect(finalStateByName("undeliv")).toBe("UNDELIVERABLE");
    expect(finalStateByName("ENROUTE")).toBeUndefined();
  });

  it("percentage: seeded draws close to the weights", () => {
    const picker = new PercentagePicker(
      [
        { state: "DELIVERED", percent: 90 },
        { state: "UNDELIVERABLE", percent: 5 },
        { state: "EXPIRED", percent: 5 },
      ],
      SeededRandom.from(7),
    );
    const counts: Record<string, number> = {};
    for (let i = 0; i < 100_000; i++) {
      const s = picker.next();
      counts[s] = (counts[s] ?? 0) + 1;
    }
    expect(counts["DELIVERED"]).toBeGreaterThan(89_000);
    expect(counts["DELIVERED"]).toBeLessThan(91_000);
    expect(counts["UNDELIVERABLE"]).toBeGreaterThan(4_500);
    expect(counts["EXPIRED"]).toBeGreaterThan(4_500);
  });
});

describe("message ids", () => {
  it("formats and parses hex and decimal ids", () => {
    expect(formatMessageId(255, "hex")).toBe("000000ff");
    expect(formatMessageId(255, "decimal")).toBe("0000000255");
    expect(formatMessageId(2 ** 40, "hex")).toBe("10000000000");
    expect(parseMessageId("000000FF", "hex")).toBe(255);
    expect(parseMessageId("0000000255", "decimal")).toBe(255);
    expect(parseMessageId("ff", "decimal")).toBeUndefined();
    expect(parseMessageId("", "hex")).toBeUndefined();
    const c = new MessageIdCounter();
    expect([c.next(), c.next()]).toEqual([1, 2]);
  });
});

describe("limits on the clock", () => {
  it("token bucket: capacity, refill per second, unlimited at 0", () => {
    const clock = new VirtualClock(0);
    const b = new TokenBucket(clock, 10, 2);
    expect([b.take(), b.take(), b.take()]).toEqual([true, true, false]);
    clock.advance(100);
    expect([b.take(), b.take()]).toEqual([true, false]);
    clock.advance(10_000);
    expect([b.take(), b.take(), b.take()]).toEqual([true, true, false]);
    const free = new TokenBucket(clock, 0);
    for (let i = 0; i < 1000; i++) expect(free.take()).toBe(true);
  });

  it("daily quota: reserve, release, reset at local midnight", () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 1, 20, 59, 59));
    const q = new DailyQuotas(clock, 180);
    expect(q.reserve("a", 3, 4)).toBe(true);
    expect(q.reserve("a", 2, 4)).toBe(false);
    q.release("a", 1);
    expect(q.reserve("a", 2, 4)).toBe(true);
    expect(q.nextReset()).toBe(Date.UTC(2026, 0, 1, 21, 0, 0));
    clock.advance(1000);
    expect(q.used("a")).toBe(0);
    expect(q.reserve("a", 4, 4)).toBe(true);
  });
});

describe("deadline heap", () => {
  it("runs items in time order with one timer, including items added while running", () => {
    const clock = new VirtualClock(0);
    const seen: string[] = [];
    const heap = new DeadlineHeap<string>(
      clock,
      (item, at) => {
        seen.push(`${item}@${at}`);
        if (item === "b") heap.add(at, "b2");
      },
      (e) => {
        throw e;
      },
    );
    for (const [at, item] of [
      [30, "c"],
      [10, "a"],
      [20, "b"],
      [10, "a2"],
    ] as const)
      heap.add(at, item);
    expect(clock.pendingTimers).toBe(1);
    clock.advance(25);
    expect(seen).toEqual(["a@10", "a2@10", "b@20", "b2@20"]);
    clock.advance(10);
    expect(seen.at(-1)).toBe("c@30");
    expect(heap.size).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it("keeps going when an item throws, and reports it", () => {
    const clock = new VirtualClock(0);
    const errors: unknown[] = [];
    const seen: number[] = [];
    const heap = new DeadlineHeap<number>(
      clock,
      (n) => {
        if (n === 2) throw new Error("boom");
        seen.push(n);
      },
      (e) => errors.push(e),
    );
    for (let n = 1; n <= 3; n++) heap.add(n, n);
    clock.advance(5);
    expect(seen).toEqual([1, 3]);
    expect(errors).toHaveLength(1);
  });

  it("orders 10,000 random deadlines", () => {
    const clock = new VirtualClock(0);
    const rng = SeededRandom.from(3);
    const seen: number[] = [];
    const heap = new DeadlineHeap<number>(
      clock,
      (n) => seen.push(n),
      () => undefined,
      100_000,
    );
    for (let i = 0; i < 10_000; i++) {
      const at = rng.nextInt(1_000_000);
      heap.add(at, at);
    }
    clock.advance(1_000_000);
    expect(seen).toHaveLength(10_000);
    expect(seen.every((v, i) => i === 0 || (seen[i - 1] as number) <= v)).toBe(true);
  });
});

describe("routes and binds", () => {
  it("routes ESME ranges first (longest prefix), then handset prefixes", () => {
    const r = new SmscRouter({
      esme: [
        { prefix: "70", systemId: "short" },
        { prefix: "7001", systemId: "longer" },
      ],
      handsetPrefixes: ["37529", "37544"],
    });
    expect(r.route("7001")).toEqual({ kind: "esme", systemId: "longer" });
    expect(r.route("7099")).toEqual({ kind: "esme", systemId: "short" });
    expect(r.route("+375291234567")).toEqual({ kind: "handset", msisdn: "375291234567" });
    expect(r.route("375331234567")).toBeUndefined();
    expect(r.route("ALPHA")).toBeUndefined();
    expect(new SmscRouter({ esme: [], handsetPrefixes: [] }).route("4915112345")).toEqual({
      kind: "handset",
      msisdn: "4915112345",
    });
  });

  it("authorizes binds in the documented order and counts them", () => {
    const reg = new BindRegistry([
      esmeAccount({ systemId: "a", password: "p", maxBinds: 1, bindModes: ["transmitter"] }),
    ]);
    expect(reg.authorize("transmitter", "x", "p")).toMatchObject({
      ok: false,
      status: CommandStatus.ESME_RINVSYSID,
    });
    expect(reg.authorize("receiver", "a", "wrong")).toMatchObject({
      ok: false,
      status: CommandStatus.ESME_RINVPASWD,
    });
    expect(reg.authorize("receiver", "a", "p")).toMatchObject({
      ok: false,
      status: CommandStatus.ESME_RBINDFAIL,
    });
    expect(reg.authorize("transmitter", "a", "p")).toMatchObject({ ok: true });
    expect(reg.authorize("transmitter", "a", "p")).toMatchObject({
      ok: false,
      status: CommandStatus.ESME_RBINDFAIL,
    });
    reg.release("a");
    expect(reg.binds("a")).toBe(0);
  });
});
