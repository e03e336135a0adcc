import { describe, expect, it } from "vitest";
import {
  DataCoding,
  dataCodingFor,
  interpretDataCoding,
  type Alphabet,
  type DcsScheme,
} from "../../core/smpp/data-coding.js";

type Row = [dcs: number, scheme: DcsScheme, alphabet: Alphabet, cls: number | null, extra?: object];

// SMPP 3.4 §5.2.19 and TS 23.038 §4 / §5
const TABLE: Row[] = [
  [0x00, "smpp", "gsm7", null],
  [0x01, "smpp", "ascii", null],
  [0x02, "smpp", "binary", null],
  [0x03, "smpp", "latin1", null],
  [0x04, "smpp", "binary", null],
  [0x05, "smpp", "jis", null],
  [0x06, "smpp", "cyrillic", null],
  [0x07, "smpp", "hebrew", null],
  [0x08, "smpp", "ucs2", null],
  [0x09, "smpp", "pictogram", null],
  [0x0a, "smpp", "iso-2022-jp", null],
  [0x0b, "smpp", "gsm7", null, { reserved: true }],
  [0x0d, "smpp", "extended-kanji", null],
  [0x0e, "smpp", "ks-c-5601", null],
  [0x0f, "smpp", "gsm7", null, { reserved: true }],
  [0x10, "smpp", "gsm7", 0],
  [0x11, "smpp", "gsm7", 1],
  [0x12, "smpp", "gsm7", 2],
  [0x13, "smpp", "gsm7", 3],
  [0x15, "smpp", "binary", 1],
  [0x18, "smpp", "ucs2", 0],
  [0x1c, "smpp", "gsm7", 0, { reserved: true }],
  [0x20, "smpp", "gsm7", null, { compressed: true }],
  [0x40, "smpp", "gsm7", null, { autoDelete: true }],
  [0x48, "smpp", "ucs2", null, { autoDelete: true }],
  [0x80, "smpp", "gsm7", null, { reserved: true }],
  [0xc0, "smpp", "gsm7", null, { messageWaiting: { store: false, active: false, kind: "voicemail" } }],
  [0xc9, "smpp", "gsm7", null, { messageWaiting: { store: false, active: true, kind: "fax" } }],
  [0xd2, "smpp", "gsm7", null, { messageWaiting: { store: true, active: false, kind: "email" } }],
  [0xeb, "smpp", "ucs2", null, { messageWaiting: { store: true, active: true, kind: "other" } }],
  [0xf0, "smpp", "gsm7", 0],
  [0xf2, "smpp", "gsm7", 2],
  [0xf5, "smpp", "binary", 1],
  [0x01, "sms", "gsm7", null],
  [0x03, "sms", "gsm7", null],
  [0x08, "sms", "ucs2", null],
  [0x0c, "sms", "gsm7", null, { reserved: true }],
  [0x00, "cbs", "gsm7", null, { language: "de" }],
  [0x01, "cbs", "gsm7", null, { language: "en" }],
  [0x0f, "cbs", "gsm7", null, { language: null, reserved: false }],
  [0x10, "cbs", "gsm7", null, { languagePrefix: true }],
  [0x11, "cbs", "ucs2", null, { languagePrefix: true }],
  [0x12, "cbs", "gsm7", null, { reserved: true }],
  [0x23, "cbs", "gsm7", null, { language: "ru" }],
  [0x25, "cbs", "gsm7", null, { language: null }],
  [0x44, "cbs", "binary", null],
  [0x48, "cbs", "ucs2", null, { autoDelete: false }],
  [0x52, "cbs", "gsm7", 2],
  [0x94, "cbs", "binary", 0, { udh: true }],
  [0xe0, "cbs", "gsm7", null, { reserved: true }],
  [0xf4, "cbs", "binary", 0],
];

describe("interpretDataCoding", () => {
  it.each(TABLE)("%i in %s → %s, class %s", (dcs, scheme, alphabet, cls, extra) => {
    const info = interpretDataCoding(dcs, scheme);
    expect(info.alphabet).toBe(alphabet);
    expect(info.messageClass).toBe(cls);
    if (extra) expect(info).toMatchObject(extra);
  });

  it("interprets every octet in every scheme without throwing", () => {
    for (const scheme of ["smpp", "sms", "cbs"] as const)
      for (let dcs = 0; dcs < 256; dcs++) expect(interpretDataCoding(dcs, scheme).dcs).toBe(dcs);
  });

  it("rejects values outside an octet", () => {
    expect(() => interpretDataCoding(256)).toThrow(RangeError);
    expect(() => interpretDataCoding(-1)).toThrow(RangeError);
  });

  it("builds data_coding values that read back", () => {
    expect(dataCodingFor("gsm7")).toBe(DataCoding.GSM7);
    expect(dataCodingFor("ucs2")).toBe(DataCoding.UCS2);
    expect(dataCodingFor("latin1")).toBe(DataCoding.LATIN1);
    for (const alphabet of ["gsm7", "binary", "ucs2"] as const)
      for (const cls of [0, 1, 2, 3] as const) {
        const info = interpretDataCoding(dataCodingFor(alphabet, cls));
        expect([info.alphabet, info.messageClass]).toEqual([alphabet, cls]);
      }
    expect(() => dataCodingFor("latin1", 1)).toThrow(RangeError);
  });
});
