import { describe, expect, it } from "vitest";
import { CardSession, powerOn, processApdu } from "../../sim/apdu.js";
import { encodePinBlock } from "../../sim/apdu-pin.js";
import type { SimCard } from "../../sim/card.js";
import { toHex } from "../../sim/hex.js";
import { formatStatusWord } from "../../sim/status-words.js";
import { hex, makeTestCard } from "./fixtures.js";

const block = (code: string): string => toHex(encodePinBlock(code));
const verify1 = (code: string): string => `00 20 00 01 08 ${block(code)}`;
const verify2 = (code: string): string => `00 20 00 81 08 ${block(code)}`;
const change1 = (old: string, next: string): string => `00 24 00 01 10 ${block(old)} ${block(next)}`;
const disable1 = (code: string): string => `00 26 00 01 08 ${block(code)}`;
const enable1 = (code: string): string => `00 28 00 01 08 ${block(code)}`;
const unblock1 = (puk: string, next: string): string => `00 2C 00 01 10 ${block(puk)} ${block(next)}`;
const selectFile = (fid: string): string => `00 A4 00 0C 02 ${fid}`;

const ICCID_BYTES = "987305010000000010F7";
const IMSI_BYTES = "082975100000000010";
const MSISDN_RECORD = `${"ff".repeat(10)}0791732519325476ffffffffffff`;

type CardSetup = (card: SimCard) => SimCard;
const asIs: CardSetup = (card) => card;
const pin1Disabled: CardSetup = (card) => ({ ...card, pin1: { ...card.pin1, enabled: false } });
const pin1Blocked: CardSetup = (card) => ({ ...card, pin1: { ...card.pin1, triesLeft: 0 } });
const puk1Exhausted: CardSetup = (card) => ({ ...pin1Blocked(card), puk1: { ...card.puk1, triesLeft: 0 } });

/** Sends every APDU to a fresh session; returns "DATA SW" (or "SW") per APDU. */
function exchange(setup: CardSetup, apdus: readonly string[]): string[] {
  const session = new CardSession(setup(makeTestCard()));
  return apdus.map((apdu) => {
    const response = session.transmit(hex(apdu));
    const sw = formatStatusWord(response.sw);
    return response.data.length > 0 ? `${toHex(response.data)} ${sw}` : sw;
  });
}

interface Row {
  name: string;
  setup?: CardSetup;
  apdus: string[];
  /** The answers to the APDUs, the last ones (earlier ones are not checked when shorter). */
  expect: string[];
}

