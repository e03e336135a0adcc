import { describe, expect, it } from "vitest";
import type { SimCard } from "../../sim/card.js";
import { makeTestCard } from "../sim/fixtures.js";
import { play, TEST_IMEI, TestHandset, type Transcript } from "./harness.js";

/** The default test card: PIN 0000, PUK 11111111, PIN2 9999, PUK2 22222222. */
const pinDisabled = (): SimCard => {
  const card = makeTestCard();
  return { ...card, pin1: { ...card.pin1, enabled: false } };
};

interface Row {
  readonly name: string;
  readonly card?: () => SimCard;
  readonly transcript: Transcript;
}

const rows: Row[] = [
  {
    name: "PIN entry: SIM PIN, then READY",
    transcript: [
      ["AT", ["OK"]],
      ["AT+CPIN?", ["+CPIN: SIM PIN", "OK"]],
      ['AT+CPIN="0000"', ["OK"]],
      ["AT+CPIN?", ["+CPIN: READY", "OK"]],
      // nothing pending any more (TS 27.007 §8.3)
      ["AT+CMEE=1", ["OK"]],
      ['AT+CPIN="0000"', ["+CME ERROR: 3"]],
      ["AT+CPIN=?", ["OK"]],
    ],
  },
  {
    name: "AT+CPIN=<pin>,<newpin> while SIM PIN is pending changes PIN1",
    transcript: [
      ['AT+CPIN="0000","1234"', ["OK"]],
      ["AT+CPIN?", ["+CPIN: READY", "OK"]],
      ['AT+CLCK="SC",0,"1234"', ["OK"]],
    ],
  },
  {
    name: "unquoted PIN and a command line with several commands",
    transcript: [
      ["AT+CMEE=1;+CPIN=0000;+CPIN?", ["+CPIN: READY", "OK"]],
      ['AT+CMEE?;+CPINR="SIM PIN"', ["+CMEE: 1", "+CPINR: SIM PIN,3,3", "OK"]],
    ],
  },
  {
    name: "wrong PIN with CMEE=0: plain ERROR",
    transcript: [
      ["AT+CMEE=0", ["OK"]],
      ['AT+CPIN="1111"', ["ERROR"]],
      ["AT+CPIN?", ["+CPIN: SIM PIN", "OK"]],
    ],
  },
  {
    name: "wrong PIN with CMEE=1: numeric 16",
    transcript: [
      ["AT+CMEE=1", ["OK"]],
      ['AT+CPIN="1111"', ["+CME ERROR: 16"]],
    ],
  },
  {
    name: "wrong PIN with CMEE=2: verbose",
    transcript: [
      ["AT+CMEE=2", ["OK"]],
      ['AT+CPIN="1111"', ["+CME ERROR: incorrect password"]],
      ["AT+CMEE?", ["+CMEE: 2", "OK"]],
      ["AT+CMEE=?", ["+CMEE: (0-2)", "OK"]],
    ],
  },
  {
    name: "three wrong PINs lock the SIM: SIM PUK, then 12",
    transcript: [
      ["AT+CMEE=1", ["OK"]],
      [
        "AT+CPINR",
        [
          "+CPINR: SIM PIN,3,3",
          "+CPINR: SIM PUK,10,10",
          "+CPINR: SIM PIN2,3,3",
          "+CPINR: SIM PUK2,10,10",
          "OK",
        ],
      ],
      ['AT+CPIN="1111"', ["+CME ERROR: 16"]],
      ['AT+CPINR="SIM PIN"', ["+CPINR: SIM PIN,2,3", "OK"]],
      ['AT+CPIN="2222"', ["+CME ERROR: 16"]],
      ['AT+CPIN="3333"', ["+CME ERROR: 16"]],
      ["AT+CPIN?", ["+CPIN: SIM PUK", "OK"]],
      [
        'AT+CPINR="SIM*"',
        [
          "+CPINR: SIM PIN,0,3",
          "+CPINR: SIM PUK,10,10",
          "+CPINR: SIM PIN2,3,3",
          "+CPINR: SIM PUK2,10,10",
          "OK",
        ],
      ],
      // the right PIN is too late now
      ['AT+CPIN="0000"', ["+CME ERROR: 12"]],
      // network and SIM commands answer "SIM PUK required"
      ["AT+CIMI", ["+CME ERROR: 12"]],
      ["ATD+375291234567;", ["+CME ERROR: 12"]],
      ['AT+CUSD=1,"*100#",15', ["+CME ERROR: 12"]],
      ["AT+CMGF=1", ["OK"]],
      ['AT+CMGS="+375291234567"', ["+CMS ERROR: 316"]],
    ],
  },
  {
    name: "PUK unblock with a new PIN",
    transcript: [
      ["AT+CMEE=1", ["OK"]],
      ['AT+CPIN="1111"', ["+CME ERROR: 16"]],
      ['AT+CPIN="1111"', ["+CME ERROR: 16"]],
      ['AT+CPIN="1111"', ["+CME ERROR: 16"]],
      // the PUK alone is not enough
      ['AT+CPIN="11111111"', ["+CME ERROR: 12"]],
      ['AT+CPIN="12345678","4321"', ["+CME ERROR: 16"]],
      ['AT+CPINR="SIM PUK"', ["+CPINR: SIM PUK,9,10", "OK"]],
      ['AT+CPIN="11111111","4321"', ["OK"]],
      ["AT+CPIN?", ["+CPIN: READY", "OK"]],
      [
        "AT+CPINR",
        [
          "+CPINR: SIM PIN,3,3",
          "+CPINR: SIM PUK,10,10",
          "+CPINR: SIM PIN2,3,3",
          "+CPINR: SIM PUK2,10,10",
          "OK",
        ],
      ],
      // the new PIN is the card's: CLCK presents it
      ['AT+CLCK="SC",2', ["+CLCK: 1", "OK"]],
      ['AT+CLCK="SC",0,"0000"', ["+CME ERROR: 16"]],
      ['AT+CLCK="SC",0,"4321"', ["OK"]],
    ],
  },
  {
    name: "ten wrong PUKs: permanently blocked, 13 SIM failure",
    transcript: [
      ["AT+CMEE=1", ["OK"]],
      ['AT+CPIN="1111"', ["+CME ERROR: 16"]],
      ['AT+CPIN="1111"', ["+CME ERROR: 16"]],
      ['AT+CPIN="1111"', ["+CME ERROR: 16"]],
      ...Array.from({ length: 10 }, () => ['AT+CPIN="87654321","1234"', ["+CME ERROR: 16"]] as const),
      ["AT+CPIN?", ["+CME ERROR: 13"]],
      ['AT+CPIN="11111111","1234"', ["+CME ERROR: 13"]],
      [
        "AT+CPINR",
        [
          "+CPINR: SIM PIN,0,3",
          "+CPINR: SIM PUK,0,10",
          "+CPINR: SIM PIN2,3,3",
          "+CPINR: SIM PUK2,10,10",
          "OK",
        ],
      ],
      ["AT+CIMI", ["+CME ERROR: 13"]],
      ["AT+CREG?", ["+CREG: 0,0", "OK"]],
      ["AT+CMEE=2", ["OK"]],
      ["AT+CPIN?", ["+CME ERROR: SIM failure"]],
      // the MMI unblock meets the exhausted PUK too
      ["ATD**05*11111111*1234*1234#;", ["+CME ERROR: SIM failure"]],
    ],
  },
  {
    name: "CLCK SC: query, disable, enable (PIN presented to the card)",
    transcript: [
      ["AT+CMEE=1", ["OK"]],
      ['AT+CLCK="SC",2', ["+CME ERROR: 11"]],
      ['AT+CPIN="0000"', ["OK"]],
      ['AT+CLCK="SC",2', ["+CLCK: 1", "OK"]],
      ['AT+CLCK="SC",0,"1234"', ["+CME ERROR: 16"]],
      ['AT+CPINR="SIM PIN"', ["+CPINR: SIM PIN,2,3", "OK"]],
      ['AT+CLCK="SC",0,"0000"', ["OK"]],
      ['AT+CPINR="SIM PIN"', ["+CPINR: SIM PIN,3,3", "OK"]],
      ['AT+CLCK="SC",2', ["+CLCK: 0", "OK"]],
      // already unlocked: the card refuses DISABLE (6984)
      ['AT+CLCK="SC",0,"0000"', ["+CME ERROR: 3"]],
      ['AT+CLCK="SC",1,"0000"', ["OK"]],
      ['AT+CLCK="SC",2', ["+CLCK: 1", "OK"]],
      ['AT+CLCK="PN",2', ["+CME ERROR: 4"]],
      ["AT+CLCK=?", ['+CLCK: ("SC","FD")', "OK"]],
      // a password that cannot be a PIN never reaches the card
      ['AT+CLCK="SC",0,"12"', ["+CME ERROR: 16"]],
      ['AT+CPINR="SIM PIN"', ["+CPINR: SIM PIN,3,3", "OK"]],
      // a missing password is a parameter error
      ['AT+CLCK="SC",0', ["ERROR"]],
      ['AT+CLCK="SC",3,"0000"', ["ERROR"]],
    ],
  },
  {
    name: "a SIM with PIN1 disabled is READY at power-on",
    card: pinDisabled,
    transcript: [
      ["AT+CPIN?", ["+CPIN: READY", "OK"]],
      ['AT+CLCK="SC",2', ["+CLCK: 0", "OK"]],
      ["AT+CIMI", ["257010000000001", "OK"]],
      // CPWD on a disabled PIN: the card refuses CHANGE (6984)
      ["AT+CMEE=1", ["OK"]],
      ['AT+CPWD="SC","0000","1234"', ["+CME ERROR: 3"]],
    ],
  },
  {
    name: "CPWD: PIN1 and PIN2",
    transcript: [
      ["AT+CMEE=1", ["OK"]],
      ['AT+CPWD="SC","0000","1234"', ["+CME ERROR: 11"]],
      ["AT+CPIN=0000", ["OK"]],
      ['AT+CPWD="SC","0001","1234"', ["+CME ERROR: 16"]],
      ['AT+CPWD="SC","0000","1234"', ["OK"]],
      ['AT+CLCK="SC",0,"0000"', ["+CME ERROR: 16"]],
      ['AT+CLCK="SC",0,"1234"', ["OK"]],
      ['AT+CPWD="P2","9999","87654321"', ["OK"]],
      ['AT+CPWD="P2","9999","1111"', ["+CME ERROR: 16"]],
      ['AT+CPWD="P2","87654321","5678"', ["OK"]],
      ['AT+CPWD="SC","1234","12"', ["+CME ERROR: 16"]],
      ['AT+CPWD="AB","0000","1111"', ["+CME ERROR: 4"]],
      ["AT+CPWD=?", ['+CPWD: ("SC",8),("P2",8)', "OK"]],
    ],
  },
  {
    name: "FD with PIN2: lock, unlock, lockout, SIM PUK2 and unblock with AT+CPIN",
    transcript: [
      ["AT+CMEE=1", ["OK"]],
      ["AT+CPIN=0000", ["OK"]],
      ['AT+CLCK="FD",2', ["+CLCK: 0", "OK"]],
      ['AT+CLCK="FD",1,"9999"', ["OK"]],
      ['AT+CLCK="FD",2', ["+CLCK: 1", "OK"]],
      ['AT+CLCK="FD",0,"9999"', ["OK"]],
      ['AT+CLCK="FD",2', ["+CLCK: 0", "OK"]],
      ['AT+CLCK="FD",1,"1111"', ["+CME ERROR: 16"]],
      ['AT+CLCK="FD",1,"1111"', ["+CME ERROR: 16"]],
      ['AT+CLCK="FD",1,"1111"', ["+CME ERROR: 16"]],
      ["AT+CPIN?", ["+CPIN: READY", "OK"]],
      ['AT+CLCK="FD",1,"9999"', ["+CME ERROR: 18"]],
      // §8.3: SIM PUK2 right after the command that answered 18
      ["AT+CPIN?", ["+CPIN: SIM PUK2", "OK"]],
      ['AT+CPINR="SIM P*2"', ["+CPINR: SIM PIN2,0,3", "+CPINR: SIM PUK2,10,10", "OK"]],
      ['AT+CPIN="22222222"', ["+CME ERROR: 18"]],
      ['AT+CPIN="12345678","5555"', ["+CME ERROR: 16"]],
      ['AT+CPIN="22222222","5555"', ["OK"]],
      ["AT+CPIN?", ["+CPIN: READY", "OK"]],
      ['AT+CLCK="FD",1,"5555"', ["OK"]],
      ['AT+CLCK="FD",2', ["+CLCK: 1", "OK"]],
    ],
  },
  {
    name: "a pending SIM PUK2 is dropped by the next other command",
    transcript: [
      ["AT+CMEE=1;+CPIN=0000", ["OK"]],
      ['AT+CLCK="FD",1,"1111"', ["+CME ERROR: 16"]],
      ['AT+CLCK="FD",1,"1111"', ["+CME ERROR: 16"]],
      ['AT+CLCK="FD",1,"1111"', ["+CME ERROR: 16"]],
      ['AT+CPWD="P2","9999","1234"', ["+CME ERROR: 18"]],
      ["AT+CPIN?", ["+CPIN: SIM PUK2", "OK"]],
      ["AT+CSQ", ["+CSQ: 99,99", "OK"]],
      ["AT+CPIN?", ["+CPIN: READY", "OK"]],
      ['AT+CPIN="22222222","5555"', ["+CME ERROR: 3"]],
    ],
  },
  {
    name: "identity commands",
    transcript: [
      ["AT+CMEE=1", ["OK"]],
      ["AT+CGSN", [TEST_IMEI, "OK"]],
      ["AT+CGSN=1", [`+CGSN: "${TEST_IMEI}"`, "OK"]],
      ["AT+CGSN=2", ['+CGSN: "3500000000000001"', "OK"]],
      ["AT+CGSN=3", ['+CGSN: "01"', "OK"]],
      ["AT+CGSN=4", ["ERROR"]],
      ["AT+CGSN=?", ["+CGSN: (0-3)", "OK"]],
      ["AT+CGMI", ["telsim", "OK"]],
      ["AT+CGMM", ["test", "OK"]],
      ["AT+CGMR", ["1", "OK"]],
      ["ATI", ["telsim", "test", "Revision: 1", "OK"]],
      // the ICCID is readable before the PIN, the IMSI and MSISDN are not (TS 31.102)
      ["AT+CCID", ["+CCID: 8937501000000000017", "OK"]],
      ["AT+CIMI", ["+CME ERROR: 11"]],
      ["AT+CNUM", ["+CME ERROR: 11"]],
      ["ATD*#06#;", [TEST_IMEI, "OK"]],
      ["AT+CPIN=0000", ["OK"]],
      ["AT+CIMI", ["257010000000001", "OK"]],
      ["AT+CNUM", ['+CNUM: ,"+375291234567",145', "OK"]],
    ],
  },
  {
    name: "offline network: not registered, no network service",
    transcript: [
      ["AT+CMEE=1;+CPIN=0000", ["OK"]],
      ["AT+CREG?", ["+CREG: 0,0", "OK"]],
      ["AT+CREG=2;+CREG?", ["+CREG: 2,0", "OK"]],
      ["AT+CREG=?", ["+CREG: (0-2)", "OK"]],
      ["AT+COPS?", ["+COPS: 0", "OK"]],
      ["AT+COPS=0", ["+CME ERROR: 30"]],
      ["AT+CSQ", ["+CSQ: 99,99", "OK"]],
      ["ATD+375291234567;", ["+CME ERROR: 30"]],
      ["ATD*100#;", ["+CME ERROR: 30"]],
      ["ATD*#21#;", ["+CME ERROR: 30"]],
      ['AT+CUSD=1,"*100#",15', ["+CME ERROR: 30"]],
      ["ATD112;", ["+CME ERROR: 30"]],
      ["ATH", ["OK"]],
      ["ATA", ["NO CARRIER"]],
    ],
  },
  {
    name: "MMI PIN procedures through ATD",
    transcript: [
      ["AT+CMEE=1", ["OK"]],
      // change PIN1 while it is pending: CHANGE PIN verifies the old one
      ["ATD**04*0000*2468*2468#;", ["OK"]],
      ["AT+CPIN?", ["+CPIN: READY", "OK"]],
      ['AT+CLCK="SC",0,"2468"', ["OK"]],
      ['AT+CLCK="SC",1,"2468"', ["OK"]],
      // mismatched new PINs: a local error, the card is not asked
      ["ATD**04*2468*1111*2222#;", ["+CME ERROR: 16"]],
      ['AT+CPINR="SIM PIN"', ["+CPINR: SIM PIN,3,3", "OK"]],
      ["ATD**04*1357*1111*1111#;", ["+CME ERROR: 16"]],
      ['AT+CPINR="SIM PIN"', ["+CPINR: SIM PIN,2,3", "OK"]],
      // PIN2 change and unblock
      ["ATD**042*9999*1234*1234#;", ["OK"]],
      ['AT+CLCK="FD",1,"1234"', ["OK"]],
      ["ATD**052*22222222*4321*4321#;", ["OK"]],
      ['AT+CLCK="FD",0,"4321"', ["OK"]],
      // unblock PIN1 with the PUK
      ["ATD**05*11111111*9876*9876#;", ["OK"]],
      ['AT+CLCK="SC",0,"9876"', ["OK"]],
      // a malformed MMI procedure
      ["ATD*04*1*2*2#;", ["+CME ERROR: 3"]],
      ["ATDabc;", ["+CME ERROR: 27"]],
      ["ATD;", ["ERROR"]],
      ["ATD>1;", ["+CME ERROR: 4"]],
    ],
  },
  {
    name: "MMI unblock while SIM PUK is pending",
    transcript: [
      ["AT+CMEE=1", ["OK"]],
      ["AT+CPIN=1111", ["+CME ERROR: 16"]],
      ["AT+CPIN=1111", ["+CME ERROR: 16"]],
      ["AT+CPIN=1111", ["+CME ERROR: 16"]],
      ["ATD**04*0000*1234*1234#;", ["+CME ERROR: 12"]],
      ["ATD**05*11111111*1234*1234#;", ["OK"]],
      ["AT+CPIN?", ["+CPIN: READY", "OK"]],
    ],
  },
  {
    name: "syntax: unknown commands, bad parameters, lines without AT",
    transcript: [
      ["AT+CMEE=1", ["OK"]],
      ["AT+FOO", ["ERROR"]],
      ["hello", ["ERROR"]],
      ["AT+CMEE=3", ["ERROR"]],
      ["AT+CMEE=1,2", ["ERROR"]],
      ['AT+CMEE="1"', ["ERROR"]],
      ["AT+CPIN", ["ERROR"]],
      ['AT+CPIN="0000', ["ERROR"]],
      ["ATS0=1", ["ERROR"]],
      ["ATE2", ["ERROR"]],
      ["ATV1Q0", ["OK"]],
      ["at+cpin?", ["+CPIN: SIM PIN", "OK"]],
      // the line stops at the first failing command
      ["AT+CMEE=2;+FOO;+CMEE=0", ["ERROR"]],
      ["AT+CMEE?", ["+CMEE: 2", "OK"]],
      ["ATZ", ["OK"]],
      ["AT+CMEE?", ["+CMEE: 0", "OK"]],
    ],
  },
];

