import { describe, expect, it } from "vitest";
import type { IncomingSms, IncomingStatusReport } from "../../handsets/network/handset-network.js";
import { FakeNetwork, play, TestHandset } from "./harness.js";

const HELLOHELLO_SUBMIT = "0011000B916407281553F80000AA0AE8329BFD4697D9EC37";
const HELLOHELLO_DELIVER = "07917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC37";

const CTRL_Z = "\x1a";
const ESC = "\x1b";

/** The published hellohello SMS-DELIVER as the network would hand it over. */
const hellohello: IncomingSms = {
  serviceCentre: "+27381000015",
  deliver: {
    originator: "27838890001",
    originatorType: 0xc8,
    serviceCentreTimestamp: { year: 99, month: 3, day: 29, hour: 15, minute: 16, second: 59, timezone: 8 },
    content: { kind: "text", text: "hellohello" },
  },
};

const report: IncomingStatusReport = {
  report: {
    messageReference: 42,
    recipient: "+375291234567",
    serviceCentreTimestamp: { year: 24, month: 5, day: 17, hour: 12, minute: 30, second: 0, timezone: 12 },
    dischargeTime: { year: 24, month: 5, day: 17, hour: 12, minute: 30, second: 5, timezone: 12 },
    status: 0,
  },
};

/** A handset with PIN1 entered on a network that accepts everything. */
async function online(): Promise<{ handset: TestHandset; network: FakeNetwork }> {
  const network = new FakeNetwork();
  const handset = await TestHandset.started({ network });
  await play(handset, [["AT+CMEE=1;+CPIN=0000", ["OK"]]]);
  return { handset, network };
}

describe("AT+CMGS text mode (TS 27.005 §3.5.1)", () => {
  it("prompts, sends on Ctrl-Z and answers +CMGS: <mr>", async () => {
    const { handset, network } = await online();
    expect(await handset.send("AT+CMGF=1")).toEqual(["OK"]);
    expect(await handset.send('AT+CMGS="+375291234567"')).toEqual(["> "]);
    expect(await handset.raw(`hello${CTRL_Z}`)).toEqual(["+CMGS: 0", "OK"]);
    expect(network.smsSent).toHaveLength(1);
    expect(network.smsSent[0]).toEqual({
      serviceCentre: undefined,
      submit: {
        rejectDuplicates: false,
        replyPath: false,
        statusReportRequest: false,
        messageReference: 0,
        destination: "+375291234567",
        destinationType: 145,
        protocolIdentifier: 0,
        dataCoding: 0,
        validityPeriod: { format: "relative", value: 167 },
        content: { kind: "text", text: "hello" },
      },
    });
    // the next message gets the next reference; UCS2 when GSM 7-bit cannot carry the text
    expect(await handset.send('AT+CMGS="80291234567",129')).toEqual(["> "]);
    expect(await handset.raw(`Привет${CTRL_Z}`)).toEqual(["+CMGS: 1", "OK"]);
    expect(network.smsSent[1]?.submit).toMatchObject({
      messageReference: 1,
      destinationType: 129,
      dataCoding: 8,
    });
  });

  it("gives a new prompt for each line and sends LF for it", async () => {
    const { handset, network } = await online();
    await handset.send("AT+CMGF=1");
    expect(await handset.send('AT+CMGS="+375291234567"')).toEqual(["> "]);
    expect(await handset.raw("line one\r\n")).toEqual(["> "]);
    expect(await handset.raw(`line two${CTRL_Z}`)).toEqual(["+CMGS: 0", "OK"]);
    expect(network.smsSent[0]?.submit.content).toEqual({ kind: "text", text: "line one\nline two" });
  });

  it("echoes the text with E1 and frames the prompt", async () => {
    const network = new FakeNetwork();
    const handset = await TestHandset.started({ network, echo: true });
    await handset.raw("AT+CPIN=0000\rAT+CMGF=1\r");
    handset.newLines();
    await handset.raw('AT+CMGS="+375291234567"\r');
    await handset.raw(`hi${CTRL_Z}`);
    expect(handset.text().endsWith('AT+CMGS="+375291234567"\r\r\n> hi\r\n+CMGS: 0\r\n\r\nOK\r\n')).toBe(true);
  });

  it("ESC cancels: OK and nothing sent", async () => {
    const { handset, network } = await online();
    await handset.send("AT+CMGF=1");
    expect(await handset.send('AT+CMGS="+375291234567"')).toEqual(["> "]);
    expect(await handset.raw(`never mind${ESC}`)).toEqual(["OK"]);
    expect(network.smsSent).toEqual([]);
    expect(await handset.send("AT")).toEqual(["OK"]);
  });

  it("refuses a bad destination and text longer than one message", async () => {
    const { handset } = await online();
    await handset.send("AT+CMGF=1");
    expect(await handset.send('AT+CMGS="not a number"')).toEqual(["+CMS ERROR: 305"]);
    expect(await handset.send('AT+CMGS="+375291234567"')).toEqual(["> "]);
    expect(await handset.raw(`${"x".repeat(161)}${CTRL_Z}`)).toEqual(["+CMS ERROR: 305"]);
  });

  it("needs the SIM and the network", async () => {
    const handset = await TestHandset.started();
    await play(handset, [
      ["AT+CMGF=1", ["OK"]],
      ['AT+CMGS="+375291234567"', ["+CMS ERROR: 311"]],
      ["AT+CPIN=0000", ["OK"]],
      ['AT+CMGS="+375291234567"', ["> "]],
    ]);
    expect(await handset.raw(`hello${CTRL_Z}`)).toEqual(["+CMS ERROR: 331"]);
  });

  it("maps the network's refusal to +CMS ERROR", async () => {
    const { handset, network } = await online();
    await handset.send("AT+CMGF=1");
    network.smsResult = { ok: false, cause: "rejected", code: 42 };
    await handset.send('AT+CMGS="+375291234567"');
    expect(await handset.raw(`a${CTRL_Z}`)).toEqual(["+CMS ERROR: 42"]);
    network.smsResult = { ok: false, cause: "timeout" };
    await handset.send('AT+CMGS="+375291234567"');
    expect(await handset.raw(`a${CTRL_Z}`)).toEqual(["+CMS ERROR: 332"]);
  });
});

