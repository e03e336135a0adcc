import { describe, expect, it } from "vitest";
import { parseMmi } from "../../handsets/mmi.js";
import type { MmiContext, MmiErrorReason, MmiString } from "../../handsets/mmi-types.js";

const cf = (fields: object): MmiString => ({
  kind: "supplementary-service",
  request: { service: "call-forwarding", ...fields } as never,
});
const ss = (fields: object): MmiString => ({ kind: "supplementary-service", request: fields as never });
const ussd = (text: string): MmiString => ({ kind: "ussd", text });
const call = (number: string, extra: object = {}): MmiString => ({
  kind: "call",
  number,
  emergency: false,
  ...extra,
});
const telephony = { code: "11", group: "telephony" } as const;

/** Valid strings and what they mean (TS 22.030 §6.5.2, §6.5.3.2, §6.5.4, §6.6, §6.7, Annexes B/C). */
const valid: readonly (readonly [string, MmiString, MmiContext?])[] = [
  // §6.7 IMEI display
  ["*#06#", { kind: "imei" }],
  // §6.6 SIM control
  ["**04*0000*1234*1234#", { kind: "pin-change", pin: "pin1", oldPin: "0000", newPin: "1234" }],
  ["**042*9999*12345678*12345678#", { kind: "pin-change", pin: "pin2", oldPin: "9999", newPin: "12345678" }],
  ["**05*11111111*4321*4321#", { kind: "pin-unblock", pin: "pin1", puk: "11111111", newPin: "4321" }],
  ["**052*22222222*5555*5555#", { kind: "pin-unblock", pin: "pin2", puk: "22222222", newPin: "5555" }],
  // Annex B call forwarding, every procedure
  [
    "**21*+375291234567#",
    cf({
      serviceCode: "21",
      procedure: "register",
      condition: "unconditional",
      forwardedTo: "+375291234567",
    }),
  ],
  [
    "*21*+375291234567#",
    cf({
      serviceCode: "21",
      procedure: "register",
      condition: "unconditional",
      forwardedTo: "+375291234567",
    }),
  ],
  ["*21#", cf({ serviceCode: "21", procedure: "activate", condition: "unconditional" })],
  ["#21#", cf({ serviceCode: "21", procedure: "deactivate", condition: "unconditional" })],
  ["*#21#", cf({ serviceCode: "21", procedure: "interrogate", condition: "unconditional" })],
  ["##21#", cf({ serviceCode: "21", procedure: "erase", condition: "unconditional" })],
  ["**21#", cf({ serviceCode: "21", procedure: "register", condition: "unconditional" })],
  [
    "*21**11#",
    cf({ serviceCode: "21", procedure: "activate", condition: "unconditional", basicService: telephony }),
  ],
  [
    "**67*80291234567*11#",
    cf({
      serviceCode: "67",
      procedure: "register",
      condition: "busy",
      forwardedTo: "80291234567",
      basicService: telephony,
    }),
  ],
  [
    "**61*+375291234567*11*20#",
    cf({
      serviceCode: "61",
      procedure: "register",
      condition: "no-reply",
      forwardedTo: "+375291234567",
      basicService: telephony,
      noReplyTimer: 20,
    }),
  ],
  [
    "**61*+375291234567**30#",
    cf({
      serviceCode: "61",
      procedure: "register",
      condition: "no-reply",
      forwardedTo: "+375291234567",
      noReplyTimer: 30,
    }),
  ],
  [
    "**62*+375291234567#",
    cf({
      serviceCode: "62",
      procedure: "register",
      condition: "not-reachable",
      forwardedTo: "+375291234567",
    }),
  ],
  ["##002#", cf({ serviceCode: "002", procedure: "erase", condition: "all" })],
  [
    "**002*+375291234567**5#",
    cf({
      serviceCode: "002",
      procedure: "register",
      condition: "all",
      forwardedTo: "+375291234567",
      noReplyTimer: 5,
    }),
  ],
  ["*#004#", cf({ serviceCode: "004", procedure: "interrogate", condition: "all-conditional" })],
  [
    "**004*+375291234567*10*25#",
    cf({
      serviceCode: "004",
      procedure: "register",
      condition: "all-conditional",
      forwardedTo: "+375291234567",
      basicService: { code: "10", group: "all-teleservices" },
      noReplyTimer: 25,
    }),
  ],
  // call waiting: BS in SIA
  ["*43#", ss({ service: "call-waiting", serviceCode: "43", procedure: "activate" })],
  [
    "#43*11#",
    ss({ service: "call-waiting", serviceCode: "43", procedure: "deactivate", basicService: telephony }),
  ],
  ["*#43#", ss({ service: "call-waiting", serviceCode: "43", procedure: "interrogate" })],
  // barring: SIA password, SIB basic service
  [
    "*33*0000#",
    ss({
      service: "call-barring",
      serviceCode: "33",
      procedure: "activate",
      program: "all-outgoing",
      password: "0000",
    }),
  ],
  [
    "#331*0000*16#",
    ss({
      service: "call-barring",
      serviceCode: "331",
      procedure: "deactivate",
      program: "outgoing-international",
      password: "0000",
      basicService: { code: "16", group: "short-message-services" },
    }),
  ],
  [
    "*332*1234#",
    ss({
      service: "call-barring",
      serviceCode: "332",
      procedure: "activate",
      program: "outgoing-international-except-home",
      password: "1234",
    }),
  ],
  [
    "*35*0000#",
    ss({
      service: "call-barring",
      serviceCode: "35",
      procedure: "activate",
      program: "all-incoming",
      password: "0000",
    }),
  ],
  [
    "*#351#",
    ss({
      service: "call-barring",
      serviceCode: "351",
      procedure: "interrogate",
      program: "incoming-when-roaming",
    }),
  ],
  [
    "#330*0000#",
    ss({
      service: "call-barring",
      serviceCode: "330",
      procedure: "deactivate",
      program: "all-barring-services",
      password: "0000",
    }),
  ],
  [
    "#333*0000#",
    ss({
      service: "call-barring",
      serviceCode: "333",
      procedure: "deactivate",
      program: "all-outgoing-services",
      password: "0000",
    }),
  ],
  [
    "#353*0000#",
    ss({
      service: "call-barring",
      serviceCode: "353",
      procedure: "deactivate",
      program: "all-incoming-services",
      password: "0000",
    }),
  ],
  [
    "*33**19#",
    ss({
      service: "call-barring",
      serviceCode: "33",
      procedure: "activate",
      program: "all-outgoing",
      basicService: { code: "19", group: "all-teleservices-except-sms" },
    }),
  ],
  [
    "*35*0000*55#",
    ss({
      service: "call-barring",
      serviceCode: "35",
      procedure: "activate",
      program: "all-incoming",
      password: "0000",
      basicService: { code: "55", group: "plmn-specific-teleservice" },
    }),
  ],
  // §6.5.4 barring password
  [
    "**03*330*0000*1234*1234#",
    ss({
      service: "barring-password",
      serviceCode: "03",
      procedure: "register",
      barringCode: "330",
      oldPassword: "0000",
      newPassword: "1234",
    }),
  ],
  [
    "**03**0000*1234*1234#",
    ss({
      service: "barring-password",
      serviceCode: "03",
      procedure: "register",
      oldPassword: "0000",
      newPassword: "1234",
    }),
  ],
  // CLIP / CLIR, CLIR temporary mode
  ["*#30#", ss({ service: "clip", serviceCode: "30", procedure: "interrogate" })],
  ["*#31#", ss({ service: "clir", serviceCode: "31", procedure: "interrogate" })],
  ["*31#+375291234567", call("+375291234567", { clir: "suppress" })],
  ["#31#80291234567", call("80291234567", { clir: "invoke" })],
  // §6.5.3.2 USSD: anything else ending in #, passed as entered
  ["*100#", ussd("*100#")],
  ["*100*4#", ussd("*100*4#")],
  ["*135*1#", ussd("*135*1#")],
  ["#100#", ussd("#100#")],
  ["*#100#", ussd("*#100#")],
  ["*1000#", ussd("*1000#")],
  ["*#220#00131537201846#", ussd("*#220#00131537201846#")],
  ["*21#123#", ussd("*21#123#")],
  ["1234#", ussd("1234#")],
  ["#", ussd("#")],
  ["*06#", ussd("*06#")],
  // §6.5.3.2 short strings: 1 or 2 characters are USSD…
  ["0", ussd("0")],
  ["5", ussd("5")],
  ["7", ussd("7")],
  ["99", ussd("99")],
  ["22", ussd("22")],
  ["*", ussd("*")],
  ["1*", ussd("1*")],
  // … except two digits starting with 1 out of a call, which set up a call
  ["10", call("10")],
  ["11", call("11")],
  ["19", call("19")],
  ["1", ussd("1")],
  // in a call the same two digits are USSD unless they are a §6.5.5 procedure
  ["19", { kind: "call-control", control: { action: "release-call", call: 9 } }, { inCall: true }],
  ["10", ussd("10"), { inCall: true }],
  ["7", ussd("7"), { inCall: true }],
  ["0", { kind: "call-control", control: { action: "release-held-or-udub" } }, { inCall: true }],
  ["1", { kind: "call-control", control: { action: "release-active-accept-other" } }, { inCall: true }],
  ["12", { kind: "call-control", control: { action: "release-call", call: 2 } }, { inCall: true }],
  ["2", { kind: "call-control", control: { action: "hold-active-accept-other" } }, { inCall: true }],
  ["23", { kind: "call-control", control: { action: "private-communication", call: 3 } }, { inCall: true }],
  ["3", { kind: "call-control", control: { action: "join-conference" } }, { inCall: true }],
  ["4", { kind: "call-control", control: { action: "explicit-call-transfer" } }, { inCall: true }],
  [
    "4*+375291234567",
    { kind: "call-control", control: { action: "deflect", number: "+375291234567" } },
    { inCall: true },
  ],
  ["5", { kind: "call-control", control: { action: "ccbs" } }, { inCall: true }],
  ["+375291234567", call("+375291234567"), { inCall: true }],
  // emergency numbers and plain numbers
  ["112", { kind: "call", number: "112", emergency: true }],
  ["911", { kind: "call", number: "911", emergency: true }],
  ["08", { kind: "call", number: "08", emergency: true }, { emergencyNumbers: ["112", "08"] }],
  ["+375291234567", call("+375291234567")],
  ["80291234567", call("80291234567")],
  ["102", call("102")],
  ["123*45", call("123*45")],
];

