import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../core/clock/virtual-clock.js";
import {
  readSegment,
  segmentCapacity,
  segmentCount,
  segmentText,
  splitEncoded,
  splitText,
  type SegmentFields,
} from "../../core/smpp/concat.js";
import { GSM7_ESCAPE, gsm7SeptetLength } from "../../core/smpp/gsm7.js";
import { Reassembler, type IncompleteMessage } from "../../core/smpp/reassembler.js";
import { decodeText } from "../../core/smpp/text-codec.js";
import { buildUdh, concatIe, findConcat, parseUdh, udhFillBits } from "../../core/smpp/udh.js";

const gsmText = fc
  .array(fc.constantFrom(..."abcXYZ019 @£€{}[]~^|\\\r\n".split("")), { maxLength: 1200 })
  .map((a) => a.join(""));
const anyText = fc.string({ unit: "grapheme", maxLength: 600 });

/** Text back from PDU fields: header off, bodies joined, decoded. */
function join(segments: readonly SegmentFields[]): string {
  const bodies = segments.map((s) => readSegment({ ...s, esm_class: s.esm_class }).body);
  return decodeText(segments[0]!.data_coding, Buffer.concat(bodies));
}

describe("user data header (TS 23.040 §9.2.3.24)", () => {
  it("builds and parses the 8-bit concatenation IE", () => {
    const udh = buildUdh([concatIe({ reference: 0x42, total: 3, sequence: 2, referenceBits: 8 })]);
    expect(udh.toString("hex")).toBe("050003420302");
    const parsed = parseUdh(Buffer.concat([udh, Buffer.from("body")]));
    expect(parsed.headerLength).toBe(6);
    expect(parsed.body.toString()).toBe("body");
    expect(findConcat(parsed.ies)).toEqual({ reference: 0x42, total: 3, sequence: 2, referenceBits: 8 });
  });

  it("builds and parses the 16-bit concatenation IE", () => {
    const udh = buildUdh([concatIe({ reference: 0xbeef, total: 2, sequence: 1, referenceBits: 16 })]);
    expect(udh.toString("hex")).toBe("060804beef0201");
    expect(findConcat(parseUdh(udh).ies)).toEqual({
      reference: 0xbeef,
      total: 2,
      sequence: 1,
      referenceBits: 16,
    });
  });

  it("ignores a concatenation IE with sequence 0 or above the total", () => {
    expect(findConcat(parseUdh(Buffer.from("050003010300", "hex")).ies)).toBeUndefined();
    expect(findConcat(parseUdh(Buffer.from("050003010204", "hex")).ies)).toBeUndefined();
  });

  it("rejects headers whose lengths do not add up", () => {
    expect(() => parseUdh(Buffer.alloc(0))).toThrow(/empty/);
    expect(() => parseUdh(Buffer.from("0a0003", "hex"))).toThrow(/UDHL/);
    expect(() => parseUdh(Buffer.from("0300050101", "hex"))).toThrow(/runs past/);
  });

  it("computes the fill bits that align text after the header", () => {
    expect(udhFillBits(6)).toBe(1);
    expect(udhFillBits(7)).toBe(0);
    expect(udhFillBits(12)).toBe(2);
  });

  it("refuses references that do not fit", () => {
    expect(() => concatIe({ reference: 256, total: 2, sequence: 1, referenceBits: 8 })).toThrow(/8 bits/);
    expect(() => concatIe({ reference: 1, total: 2, sequence: 3, referenceBits: 8 })).toThrow(/out of range/);
  });
});