describe("AT+CMGS PDU mode", () => {
  it("parses the hellohello SMS-SUBMIT and replaces TP-MR", async () => {
    const { handset, network } = await online();
    expect(await handset.send("AT+CMGF?")).toEqual(["+CMGF: 0", "OK"]);
    expect(await handset.send("AT+CMGS=23")).toEqual(["> "]);
    expect(await handset.raw(`${HELLOHELLO_SUBMIT}${CTRL_Z}`)).toEqual(["+CMGS: 0", "OK"]);
    expect(network.smsSent[0]).toEqual({
      serviceCentre: undefined,
      submit: {
        rejectDuplicates: false,
        replyPath: false,
        statusReportRequest: false,
        messageReference: 0,
        destination: "+46708251358",
        destinationType: 145,
        protocolIdentifier: 0,
        dataCoding: 0,
        validityPeriod: { format: "relative", value: 170 },
        content: { kind: "text", text: "hellohello" },
      },
    });
  });

  it("takes the PDU without its service-centre octet, or with an address", async () => {
    const { handset, network } = await online();
    await handset.send("AT+CMGS=23");
    expect(await handset.raw(`${HELLOHELLO_SUBMIT.slice(2)}${CTRL_Z}`)).toEqual(["+CMGS: 0", "OK"]);
    await handset.send("AT+CMGS=23");
    expect(await handset.raw(`07911326040000F0${HELLOHELLO_SUBMIT.slice(2)}${CTRL_Z}`)).toEqual([
      "+CMGS: 1",
      "OK",
    ]);
    expect(network.smsSent.map((sms) => sms.serviceCentre)).toEqual([undefined, "+31624000000"]);
  });

  it("uses the +CSCA address when the PDU has none", async () => {
    const { handset, network } = await online();
    await play(handset, [
      ["AT+CSCA?", ['+CSCA: "",129', "OK"]],
      ['AT+CSCA="+375296000000"', ["OK"]],
      ["AT+CSCA?", ['+CSCA: "+375296000000",145', "OK"]],
      ["AT+CMGS=23", ["> "]],
    ]);
    await handset.raw(`${HELLOHELLO_SUBMIT}${CTRL_Z}`);
    expect(network.smsSent[0]?.serviceCentre).toBe("+375296000000");
  });

  it.each([
    ["a length that does not match", "AT+CMGS=22", HELLOHELLO_SUBMIT],
    ["bad hex", "AT+CMGS=23", HELLOHELLO_SUBMIT.replace("E8", "XY")],
    ["an SMS-DELIVER", "AT+CMGS=28", HELLOHELLO_DELIVER],
  ])("answers 304 for %s", async (_name, command, pdu) => {
    const { handset, network } = await online();
    expect(await handset.send(command)).toEqual(["> "]);
    expect(await handset.raw(`${pdu}${CTRL_Z}`)).toEqual(["+CMS ERROR: 304"]);
    expect(network.smsSent).toEqual([]);
  });

  it("refuses impossible lengths before the prompt", async () => {
    const { handset } = await online();
    await play(handset, [
      ["AT+CMGS=6", ["+CMS ERROR: 304"]],
      ["AT+CMGS=165", ["+CMS ERROR: 304"]],
      ["AT+CMGS", ["ERROR"]],
      ['AT+CMGS="+375291234567"', ["ERROR"]],
    ]);
  });

  it("ESC cancels in PDU mode too", async () => {
    const { handset, network } = await online();
    await handset.send("AT+CMGS=23");
    expect(await handset.raw(`0011${ESC}`)).toEqual(["OK"]);
    expect(network.smsSent).toEqual([]);
  });
});

