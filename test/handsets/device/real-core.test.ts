// The handset against the real core (CoreNode with the network edge: HLR/AuC, MSC, PGW), using
// the network team's test core (test/network/harness.ts).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { realClock } from "../../../core/clock/clock.js";
import { createInProcessLink } from "../../../core/network/link/in-process-link.js";
import { Handset } from "../../../handsets/device/handset.js";
import { SingleHandsetLink } from "../../../handsets/device/handset-port.js";
import { LinkNetwork } from "../../../handsets/network/link-network.js";
import { CardSession } from "../../../sim/apdu.js";
import type { SimCard } from "../../../sim/card.js";
import { IMEI, startCore, type TestCore } from "../../network/harness.js";

const PLAN = "business-unlim-1";
let core: TestCore;

beforeEach(async () => {
  core = await startCore();
});

afterEach(async () => {
  await core.stop();
});

function handsetWith(card: SimCard, id: number): Handset {
  const port = new SingleHandsetLink(createInProcessLink(core.node.network!.edge), id);
  return new Handset({ imei: IMEI, clock: realClock, card: new CardSession(card), port });
}

describe("Handset against the core's network edge", () => {
  it("attaches with Milenage AKA and shows the core's operator", async () => {
    const a = await core.subscriber(1, PLAN, 1000);
    const handset = handsetWith(a.card, 1);
    expect(await handset.powerOn()).toEqual({ kind: "registered", msisdn: a.msisdn });
    expect(handset.registration().status).toBe("registered-home");
  });

  it("resynchronises when the HLR's SQN is behind the card's", async () => {
    const a = await core.subscriber(2, PLAN, 1000);
    const first = handsetWith(a.card, 2);
    expect((await first.powerOn()).kind).toBe("registered");
    const card = first.card!.powerOff();
    first.powerOff();
    a.account.sim!.sqn = 0; // the HLR forgets: the card will see a replayed SQN
    const second = handsetWith(card, 3);
    expect(await second.powerOn()).toEqual({ kind: "registered", msisdn: a.msisdn });
  });

  it("wrong keys (MAC failure) → denied #3; blocked account → denied #8", async () => {
    const a = await core.subscriber(4, PLAN, 1000);
    const b = await core.subscriber(5, PLAN, 1000);
    const wrong = handsetWith({ ...a.card, k: b.card.k }, 4);
    expect(await wrong.powerOn()).toEqual({ kind: "rejected", cause: 3, reason: "authentication-rejected" });
    expect(wrong.registration().status).toBe("denied");
    b.account.state = "blocked";
    const blocked = handsetWith(b.card, 5);
    expect(await blocked.powerOn()).toEqual({ kind: "rejected", cause: 8, reason: "not-allowed" });
  });

  it("LinkNetwork: register and a USSD request to the core's gateway", async () => {
    const a = await core.subscriber(6, PLAN, 1000);
    const network = new LinkNetwork(createInProcessLink(core.node.network!.edge), new CardSession(a.card), {
      imei: IMEI,
    });
    const identity = { imsi: a.imsi, msisdn: a.msisdn, iccid: a.card.iccid, imei: IMEI };
    expect((await network.register(identity)).status).toBe("registered-home");
    const result = await network.ussd({ text: "*100#", dcs: 15 });
    expect(result.ok).toBe(true);
    await network.cancelUssd();
    network.close();
  });
});
