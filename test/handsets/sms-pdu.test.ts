import { describe, expect, it } from "vitest";
import {
  formatPduModeLine,
  parseHexPdu,
  splitPduModeSubmission,
  toHexPdu,
} from "../../handsets/sms/pdu-mode.js";
import { decodeSmsDeliver, encodeSmsDeliver } from "../../handsets/sms/sms-deliver.js";
import { decodeSmsStatusReport, encodeSmsStatusReport } from "../../handsets/sms/sms-status-report.js";
import { decodeSmsSubmit, encodeSmsSubmit } from "../../handsets/sms/sms-submit.js";
import type { SmsSubmit } from "../../handsets/sms/sms-types.js";
import {
  decodeAddress,
  encodeAddress,
  formatTimestamp,
  OctetReader,
  relativeValiditySeconds,
  timestampOf,
  TpduError,
} from "../../handsets/sms/tpdu-fields.js";

/**
 * The widely published SMS-SUBMIT example (dreamfabric.com "SMS and the PDU format"):
 *   00                  no service centre address (use the one set in the phone)
 *   11                  SMS-SUBMIT, TP-VPF relative
 *   00                  TP-MR (the phone sets it)
 *   0B 91 6407281553F8  TP-DA +46708251358
 *   00 00               TP-PID, TP-DCS GSM 7-bit
 *   AA                  TP-VP 170: 4 days
 *   0A E8329BFD4697D9EC37  10 septets "hellohello"
 */
const HELLOHELLO_SUBMIT = "0011000B916407281553F80000AA0AE8329BFD4697D9EC37";

/**
 * The matching SMS-DELIVER example (same source):
 *   07 91 7283010010F5  service centre +27381000015
 *   04                  SMS-DELIVER, TP-MMS (no more messages)
 *   0B C8 7238880900F1  TP-OA 27838890001 (type of address C8)
 *   00 00               TP-PID, TP-DCS
 *   99309251619580      TP-SCTS 99-03-29 15:16:59, zone +8 quarters
 *   0A E8329BFD4697D9EC37  "hellohello"
 */
const HELLOHELLO_DELIVER = "07917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC37";

/** A second published SMS-DELIVER (developershome.com): "How are you?" from +31641600986. */
const HOW_ARE_YOU_DELIVER = "07911326040000F0040B911346610089F60000208062917314080CC8F71D14969741F977FD07";

const hex = (octets: Uint8Array): string => toHexPdu(octets);
const tpduOf = (pdu: string): Uint8Array => parseHexPdu(pdu.slice(2 + 2 * parseInt(pdu.slice(0, 2), 16)));

function submit(fields: Partial<SmsSubmit>): SmsSubmit {
  return {
    rejectDuplicates: false,
    replyPath: false,
    statusReportRequest: false,
    messageReference: 0,
    destination: "+375291234567",
    destinationType: 0x91,
    protocolIdentifier: 0,
    dataCoding: 0,
    content: { kind: "text", text: "" },
    ...fields,
  };
}

