/**
 * Interop with a real Diameter peer: Debian's freeDiameterd (1.2.1) with dict_dcca and
 * dict_dcca_3gpp. Topology (all on 127.0.0.1; every link goes through a DiameterTap that
 * records the messages):
 *
 *   our DiameterClient (*.client.realm) ──► freeDiameterd relay.relay.realm ──► our server ocs.ocs.realm
 *                                                   └────────────────────────► our server quiet.quiet.realm
 *
 * - freeDiameter connects to our two servers (ConnectPeer): CER/CEA with us as responder.
 *   "ocs" runs our watchdog at 300 ms (our DWRs, its DWAs); "quiet" keeps ours at 30 s so that
 *   freeDiameter's own watchdog (Tw 6 s ± 2 s) sends the DWRs and we answer.
 * - Our client connects to freeDiameter: CER/CEA with us as initiator, DWR/DWA at 250 ms.
 * - CCRs with Destination-Realm ocs.realm are relayed by freeDiameter to "ocs", whose handler
 *   answers with the fixture CCA; the client gets it back through the relay.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Avp } from "../../core/diameter/avp.js";
import { DiameterClient } from "../../core/diameter/client.js";
import { APPLICATION_RELAY, CommandCode } from "../../core/diameter/dictionary/commands.js";
import { MemoryLogger } from "../../core/diameter/logger.js";
import type { DiameterMessage } from "../../core/diameter/message.js";
import { DiameterServer } from "../../core/diameter/server.js";
import { FreeDiameterDaemon } from "./freediameter.js";
import { CCR_FIXTURES, ccaFor, ccrAvps, type Party } from "./gy-messages.js";
import { DiameterTap } from "./tap.js";
import { availability, findExecutable, freePort, sleep, waitUntil } from "./tools.js";

const FD = { originHost: "relay.relay.realm", originRealm: "relay.realm" };
const OCS: Party = { originHost: "ocs.ocs.realm", originRealm: "ocs.realm" };
const QUIET: Party = { originHost: "quiet.quiet.realm", originRealm: "quiet.realm" };
const clientParty = (name: string): Party => ({
  originHost: `${name}.client.realm`,
  originRealm: "client.realm",
});

const CER = CommandCode.CapabilitiesExchange;
const DWR = CommandCode.DeviceWatchdog;
const DPR = CommandCode.DisconnectPeer;

const num = (avps: readonly Avp[], code: number, vendorId = 0): number | bigint | undefined => {
  const a = avps.find((x) => x.code === code && x.vendorId === vendorId);
  if (a === undefined) return undefined;
  if (a.type === "Unsigned32" || a.type === "Integer32" || a.type === "Enumerated") return a.value;
  if (a.type === "Unsigned64" || a.type === "Integer64") return a.value;
  return undefined;
};
const str = (avps: readonly Avp[], code: number): string | undefined => {
  const a = avps.find((x) => x.code === code && x.vendorId === 0);
  return a !== undefined && "value" in a && typeof a.value === "string" ? a.value : undefined;
};
const group = (avps: readonly Avp[], code: number, vendorId = 0): readonly Avp[] => {
  const a = avps.find((x) => x.code === code && x.vendorId === vendorId);
  if (a?.type !== "Grouped") throw new Error(`no grouped AVP ${code}`);
  return a.value;
};
const resultCode = (m: DiameterMessage): number | bigint | undefined => num(m.avps, 268);
const allNums = (avps: readonly Avp[], code: number): (number | bigint)[] =>
  avps.filter((a) => a.code === code && a.vendorId === 0).flatMap((a) => num([a], code) ?? []);

const binary = findExecutable("freeDiameterd");
const suite = availability("interop with freeDiameterd", "freeDiameterd", binary);

describe.runIf(suite.run)(suite.title, () => {
  const logger = new MemoryLogger();
  const received: DiameterMessage[] = [];
  let daemon: FreeDiameterDaemon | undefined;
  let ocs: DiameterServer;
  let quiet: DiameterServer;
  let ocsTap: DiameterTap;
  let quietTap: DiameterTap;
  let fdPort = 0;
  let openedAt = 0;
  const cleanups: (() => Promise<void>)[] = [];

  const diagnostics = (): string =>
    `${daemon?.tail(60) ?? "(freeDiameterd not started)"}\n--- our log\n${logger.lines.join("\n")}`;

  beforeAll(async () => {
    const path = suite.requireTool();
    ocs = new DiameterServer({
      identity: OCS,
      logger,
      watchdogMs: 300,
      handler: (request) => {
        received.push(request);
        return ccaFor(request, OCS);
      },
    });
    quiet = new DiameterServer({ identity: QUIET, logger, handler: (r) => ccaFor(r, QUIET) });
    const [ocsAddress, quietAddress] = await Promise.all([ocs.listen(), quiet.listen()]);
    cleanups.push(
      () => ocs.close(),
      () => quiet.close(),
    );
    ocsTap = await DiameterTap.start(ocsAddress.port);
    quietTap = await DiameterTap.start(quietAddress.port);
    cleanups.push(
      () => ocsTap.close(),
      () => quietTap.close(),
    );
    // The free port is released before freeDiameterd binds it: try again if someone took it.
    for (let attempt = 1; daemon === undefined; attempt++) {
      fdPort = await freePort();
      try {
        daemon = await FreeDiameterDaemon.start({
          binary: path,
          identity: FD.originHost,
          realm: FD.originRealm,
          port: fdPort,
          twTimer: 6,
          tcTimer: 1,
          dumpMessages: true,
          allowIncoming: ["*.client.realm"],
          connectPeers: [
            { identity: OCS.originHost, port: ocsTap.port },
            { identity: QUIET.originHost, port: quietTap.port },
          ],
        });
      } catch (e) {
        if (attempt >= 3) throw e;
      }
    }
    const isOpen = (s: DiameterServer): boolean => s.peerByHost(FD.originHost) !== undefined;
    await waitUntil(
      () => isOpen(ocs) && isOpen(quiet),
      10_000,
      () => `freeDiameter's CER to us\n${diagnostics()}`,
    );
    openedAt = Date.now();
  }, 30_000);

  afterAll(async () => {
    // freeDiameter first (it sends DPR to our servers), then our side.
    await daemon?.stop();
    for (const c of cleanups.splice(0).reverse()) await c();
  }, 15_000);

  beforeEach((ctx) => {
    ctx.onTestFailed(() => {
      process.stderr.write(`${diagnostics()}\n`);
    });
  });

  async function connectClient(name: string, watchdogMs?: number) {
    const tap = await DiameterTap.start(fdPort);
    const states: string[] = [];
    const client = new DiameterClient({
      host: "127.0.0.1",
      port: tap.port,
      identity: clientParty(name),
      logger,
      reconnect: false,
      connectTimeoutMs: 5000,
      ...(watchdogMs !== undefined ? { watchdogMs } : {}),
      onStateChange: (s) => states.push(s),
    });
    cleanups.push(
      () => client.close(),
      () => tap.close(),
    );
    await client.connect();
    return { client, tap, states };
  }

  it("our client: CER/CEA with freeDiameter, DWR/DWA every 250 ms for a second, DPR/DPA", async () => {
    const { client, tap, states } = await connectClient("pgw-a", 250);
    expect(client.state).toBe("open");
    expect(client.currentPeer?.originHost).toBe(FD.originHost);
    const [cea] = tap.find("down", CER, false);
    expect(cea && resultCode(cea)).toBe(2001);
    // freeDiameter runs no application itself: it advertises the relay application.
    expect(cea && allNums(cea.avps, 258)).toContain(APPLICATION_RELAY);
    expect(client.currentPeer?.applications).toEqual([4]);

    await sleep(1200);
    expect(client.state).toBe("open");
    expect(states).not.toContain("down");
    // Every DWR but perhaps the one in flight has its DWA: same ids, 2001, from freeDiameter.
    const dwrs = tap.find("up", DWR, true);
    const dwas = tap.find("down", DWR, false);
    expect(dwrs.length).toBeGreaterThanOrEqual(3);
    for (const dwr of dwrs.slice(0, -1)) {
      const dwa = dwas.find((a) => a.hopByHop === dwr.hopByHop);
      expect(dwa?.endToEnd).toBe(dwr.endToEnd);
      expect(dwa && resultCode(dwa)).toBe(2001);
      expect(dwa && str(dwa.avps, 264)).toBe(FD.originHost);
    }

    await client.close();
    const [dpa] = tap.find("down", DPR, false);
    expect(dpa && resultCode(dpa)).toBe(2001);
    expect(tap.problems).toEqual([]);
  });

  it("relays our client's CCR-I/U/T through freeDiameter to our server and the CCAs back", async () => {
    const { client, tap } = await connectClient("pgw-c");
    const session = "pgw-c.client.realm;1700000000;42";
    for (const [i, { name, message }] of CCR_FIXTURES.entries()) {
      const sent = ccrAvps(message, clientParty("pgw-c"), OCS.originRealm, session);
      const cca = await client.request({
        commandCode: CommandCode.CreditControl,
        applicationId: 4,
        avps: sent,
      });
      expect(resultCode(cca), name).toBe(2001);
      expect(str(cca.avps, 263)).toBe(session);
      expect(str(cca.avps, 264)).toBe(OCS.originHost);
      expect(num(cca.avps, 416)).toBe(i + 1);
      expect(num(cca.avps, 415)).toBe(i);

      // Our server got exactly what the client sent, plus the Route-Record freeDiameter added.
      const request = received.at(-1);
      expect(request?.applicationId).toBe(4);
      expect(request?.avps.filter((a) => a.code !== 282)).toEqual(sent);
      expect(request?.avps.filter((a) => a.code === 282).map((a) => a.value)).toEqual(["pgw-c.client.realm"]);
      // And the client got exactly what our server answered. freeDiameter 1.2.1 also appends a
      // Route-Record (the answering peer) to relayed answers; our client accepts it.
      expect(cca.avps.filter((a) => a.code !== 282)).toEqual(ccaFor(request as DiameterMessage, OCS).avps);
      expect(cca.avps.filter((a) => a.code === 282).map((a) => a.value)).toEqual([OCS.originHost]);
    }

    // The grant as the client decoded it after the relay: MSCC with GSU and the 3GPP AVPs.
    const update = await client.request({
      commandCode: CommandCode.CreditControl,
      applicationId: 4,
      avps: ccrAvps(CCR_FIXTURES[1].message, clientParty("pgw-c"), OCS.originRealm, session),
    });
    const mscc = group(update.avps, 456);
    expect(num(group(mscc, 431), 421)).toBe(10_485_760);
    expect(num(mscc, 432)).toBe(1);
    expect(num(mscc, 448)).toBe(600);
    expect(num(mscc, 268)).toBe(2001);
    expect(num(mscc, 869, 10415)).toBe(1_048_576);
    const fui = group(mscc, 430);
    expect(num(fui, 449)).toBe(1); // REDIRECT (RFC 4006 §8.35)
    expect(str(group(fui, 434), 435)).toBe("http://127.0.0.1:8080/topup");
    expect(tap.problems).toEqual([]);
    expect(ocsTap.problems).toEqual([]);

    // freeDiameter itself parsed every AVP with its dictionaries (dbg_msg_dumps prints each AVP
    // it recognised by name, with the flags it saw), and found nothing to complain about.
    await daemon?.waitForLog(/RCV from 'ocs\.ocs\.realm': Credit-Control-Answer/, 3000);
    const log = daemon?.log ?? "";
    for (const decoded of [
      "CC-Request-Type(416)[-M]='TERMINATION_REQUEST'",
      'Subscription-Id-Data(444)[-M]="375291234567"',
      "Event-Timestamp(55)[-M]=20261122T100000+00",
      "PS-Information(10415/874)[VM]={",
      "3GPP-Charging-Id(10415/2)[V-]=3735928559",
      "PDP-Address(10415/1227)[VM]=10.45.0.7",
      "SGSN-Address(10415/1228)[VM]=2001:db8::1",
      "CC-Total-Octets(421)[-M]=1099511627776",
      "Reporting-Reason(10415/872)[VM]=3",
      "Granted-Service-Unit(431)[-M]={ CC-Total-Octets(421)[-M]=10485760",
      "Validity-Time(448)[-M]=600",
      "Volume-Quota-Threshold(10415/869)[VM]=1048576",
      "Final-Unit-Action(449)[-M]='REDIRECT'",
      "Max-Requested-Bandwidth-UL(10415/516)[VM]=512000",
    ]) {
      expect(log).toContain(decoded);
    }
    expect(log).not.toMatch(/PARSING ERROR|ROUTING ERROR|DROPPED|FAILOVER/);
  });

  it("freeDiameter connects to our servers: CER/CEA, our DWRs get DWAs, its DWRs get ours", async () => {
    for (const tap of [ocsTap, quietTap]) {
      const [cer] = tap.find("up", CER, true);
      const [cea] = tap.find("down", CER, false);
      expect(cer && str(cer.avps, 264)).toBe(FD.originHost);
      expect(cea && resultCode(cea)).toBe(2001);
    }
    expect(ocs.peerByHost(FD.originHost)?.applications).toEqual([4]);

    // Our watchdog (300 ms) on "ocs": freeDiameter answers each DWR.
    await waitUntil(
      () => ocsTap.count("down", DWR, true) >= 3 && ocsTap.count("up", DWR, false) >= 3,
      3000,
      () => "our DWRs to freeDiameter and its DWAs",
    );
    const theirDwas = ocsTap.find("up", DWR, false);
    expect(theirDwas.every((a) => resultCode(a) === 2001)).toBe(true);

    // freeDiameter's watchdog on the silent "quiet" link: Tw = 6 s ± 2 s after the CEA.
    await waitUntil(
      () => quietTap.count("up", DWR, true) >= 1 && quietTap.count("down", DWR, false) >= 1,
      Math.max(1000, openedAt + 12_000 - Date.now()),
      () => "freeDiameter's DWR to our quiet server and our DWA",
    );
    const [ourDwa] = quietTap.find("down", DWR, false);
    expect(ourDwa && resultCode(ourDwa)).toBe(2001);
    expect(ourDwa && str(ourDwa.avps, 264)).toBe(QUIET.originHost);
    await sleep(200);
    // freeDiameter accepted our DWA: the connections are still up.
    expect(quiet.peerByHost(FD.originHost)?.state).toBe("open");
    expect(ocs.peerByHost(FD.originHost)?.state).toBe("open");
    expect(daemon?.running).toBe(true);
    expect([...ocsTap.problems, ...quietTap.problems]).toEqual([]);
  }, 20_000);

  it("freeDiameter shuts down with DPR and our servers answer DPA", async () => {
    await daemon?.stop();
    for (const [tap, server] of [
      [ocsTap, ocs],
      [quietTap, quiet],
    ] as const) {
      await waitUntil(
        () => tap.count("down", DPR, false) >= 1,
        3000,
        () => "our DPA to freeDiameter's DPR",
      );
      const [dpr] = tap.find("up", DPR, true);
      const [dpa] = tap.find("down", DPR, false);
      expect(dpr && str(dpr.avps, 264)).toBe(FD.originHost);
      expect(dpa && resultCode(dpa)).toBe(2001);
      await waitUntil(
        () => server.peers.length === 0,
        3000,
        () => "our server to drop the closed peer",
      );
    }
  });
});