const pinRows: Row[] = [
  { name: "VERIFY PIN1 right", apdus: [verify1("0000")], expect: ["9000"] },
  { name: "VERIFY PIN2 right", apdus: [verify2("9999")], expect: ["9000"] },
  {
    name: "three wrong VERIFY: 63C2, 63C1, 63C0; later 6983 even with the right PIN",
    apdus: [verify1("1111"), verify1("1111"), verify1("1111"), verify1("0000"), verify1("1111")],
    expect: ["63C2", "63C1", "63C0", "6983", "6983"],
  },
  { name: "VERIFY without data (case 1) asks for the tries", apdus: ["00200001"], expect: ["63C3"] },
  {
    name: "VERIFY with P3 = 00 asks for the tries",
    apdus: [verify1("1"), "0020000100"],
    expect: ["63C2", "63C2"],
  },
  { name: "VERIFY query on PIN2", apdus: ["00200081"], expect: ["63C3"] },
  { name: "VERIFY query on a blocked PIN: 63C0", setup: pin1Blocked, apdus: ["00200001"], expect: ["63C0"] },
  { name: "VERIFY on a blocked PIN", setup: pin1Blocked, apdus: [verify1("0000")], expect: ["6983"] },
  {
    name: "VERIFY on a disabled PIN1: 6984",
    setup: pin1Disabled,
    apdus: [verify1("0000")],
    expect: ["6984"],
  },
  {
    name: "VERIFY a non-padded junk block counts as wrong",
    apdus: ["002000010831323334FF35FFFF"],
    expect: ["63C2"],
  },
  { name: "VERIFY a 3-digit PIN counts as wrong", apdus: [verify1("000")], expect: ["63C2"] },
  { name: "VERIFY with Lc = 4", apdus: ["002000010430303030"], expect: ["6700"] },
  { name: "VERIFY announcing 8 bytes but carrying none", apdus: ["0020000108"], expect: ["6700"] },
  { name: "VERIFY with Lc = 8 and 7 bytes", apdus: ["00200001083030303030FFFF"], expect: ["6700"] },
  { name: "VERIFY with P1 = 01", apdus: [`00 20 01 01 08 ${block("0000")}`], expect: ["6A86"] },
  { name: "VERIFY with key reference 02", apdus: [`00 20 00 02 08 ${block("0000")}`], expect: ["6A88"] },
  {
    name: "VERIFY with key reference 0A (ADM1)",
    apdus: [`00 20 00 0A 08 ${block("0000")}`],
    expect: ["6A88"],
  },
  { name: "VERIFY with a trailing Le is accepted", apdus: [`${verify1("0000")} 00`], expect: ["9000"] },
  {
    name: "CHANGE PIN1 right, the new PIN verifies, the old one does not",
    apdus: [change1("0000", "87654321"), verify1("87654321"), verify1("0000")],
    expect: ["9000", "9000", "63C2"],
  },
  { name: "CHANGE with a wrong old PIN", apdus: [change1("1234", "5678")], expect: ["63C2"] },
  {
    name: "CHANGE to a 3-digit PIN: 6A80, no try spent",
    apdus: [change1("1234", "567"), "00200001"],
    expect: ["6A80", "63C3"],
  },
  { name: "CHANGE with one block only", apdus: [`00 24 00 01 08 ${block("0000")}`], expect: ["6700"] },
  {
    name: "CHANGE on a disabled PIN1",
    setup: pin1Disabled,
    apdus: [change1("0000", "1234")],
    expect: ["6984"],
  },
  { name: "CHANGE on a blocked PIN", setup: pin1Blocked, apdus: [change1("0000", "1234")], expect: ["6983"] },
  { name: "DISABLE PIN1 right", apdus: [disable1("0000")], expect: ["9000"] },
  { name: "DISABLE PIN1 wrong", apdus: [disable1("1234")], expect: ["63C2"] },
  { name: "DISABLE on a disabled PIN1", setup: pin1Disabled, apdus: [disable1("0000")], expect: ["6984"] },
  {
    name: "DISABLE PIN2: 6985, no try spent",
    apdus: [`00 26 00 81 08 ${block("1234")}`, "00200081"],
    expect: ["6985", "63C3"],
  },
  { name: "DISABLE without data", apdus: ["00260001"], expect: ["6700"] },
  { name: "ENABLE on an enabled PIN1", apdus: [enable1("0000")], expect: ["6984"] },
  { name: "ENABLE PIN2 (always enabled)", apdus: [`00 28 00 81 08 ${block("9999")}`], expect: ["6984"] },
  { name: "ENABLE a disabled PIN1", setup: pin1Disabled, apdus: [enable1("0000")], expect: ["9000"] },
  { name: "ENABLE with a wrong PIN", setup: pin1Disabled, apdus: [enable1("9")], expect: ["63C2"] },
  { name: "UNBLOCK query: PUK tries", apdus: ["002C0001"], expect: ["63CA"] },
  { name: "UNBLOCK query on PUK2", apdus: ["002C008100"], expect: ["63CA"] },
  {
    name: "UNBLOCK a blocked PIN1 with PUK1, then the new PIN verifies",
    setup: pin1Blocked,
    apdus: [unblock1("11111111", "4321"), verify1("4321"), "00200001"],
    expect: ["9000", "9000", "63C3"],
  },
  {
    name: "UNBLOCK with a wrong PUK",
    setup: pin1Blocked,
    apdus: [unblock1("11111112", "4321")],
    expect: ["63C9"],
  },
  {
    name: "UNBLOCK with an exhausted PUK",
    setup: puk1Exhausted,
    apdus: [unblock1("11111111", "4321"), "002C0001"],
    expect: ["6983", "63C0"],
  },
  { name: "UNBLOCK to a malformed new PIN", apdus: [unblock1("11111111", "12")], expect: ["6A80"] },
  { name: "UNBLOCK with the PUK only", apdus: [`00 2C 00 01 08 ${block("11111111")}`], expect: ["6700"] },
  {
    name: "UNBLOCK PIN2 with PUK2",
    apdus: [`00 2C 00 81 10 ${block("22222222")} ${block("2468")}`, verify2("2468")],
    expect: ["9000", "9000"],
  },
];

const headerRows: Row[] = [
  { name: "empty APDU", apdus: [""], expect: ["6700"] },
  { name: "1-byte APDU", apdus: ["00"], expect: ["6700"] },
  { name: "3-byte APDU", apdus: ["00A400"], expect: ["6700"] },
  { name: "CLA A0 (GSM class)", apdus: [`A0 20 00 01 08 ${block("0000")}`], expect: ["6E00"] },
  { name: "CLA 80 (proprietary)", apdus: ["80F20000"], expect: ["6E00"] },
  { name: "CLA 01 (logical channel 1)", apdus: ["01200001"], expect: ["6881"] },
  { name: "CLA 0C (secure messaging)", apdus: ["0C200001"], expect: ["6882"] },
  { name: "unknown INS", apdus: ["00FF0000"], expect: ["6D00"] },
  { name: "unknown INS beats a bad length", apdus: ["00FF000005"], expect: ["6D00"] },
  {
    name: "extended length (Lc = 00 then more)",
    apdus: ["0020000100000830303030FFFFFFFF"],
    expect: ["6700"],
  },
  { name: "data longer than Lc + Le", apdus: ["00A4000C023F000000"], expect: ["6700"] },
];

