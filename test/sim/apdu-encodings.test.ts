import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CommandApdu, parseCommandApdu } from "../../sim/apdu-command.js";
import { decodePinBlock, encodePinBlock } from "../../sim/apdu-pin.js";
import {
  decodeIccid,
  decodeImsi,
  decodeMsisdnRecord,
  encodeIccid,
  encodeImsi,
  encodeMsisdnRecord,
  TON_NPI_INTERNATIONAL,
} from "../../sim/elementary-files.js";
import { toHex } from "../../sim/hex.js";
import {
  formatStatusWord,
  isEmulatorStatusWord,
  SW,
  verificationFailed,
  wrongLe,
} from "../../sim/status-words.js";
import { hex } from "./fixtures.js";

describe("EF_IMSI (TS 31.102 §4.2.2)", () => {
  it.each([
    ["228062800000208", "082982608200002080"],
    ["257010000000001", "082975100000000010"],
    // 14 digits: even parity nibble 1, the last high nibble is the F filler.
    ["25701000000001", "0821751000000000f1"],
    ["001010123456", "07011010103254f6ff"],
  ])("%s <-> %s", (imsi, encoded) => {
    expect(toHex(encodeImsi(imsi))).toBe(encoded);
    expect(decodeImsi(hex(encoded))).toBe(imsi);
  });

  it("round-trips any 6-15 digit IMSI", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{6,15}$/), (imsi) => {
        expect(decodeImsi(encodeImsi(imsi))).toBe(imsi);
      }),
    );
  });

  it.each([
    ["empty", ""],
    ["length byte 0", "00ffffffffffffffff"],
    ["length beyond the file", "0a298260820000208000"],
    ["bad parity nibble", "082282608200002080"],
    ["parity says odd, digits are even", "0829826082000020f0"],
  ])("rejects %s", (_name, encoded) => {
    expect(decodeImsi(hex(encoded))).toBeUndefined();
  });
});

describe("EF_ICCID", () => {
  it.each([
    ["8937501000000000017", "987305010000000010f7"],
    ["89882110000004300101", "98881201000040031010"],
  ])("%s <-> %s", (iccid, encoded) => {
    expect(toHex(encodeIccid(iccid))).toBe(encoded);
    expect(decodeIccid(hex(encoded))).toBe(iccid);
  });
});

describe("EF_MSISDN record", () => {
  it("encodes 375291234567 as an international number after a 10-byte blank alpha identifier", () => {
    const record = encodeMsisdnRecord("375291234567");
    expect(toHex(record)).toBe(`${"ff".repeat(10)}0791732519325476${"ff".repeat(6)}`);
    expect(decodeMsisdnRecord(record)).toEqual({ tonNpi: TON_NPI_INTERNATIONAL, digits: "375291234567" });
  });

  it("encodes an odd digit count with an F filler", () => {
    const record = encodeMsisdnRecord("37529123456");
    expect(toHex(record.subarray(10, 18))).toBe("07917325193254f6");
    expect(decodeMsisdnRecord(record)?.digits).toBe("37529123456");
  });

  it("an empty record decodes to nothing", () => {
    expect(decodeMsisdnRecord(new Uint8Array(24).fill(0xff))).toBeUndefined();
  });
});

describe("PIN blocks", () => {
  it.each([
    ["0000", "30303030ffffffff"],
    ["12345678", "3132333435363738"],
  ])("%s <-> %s", (code, block) => {
    expect(toHex(encodePinBlock(code))).toBe(block);
    expect(decodePinBlock(hex(block))).toBe(code);
  });

  it.each([
    ["a digit after the padding", "30303030ff31ffff"],
    ["a non-digit byte", "3030303041ffffff"],
    ["a zero byte", "3030303000ffffff"],
  ])("a block with %s never decodes to digits", (_name, block) => {
    expect(decodePinBlock(hex(block))).toMatch(/^!/);
  });

  it("a short PIN decodes to its digits (too short to match any stored PIN)", () => {
    expect(decodePinBlock(hex("313233ffffffffff"))).toBe("123");
  });
});

describe("command APDU parsing (ISO/IEC 7816-3 cases)", () => {
  const command = (text: string): CommandApdu => {
    const parsed = parseCommandApdu(hex(text));
    if (parsed.kind !== "ok") throw new Error(`expected ok, got ${parsed.kind}`);
    return parsed.command;
  };

  it("case 1: header only", () => {
    expect(command("00B00000").body).toEqual({ kind: "none" });
  });
  it("5 bytes: P3 kept for the command to interpret", () => {
    expect(command("00B000000A").body).toEqual({ kind: "p3", value: 10 });
  });
  it("case 3: Lc and data", () => {
    expect(command("00A4000C022FE2").body).toEqual({ kind: "data", data: hex("2FE2"), le: undefined });
  });
  it("case 4: Lc, data and Le", () => {
    expect(command("00A40004022FE200").body).toEqual({ kind: "data", data: hex("2FE2"), le: 0 });
  });
  it.each([
    ["00", "truncated"],
    ["00A4000C03 2FE2", "bad-length"],
    ["00A4000C02 2FE2 0000", "bad-length"],
    ["00A4000C00 2FE2", "bad-length"],
  ])("%s is %s", (text, kind) => {
    expect(parseCommandApdu(hex(text)).kind).toBe(kind);
  });
});

describe("status words", () => {
  it("63CX and 6CXX carry their count", () => {
    expect(formatStatusWord(verificationFailed(2))).toBe("63C2");
    expect(formatStatusWord(verificationFailed(10))).toBe("63CA");
    expect(formatStatusWord(wrongLe(0x18))).toBe("6C18");
  });

  it("knows its own status words and nothing else", () => {
    for (const sw of Object.values(SW)) expect(isEmulatorStatusWord(sw)).toBe(true);
    expect(isEmulatorStatusWord(0x63c5)).toBe(true);
    expect(isEmulatorStatusWord(0x6c0a)).toBe(true);
    expect(isEmulatorStatusWord(0x6f00)).toBe(false);
    expect(isEmulatorStatusWord(0x9804)).toBe(false);
  });
});
