import { describe, expect, it } from "vitest";
import { A1, FakeNetwork, play, TestHandset, TEST_IMEI } from "./harness.js";

async function online(): Promise<{ handset: TestHandset; network: FakeNetwork }> {
  const network = new FakeNetwork();
  const handset = await TestHandset.started({ network });
  await play(handset, [["AT+CMEE=1;+CPIN=0000", ["OK"]]]);
  return { handset, network };
}

describe("registration (+CREG, +COPS, +CSQ)", () => {
  it("registers once PIN1 is entered and reports +CREG after the OK", async () => {
    const network = new FakeNetwork();
    const handset = await TestHandset.started({ network });
    expect(network.registered).toEqual([]);
    await play(handset, [
      ["AT+CMEE=1;+CREG=1", ["OK"]],
      ["AT+CPIN=0000", ["OK", "+CREG: 1"]],
      ["AT+CREG?", ["+CREG: 1,1", "OK"]],
      ["AT+CREG=2", ["OK"]],
      ["AT+CREG?", ['+CREG: 2,1,"00C3","001A2B3C",7', "OK"]],
      ["AT+COPS?", ['+COPS: 0,0,"A1",7', "OK"]],
      ["AT+COPS=3,2;+COPS?", ['+COPS: 0,2,"25701",7', "OK"]],
      ["AT+COPS=?", ['+COPS: (2,"A1","A1","25701",7),,(0,2,3),(0-2)', "OK"]],
      ["AT+CSQ", ["+CSQ: 21,99", "OK"]],
      ["AT+CSQ=?", ["+CSQ: (0-31,99),(0-7,99)", "OK"]],
      ["AT+COPS=2", ["OK", "+CREG: 0"]],
      ["AT+COPS?", ["+COPS: 2", "OK"]],
      ["AT+COPS=0", ["OK", '+CREG: 1,"00C3","001A2B3C",7']],
      ["AT+COPS=1", ["+CME ERROR: 4"]],
    ]);
    expect(network.registered[0]).toEqual({
      imsi: "257010000000001",
      msisdn: "375291234567",
      iccid: "8937501000000000017",
      imei: TEST_IMEI,
    });
  });

  it("reports registration changes the network pushes", async () => {
    const { handset, network } = await online();
    await handset.send("AT+CREG=1");
    network.current = { status: "searching" };
    network.push({ kind: "registration", registration: network.current });
    network.push({ kind: "registration", registration: network.current });
    network.current = { ...A1, status: "registered-roaming" };
    network.push({ kind: "registration", registration: network.current });
    expect(handset.newLines()).toEqual(["+CREG: 2", "+CREG: 5"]);
  });
});