const fileRows: Row[] = [
  { name: "SELECT EF_ICCID, no data asked", apdus: [selectFile("2FE2")], expect: ["9000"] },
  { name: "SELECT the MF", apdus: [selectFile("3F00")], expect: ["9000"] },
  { name: "SELECT ADF.USIM by 7FFF", apdus: [selectFile("7FFF")], expect: ["9000"] },
  {
    name: "SELECT EF_ICCID with FCP",
    apdus: ["00A40004022FE2"],
    expect: ["620c8202412183022fe28002000a 9000"],
  },
  {
    name: "SELECT EF_MSISDN with FCP (linear fixed, 1 record of 24)",
    apdus: ["00A40004026F40"],
    expect: ["620f8205422100180183026f4080020018 9000"],
  },
  { name: "SELECT the MF with FCP", apdus: ["00A40004023F0000"], expect: ["62088202782183023f00 9000"] },
  { name: "SELECT an unknown FID", apdus: [selectFile("6F99")], expect: ["6A82"] },
  { name: "SELECT by AID (P1 = 04)", apdus: ["00A4040C07A0000000871002"], expect: ["6A86"] },
  { name: "SELECT with P2 = 00", apdus: ["00A40000022FE2"], expect: ["6A86"] },
  { name: "SELECT with a 3-byte FID", apdus: ["00A4000C032FE200"], expect: ["6700"] },
  { name: "SELECT without data", apdus: ["00A4000C"], expect: ["6700"] },
  {
    name: "READ BINARY EF_ICCID, Le = 0A",
    apdus: [selectFile("2FE2"), "00B000000A"],
    expect: [`${ICCID_BYTES.toLowerCase()} 9000`],
  },
  {
    name: "READ BINARY EF_ICCID, Le = 00 reads it all",
    apdus: [selectFile("2FE2"), "00B0000000"],
    expect: [`${ICCID_BYTES} 9000`],
  },
  {
    name: "READ BINARY EF_ICCID, no Le reads it all",
    apdus: [selectFile("2FE2"), "00B00000"],
    expect: [`${ICCID_BYTES} 9000`],
  },
  { name: "READ BINARY at offset 5", apdus: [selectFile("2FE2"), "00B0000505"], expect: ["00000010F7 9000"] },
  {
    name: "READ BINARY, Le beyond the end: 6C with the exact length",
    apdus: [selectFile("2FE2"), "00B000000B"],
    expect: ["6C0A"],
  },
  { name: "READ BINARY, offset 8, Le 5: 6C02", apdus: [selectFile("2FE2"), "00B0000805"], expect: ["6C02"] },
  { name: "READ BINARY past the end", apdus: [selectFile("2FE2"), "00B0000A01"], expect: ["6B00"] },
  { name: "READ BINARY by SFI", apdus: [selectFile("2FE2"), "00B0820000"], expect: ["6A86"] },
  { name: "READ BINARY carrying data", apdus: [selectFile("2FE2"), "00B00000010000"], expect: ["6700"] },
  { name: "READ BINARY after power-on (MF current)", apdus: ["00B000000A"], expect: ["6986"] },
  { name: "READ BINARY with a DF selected", apdus: [selectFile("7FFF"), "00B0000009"], expect: ["6986"] },
  {
    name: "a failed SELECT keeps the current EF",
    apdus: [selectFile("2FE2"), selectFile("1234"), "00B0000002"],
    expect: ["9000", "6A82", "9873 9000"],
  },
  { name: "READ BINARY EF_IMSI without PIN1", apdus: [selectFile("6F07"), "00B0000009"], expect: ["6982"] },
  {
    name: "READ BINARY EF_IMSI after VERIFY",
    apdus: [verify1("0000"), selectFile("6F07"), "00B0000009"],
    expect: [`${IMSI_BYTES} 9000`],
  },
  {
    name: "READ BINARY EF_IMSI with PIN1 disabled",
    setup: pin1Disabled,
    apdus: [selectFile("6F07"), "00B0000000"],
    expect: [`${IMSI_BYTES} 9000`],
  },
  {
    name: "READ BINARY EF_IMSI with PIN1 blocked while disabled",
    setup: (card) => pin1Blocked(pin1Disabled(card)),
    apdus: [selectFile("6F07"), "00B0000000"],
    expect: ["6982"],
  },
  {
    name: "READ BINARY EF_IMSI after DISABLE",
    apdus: [disable1("0000"), selectFile("6F07"), "00B0000009"],
    expect: [`${IMSI_BYTES} 9000`],
  },
  {
    name: "READ BINARY EF_IMSI after UNBLOCK (verified)",
    setup: pin1Blocked,
    apdus: [unblock1("11111111", "4321"), selectFile("6F07"), "00B0000009"],
    expect: [`${IMSI_BYTES} 9000`],
  },
  {
    name: "READ BINARY EF_AD, no PIN needed",
    apdus: [selectFile("6FAD"), "00B0000004"],
    expect: ["00000002 9000"],
  },
  {
    name: "READ BINARY on the record EF_MSISDN: 6981",
    apdus: [verify1("0000"), selectFile("6F40"), "00B0000000"],
    expect: ["6981"],
  },
  {
    name: "READ RECORD 1 of EF_MSISDN",
    apdus: [verify1("0000"), selectFile("6F40"), "00B2010418"],
    expect: [`${MSISDN_RECORD} 9000`],
  },
  {
    name: "READ RECORD with Le = 00",
    apdus: [verify1("0000"), selectFile("6F40"), "00B2010400"],
    expect: [`${MSISDN_RECORD} 9000`],
  },
  { name: "READ RECORD without PIN1", apdus: [selectFile("6F40"), "00B2010418"], expect: ["6982"] },
  { name: "READ RECORD 2", apdus: [verify1("0000"), selectFile("6F40"), "00B2020418"], expect: ["6A83"] },
  { name: "READ RECORD 0", apdus: [verify1("0000"), selectFile("6F40"), "00B2000418"], expect: ["6A83"] },
  {
    name: "READ RECORD with a wrong Le",
    apdus: [verify1("0000"), selectFile("6F40"), "00B201040A"],
    expect: ["6C18"],
  },
  {
    name: "READ RECORD next-record mode",
    apdus: [verify1("0000"), selectFile("6F40"), "00B2010218"],
    expect: ["6A86"],
  },
  { name: "READ RECORD on a transparent EF", apdus: [selectFile("2FE2"), "00B2010400"], expect: ["6981"] },
  { name: "READ RECORD with nothing selected", apdus: ["00B2010400"], expect: ["6986"] },
];