describe("splitting", () => {
  it("uses the TS 23.040 capacities", () => {
    expect(segmentCapacity("gsm7")).toEqual({ single: 160, perSegment: 153 });
    expect(segmentCapacity("gsm7", 16)).toEqual({ single: 160, perSegment: 152 });
    expect(segmentCapacity("ucs2")).toEqual({ single: 140, perSegment: 134 });
    expect(segmentCapacity("ucs2", 16)).toEqual({ single: 140, perSegment: 132 });
    expect(segmentCapacity("binary")).toEqual({ single: 140, perSegment: 134 });
  });

  it("keeps 160 GSM-7 / 70 UCS2 characters in one message and splits one more", () => {
    expect(segmentCount("a".repeat(160))).toBe(1);
    expect(segmentCount("a".repeat(161))).toBe(2);
    expect(segmentCount("a".repeat(306))).toBe(2);
    expect(segmentCount("a".repeat(307))).toBe(3);
    expect(segmentCount("ж".repeat(70))).toBe(1);
    expect(segmentCount("ж".repeat(71))).toBe(2);
    expect(segmentCount("ж".repeat(134))).toBe(2);
    expect(segmentCount("€".repeat(80))).toBe(1);
    expect(segmentCount("€".repeat(81))).toBe(2);
  });

  it("never splits an escape pair", () => {
    const text = "a".repeat(152) + "€" + "b".repeat(10);
    const { bodies } = splitText(text);
    expect(bodies[0]).toHaveLength(152);
    expect(bodies[1]![0]).toBe(GSM7_ESCAPE);
  });

  it("never splits a surrogate pair", () => {
    const text = "ж".repeat(66) + "😀" + "ж".repeat(10);
    const { bodies } = splitText(text);
    expect(bodies[0]).toHaveLength(132);
    expect(bodies[1]!.readUInt16BE(0)).toBe(0xd83d);
  });

  it("refuses more than 255 segments", () => {
    expect(() => splitText("a".repeat(153 * 255 + 1))).toThrow(/255/);
    expect(splitText("a".repeat(153 * 255)).bodies).toHaveLength(255);
  });

  it("gives one plain segment when the text fits", () => {
    expect(segmentText("hi", { reference: 1 })).toEqual([
      { short_message: Buffer.from("6869", "hex"), data_coding: 0, esm_class: 0 },
    ]);
  });

  it("builds UDH segments with UDHI and 8- or 16-bit references", () => {
    const segs = segmentText("x".repeat(200), { reference: 7 });
    expect(segs).toHaveLength(2);
    expect(segs.map((s) => s.esm_class)).toEqual([0x40, 0x40]);
    expect(segs[0]!.short_message.subarray(0, 6).toString("hex")).toBe("050003070201");
    expect(segs[1]!.short_message.subarray(0, 6).toString("hex")).toBe("050003070202");
    const wide = segmentText("x".repeat(200), { reference: 300, referenceBits: 16 });
    expect(wide[0]!.short_message.subarray(0, 7).toString("hex")).toBe("060804012c0201");
    expect(join(wide)).toBe("x".repeat(200));
  });

  it("builds sar_* segments without a header", () => {
    const segs = segmentText("ж".repeat(100), { reference: 0x1234, method: "sar" });
    expect(
      segs.map((s) => [s.esm_class, s.sar_msg_ref_num, s.sar_total_segments, s.sar_segment_seqnum]),
    ).toEqual([
      [0, 0x1234, 2, 1],
      [0, 0x1234, 2, 2],
    ]);
    expect(segs[0]!.data_coding).toBe(8);
    expect(readSegment(segs[1]! as SegmentFields & { esm_class: number }).concat).toEqual({
      reference: 0x1234,
      total: 2,
      sequence: 2,
      referenceBits: 16,
      via: "sar",
    });
  });

  it("reads message_payload in preference to short_message", () => {
    const r = readSegment({
      esm_class: 0,
      short_message: Buffer.alloc(0),
      message_payload: Buffer.from("long"),
    });
    expect(r.body.toString()).toBe("long");
  });

  it("keeps every segment within its capacity and loses nothing (GSM-7)", () => {
    fc.assert(
      fc.property(gsmText, fc.constantFrom(8, 16) as fc.Arbitrary<8 | 16>, (text, referenceBits) => {
        const segs = segmentText(text, { reference: 5, referenceBits });
        const cap = segmentCapacity("gsm7", referenceBits);
        for (const s of segs) {
          const body = readSegment(s).body;
          expect(body.length).toBeLessThanOrEqual(segs.length === 1 ? cap.single : cap.perSegment);
          expect(body[body.length - 1] === GSM7_ESCAPE && segs.length > 1).toBe(false);
        }
        expect(join(segs)).toBe(text);
        if (gsm7SeptetLength(text) <= 160) expect(segs).toHaveLength(1);
      }),
    );
  });

  it("keeps every segment within its capacity and loses nothing (any text)", () => {
    fc.assert(
      fc.property(anyText, fc.constantFrom("udh", "sar") as fc.Arbitrary<"udh" | "sar">, (text, method) => {
        const segs = segmentText(text, { reference: 9, method });
        const alphabet = segs[0]!.data_coding === 8 ? "ucs2" : "gsm7";
        const cap = segmentCapacity(alphabet);
        for (const s of segs)
          expect(readSegment(s).body.length).toBeLessThanOrEqual(
            segs.length === 1 ? cap.single : cap.perSegment,
          );
        expect(join(segs)).toBe(text);
      }),
    );
  });

  it("splitEncoded cuts binary data plainly", () => {
    expect(splitEncoded(Buffer.alloc(300), "binary", 134).map((b) => b.length)).toEqual([134, 134, 32]);
  });
});