describe("USSD (+CUSD, TS 27.007 §7.15)", () => {
  it("sends a request and shows the answer after OK", async () => {
    const { handset, network } = await online();
    await play(handset, [
      ["AT+CUSD?", ["+CUSD: 0", "OK"]],
      ['AT+CUSD=1,"*100#",15', ["OK", '+CUSD: 0,"Balance 12.34 BYN",15']],
      ["AT+CUSD?", ["+CUSD: 1", "OK"]],
      ["AT+CUSD=?", ["+CUSD: (0-2)", "OK"]],
    ]);
    expect(network.ussdSent).toEqual([{ text: "*100#", dcs: 15 }]);
  });

  it("walks a menu: the network asks (<m> 1), the handset answers, then cancels", async () => {
    const { handset, network } = await online();
    network.ussdResult = { ok: true, status: "request", message: { text: "1 Balance\n2 Tariff", dcs: 15 } };
    expect(await handset.send('AT+CUSD=1,"*135#",15')).toEqual(["OK", '+CUSD: 1,"1 Balance\n2 Tariff",15']);
    network.ussdResult = { ok: true, status: "terminated" };
    expect(await handset.send('AT+CUSD=1,"1",15')).toEqual(["OK", "+CUSD: 2"]);
    expect(await handset.send("AT+CUSD=2")).toEqual(["OK"]);
    expect(network.ussdCancels).toBe(1);
    expect(await handset.send('AT+CUSD=2,"x"')).toEqual(["ERROR"]);
  });

  it("checks the string against its data coding scheme", async () => {
    const { handset, network } = await online();
    await play(handset, [
      ['AT+CUSD=1,"*100#",72', ["OK", '+CUSD: 0,"Balance 12.34 BYN",15']],
      ['AT+CUSD=1,"Привет",15', ["+CME ERROR: 25"]],
      ['AT+CUSD=1,"Привет",72', ["OK", '+CUSD: 0,"Balance 12.34 BYN",15']],
      ['AT+CUSD=1,"*100#",68', ["+CME ERROR: 4"]],
      [`AT+CUSD=1,"${"1".repeat(183)}",15`, ["+CME ERROR: 24"]],
      [`AT+CUSD=1,"${"1".repeat(182)}",15`, ["OK", '+CUSD: 0,"Balance 12.34 BYN",15']],
    ]);
    expect(network.ussdSent.map((m) => m.dcs)).toEqual([72, 72, 15]);
  });

  it("shows network failures as <m> 4 and 5, and nothing with <n> 0", async () => {
    const { handset, network } = await online();
    network.ussdResult = { ok: false, cause: "timeout" };
    expect(await handset.send('AT+CUSD=1,"*100#"')).toEqual(["OK", "+CUSD: 5"]);
    network.ussdResult = { ok: false, cause: "unknown" };
    expect(await handset.send('AT+CUSD=1,"*100#"')).toEqual(["OK", "+CUSD: 4"]);
    network.ussdResult = { ok: true, status: "not-supported" };
    expect(await handset.send('AT+CUSD=1,"*100#"')).toEqual(["OK", "+CUSD: 4"]);
    expect(await handset.send('AT+CUSD=0,"*100#"')).toEqual(["OK"]);
  });

  it("dials USSD with ATD and shows the answer whatever <n> is", async () => {
    const { handset, network } = await online();
    expect(await handset.send("ATD*100#;")).toEqual(["OK", '+CUSD: 0,"Balance 12.34 BYN",15']);
    expect(await handset.send("ATD*100*1#")).toEqual(["OK", '+CUSD: 0,"Balance 12.34 BYN",15']);
    expect(network.ussdSent).toEqual([
      { text: "*100#", dcs: 15 },
      { text: "*100*1#", dcs: 15 },
    ]);
  });

  it("shows network-initiated USSD with <n> 1 only", async () => {
    const { handset, network } = await online();
    network.push({ kind: "ussd", result: { ok: true, status: "notify", message: { text: "Hi", dcs: 15 } } });
    expect(handset.newLines()).toEqual([]);
    await handset.send("AT+CUSD=1");
    network.push({
      kind: "ussd",
      result: { ok: true, status: "request", message: { text: 'Say "yes"', dcs: 15 } },
    });
    expect(handset.newLines()).toEqual(['+CUSD: 1,"Say \\22yes\\22",15']);
  });
});

describe("supplementary services dialled with ATD", () => {
  it("registers call forwarding and answers interrogations like +CCFC", async () => {
    const { handset, network } = await online();
    expect(await handset.send("ATD**61*+375291234567*11*20#;")).toEqual(["OK"]);
    expect(network.ssRequests[0]).toEqual({
      service: "call-forwarding",
      serviceCode: "61",
      procedure: "register",
      condition: "no-reply",
      forwardedTo: "+375291234567",
      basicService: { code: "11", group: "telephony" },
      noReplyTimer: 20,
    });
    network.ssResult = {
      ok: true,
      entries: [{ active: true, classes: 1, number: "+375291234567", noReplyTimer: 20 }],
    };
    expect(await handset.send("ATD*#61#;")).toEqual(['+CCFC: 1,1,"+375291234567",145,,,20', "OK"]);
    network.ssResult = { ok: true, entries: [] };
    expect(await handset.send("ATD*#21#;")).toEqual(["+CCFC: 0,7", "OK"]);
    expect(await handset.send("ATD##002#;")).toEqual(["OK"]);
  });

  it("answers call waiting, barring and CLIP interrogations", async () => {
    const { handset, network } = await online();
    network.ssResult = { ok: true, entries: [{ active: true, classes: 1 }] };
    expect(await handset.send("ATD*#43#;")).toEqual(["+CCWA: 1,1", "OK"]);
    expect(await handset.send("ATD*#33#;")).toEqual(["+CLCK: 1,1", "OK"]);
    expect(await handset.send("ATD*#30#;")).toEqual(["+CLIP: 0,1", "OK"]);
    network.ssResult = { ok: false, cause: "wrong-password" };
    expect(await handset.send("ATD*33*1111#;")).toEqual(["+CME ERROR: 16"]);
    network.ssResult = { ok: false, cause: "not-supported" };
    expect(await handset.send("ATD*43#;")).toEqual(["+CME ERROR: 4"]);
  });

  it("refuses malformed procedures locally", async () => {
    const { handset, network } = await online();
    expect(await handset.send("ATD**03*330*0000*1234*4321#;")).toEqual(["+CME ERROR: 16"]);
    expect(await handset.send("ATD**43#;")).toEqual(["+CME ERROR: 3"]);
    expect(network.ssRequests).toEqual([]);
  });
});