/** Strings the handset refuses locally, with the reason. */
const invalid: readonly (readonly [string, MmiErrorReason])[] = [
  ["", "empty"],
  ["**04*0000*1234*4321#", "pin-mismatch"],
  ["**042*9999*1234*12345#", "pin-mismatch"],
  ["**05*11111111*1234*1243#", "pin-mismatch"],
  ["**052*22222222*12*12#", "invalid-new-pin"],
  ["**04*0000*123456789*123456789#", "invalid-new-pin"],
  ["**04*0000*12a4*12a4#", "invalid-new-pin"],
  ["**04*0000*1234#", "missing-field"],
  ["**04**1234*1234#", "missing-field"],
  ["**04*0000*1234*1234*1234#", "too-many-fields"],
  ["*04*0000*1234*1234#", "procedure-not-applicable"],
  ["##05*11111111*1234*1234#", "procedure-not-applicable"],
  ["**04*0000*1234*1234#5", "unexpected-dialling-number"],
  ["**43#", "procedure-not-applicable"],
  ["##43#", "procedure-not-applicable"],
  ["*43*11*1#", "too-many-fields"],
  ["**33*0000#", "procedure-not-applicable"],
  ["*30#", "procedure-not-applicable"],
  ["*21*12345*77#", "unknown-basic-service"],
  ["*43*14#", "unknown-basic-service"],
  ["**21*12345**20#", "too-many-fields"],
  ["**61*12345**35#", "invalid-timer"],
  ["**61*12345**3#", "invalid-timer"],
  ["**61*12345**12#", "invalid-timer"],
  ["**21*12x45#", "invalid-character"],
  ["*21#123", "unexpected-dialling-number"],
  ["**03*330*0000*1234*4321#", "password-mismatch"],
  ["**03*21*0000*1234*1234#", "procedure-not-applicable"],
  ["**03*330*0000*1234#", "missing-field"],
  ["*31#12a", "invalid-character"],
  ["12a34", "invalid-character"],
  ["+3752+91", "invalid-character"],
  ["*100Ж#", "invalid-character"],
];

describe("MMI strings (TS 22.030)", () => {
  it.each(valid.map(([input, expected, context]) => ({ input, expected, context: context ?? {} })))(
    "$input $context",
    ({ input, expected, context }) => {
      expect(parseMmi(input, context)).toEqual(expected);
    },
  );

  it.each(invalid)("%j is a local error: %s", (input, reason) => {
    const parsed = parseMmi(input);
    expect(parsed.kind).toBe("error");
    if (parsed.kind === "error") expect(parsed.reason).toBe(reason);
  });

  it("never throws and always classifies", () => {
    const alphabet = "0123456789*#+a ";
    for (let n = 0; n < 5000; n++) {
      let text = "";
      const length = n % 12;
      for (let i = 0; i < length; i++) text += alphabet[(n * 7919 + i * 104729) % alphabet.length];
      const parsed = parseMmi(text, { inCall: n % 3 === 0 });
      expect([
        "imei",
        "pin-change",
        "pin-unblock",
        "supplementary-service",
        "ussd",
        "call",
        "call-control",
        "error",
      ]).toContain(parsed.kind);
    }
  });
});
