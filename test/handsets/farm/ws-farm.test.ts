import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { realClock } from "../../../core/clock/clock.js";
import { connectLink } from "../../../core/network/link/ws-link-client.js";
import { WsLinkServer } from "../../../core/network/link/ws-link-server.js";
import { FarmCards } from "../../../handsets/farm/farm-card.js";
import { generatedSims } from "../../../handsets/farm/farm-sims.js";
import { HandsetFarm } from "../../../handsets/farm/handset-farm.js";
import { connectHandsetNetwork } from "../../../handsets/network/link-network.js";
import { CardSession } from "../../../sim/apdu.js";
import { stubCoreFor } from "./farm-helpers.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("a farm over a real WebSocket link on 127.0.0.1", () => {
  it("500 handsets attach with AKA over one ws connection, then use services", async () => {
    const coreStore = generatedSims({ count: 500, seed: "ws-farm" });
    const core = stubCoreFor(coreStore);
    const server = createServer();
    const link = new WsLinkServer(core);
    link.attach(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
    cleanups.push(() => link.close());
    const { port } = server.address() as AddressInfo;

    const connection = await connectLink(`ws://127.0.0.1:${port}/ws`);
    cleanups.push(async () => connection.close());
    const farm = new HandsetFarm({
      cards: new FarmCards(generatedSims({ count: 500, seed: "ws-farm" })),
      connection,
      clock: realClock,
    });
    await farm.powerOnAll();
    expect(farm.counters.attached).toBe(500);
    expect(core.registeredCount).toBe(500);
    expect(link.connectionCount).toBe(1);

    farm.sendSms(7, "375291111111", "over ws");
    farm.ussdWalk(8, "*100#", 1, 1);
    for (let i = 0; i < 50 && (farm.counters.smsDelivered < 1 || farm.counters.ussdCompleted < 1); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(farm.counters.smsDelivered).toBe(1);
    expect(farm.counters.ussdCompleted).toBe(1);
  });

  it("connectHandsetNetwork: one handset registers over ws (the AT console's --core)", async () => {
    const store = generatedSims({ count: 2, seed: "ws-one" });
    const core = stubCoreFor(store);
    const server = createServer();
    const link = new WsLinkServer(core);
    link.attach(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
    cleanups.push(() => link.close());
    const { port } = server.address() as AddressInfo;
    const card = { ...store.get(1), pin1: { ...store.get(1).pin1, enabled: false } };
    const network = await connectHandsetNetwork(
      `ws://127.0.0.1:${port}/ws`,
      { imei: store.imeiOf(1) },
      new CardSession(card),
    );
    cleanups.push(async () => network.close());
    const identity = { imsi: card.imsi, msisdn: card.msisdn, iccid: card.iccid, imei: store.imeiOf(1) };
    expect((await network.register(identity)).status).toBe("registered-home");
    expect(await network.dial({ number: "375291111111", emergency: false })).toEqual({ ok: true });
    await network.hangUp();
    expect(network.handset.state).toBe("registered");
  });
});
