import { describe, expect, it } from "vitest";
import { encodeMessage } from "../../../core/diameter/encoder.js";
import { DiameterFramingError } from "../../../core/diameter/errors.js";
import { MessageFramer } from "../../../core/diameter/framer.js";
import { ccaGrant, ccrInitial, ccrUpdate, dwr } from "./fixtures.js";

const stream = Buffer.concat([ccrInitial, ccrUpdate, dwr, ccaGrant].map((m) => encodeMessage(m)));
const expected = [ccrInitial, ccrUpdate, dwr, ccaGrant].map((m) => encodeMessage(m).toString("hex"));

function frame(chunks: Buffer[]): string[] {
  const framer = new MessageFramer();
  const out: string[] = [];
  for (const c of chunks) framer.push(c, (m) => out.push(m.toString("hex")));
  expect(framer.bufferedBytes).toBe(0);
  return out;
}

describe("MessageFramer", () => {
  it("finds every message when many arrive in one read", () => {
    expect(frame([stream])).toEqual(expected);
  });

  it("reassembles the stream split at every byte offset", () => {
    for (let cut = 1; cut < stream.length; cut++) {
      expect(frame([stream.subarray(0, cut), stream.subarray(cut)])).toEqual(expected);
    }
  });

  it("reassembles the stream split into three pieces at many offsets, and byte by byte", () => {
    for (let a = 1; a < stream.length; a += 7) {
      for (let b = a + 1; b < stream.length; b += 13) {
        expect(frame([stream.subarray(0, a), stream.subarray(a, b), stream.subarray(b)])).toEqual(expected);
      }
    }
    const bytes = [...stream].map((x) => Buffer.of(x));
    expect(frame(bytes)).toEqual(expected);
  });

  it("declares framing lost for a length below the header, not a multiple of 4, or over the limit", () => {
    for (const len of [0, 19, 22, 2 * 1024 * 1024]) {
      const b = Buffer.alloc(24);
      b[0] = 1;
      b.writeUIntBE(len, 1, 3);
      expect(() => new MessageFramer().push(b, () => undefined)).toThrow(DiameterFramingError);
    }
  });
});