describe("calls: ATD, RING, +CLIP, ATA, ATH", () => {
  it("dials a voice call and reports its end", async () => {
    const { handset, network } = await online();
    expect(await handset.send("ATD+375291234567;")).toEqual(["OK"]);
    expect(network.calls).toEqual([{ number: "+375291234567", emergency: false }]);
    expect(await handset.send("ATD+375291234568;")).toEqual(["+CME ERROR: 3"]);
    // in a call, 1X is a call-related procedure (TS 22.030 §6.5.5), not emulated
    expect(await handset.send("ATD12;")).toEqual(["+CME ERROR: 4"]);
    network.push({ kind: "call-ended", reason: "normal" });
    expect(handset.newLines()).toEqual(["NO CARRIER"]);
    network.dialOutcome = { ok: false, cause: "busy" };
    expect(await handset.send("ATD80291234567;")).toEqual(["BUSY"]);
    network.dialOutcome = { ok: false, cause: "no-answer" };
    expect(await handset.send("ATD80291234567;")).toEqual(["NO ANSWER"]);
    expect(await handset.send("ATD+375291234567")).toEqual(["+CME ERROR: 4"]);
  });

  it("passes CLIR from the I modifier and from #31#", async () => {
    const { handset, network } = await online();
    await handset.send("ATD+375291234567I;");
    await handset.send("ATH");
    await handset.send("ATD*31#+375291234567;");
    await handset.send("ATH");
    expect(network.calls).toEqual([
      { number: "+375291234567", emergency: false, clir: "invoke" },
      { number: "+375291234567", emergency: false, clir: "suppress" },
    ]);
    expect(network.hangUps).toBe(2);
  });

  it("dials an emergency number with the SIM locked", async () => {
    const network = new FakeNetwork();
    network.current = A1;
    const handset = await TestHandset.started({ network });
    await play(handset, [
      ["AT+CMEE=1", ["OK"]],
      ["ATD+375291234567;", ["+CME ERROR: 11"]],
      ["ATD112;", ["OK"]],
    ]);
    expect(network.calls).toEqual([{ number: "112", emergency: true }]);
  });

  it("shows RING, then +CLIP when enabled, and answers with ATA", async () => {
    const { handset, network } = await online();
    network.push({ kind: "ring", caller: "+375291234567" });
    expect(handset.newLines()).toEqual(["RING"]);
    await play(handset, [
      ["AT+CLIP=1", ["OK"]],
      ["AT+CLIP?", ["+CLIP: 1,2", "OK"]],
      ["AT+CLIP=?", ["+CLIP: (0,1)", "OK"]],
    ]);
    network.push({ kind: "ring", caller: "+375291234567" });
    network.push({ kind: "ring", caller: "80291234567" });
    expect(handset.newLines()).toEqual([
      "RING",
      '+CLIP: "+375291234567",145',
      "RING",
      '+CLIP: "80291234567",129',
    ]);
    expect(await handset.send("ATA")).toEqual(["OK"]);
    expect(await handset.send("ATH")).toEqual(["OK"]);
    expect(network.hangUps).toBe(1);
    expect(await handset.send("ATA")).toEqual(["NO CARRIER"]);
  });
});