describe("SMS-SUBMIT (TS 23.040 §9.2.2.2)", () => {
  it("parses the hellohello PDU, with and without its service-centre octet", () => {
    const expected: SmsSubmit = submit({
      destination: "+46708251358",
      validityPeriod: { format: "relative", value: 0xaa },
      content: { kind: "text", text: "hellohello" },
    });
    const withSca = splitPduModeSubmission(HELLOHELLO_SUBMIT, 23);
    expect(withSca.serviceCentre).toBeUndefined();
    expect(decodeSmsSubmit(withSca.tpdu)).toEqual(expected);
    const bare = splitPduModeSubmission(HELLOHELLO_SUBMIT.slice(2), 23);
    expect(decodeSmsSubmit(bare.tpdu)).toEqual(expected);
    expect(hex(encodeSmsSubmit(expected))).toBe(HELLOHELLO_SUBMIT.slice(2));
    expect(relativeValiditySeconds(0xaa)).toBe(4 * 86_400);
  });

  it("takes a service-centre address in front of the TPDU", () => {
    const split = splitPduModeSubmission(`07911326040000F0${HELLOHELLO_SUBMIT.slice(2)}`, 23);
    expect(split.serviceCentre).toBe("+31624000000");
    expect(decodeSmsSubmit(split.tpdu).destination).toBe("+46708251358");
  });

  it("reads the first-octet flags and the message reference", () => {
    // 0x35 = SUBMIT | TP-RD | TP-VPF relative | TP-SRR
    const parsed = decodeSmsSubmit(parseHexPdu(`357B0B916407281553F80000AA0AE8329BFD4697D9EC37`));
    expect(parsed).toMatchObject({
      rejectDuplicates: true,
      statusReportRequest: true,
      replyPath: false,
      messageReference: 0x7b,
    });
  });

  it("reads a user data header and skips its fill bit (concatenated part 1 of 2)", () => {
    // 0x41 = SUBMIT | TP-UDHI, no TP-VP; UDL 12 septets = 7 (header + fill) + 5 ("hello")
    const pdu = "41000B916407281553F800000C050003CC0201D06536FB0D";
    const parsed = decodeSmsSubmit(parseHexPdu(pdu));
    expect(parsed.content).toEqual({ kind: "text", text: "hello" });
    expect(parsed.userDataHeader?.map((ie) => [ie.iei, hex(ie.data)])).toEqual([[0, "CC0201"]]);
    expect(parsed.validityPeriod).toBeUndefined();
    expect(hex(encodeSmsSubmit(parsed))).toBe(pdu);
  });

  it("reads UCS2 and 8-bit user data", () => {
    const ucs2 = decodeSmsSubmit(parseHexPdu("01000B916407281553F800080C041F04400438043204350442"));
    expect(ucs2.content).toEqual({ kind: "text", text: "Привет" });
    const binary = decodeSmsSubmit(parseHexPdu("01000B916407281553F8000403DEADBE"));
    expect(binary.content).toEqual({ kind: "binary", bytes: Uint8Array.of(0xde, 0xad, 0xbe) });
  });

  it("reads the absolute and enhanced validity period formats (§9.2.3.12)", () => {
    // 0x19: TP-VPF absolute; 24-05-17 12:30:00, UTC+3 (12 quarters)
    const absolute = decodeSmsSubmit(parseHexPdu("19000B916407281553F80000425071210300210148"));
    expect(absolute.validityPeriod).toEqual({
      format: "absolute",
      timestamp: { year: 24, month: 5, day: 17, hour: 12, minute: 30, second: 0, timezone: 12 },
    });
    expect(absolute.content).toEqual({ kind: "text", text: "H" });
    // 0x09: TP-VPF enhanced; 02 = relative integer seconds, 60 s
    const seconds = decodeSmsSubmit(parseHexPdu("09000B916407281553F80000023C00000000000100"));
    expect(seconds.validityPeriod).toEqual({
      format: "enhanced",
      octets: parseHexPdu("023C0000000000"),
      seconds: 60,
    });
    // 03 = hh mm ss in semi-octets: 01:03:00
    const clock = decodeSmsSubmit(parseHexPdu("09000B916407281553F80000031030000000000100"));
    expect(clock.validityPeriod).toMatchObject({ seconds: 3780 });
  });

  it("maps relative validity values (§9.2.3.12.1)", () => {
    expect([0, 143, 144, 167, 168, 196, 197, 255].map(relativeValiditySeconds)).toEqual([
      300,
      12 * 3600,
      12 * 3600 + 1800,
      24 * 3600,
      2 * 86_400,
      30 * 86_400,
      5 * 7 * 86_400,
      63 * 7 * 86_400,
    ]);
  });

  it("codes numbers with * # and alphanumeric addresses (§9.1.2.5)", () => {
    for (const address of ["+375291234567", "100", "*100#", "12345", "Telsim", "A1 Info"]) {
      expect(decodeAddress(new OctetReader(encodeAddress(address)), "TP-DA").address).toBe(address);
    }
    expect(hex(encodeAddress("*100#"))).toBe("05811A00FB");
  });

  it.each([
    ["an SMS-DELIVER", "04000B916407281553F80000AA0AE8329BFD4697D9EC37", "BAD_MTI"],
    ["an SMS-COMMAND", "02000B916407281553F80000AA0AE8329BFD4697D9EC37", "BAD_MTI"],
    ["a TPDU cut in the address", "1100", "TRUNCATED"],
    ["a TPDU cut in the user data", "11000B916407281553F80000AA0AE8329BFD46", "TRUNCATED"],
    ["octets after TP-UD", "11000B916407281553F80000AA0AE8329BFD4697D9EC3700", "TRAILING_OCTETS"],
    ["TP-UDL over 160 septets", "01000B916407281553F80000A1", "BAD_USER_DATA"],
    ["a header longer than TP-UDL", "41000B916407281553F8000003050003", "BAD_USER_DATA"],
    ["odd UCS2", "01000B916407281553F8000803041F04", "BAD_USER_DATA"],
  ])("refuses %s", (_name, pdu, code) => {
    expect(() => decodeSmsSubmit(parseHexPdu(pdu))).toThrow(expect.objectContaining({ code }) as Error);
  });

  it("refuses PDU text that is not hex or not as long as announced", () => {
    expect(() => parseHexPdu("0G")).toThrow(TpduError);
    expect(() => parseHexPdu("001")).toThrow(expect.objectContaining({ code: "BAD_HEX" }) as Error);
    expect(() => splitPduModeSubmission(HELLOHELLO_SUBMIT, 22)).toThrow(
      expect.objectContaining({ code: "LENGTH_MISMATCH" }) as Error,
    );
  });

  it("refuses text that does not fit one message", () => {
    expect(() => encodeSmsSubmit(submit({ content: { kind: "text", text: "x".repeat(161) } }))).toThrow(
      TpduError,
    );
    expect(() => encodeSmsSubmit(submit({ content: { kind: "text", text: "x".repeat(160) } }))).not.toThrow();
  });
});

