import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SmppCodecError } from "../../core/smpp/codec-error.js";
import {
  GSM7_DEFAULT_ALPHABET,
  GSM7_ESCAPE,
  GSM7_EXTENSION_TABLE,
  decodeGsm7,
  decodeGsm7Packed,
  encodeGsm7,
  encodeGsm7Packed,
  findNonGsm7,
  gsm7CharSeptets,
  gsm7SeptetLength,
  isGsm7,
  packSeptets,
  packUssd,
  packedLength,
  unpackSeptets,
  unpackUssd,
} from "../../core/smpp/gsm7.js";

// TS 23.038 §6.2.1, written out by code point so that the table in gsm7.ts is checked against an
// independent transcription.
const DEFAULT_TABLE: readonly number[] = [
  0x40, 0xa3, 0x24, 0xa5, 0xe8, 0xe9, 0xf9, 0xec, 0xf2, 0xc7, 0x0a, 0xd8, 0xf8, 0x0d, 0xc5, 0xe5, 0x394, 0x5f,
  0x3a6, 0x393, 0x39b, 0x3a9, 0x3a0, 0x3a8, 0x3a3, 0x398, 0x39e, -1, 0xc6, 0xe6, 0xdf, 0xc9, 0x20, 0x21, 0x22,
  0x23, 0xa4, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34,
  0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0xa1, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46,
  0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f, 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58,
  0x59, 0x5a, 0xc4, 0xd6, 0xd1, 0xdc, 0xa7, 0xbf, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a,
  0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0xe4, 0xf6,
  0xf1, 0xfc, 0xe0,
];

const EXTENSION_TABLE: readonly [number, number][] = [
  [0x0a, 0x0c],
  [0x14, 0x5e],
  [0x28, 0x7b],
  [0x29, 0x7d],
  [0x2f, 0x5c],
  [0x3c, 0x5b],
  [0x3d, 0x7e],
  [0x3e, 0x5d],
  [0x40, 0x7c],
  [0x65, 0x20ac],
];

const gsmChar = fc.constantFrom(
  ...GSM7_DEFAULT_ALPHABET.filter((_, i) => i !== GSM7_ESCAPE),
  ...GSM7_EXTENSION_TABLE.values(),
);
const gsmText = fc.array(gsmChar, { maxLength: 400 }).map((a) => a.join(""));

describe("GSM 03.38 tables", () => {
  it("has 128 default entries matching TS 23.038", () => {
    expect(GSM7_DEFAULT_ALPHABET).toHaveLength(128);
    expect(DEFAULT_TABLE).toHaveLength(128);
  });

  it.each(DEFAULT_TABLE.map((cp, septet) => [septet, cp] as const).filter(([, cp]) => cp >= 0))(
    "septet %i is code point %i and round-trips",
    (septet, cp) => {
      const ch = String.fromCodePoint(cp);
      expect(GSM7_DEFAULT_ALPHABET[septet]).toBe(ch);
      expect([...encodeGsm7(ch)]).toEqual([septet]);
      expect(decodeGsm7(Uint8Array.of(septet))).toBe(ch);
      expect(gsm7SeptetLength(ch)).toBe(1);
      expect(isGsm7(ch)).toBe(true);
    },
  );

  it("has exactly the ten extension characters of TS 23.038 §6.2.1.1", () => {
    expect([...GSM7_EXTENSION_TABLE.entries()].map(([s, c]) => [s, c.codePointAt(0)])).toEqual(
      EXTENSION_TABLE,
    );
  });

  it.each(EXTENSION_TABLE)(
    "extension code %i (code point %i) is escape + code and counts two septets",
    (code, cp) => {
      const ch = String.fromCodePoint(cp);
      expect([...encodeGsm7(ch)]).toEqual([GSM7_ESCAPE, code]);
      expect(decodeGsm7(Uint8Array.of(GSM7_ESCAPE, code))).toBe(ch);
      expect(gsm7SeptetLength(ch)).toBe(2);
      expect(gsm7CharSeptets(ch)).toBe(2);
    },
  );

  it("decodes an escape before an unknown code as the default-table character", () => {
    expect(decodeGsm7(Uint8Array.of(GSM7_ESCAPE, 0x41))).toBe("A");
  });

  it("decodes a trailing lone escape, and escape-escape, as a space", () => {
    expect(decodeGsm7(Uint8Array.of(0x41, GSM7_ESCAPE))).toBe("A ");
    expect(decodeGsm7(Uint8Array.of(GSM7_ESCAPE, GSM7_ESCAPE, 0x42))).toBe(" B");
  });

  it("ignores the high bit of unpacked septets", () => {
    expect(decodeGsm7(Uint8Array.of(0x80 | 0x41))).toBe("A");
  });
});

