import { afterEach, describe, expect, it } from "vitest";
import { avp } from "../../../core/diameter/avp-build.js";
import { CommandCode } from "../../../core/diameter/dictionary/commands.js";
import { GyClient, type GyClientOptions } from "../../../core/diameter/gy/gy-client.js";
import { silentLogger } from "../../../core/diameter/logger.js";
import { isRetransmit } from "../../../core/diameter/message.js";
import { StubOcs } from "./gy-ocs-stub.js";
import { resultCode } from "./raw-peer.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function ocs(name = "ocs.telsim.local"): Promise<StubOcs> {
  const s = await StubOcs.start(name);
  cleanups.push(() => s.close());
  return s;
}

async function gy(primary: StubOcs, extra: Partial<GyClientOptions> = {}): Promise<GyClient> {
  const client = new GyClient({
    primary: { host: "127.0.0.1", port: primary.port },
    identity: { originHost: "pgw.telsim.local", originRealm: "telsim.local" },
    destinationRealm: "telsim.local",
    logger: silentLogger,
    ...extra,
  });
  await client.connect();
  cleanups.push(() => client.close());
  return client;
}

const subscriber = [{ type: "E164" as const, data: "375291234567" }];

describe("Gy client (RFC 4006 client state machine)", () => {
  it("runs a session CCR-I / CCR-U / CCR-T with request numbers 0, 1, 2 and parses the grants", async () => {
    const server = await ocs();
    const client = await gy(server);
    const s = client.session({ subscriptionIds: subscriber, calledStationId: "internet" });
    expect(s.state).toBe("idle");
    const i = await s.initial([{ ratingGroup: 1, requested: {} }]);
    expect(s.state).toBe("open");
    expect(i.kind === "answer" && i.answer.mscc[0]?.granted?.totalOctets).toBe(1_000_000);
    expect(i.kind === "answer" && i.answer.mscc[0]?.validityTime).toBe(60);
    await s.update([
      { ratingGroup: 1, requested: {}, used: [{ totalOctets: 900_000, reportingReason: "QUOTA_EXHAUSTED" }] },
    ]);
    await s.terminate([{ ratingGroup: 1, used: [{ totalOctets: 100, reportingReason: "FINAL" }] }]);
    expect(s.state).toBe("closed");
    expect(server.seen.map((r) => [r.ccr.requestType, r.ccr.requestNumber])).toEqual([
      ["INITIAL", 0],
      ["UPDATE", 1],
      ["TERMINATION", 2],
    ]);
    expect(server.seen[1]?.ccr.mscc[0]?.used?.[0]).toEqual({
      totalOctets: 900_000,
      reportingReason: "QUOTA_EXHAUSTED",
    });
    expect(server.seen[0]?.ccr.calledStationId).toBe("internet");
    expect(server.seen[0]?.ccr.sessionId).toMatch(/^pgw\.telsim\.local;\d+;\d+$/);
    expect(client.openSessions).toBe(0);
  });

  it("refuses calls out of order", async () => {
    const client = await gy(await ocs());
    const s = client.session({ subscriptionIds: subscriber });
    expect(() => s.update([])).toThrow(/cannot update in state idle/);
  });

  it("sends an event with Requested-Action and SMS-Information", async () => {
    const server = await ocs();
    const client = await gy(server);
    const out = await client.event({
      subscriptionIds: subscriber,
      requestedAction: "DIRECT_DEBITING",
      mscc: [{ ratingGroup: 3, requested: { serviceSpecificUnits: 1 } }],
      serviceContextId: "32274@3gpp.org",
      sms: { recipient: "375447654321", dataCodingScheme: 0, messageType: "SUBMISSION" },
    });
    expect(out.kind).toBe("answer");
    const seen = server.seen[0]?.ccr;
    expect(seen?.requestType).toBe("EVENT");
    expect(seen?.requestedAction).toBe("DIRECT_DEBITING");
    expect(seen?.sms).toEqual({ recipient: "375447654321", dataCodingScheme: 0, messageType: "SUBMISSION" });
  });

  it("closes the session on a refused CCR-I (4012)", async () => {
    const server = await ocs();
    server.script = () => ({ resultCode: 4012, mscc: [] });
    const client = await gy(server);
    const s = client.session({ subscriptionIds: subscriber });
    const out = await s.initial([{ ratingGroup: 1, requested: {} }]);
    expect(out.kind === "answer" && out.answer.resultCode).toBe(4012);
    expect(s.state).toBe("closed");
  });

  it("TERMINATE: Tx expiry ends the session and the service", async () => {
    const server = await ocs();
    server.script = () => "ignore";
    const client = await gy(server, { txMs: 100 });
    const s = client.session({ subscriptionIds: subscriber });
    const out = await s.initial([{ ratingGroup: 1, requested: {} }]);
    expect(out).toMatchObject({ kind: "failed", action: "terminate" });
    expect(s.state).toBe("closed");
    expect(s.closeReason).toMatch(/Tx expired/);
  });

  it("CONTINUE: Tx expiry fails over to the alternative OCS with the T flag and the same end-to-end id", async () => {
    const primary = await ocs("ocs1.telsim.local");
    const secondary = await ocs("ocs2.telsim.local");
    primary.script = () => "ignore";
    const client = await gy(primary, {
      txMs: 100,
      ccFailureHandling: "CONTINUE",
      secondary: { host: "127.0.0.1", port: secondary.port },
    });
    await new Promise((r) => setTimeout(r, 50));
    const s = client.session({ subscriptionIds: subscriber });
    const out = await s.initial([{ ratingGroup: 1, requested: {} }]);
    expect(out).toMatchObject({ kind: "answer", failover: true });
    expect(s.state).toBe("open");
    const first = primary.seen[0]?.message;
    const second = secondary.seen[0]?.message;
    expect(first && isRetransmit(first)).toBe(false);
    expect(second && isRetransmit(second)).toBe(true);
    expect(second?.endToEnd).toBe(first?.endToEnd);
  });

  it("CONTINUE without an alternative grants the service and ends credit control", async () => {
    const server = await ocs();
    server.script = () => "ignore";
    const client = await gy(server, { txMs: 80, ccFailureHandling: "CONTINUE" });
    const out = await client
      .session({ subscriptionIds: subscriber })
      .initial([{ ratingGroup: 1, requested: {} }]);
    expect(out).toMatchObject({ kind: "failed", action: "continue" });
  });

  it("fails over on 3004 TOO_BUSY with RETRY_AND_TERMINATE, and terminates when both fail", async () => {
    const primary = await ocs("ocs1.telsim.local");
    const secondary = await ocs("ocs2.telsim.local");
    primary.script = () => ({ resultCode: 3004 });
    const client = await gy(primary, {
      ccFailureHandling: "RETRY_AND_TERMINATE",
      txMs: 200,
      secondary: { host: "127.0.0.1", port: secondary.port },
    });
    await new Promise((r) => setTimeout(r, 50));
    const ok = await client
      .session({ subscriptionIds: subscriber })
      .initial([{ ratingGroup: 1, requested: {} }]);
    expect(ok).toMatchObject({ kind: "answer", failover: true });
    secondary.script = () => ({ resultCode: 3004 });
    const bad = await client
      .session({ subscriptionIds: subscriber })
      .initial([{ ratingGroup: 1, requested: {} }]);
    expect(bad).toMatchObject({ kind: "failed", action: "terminate" });
  });

  it("adopts the Credit-Control-Failure-Handling the server sends", async () => {
    const server = await ocs();
    server.script = () => ({ ccFailureHandling: "CONTINUE" });
    const client = await gy(server);
    const s = client.session({ subscriptionIds: subscriber });
    await s.initial([{ ratingGroup: 1, requested: {} }]);
    expect(s.failureHandling).toBe("CONTINUE");
  });

  it("answers a RAR with RAA 2001 and re-authorises with a CCR-U (FORCED_REAUTHORISATION)", async () => {
    const server = await ocs();
    const client = await gy(server);
    const s = client.session({ subscriptionIds: subscriber });
    await s.initial([{ ratingGroup: 1, requested: {} }]);
    const raa = await server.server.request("pgw.telsim.local", {
      commandCode: CommandCode.ReAuth,
      applicationId: 4,
      avps: [
        avp("Session-Id", s.sessionId),
        avp("Origin-Host", "ocs.telsim.local"),
        avp("Origin-Realm", "telsim.local"),
        avp("Destination-Realm", "telsim.local"),
        avp("Destination-Host", "pgw.telsim.local"),
        avp("Auth-Application-Id", 4),
        avp("Re-Auth-Request-Type", "AUTHORIZE_ONLY"),
        avp("Rating-Group", 1),
      ],
    });
    expect(resultCode(raa)).toBe(2001);
    await new Promise((r) => setTimeout(r, 100));
    const update = server.seen[1]?.ccr;
    expect(update?.requestType).toBe("UPDATE");
    expect(update?.mscc[0]).toMatchObject({ ratingGroup: 1, reportingReasons: ["FORCED_REAUTHORISATION"] });
  });

  it("answers a RAR for an unknown session with 5002, and an ASR with ASA then CCR-T", async () => {
    const server = await ocs();
    const client = await gy(server);
    const rarAvps = (sessionId: string, command: "rar" | "asr") => [
      avp("Session-Id", sessionId),
      avp("Origin-Host", "ocs.telsim.local"),
      avp("Origin-Realm", "telsim.local"),
      avp("Destination-Realm", "telsim.local"),
      avp("Destination-Host", "pgw.telsim.local"),
      avp("Auth-Application-Id", 4),
      ...(command === "rar" ? [avp("Re-Auth-Request-Type", "AUTHORIZE_ONLY")] : []),
    ];
    const unknown = await server.server.request("pgw.telsim.local", {
      commandCode: CommandCode.ReAuth,
      applicationId: 4,
      avps: rarAvps("nope;1;1", "rar"),
    });
    expect(resultCode(unknown)).toBe(5002);
    const s = client.session({ subscriptionIds: subscriber });
    await s.initial([{ ratingGroup: 1, requested: {} }]);
    const asa = await server.server.request("pgw.telsim.local", {
      commandCode: CommandCode.AbortSession,
      applicationId: 4,
      avps: rarAvps(s.sessionId, "asr"),
    });
    expect(resultCode(asa)).toBe(2001);
    await new Promise((r) => setTimeout(r, 100));
    expect(server.seen[1]?.ccr.requestType).toBe("TERMINATION");
    expect(server.seen[1]?.ccr.terminationCause).toBe(4);
    expect(s.state).toBe("closed");
  });
});
