import { afterEach, describe, expect, it } from "vitest";
import { avp } from "../../../core/diameter/avp-build.js";
import { DiameterClient } from "../../../core/diameter/client.js";
import { CommandCode } from "../../../core/diameter/dictionary/commands.js";
import { HopByHopIds } from "../../../core/diameter/ids.js";
import { MemoryLogger, silentLogger } from "../../../core/diameter/logger.js";
import { type DiameterMessage, isError } from "../../../core/diameter/message.js";
import { makeAnswer, makeRequest } from "../../../core/diameter/message-build.js";
import { ResultCode } from "../../../core/diameter/result-codes.js";
import { DiameterServer, type RequestHandler } from "../../../core/diameter/server.js";
import { ccrAvps, RawPeer, resultCode } from "./raw-peer.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const echoHandler: RequestHandler = (request) =>
  makeAnswer(request, [
    request.avps[0] ?? avp("Session-Id", "x"),
    avp("Result-Code", ResultCode.SUCCESS),
    avp("Origin-Host", "ocs.telsim.local"),
    avp("Origin-Realm", "telsim.local"),
    avp("Auth-Application-Id", 4),
    avp("CC-Request-Type", 1),
    avp("CC-Request-Number", 0),
  ]);

async function startServer(
  extra: Partial<ConstructorParameters<typeof DiameterServer>[0]> = {},
): Promise<{ server: DiameterServer; port: number }> {
  const server = new DiameterServer({
    identity: { originHost: "ocs.telsim.local", originRealm: "telsim.local" },
    handler: echoHandler,
    logger: silentLogger,
    ...extra,
  });
  const { port } = await server.listen();
  cleanups.push(() => server.close());
  return { server, port };
}

async function startClient(
  port: number,
  extra: Partial<ConstructorParameters<typeof DiameterClient>[0]> = {},
) {
  const client = new DiameterClient({
    host: "127.0.0.1",
    port,
    identity: { originHost: "pgw.telsim.local", originRealm: "telsim.local" },
    logger: silentLogger,
    ...extra,
  });
  cleanups.push(() => client.close());
  await client.connect();
  return client;
}

const ccr = (session: string, n = 0) => ({
  commandCode: CommandCode.CreditControl,
  applicationId: 4,
  avps: ccrAvps(session, n),
});

