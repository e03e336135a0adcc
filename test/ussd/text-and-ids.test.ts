import { describe, expect, it } from "vitest";
import { decodeItsSessionInfo, encodeItsSessionInfo, SessionNumbers } from "../../core/ussd/session-info.js";
import { transliterate } from "../../core/ussd/translit.js";
import {
  dcsOf,
  fitsUssd,
  USSD_DCS_GSM7,
  USSD_DCS_UCS2,
  ussdTextProblem,
  ussdTextSize,
} from "../../core/ussd/ussd-text.js";
import { isGsm7 } from "../../core/smpp/gsm7.js";

describe("USSD text limits (182 GSM-7 septets, 80 UCS2 characters)", () => {
  it.each([
    ["182 plain septets fit", "x".repeat(182), "gsm7", 182, undefined],
    ["183 plain septets do not", "x".repeat(183), "gsm7", 183, "too-long"],
    ["an extension character counts 2: 91 of them fit", "€".repeat(91), "gsm7", 182, undefined],
    ["92 extension characters do not", "{".repeat(92), "gsm7", 184, "too-long"],
    ["181 plain + 1 extension do not", `${"x".repeat(181)}]`, "gsm7", 183, "too-long"],
    ["80 Cyrillic characters fit", "ж".repeat(80), "ucs2", 80, undefined],
    ["81 Cyrillic characters do not", "ж".repeat(81), "ucs2", 81, "too-long"],
    ["one non-GSM character makes it all UCS2", `${"x".repeat(79)}ж`, "ucs2", 80, undefined],
    ["the empty string is refused", "", "gsm7", 0, "empty"],
  ])("%s", (_name, text, encoding, length, problem) => {
    expect(ussdTextSize(text)).toMatchObject({ encoding, length });
    expect(ussdTextProblem(text)).toBe(problem);
    expect(fitsUssd(text)).toBe(problem === undefined);
  });

  it("maps the encoding to the CBS data coding scheme (TS 23.038 §5)", () => {
    expect(dcsOf("gsm7")).toBe(USSD_DCS_GSM7);
    expect(USSD_DCS_GSM7).toBe(0x0f);
    expect(dcsOf("ucs2")).toBe(USSD_DCS_UCS2);
  });
});

describe("transliteration", () => {
  it.each([
    ["Баланс: 12.34 руб.", "Balans: 12.34 rub."],
    ["Щука и ёж", "Schuka i yozh"],
    ["ЖЁЛТЫЙ ЧАЙ", "ZHYOLTYY CHAY"],
    ["Подъезд, мышь, юла, яма, цех, хор", "Podezd, mysh, yula, yama, tsekh, khor"],
    ["«Приветик» — №1…", '"Privetik" - N1...'],
    ["Беларусь: Ўзвышша і Мінск", "Belarus: Uzvyshsha i Minsk"],
    ["SMS и MMS", "SMS i MMS"],
  ])("%s → %s", (ru, latin) => {
    expect(transliterate(ru)).toBe(latin);
    expect(isGsm7(transliterate(ru))).toBe(true);
  });

  it("turns every Russian letter into GSM-7", () => {
    const alphabet = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя";
    expect(isGsm7(transliterate(alphabet + alphabet.toUpperCase()))).toBe(true);
  });
});

describe("its_session_info and user_message_reference", () => {
  it.each([
    [{ sessionNumber: 0x12, sequence: 0, endOfSession: false }, "1200"],
    [{ sessionNumber: 0x12, sequence: 0, endOfSession: true }, "1201"],
    [{ sessionNumber: 255, sequence: 127, endOfSession: true }, "ffff"],
    [{ sessionNumber: 7, sequence: 3, endOfSession: false }, "0706"],
  ])("%o ↔ %s", (info, hex) => {
    expect(encodeItsSessionInfo(info).toString("hex")).toBe(hex);
    expect(decodeItsSessionInfo(Buffer.from(hex, "hex"))).toEqual(info);
  });

  it("refuses a TLV value that is not two octets", () => {
    expect(decodeItsSessionInfo(Buffer.from("12", "hex"))).toBeUndefined();
    expect(decodeItsSessionInfo(Buffer.from("120000", "hex"))).toBeUndefined();
  });

  it("allocates session numbers 0-255 and references 0-65535, cyclically", () => {
    const n = new SessionNumbers();
    const sessions = Array.from({ length: 258 }, () => n.nextSessionNumber());
    expect(sessions.slice(0, 2)).toEqual([0, 1]);
    expect(sessions.slice(255)).toEqual([255, 0, 1]);
    const refs = Array.from({ length: 65_537 }, () => n.nextUserMessageReference());
    expect(refs.at(-2)).toBe(65_535);
    expect(refs.at(-1)).toBe(0);
  });
});
