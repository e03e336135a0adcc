import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SmppCodecError } from "../../core/smpp/codec-error.js";
import { decodeLatin1, encodeLatin1, isLatin1 } from "../../core/smpp/latin1.js";
import {
  chooseAlphabet,
  decodeText,
  decodeTextWithLanguage,
  decodeUssdString,
  encodeText,
  encodeUssdString,
} from "../../core/smpp/text-codec.js";
import { decodeUcs2, encodeUcs2, ucs2Length } from "../../core/smpp/ucs2.js";

describe("UCS2 (UTF-16BE)", () => {
  it("encodes big-endian, astral characters as surrogate pairs", () => {
    expect(encodeUcs2("Aж").toString("hex")).toBe("00410436");
    expect(encodeUcs2("😀").toString("hex")).toBe("d83dde00");
    expect(ucs2Length("a😀")).toBe(3);
  });

  it("rejects an odd length unless lenient", () => {
    expect(() => decodeUcs2(Uint8Array.of(0, 0x41, 0))).toThrow(SmppCodecError);
    expect(decodeUcs2(Uint8Array.of(0, 0x41, 0), { lenient: true })).toBe("A");
  });

  it("round-trips any string, astral characters included", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 200 }), (text) => {
        expect(decodeUcs2(encodeUcs2(text))).toBe(text);
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (text) => {
        expect(decodeUcs2(encodeUcs2(text))).toBe(text);
      }),
    );
  });
});

describe("Latin-1", () => {
  it("encodes U+0000..U+00FF one octet each and refuses the rest", () => {
    expect(encodeLatin1("café").toString("hex")).toBe("636166e9");
    expect(decodeLatin1(Buffer.from("636166e9", "hex"))).toBe("café");
    expect(isLatin1("€")).toBe(false);
    expect(() => encodeLatin1("a€")).toThrow(/U\+20AC.*index 1/);
  });

  it("round-trips every octet", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect([...encodeLatin1(decodeLatin1(all))]).toEqual([...all]);
  });
});

describe("encodeText / decodeText", () => {
  it("picks GSM-7 (data_coding 0) when every character fits", () => {
    const e = encodeText("Hello {world} €5");
    expect(e).toMatchObject({ dataCoding: 0, alphabet: "gsm7" });
    expect(e.bytes).toHaveLength(19);
    expect(decodeText(e.dataCoding, e.bytes)).toBe("Hello {world} €5");
  });

  it("falls back to UCS2 (data_coding 8) otherwise", () => {
    const e = encodeText("Баланс 5 BYN");
    expect(e).toMatchObject({ dataCoding: 8, alphabet: "ucs2" });
    expect(decodeText(8, e.bytes)).toBe("Баланс 5 BYN");
  });

  it("honours prefer", () => {
    expect(encodeText("café", { prefer: "latin1" })).toMatchObject({ dataCoding: 3, alphabet: "latin1" });
    expect(encodeText("abc", { prefer: "ucs2" }).bytes.toString("hex")).toBe("006100620063");
    expect(chooseAlphabet("ç", "gsm7")).toBe("ucs2");
    expect(chooseAlphabet("ç", "latin1")).toBe("latin1");
    expect(chooseAlphabet("€", "latin1")).toBe("ucs2");
  });

  it("encodes into a fixed data_coding such as USSD 0x0F, refusing text that does not fit", () => {
    const e = encodeText("*100#", { dataCoding: 0x0f });
    expect(e).toMatchObject({ dataCoding: 0x0f, alphabet: "gsm7" });
    expect(e.bytes.toString("hex")).toBe("2a31303023");
    expect(() => encodeText("ж", { dataCoding: 0x0f })).toThrow(SmppCodecError);
    expect(() => encodeText("x", { dataCoding: 0x04 })).toThrow(/binary/);
  });

  it("decodes DCS 0x0F, class and MWI groups that the npm smpp package leaves raw or misreads", () => {
    const gsm = Buffer.from("2a31303023", "hex");
    expect(decodeText(0x0f, gsm)).toBe("*100#");
    expect(decodeText(0xf1, gsm)).toBe("*100#");
    expect(decodeText(0x11, gsm)).toBe("*100#"); // SMS group 0001: class 1 GSM-7
    expect(decodeText(0x18, encodeUcs2("ж"))).toBe("ж"); // UCS2 class 0
    expect(decodeText(0x48, encodeUcs2("ж"))).toBe("ж");
    expect(decodeText(0xe8, encodeUcs2("ж"))).toBe("ж"); // MWI store, UCS2
    expect(decodeText(0x01, Buffer.from("a@b_c$d", "latin1"))).toBe("a@b_c$d"); // IA5 is not GSM
  });

  it("decodes ISO-8859-5 and refuses binary and compressed data", () => {
    expect(decodeText(0x06, Uint8Array.of(0xb1, 0xd0))).toBe("Ба");
    expect(() => decodeText(0x04, Uint8Array.of(1))).toThrow(/not text/);
    expect(() => decodeText(0xf4, Uint8Array.of(1))).toThrow(SmppCodecError);
    expect(() => decodeText(0x20, Uint8Array.of(1))).toThrow(/compressed/);
  });

  it("splits off the CBS language prefix (TS 23.038 §5, DCS 0x10 and 0x11)", () => {
    expect(decodeTextWithLanguage(0x10, Buffer.from("en\rHi", "latin1"), "cbs")).toEqual({
      text: "Hi",
      language: "en",
    });
    const lang = Buffer.from([0x65 | ((0x6e & 1) << 7), 0x6e >> 1]); // "en" packed into two octets
    expect(decodeTextWithLanguage(0x11, Buffer.concat([lang, encodeUcs2("ж")]), "cbs")).toEqual({
      text: "ж",
      language: "en",
    });
    expect(decodeTextWithLanguage(0x01, Buffer.from("x"), "cbs")).toEqual({ text: "x", language: "en" });
  });

  it("round-trips any text through whichever alphabet it picks", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 100 }),
        fc.constantFrom("gsm7", "latin1", "ucs2") as fc.Arbitrary<"gsm7" | "latin1" | "ucs2">,
        (text, prefer) => {
          const e = encodeText(text, { prefer });
          expect(decodeText(e.dataCoding, e.bytes)).toBe(text);
        },
      ),
    );
  });
});

describe("USSD strings for the air side", () => {
  it('packs GSM-7 as DCS 0x0F (the classic AT+CUSD=1,"AA180C3602",15)', () => {
    const u = encodeUssdString("*100#");
    expect(u.dcs).toBe(0x0f);
    expect(u.bytes.toString("hex").toUpperCase()).toBe("AA180C3602");
    expect(decodeUssdString(0x0f, u.bytes)).toBe("*100#");
  });

  it("uses UCS2 as DCS 0x48 otherwise", () => {
    const u = encodeUssdString("Баланс");
    expect(u.dcs).toBe(0x48);
    expect(decodeUssdString(0x48, u.bytes)).toBe("Баланс");
  });
});
