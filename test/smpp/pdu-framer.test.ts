import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodePdu } from "../../core/smpp/pdu-codec.js";
import { PduFramer, type FrameResult } from "../../core/smpp/pdu-framer.js";

const pdus = [
  encodePdu({ command: "enquire_link", sequence_number: 1 }),
  encodePdu({ command: "submit_sm", sequence_number: 2, short_message: Buffer.from("hello") }),
  encodePdu({ command: "unbind", sequence_number: 3 }),
];
const stream = Buffer.concat(pdus);

function drain(framer: PduFramer): FrameResult[] {
  const out: FrameResult[] = [];
  for (let r = framer.next(); r; r = framer.next()) out.push(r);
  return out;
}

describe("PduFramer", () => {
  it("returns whole frames however the stream is chunked", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 30 }), (sizes) => {
        const framer = new PduFramer();
        const frames: Buffer[] = [];
        let at = 0;
        for (const size of [...sizes, stream.length]) {
          framer.push(stream.subarray(at, at + size));
          at += size;
          for (const r of drain(framer)) if (r.kind === "frame") frames.push(r.frame);
          if (at >= stream.length) break;
        }
        expect(frames.map((f) => f.toString("hex"))).toEqual(pdus.map((p) => p.toString("hex")));
        expect(framer.buffered).toBe(0);
      }),
    );
  });

  it("skips an over-long PDU and stays in step", () => {
    const framer = new PduFramer({ maxLength: 100 });
    const big = Buffer.alloc(300);
    big.writeUInt32BE(300, 0);
    big.writeUInt32BE(0x04, 4);
    big.writeUInt32BE(42, 12);
    framer.push(big.subarray(0, 50));
    const [first] = drain(framer);
    expect(first).toMatchObject({ kind: "oversized", commandLength: 300 });
    framer.push(Buffer.concat([big.subarray(50), pdus[0]!]));
    const rest = drain(framer);
    expect(rest).toEqual([{ kind: "frame", frame: pdus[0] }]);
  });

  it("gives up on a length below 16 or beyond the skip limit", () => {
    const small = new PduFramer();
    small.push(Buffer.from("0000000500000015", "hex"));
    expect(drain(small)).toMatchObject([{ kind: "fatal", reason: expect.stringContaining("below") }]);
    small.push(pdus[0]!);
    expect(drain(small)).toEqual([]);

    const huge = new PduFramer();
    huge.push(Buffer.from("41424344" + "00".repeat(12), "hex")); // "ABCD…" read as a length
    expect(drain(huge)).toMatchObject([{ kind: "fatal", reason: expect.stringContaining("plausible") }]);
  });
});