describe("+CMT and +CDS (TS 27.005 §3.4.1)", () => {
  it("shows an SMS-DELIVER in PDU mode with the PDU the handset builds", async () => {
    const { handset, network } = await online();
    await handset.send("AT+CNMI=2,2,0,1,0");
    network.push({ kind: "sms", sms: hellohello });
    await handset.interpreter.idle();
    expect(handset.newLines()).toEqual(["+CMT: ,28", HELLOHELLO_DELIVER]);
    expect(handset.text().endsWith(`\r\n+CMT: ,28\r\n${HELLOHELLO_DELIVER}\r\n`)).toBe(true);
  });

  it("shows it in text mode", async () => {
    const { handset, network } = await online();
    await handset.send("AT+CMGF=1;+CNMI=2,2");
    network.push({ kind: "sms", sms: hellohello });
    expect(handset.newLines()).toEqual(['+CMT: "27838890001",,"99/03/29,15:16:59+08"', "hellohello"]);
    network.push({
      kind: "sms",
      sms: {
        deliver: {
          ...hellohello.deliver,
          originator: "A1",
          content: { kind: "binary", bytes: Uint8Array.of(1, 0xab) },
        },
      },
    });
    expect(handset.newLines()).toEqual(['+CMT: "A1",,"99/03/29,15:16:59+08"', "01AB"]);
  });

  it("shows status reports with <ds> 1, in both modes", async () => {
    const { handset, network } = await online();
    await handset.send("AT+CNMI=2,0,0,1");
    network.push({ kind: "status-report", report });
    expect(handset.newLines()).toEqual(["+CDS: 25", "00062A0C91732519325476425071210300214250712103502100"]);
    await handset.send("AT+CMGF=1");
    network.push({ kind: "status-report", report });
    expect(handset.newLines()).toEqual([
      '+CDS: 6,42,"+375291234567",145,"24/05/17,12:30:00+12","24/05/17,12:30:05+12",0',
    ]);
    // <mt> 0: SMS-DELIVERs are not shown
    network.push({ kind: "sms", sms: hellohello });
    expect(handset.newLines()).toEqual([]);
  });

  it("buffers indications in the TA with <mode> 0 and flushes them (<bfr> 0) or drops them (<bfr> 1)", async () => {
    const { handset, network } = await online();
    await handset.send("AT+CMGF=1;+CNMI=0,2");
    network.push({ kind: "sms", sms: hellohello });
    expect(handset.newLines()).toEqual([]);
    expect(await handset.send("AT+CNMI=2,2,0,0,0")).toEqual([
      "OK",
      '+CMT: "27838890001",,"99/03/29,15:16:59+08"',
      "hellohello",
    ]);
    await handset.send("AT+CNMI=0");
    network.push({ kind: "sms", sms: hellohello });
    expect(await handset.send("AT+CNMI=2,2,0,0,1")).toEqual(["OK"]);
  });

  it("holds indications while a message is typed and shows them after the result", async () => {
    const { handset, network } = await online();
    await handset.send("AT+CMGF=1;+CNMI=2,2");
    expect(await handset.send('AT+CMGS="+375291234567"')).toEqual(["> "]);
    network.push({ kind: "sms", sms: hellohello });
    expect(handset.newLines()).toEqual([]);
    expect(await handset.raw(`hi${CTRL_Z}`)).toEqual([
      "+CMGS: 0",
      "OK",
      '+CMT: "27838890001",,"99/03/29,15:16:59+08"',
      "hellohello",
    ]);
  });

  it("knows its +CNMI and +CMGF settings", async () => {
    const { handset } = await online();
    await play(handset, [
      ["AT+CNMI?", ["+CNMI: 0,0,0,0,0", "OK"]],
      ["AT+CNMI=?", ["+CNMI: (0-3),(0,2),(0),(0,1),(0,1)", "OK"]],
      ["AT+CNMI=2,1", ["+CMS ERROR: 303"]],
      ["AT+CNMI=2,2,0,2", ["+CMS ERROR: 303"]],
      ["AT+CNMI=4", ["ERROR"]],
      ["AT+CNMI=1,2,0,1,1", ["OK"]],
      ["AT+CNMI?", ["+CNMI: 1,2,0,1,1", "OK"]],
      ["AT+CMGF=?", ["+CMGF: (0,1)", "OK"]],
      ["AT+CMGF=2", ["ERROR"]],
      ["AT+CMGF=1;+CMGF?", ["+CMGF: 1", "OK"]],
    ]);
  });
});