function check({ setup = asIs, apdus, expect: expected }: Row): void {
  const answers = exchange(setup, apdus);
  expect(answers.slice(answers.length - expected.length).map((a) => a.toUpperCase())).toEqual(
    expected.map((e) => e.toUpperCase()),
  );
}

describe("PIN commands (TS 102 221 §11.1.9-11.1.13)", () => {
  it.each(pinRows)("$name", check);
});

describe("header checks", () => {
  it.each(headerRows)("$name", check);
});

describe("SELECT, READ BINARY, READ RECORD", () => {
  it.each(fileRows)("$name", check);
});

describe("card session", () => {
  it("power-off drops verification and selection but keeps the counters", () => {
    const session = new CardSession(makeTestCard());
    session.transmit(hex(verify1("1111")));
    session.transmit(hex(verify1("0000")));
    session.transmit(hex(verify1("1111")));
    session.transmit(hex(selectFile("6F07")));
    expect(session.pinState("pin1")).toBe("enabled-verified");
    const stored = session.powerOff();
    expect(stored.pin1).toEqual({ value: "0000", enabled: true, triesLeft: 2, verified: false });
    expect(session.selectedFile).toBe(0x3f00);
    expect(formatStatusWord(session.transmit(hex("00B0000009")).sw)).toBe("6986");
    session.transmit(hex(selectFile("6F07")));
    expect(formatStatusWord(session.transmit(hex("00B0000009")).sw)).toBe("6982");
  });

  it("a new session starts unverified even if the stored card says verified", () => {
    const card = makeTestCard();
    const session = new CardSession({ ...card, pin1: { ...card.pin1, verified: true } });
    expect(session.pinState("pin1")).toBe("enabled-not-verified");
  });

  it("reports the derived PIN states", () => {
    const session = new CardSession(makeTestCard());
    for (let i = 0; i < 3; i++) session.transmit(hex(verify1("1")));
    expect(session.pinState("pin1")).toBe("blocked");
    for (let i = 0; i < 10; i++) session.transmit(hex(unblock1("00000000", "1234")));
    expect(session.pinState("pin1")).toBe("permanently-blocked");
    expect(session.pinState("pin2")).toBe("enabled-not-verified");
  });

  it("processApdu is pure: the input state is left as it was", () => {
    const state = powerOn(makeTestCard());
    const snapshot = structuredClone(state);
    const { state: next } = processApdu(state, hex(verify1("1111")));
    expect(state).toEqual(snapshot);
    expect(next.card.pin1.triesLeft).toBe(2);
  });
});