describe("Diameter server and client over loopback TCP", () => {
  it("opens with CER/CEA and answers a CCR through the handler", async () => {
    const { server, port } = await startServer();
    const client = await startClient(port);
    expect(client.state).toBe("open");
    const answer = await client.request(ccr("s;1;1"));
    expect(resultCode(answer)).toBe(2001);
    expect(server.peers[0]?.originHost).toBe("pgw.telsim.local");
  });

  it("pipelines 2,000 requests at once and gets every answer", async () => {
    const { port } = await startServer();
    const client = await startClient(port);
    const answers = await Promise.all(
      Array.from({ length: 2000 }, (_, i) => client.request(ccr(`s;1;${i}`))),
    );
    expect(answers.every((a) => resultCode(a) === 2001)).toBe(true);
    expect(new Set(answers.map((a) => (a.avps[0]?.value as string) ?? "")).size).toBe(2000);
  });

  it("times a request out, removes it, and keeps the connection", async () => {
    let answerIt = false;
    const { port } = await startServer({
      handler: (r) =>
        answerIt ? echoHandler(r, undefined as never) : new Promise<DiameterMessage>(() => undefined),
    });
    const client = await startClient(port, { requestTimeoutMs: 100 });
    await expect(client.request(ccr("s;1;1"))).rejects.toMatchObject({ code: "DIAMETER_TIMEOUT" });
    expect(client.currentPeer?.inFlight).toBe(0);
    answerIt = true;
    expect(resultCode(await client.request(ccr("s;1;2")))).toBe(2001);
  });

  it("answers a bad request with its Result-Code and Failed-AVP and keeps serving the connection", async () => {
    const { port } = await startServer();
    const raw = await RawPeer.open(port);
    cleanups.push(() => raw.end());
    const bad = makeRequest(
      { commandCode: 272, applicationId: 4, hopByHop: 7, endToEnd: 7, proxiable: true },
      [
        ...ccrAvps("s;1;bad"),
        { code: 99999, vendorId: 0, flags: 0x40, type: "Unknown", value: Uint8Array.of(1, 2, 3, 4) },
      ],
    );
    raw.send(bad);
    const a1 = await raw.waitFor((m) => m.hopByHop === 7);
    expect(resultCode(a1)).toBe(ResultCode.AVP_UNSUPPORTED);
    expect(a1.avps[0]?.value).toBe("s;1;bad");
    expect(a1.avps.some((x) => x.code === 279)).toBe(true);
    const missing = makeRequest(
      { commandCode: 272, applicationId: 4, hopByHop: 8, endToEnd: 8 },
      ccrAvps("s;1;m").slice(0, 5),
    );
    raw.send(missing);
    expect(resultCode(await raw.waitFor((m) => m.hopByHop === 8))).toBe(ResultCode.MISSING_AVP);
    raw.send(
      makeRequest({ commandCode: 272, applicationId: 4, hopByHop: 9, endToEnd: 9 }, ccrAvps("s;1;ok")),
    );
    expect(resultCode(await raw.waitFor((m) => m.hopByHop === 9))).toBe(2001);
  });

  it("answers 3001 for an unknown command and 3007 for an unsupported application, with the E bit", async () => {
    const { port } = await startServer();
    const raw = await RawPeer.open(port);
    cleanups.push(() => raw.end());
    raw.send(makeRequest({ commandCode: 999, applicationId: 4, hopByHop: 1, endToEnd: 1 }, ccrAvps("s;1;1")));
    const a = await raw.waitFor((m) => m.hopByHop === 1);
    expect(resultCode(a)).toBe(ResultCode.COMMAND_UNSUPPORTED);
    expect(isError(a)).toBe(true);
    raw.send(
      makeRequest({ commandCode: 272, applicationId: 16777238, hopByHop: 2, endToEnd: 2 }, ccrAvps("s;1;2")),
    );
    expect(resultCode(await raw.waitFor((m) => m.hopByHop === 2))).toBe(ResultCode.APPLICATION_UNSUPPORTED);
  });

  it("closes the connection and logs the reason when framing is lost", async () => {
    const logger = new MemoryLogger();
    const { port } = await startServer({ logger });
    const raw = await RawPeer.open(port);
    raw.send(Buffer.from("0100000300000000", "hex"));
    await raw.waitClosed();
    expect(logger.lines.some((l) => l.includes("framing lost"))).toBe(true);
    const again = await RawPeer.open(port);
    cleanups.push(() => again.end());
  });

  it("rejects an Origin-Host outside the allow-list with 3010 and no common application with 5010", async () => {
    const { port } = await startServer({ allowedPeers: ["pgw.telsim.local"] });
    const stranger = await RawPeer.connect(port);
    const { buildCer } = await import("../../../core/diameter/capabilities.js");
    stranger.send(buildCer({ originHost: "evil.example", originRealm: "x" }, [4], 1, 1));
    expect(resultCode(await stranger.waitFor((m) => m.commandCode === 257))).toBe(ResultCode.UNKNOWN_PEER);
    await stranger.waitClosed();
    const wrongApp = await RawPeer.connect(port);
    wrongApp.send(buildCer({ originHost: "pgw.telsim.local", originRealm: "x" }, [16777238], 1, 1));
    expect(resultCode(await wrongApp.waitFor((m) => m.commandCode === 257))).toBe(
      ResultCode.NO_COMMON_APPLICATION,
    );
    await wrongApp.waitClosed();
  });

  it("answers 3010 to application requests sent before the capabilities exchange", async () => {
    const { port } = await startServer();
    const raw = await RawPeer.connect(port);
    cleanups.push(() => raw.end());
    raw.send(makeRequest({ commandCode: 272, applicationId: 4, hopByHop: 3, endToEnd: 3 }, ccrAvps("s;1;1")));
    expect(resultCode(await raw.waitFor((m) => m.hopByHop === 3))).toBe(ResultCode.UNKNOWN_PEER);
  });

  it("answers a T-flagged retransmission from the stored answer without calling the handler again", async () => {
    let calls = 0;
    const { server, port } = await startServer({
      handler: (r, p) => {
        calls++;
        return echoHandler(r, p);
      },
    });
    const raw = await RawPeer.open(port);
    cleanups.push(() => raw.end());
    raw.send(
      makeRequest({ commandCode: 272, applicationId: 4, hopByHop: 10, endToEnd: 777 }, ccrAvps("s;1;1")),
    );
    await raw.waitFor((m) => m.hopByHop === 10);
    raw.send(
      makeRequest(
        { commandCode: 272, applicationId: 4, hopByHop: 11, endToEnd: 777, retransmit: true },
        ccrAvps("s;1;1"),
      ),
    );
    const again = await raw.waitFor((m) => m.hopByHop === 11);
    expect(resultCode(again)).toBe(2001);
    expect(calls).toBe(1);
    expect(server.stats.duplicates).toBe(1);
    // A new end-to-end id with T set is processed normally.
    raw.send(
      makeRequest(
        { commandCode: 272, applicationId: 4, hopByHop: 12, endToEnd: 778, retransmit: true },
        ccrAvps("s;1;2"),
      ),
    );
    await raw.waitFor((m) => m.hopByHop === 12);
    expect(calls).toBe(2);
  });

  it("answers 3004 TOO_BUSY beyond the in-flight limit", async () => {
    const release: (() => void)[] = [];
    const { port } = await startServer({
      maxInFlight: 2,
      handler: (r, p) =>
        new Promise((resolve) => release.push(() => resolve(echoHandler(r, p) as DiameterMessage))),
    });
    const client = await startClient(port);
    const first = [client.request(ccr("a")), client.request(ccr("b"))];
    const third = await client.request(ccr("c"));
    expect(resultCode(third)).toBe(ResultCode.TOO_BUSY);
    for (const r of release) r();
    expect((await Promise.all(first)).map(resultCode)).toEqual([2001, 2001]);
  });

  it("sends DWR after Tw of silence and stays open while the peer answers", async () => {
    const { port } = await startServer();
    const states: string[] = [];
    const client = await startClient(port, { watchdogMs: 50, onStateChange: (s) => states.push(s) });
    await new Promise((r) => setTimeout(r, 400));
    expect(client.state).toBe("open");
    expect(states).not.toContain("suspect");
  });

  it("goes suspect then down when the peer stops answering DWR, then reconnects in REOPEN", async () => {
    const { createServer } = await import("node:net");
    const { MessageFramer } = await import("../../../core/diameter/framer.js");
    const { decodeMessage } = await import("../../../core/diameter/decoder.js");
    const { gyDictionary } = await import("../../../core/diameter/dictionary/dictionary.js");
    const { buildCea } = await import("../../../core/diameter/capabilities.js");
    const { encodeMessage } = await import("../../../core/diameter/encoder.js");
    let connections = 0;
    // A peer that completes CER/CEA and then never answers anything.
    const mute = createServer((s) => {
      connections++;
      const f = new MessageFramer();
      s.on("data", (c) =>
        f.push(c, (raw) => {
          const r = decodeMessage(raw, gyDictionary);
          if (r.ok && r.message.commandCode === 257) {
            s.write(encodeMessage(buildCea(r.message, { originHost: "mute", originRealm: "x" }, [4], 2001)));
          }
        }),
      );
      s.on("error", () => undefined);
    });
    await new Promise<void>((r) => mute.listen(0, "127.0.0.1", () => r()));
    cleanups.push(() => new Promise<void>((r) => mute.close(() => r())));
    const port = (mute.address() as { port: number }).port;
    const states: string[] = [];
    await startClient(port, {
      watchdogMs: 40,
      reconnect: { initialDelayMs: 20, maxDelayMs: 40 },
      onStateChange: (s) => states.push(s),
    });
    await new Promise((r) => setTimeout(r, 400));
    expect(states.slice(0, 6)).toEqual(["connecting", "open", "suspect", "down", "connecting", "open"]);
    expect(connections).toBeGreaterThanOrEqual(2);
  });

  it("disconnects with DPR/DPA", async () => {
    const { server, port } = await startServer();
    const client = await startClient(port);
    expect(server.peers.length).toBe(1);
    await client.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(server.peers.length).toBe(0);
    expect(client.state).toBe("closed");
  });

  it("lets the server send a RAR to a connected client and get its RAA", async () => {
    const { server, port } = await startServer();
    await startClient(port, {
      onRequest: (req) =>
        makeAnswer(req, [
          req.avps[0] ?? avp("Session-Id", "x"),
          avp("Result-Code", 2001),
          avp("Origin-Host", "pgw.telsim.local"),
          avp("Origin-Realm", "telsim.local"),
        ]),
    });
    const raa = await server.request("pgw.telsim.local", {
      commandCode: CommandCode.ReAuth,
      applicationId: 4,
      avps: [
        avp("Session-Id", "s;1;1"),
        avp("Origin-Host", "ocs.telsim.local"),
        avp("Origin-Realm", "telsim.local"),
        avp("Destination-Realm", "telsim.local"),
        avp("Destination-Host", "pgw.telsim.local"),
        avp("Auth-Application-Id", 4),
        avp("Re-Auth-Request-Type", "AUTHORIZE_ONLY"),
      ],
    });
    expect(resultCode(raa)).toBe(2001);
  });
});

describe("hop-by-hop ids", () => {
  it("wrap at 2^32", () => {
    const ids = new HopByHopIds(() => (0xfffffffe + 0.5) / 0x100000000);
    expect([ids.take(), ids.take(), ids.take()]).toEqual([0xfffffffe, 0xffffffff, 0]);
  });
});