describe("GSM-7 detection and length", () => {
  it("detects characters outside the alphabet", () => {
    expect(isGsm7("Hello @ £ € {}")).toBe(true);
    expect(isGsm7("ç")).toBe(false); // only capital Ç is in the table
    expect(isGsm7("Привет")).toBe(false);
    expect(isGsm7("😀")).toBe(false);
    expect(isGsm7("`")).toBe(false);
  });

  it("counts extension characters twice", () => {
    expect(gsm7SeptetLength("")).toBe(0);
    expect(gsm7SeptetLength("abc")).toBe(3);
    expect(gsm7SeptetLength("€10 [x]")).toBe(10);
  });

  it("names the first offending character and its index", () => {
    expect(findNonGsm7("ab😀c")).toEqual({ index: 2, char: "😀" });
    expect(findNonGsm7("abc")).toBeUndefined();
    let error: unknown;
    try {
      encodeGsm7("ok ж");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SmppCodecError);
    expect((error as SmppCodecError).code).toBe("NOT_GSM7");
    expect((error as SmppCodecError).message).toContain("U+0436");
    expect((error as SmppCodecError).message).toContain("index 3");
    expect(() => gsm7SeptetLength("ж")).toThrow(SmppCodecError);
  });
});

describe("7-bit packing (TS 23.038 §6.1.2.1.1)", () => {
  it.each([
    ["hellohello", "e8329bfd4697d9ec37"],
    ["hello", "e8329bfd06"],
    ["*100#", "aa180c3602"],
    ["", ""],
  ])("packs %j to %s", (text, hex) => {
    const { octets, septetCount } = encodeGsm7Packed(text);
    expect(octets.toString("hex")).toBe(hex);
    expect(septetCount).toBe(text.length);
    expect(decodeGsm7Packed(octets, septetCount)).toBe(text);
  });

  it("puts fill bits first: after a 6-octet UDH one zero bit aligns the text", () => {
    const { octets } = encodeGsm7Packed("A", 1);
    expect([...octets]).toEqual([0x41 << 1]);
    expect(packedLength(153, 1)).toBe(134);
    expect(packedLength(160)).toBe(140);
  });

  it("rejects a fill-bit count outside 0..6 and septets above 0x7F", () => {
    expect(() => packSeptets(Uint8Array.of(1), 7)).toThrow(SmppCodecError);
    expect(() => packSeptets(Uint8Array.of(0x80))).toThrow(/above 0x7F/);
    expect(() => unpackSeptets(Uint8Array.of(1), 3)).toThrow(/hold 1 septets/);
  });

  it("round-trips packed text with every fill-bit offset", () => {
    fc.assert(
      fc.property(gsmText, fc.integer({ min: 0, max: 6 }), (text, fill) => {
        const { octets, septetCount } = encodeGsm7Packed(text, fill);
        expect(octets.length).toBe(packedLength(septetCount, fill));
        expect(decodeGsm7Packed(octets, septetCount, fill)).toBe(text);
      }),
    );
  });

  it("round-trips any septets through pack/unpack", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: 6 }), (raw, fill) => {
        const septets = raw.map((b) => b & 0x7f);
        expect([...unpackSeptets(packSeptets(septets, fill), septets.length, fill)]).toEqual([...septets]);
      }),
    );
  });

  it("round-trips unpacked text", () => {
    fc.assert(
      fc.property(gsmText, (text) => {
        const septets = encodeGsm7(text);
        expect(septets.length).toBe(gsm7SeptetLength(text));
        expect(decodeGsm7(septets)).toBe(text);
      }),
    );
  });
});

describe("USSD packing with <CR> padding (TS 23.038 §6.1.2.3.1)", () => {
  it("fills 7 spare bits with <CR> rather than '@'", () => {
    const octets = packUssd("1234567");
    expect(octets).toHaveLength(7);
    expect(octets[6]! >> 1).toBe(0x0d);
    expect(unpackUssd(octets)).toBe("1234567");
  });

  it("adds a <CR> when the text ends in <CR> on an octet boundary", () => {
    const octets = packUssd("1234567\r");
    expect(octets).toHaveLength(8);
    // the clause defines <CR><CR> as identical to <CR>
    expect(unpackUssd(octets)).toBe("1234567\r\r");
  });

  it("round-trips USSD strings that do not end in <CR>", () => {
    fc.assert(
      fc.property(
        gsmText.filter((t) => !t.endsWith("\r")),
        (text) => {
          expect(unpackUssd(packUssd(text))).toBe(text);
        },
      ),
    );
  });

  it("holds 182 characters in 160 octets", () => {
    expect(packUssd("x".repeat(182))).toHaveLength(160);
  });
});