describe("Reassembler", () => {
  it("reassembles segments given in random order into the original", () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: 0, max: 255 }), fc.nat(), (text, reference, seed) => {
        const clock = new VirtualClock();
        const r = new Reassembler<Buffer>({ clock, timeoutMs: 60_000 });
        const segs = segmentText(text, { reference });
        const order = segs.map((_, i) => i);
        // a seeded Fisher-Yates shuffle
        let s = seed;
        for (let i = order.length - 1; i > 0; i--) {
          s = (s * 1103515245 + 12345) & 0x7fffffff;
          const j = s % (i + 1);
          [order[i], order[j]] = [order[j]!, order[i]!];
        }
        let done: Buffer[] | undefined;
        for (const i of order) {
          const seg = readSegment(segs[i]!);
          const c = seg.concat ?? { reference, total: 1, sequence: 1 };
          const res = r.add({ source: "375291234567", ...c, item: seg.body });
          if (res.status === "complete") done = res.items;
          else expect(res.status).toBe("pending");
        }
        expect(done).toBeDefined();
        expect(decodeText(segs[0]!.data_coding, Buffer.concat(done!))).toBe(text);
        expect(r.size).toBe(0);
        expect(clock.pendingTimers).toBe(0);
      }),
    );
  });

  it("keys by source and reference, and flags duplicates and inconsistent totals", () => {
    const r = new Reassembler<string>({ clock: new VirtualClock(), timeoutMs: 1000 });
    expect(r.add({ source: "a", reference: 1, total: 2, sequence: 1, item: "a1" }).status).toBe("pending");
    expect(r.add({ source: "b", reference: 1, total: 2, sequence: 2, item: "b2" }).status).toBe("pending");
    expect(r.add({ source: "a", reference: 1, total: 2, sequence: 1, item: "again" }).status).toBe(
      "duplicate",
    );
    expect(r.add({ source: "a", reference: 1, total: 3, sequence: 3, item: "x" }).status).toBe("invalid");
    expect(r.add({ source: "a", reference: 1, total: 2, sequence: 3, item: "x" }).status).toBe("invalid");
    expect(r.add({ source: "a", reference: 1, total: 2, sequence: 2, item: "a2" })).toEqual({
      status: "complete",
      source: "a",
      reference: 1,
      items: ["a1", "a2"],
    });
    expect(r.size).toBe(1);
  });

  it("reports a message still incomplete at the timeout, on the injected clock", () => {
    const clock = new VirtualClock();
    const reported: IncompleteMessage<string>[] = [];
    const r = new Reassembler<string>({ clock, timeoutMs: 30_000, onIncomplete: (m) => reported.push(m) });
    r.add({ source: "s", reference: 9, total: 3, sequence: 3, item: "c" });
    clock.advance(10_000);
    r.add({ source: "s", reference: 9, total: 3, sequence: 1, item: "a" });
    clock.advance(19_999);
    expect(reported).toHaveLength(0);
    clock.advance(1);
    expect(reported).toEqual([
      {
        source: "s",
        reference: 9,
        total: 3,
        received: [1, 3],
        items: ["a", "c"],
        firstAt: Date.UTC(2026, 0, 1),
        reason: "timeout",
      },
    ]);
    expect(r.size).toBe(0);
    // a late segment starts a new message
    expect(r.add({ source: "s", reference: 9, total: 3, sequence: 2, item: "b" }).status).toBe("pending");
  });

  it("evicts the oldest message beyond maxPending and clears on demand", () => {
    const reported: string[] = [];
    const r = new Reassembler<number>({
      clock: new VirtualClock(),
      timeoutMs: 1000,
      maxPending: 2,
      onIncomplete: (m) => reported.push(`${m.source}:${m.reason}`),
    });
    for (const source of ["a", "b", "c"]) r.add({ source, reference: 0, total: 2, sequence: 1, item: 1 });
    expect(reported).toEqual(["a:evicted"]);
    expect(r.clear().map((m) => m.source)).toEqual(["b", "c"]);
    expect(reported).toEqual(["a:evicted", "b:cleared", "c:cleared"]);
  });
});
