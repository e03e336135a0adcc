import { describe, expect, it } from "vitest";
import { createInProcessLink } from "../../../core/network/link/in-process-link.js";
import { AtInterpreter } from "../../../handsets/at/at-interpreter.js";
import { StubCore, stubSubscriberOf } from "../../../handsets/farm/stub-core.js";
import type { NetworkEvent } from "../../../handsets/network/handset-network.js";
import { LinkNetwork } from "../../../handsets/network/link-network.js";
import { SimAccess } from "../../../handsets/sim-access.js";
import { CardSession } from "../../../sim/apdu.js";
import { generateBatch } from "../../../sim/batch-generate.js";
import { SeededRandom } from "../../../sim/random.js";

const [row] = generateBatch({ count: 1, seed: "link-network", testCard: true });
if (row === undefined) throw new Error("no card");

function setUp(): { network: LinkNetwork; core: StubCore; session: CardSession } {
  const random = SeededRandom.from("core");
  const card = structuredClone(row!.card);
  const core = new StubCore({
    subscriber: (imsi) => (imsi === card.imsi ? stubSubscriberOf(card) : undefined),
    randomBytes: (n) => random.fillBytes(new Uint8Array(n)),
  });
  const session = new CardSession(card);
  const network = new LinkNetwork(createInProcessLink(core), session, { imei: row!.imei });
  return { network, core, session };
}

const identity = { imsi: row.card.imsi, msisdn: row.card.msisdn, iccid: row.card.iccid, imei: row.imei };

describe("LinkNetwork: HandsetNetwork over the link", () => {
  it("registers after the PIN, then calls, USSD dialogue, SMS and supplementary services", async () => {
    const { network, core, session } = setUp();
    const events: NetworkEvent[] = [];
    network.listen((e) => events.push(e));
    expect((await network.register(identity)).status).toBe("not-registered");
    expect(core.counters.frames).toBe(0);
    new SimAccess(session).verify("pin1", "0000");
    expect(await network.register(identity)).toMatchObject({
      status: "registered-home",
      accessTechnology: "e-utran",
    });
    expect(events.some((e) => e.kind === "registration" && e.registration.status === "registered-home")).toBe(
      true,
    );

    expect(await network.dial({ number: "375297654321", emergency: false })).toEqual({ ok: true });
    expect(network.handset.state).toBe("in-call");
    await network.hangUp();
    expect(network.handset.state).toBe("registered");

    expect(await network.ussd({ text: "*100#", dcs: 15 })).toMatchObject({ ok: true, status: "request" });
    expect(network.handset.state).toBe("in-ussd");
    expect(await network.ussd({ text: "1", dcs: 15 })).toEqual({
      ok: true,
      status: "notify",
      message: { text: "You chose 1", dcs: 15 },
    });
    expect(network.handset.state).toBe("registered");

    const submit = {
      rejectDuplicates: false,
      replyPath: false,
      statusReportRequest: false,
      messageReference: 1,
      destination: "375297654321",
      destinationType: 0x91,
      protocolIdentifier: 0,
      dataCoding: 0,
      content: { kind: "text", text: "hi" },
    } as const;
    expect(await network.sendSms({ submit, serviceCentre: undefined })).toEqual({ ok: true });
    expect(
      await network.supplementaryService({
        service: "call-waiting",
        procedure: "activate",
        serviceCode: "43",
      }),
    ).toEqual({ ok: true });
    network.close();
  });

  it("the AT console registers through it: AT+CPIN then AT+CREG? and AT+COPS?", async () => {
    const { network, session } = setUp();
    const out: string[] = [];
    const at = new AtInterpreter({
      sim: new SimAccess(session),
      network,
      identity: { imei: row!.imei, softwareVersion: 1, manufacturer: "telsim", model: "t", revision: "1" },
      output: (o) => out.push(o.text),
      onInternalError: (e) => {
        throw e;
      },
    });
    await at.start();
    await at.input("AT+CMEE=1;+CPIN=0000\r");
    await at.idle();
    await at.input("AT+CREG?;+COPS?\r");
    await at.idle();
    const text = out.join("");
    expect(text).toContain("+CREG: 0,1");
    expect(text).toContain('+COPS: 0,0,"A1",7');
    at.close();
    network.close();
  });
});