describe("SMS-DELIVER (TS 23.040 §9.2.2.1)", () => {
  it("builds the published hellohello PDU exactly", () => {
    const deliver = {
      originator: "27838890001",
      originatorType: 0xc8,
      serviceCentreTimestamp: { year: 99, month: 3, day: 29, hour: 15, minute: 16, second: 59, timezone: 8 },
      content: { kind: "text", text: "hellohello" },
    } as const;
    expect(formatPduModeLine("+27381000015", encodeSmsDeliver(deliver))).toBe(HELLOHELLO_DELIVER);
    expect(decodeSmsDeliver(tpduOf(HELLOHELLO_DELIVER))).toMatchObject(deliver);
  });

  it("reads the How are you? PDU", () => {
    const parsed = decodeSmsDeliver(tpduOf(HOW_ARE_YOU_DELIVER));
    expect(parsed).toMatchObject({
      originator: "+31641600986",
      content: { kind: "text", text: "How are you?" },
    });
    expect(formatTimestamp(parsed.serviceCentreTimestamp)).toBe("02/08/26,19:37:41+00");
    // its zone octet 08 is "minus zero quarters"; it comes back as 00
    expect(hex(encodeSmsDeliver(parsed))).toBe(
      "040B911346610089F60000208062917314000CC8F71D14969741F977FD07",
    );
  });

  it("chooses UCS2 for text GSM 7-bit cannot carry, and keeps a header", () => {
    const tpdu = encodeSmsDeliver({
      originator: "+375291234567",
      serviceCentreTimestamp: timestampOf(new Date(Date.UTC(2024, 4, 17, 9, 30, 0)), 12),
      content: { kind: "text", text: "Привет" },
      userDataHeader: [{ iei: 0, data: Buffer.from([1, 2, 1]) }],
      moreMessagesToSend: true,
    });
    expect(hex(tpdu)).toBe("400C9173251932547600084250712103002112050003010201041F04400438043204350442");
    const back = decodeSmsDeliver(tpdu);
    expect(back).toMatchObject({
      dataCoding: 8,
      moreMessagesToSend: true,
      content: { kind: "text", text: "Привет" },
    });
    expect(formatTimestamp(back.serviceCentreTimestamp)).toBe("24/05/17,12:30:00+12");
  });

  it("codes a negative time zone with the sign bit", () => {
    const tpdu = encodeSmsDeliver({
      originator: "100",
      serviceCentreTimestamp: { year: 24, month: 1, day: 2, hour: 3, minute: 4, second: 5, timezone: -20 },
      content: { kind: "text", text: "" },
    });
    expect(hex(tpdu).slice(-16, -2)).toBe("4210203040500A");
    expect(decodeSmsDeliver(tpdu).serviceCentreTimestamp.timezone).toBe(-20);
  });
});

describe("SMS-STATUS-REPORT (TS 23.040 §9.2.2.3)", () => {
  it("builds and reads a report", () => {
    const report = {
      messageReference: 42,
      recipient: "+375291234567",
      serviceCentreTimestamp: { year: 24, month: 5, day: 17, hour: 12, minute: 30, second: 0, timezone: 12 },
      dischargeTime: { year: 24, month: 5, day: 17, hour: 12, minute: 30, second: 5, timezone: 12 },
      status: 0,
    };
    const tpdu = encodeSmsStatusReport(report);
    expect(hex(tpdu)).toBe("062A0C91732519325476425071210300214250712103502100");
    expect(decodeSmsStatusReport(tpdu)).toEqual({ ...report, moreMessagesToSend: false });
  });
});
