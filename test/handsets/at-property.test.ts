/**
 * Properties of the interpreter on arbitrary input: nothing escapes (no exception, no internal
 * error reported), and every command line ends with exactly one well-formed final result code,
 * whatever the network pushes in between.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { NetworkEvent } from "../../handsets/network/handset-network.js";
import { FakeNetwork, TestHandset } from "./harness.js";

const FINAL =
  /^\r\n(OK|ERROR|\+CME ERROR: [^\r\n]+|\+CMS ERROR: \d+|NO CARRIER|BUSY|NO ANSWER|NO DIALTONE)\r\n$/;

const COMMANDS = [
  "",
  "E0",
  "E1",
  "Z",
  "&F",
  "I",
  "H",
  "A",
  "V1",
  "D",
  "D*#06#;",
  "D*100#;",
  "D**04*0000*1234*1234#;",
  "D**05*11111111*0000*0000#;",
  "D+375291234567;",
  "D112;",
  "D*#21#",
  "+CMEE",
  "+CPIN",
  "+CPINR",
  "+CLCK",
  "+CPWD",
  "+CGSN",
  "+CIMI",
  "+CCID",
  "+CNUM",
  "+CREG",
  "+COPS",
  "+CSQ",
  "+CLIP",
  "+CUSD",
  "+CMGF",
  "+CMGS",
  "+CNMI",
  "+CSCA",
  "+CGMI",
  "+XYZ",
];
const SUFFIXES = [
  "",
  "?",
  "=?",
  "=",
  "=0",
  "=1",
  "=2",
  "=3",
  "=23",
  '="SC",2',
  '="FD",1,"9999"',
  '="0000"',
  '="1111"',
  '="11111111","0000"',
  '=1,"*100#",15',
  '="+375291234567"',
  '="SIM*"',
  "=2,2,0,1",
  "=,,",
];

const token = fc.oneof(
  fc.tuple(fc.constantFrom(...COMMANDS), fc.constantFrom(...SUFFIXES)).map(([c, s]) => c + s),
  fc.string({ maxLength: 12 }),
);
const line = fc.oneof(
  fc
    .tuple(fc.constantFrom("AT", "at", "At", "", "A"), fc.array(token, { maxLength: 4 }))
    .map(([p, ts]) => p + ts.join(";")),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 20 }),
);
const body = fc.string({ maxLength: 60 }).map((s) => s.replaceAll("\x1a", "").replaceAll("\x1b", ""));
const event = fc.constantFrom<NetworkEvent | undefined>(
  undefined,
  undefined,
  { kind: "ring", caller: "+375291234567" },
  { kind: "call-ended", reason: "busy" },
  { kind: "ussd", result: { ok: true, status: "request", message: { text: "menu", dcs: 15 } } },
  {
    kind: "sms",
    sms: {
      deliver: {
        originator: "+375291234567",
        serviceCentreTimestamp: { year: 24, month: 1, day: 1, hour: 0, minute: 0, second: 0, timezone: 0 },
        content: { kind: "text", text: "hi" },
      },
    },
  },
  { kind: "registration", registration: { status: "searching" } },
);
const step = fc.record({
  line: line.map((l) => l.replace(/[\r\n\b\x7f]/g, "")),
  body,
  cancel: fc.boolean(),
  event,
});

/** What the interpreter keeps of a line: printable characters, trimmed. */
function isCommandLine(text: string): boolean {
  return (
    [...text]
      .filter((ch) => ch >= " " && ch !== "\x7f")
      .join("")
      .trim() !== ""
  );
}

describe("AT interpreter properties", () => {
  it("never throws and ends every command line with one final result code", async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(step, { maxLength: 25 }), async (registered, steps) => {
        const network = new FakeNetwork();
        if (registered) network.current = network.onRegister;
        const handset = await TestHandset.started({ network, echo: false });
        let expectedFinals = 0;
        for (const s of steps) {
          if (isCommandLine(s.line)) expectedFinals++;
          await handset.raw(`${s.line}\r`);
          if (handset.outputs.at(-1)?.kind === "prompt")
            await handset.raw(`${s.body}${s.cancel ? "\x1b" : "\x1a"}`);
          if (s.event !== undefined) network.push(s.event);
        }
        await handset.interpreter.idle();
        const finals = handset.outputs.filter((o) => o.kind === "final");
        expect(handset.internalErrors).toEqual([]);
        expect(finals).toHaveLength(expectedFinals);
        for (const final of finals) expect(final.text).toMatch(FINAL);
      }),
      { numRuns: 400 },
    );
  });

  it("survives random characters fed in random chunks", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ maxLength: 30 }), { maxLength: 30 }), async (chunks) => {
        const handset = await TestHandset.started({ network: new FakeNetwork(), echo: true });
        for (const chunk of chunks) await handset.interpreter.input(chunk);
        await handset.interpreter.input("\x1b\rAT\r");
        await handset.interpreter.idle();
        expect(handset.internalErrors).toEqual([]);
        expect(handset.outputs.at(-1)).toEqual({ kind: "final", text: "\r\nOK\r\n" });
      }),
      { numRuns: 300 },
    );
  });
});