describe("AT transcripts: SIM", () => {
  it.each(rows)("$name", async (row) => {
    const handset = await TestHandset.started({ card: (row.card ?? makeTestCard)() });
    await play(handset, row.transcript);
  });
});

describe("AT framing and echo", () => {
  it("frames results with CR LF and echoes per ATE", async () => {
    const handset = await TestHandset.started({ echo: true });
    await handset.raw("AT\r");
    expect(handset.text()).toBe("AT\r\r\nOK\r\n");
    await handset.raw("ATE0\r");
    await handset.raw('AT+CPINR="SIM PIN"\r');
    expect(handset.text()).toBe("AT\r\r\nOK\r\nATE0\r\r\nOK\r\n\r\n+CPINR: SIM PIN,3,3\r\n\r\nOK\r\n");
  });

  it("takes LF-only, CR LF and character-at-a-time input, with backspace", async () => {
    const handset = await TestHandset.started();
    expect(await handset.raw("AT\n")).toEqual(["OK"]);
    expect(await handset.raw("AT\r\nAT\r\n")).toEqual(["OK", "OK"]);
    for (const ch of "AT+CPIX\bN?") await handset.raw(ch);
    expect(await handset.raw("\r")).toEqual(["+CPIN: SIM PIN", "OK"]);
    expect(await handset.raw("\r\n\r\n")).toEqual([]);
  });

  it("answers an over-long line ERROR", async () => {
    const handset = await TestHandset.started();
    expect(await handset.send(`AT${"+CSQ;".repeat(300)}`)).toEqual(["ERROR"]);
    expect(await handset.send("AT")).toEqual(["OK"]);
  });

  it("keeps the card's counters: what the card holds after a session", async () => {
    const handset = await TestHandset.started();
    await handset.send('AT+CPIN="1111"');
    expect(handset.interpreter.card.pin1.triesLeft).toBe(2);
    await handset.send('AT+CPIN="0000"');
    expect(handset.session.powerOff().pin1).toEqual({
      value: "0000",
      enabled: true,
      triesLeft: 3,
      verified: false,
    });
  });
});
