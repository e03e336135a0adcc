/**
 * Wireshark as an independent decoder of our wire format: capture our own Gy traffic on lo
 * (CER/CEA, CCR-I/U/T with the fixture content and the fixture CCA, DWR/DWA both ways, DPR/DPA),
 * then read the capture back with tshark's Diameter dissector. No packet may be malformed or
 * carry an expert error, and the AVP values must come out as we meant them.
 *
 * A negative control on a second port (one deliberately broken message) proves that the
 * malformed/error query does see what it is meant to see.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, connect as tcpConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildCer } from "../../core/diameter/capabilities.js";
import { DiameterClient } from "../../core/diameter/client.js";
import { CommandCode } from "../../core/diameter/dictionary/commands.js";
import { encodeMessage } from "../../core/diameter/encoder.js";
import { MemoryLogger } from "../../core/diameter/logger.js";
import { DiameterServer } from "../../core/diameter/server.js";
import { LoopbackCapture, readCapture } from "./capture.js";
import { CCR_FIXTURES, ccaFor, ccrAvps, type Party } from "./gy-messages.js";
import { availability, findExecutable, sleep, waitUntil } from "./tools.js";

const OCS: Party = { originHost: "ocs.telsim.local", originRealm: "telsim.local" };
const PGW: Party = { originHost: "pgw.telsim.local", originRealm: "telsim.local" };
const PGW_B: Party = { originHost: "pgw-b.telsim.local", originRealm: "telsim.local" };
const SESSION = "pgw.telsim.local;1700000000;7";
const WATCHDOG_MS = 300;

const tshark = findExecutable("tshark");
const dumpcap = findExecutable("dumpcap");
const suite = availability("Wireshark decodes our Gy traffic", "tshark", tshark);

/** The fields we read back, one column each (Wireshark's names for the Diameter AVPs). */
const FIELDS = [
  "diameter.cmd.code",
  "diameter.flags.request",
  "diameter.Origin-Host",
  "diameter.Session-Id",
  "diameter.Auth-Application-Id",
  "diameter.CC-Request-Type",
  "diameter.CC-Request-Number",
  "diameter.Subscription-Id-Data",
  "diameter.Rating-Group",
  "diameter.CC-Total-Octets",
  "diameter.CC-Input-Octets",
  "diameter.Called-Station-Id",
  "diameter.3GPP-Charging-Id",
  "diameter.Result-Code",
  "diameter.Validity-Time",
  "diameter.Volume-Quota-Threshold",
  "diameter.Final-Unit-Action",
  "diameter.Redirect-Server-Address",
  "diameter.Max-Requested-Bandwidth-UL",
] as const;
type Field = (typeof FIELDS)[number];

/** One captured frame: every value of every field (a frame may hold several Diameter PDUs). */
type Frame = Map<Field, string[]>;

/** `-T fields` output, with `|` between the values of one field in one frame. */
function parseFrames(stdout: string): Frame[] {
  return stdout
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const columns = line.split("\t");
      return new Map(
        FIELDS.map((f, i) => [f, (columns[i] ?? "").split("|").filter((v) => v !== "")] as const),
      );
    });
}

const values = (frame: Frame, field: Field): string[] => frame.get(field) ?? [];

/** Each PDU of each frame as (command, request?, Origin-Host): these three occur once per PDU. */
function pdus(frames: Frame[]): { command: number; request: boolean; originHost: string }[] {
  return frames.flatMap((f) => {
    const commands = values(f, "diameter.cmd.code");
    const requests = values(f, "diameter.flags.request");
    const hosts = values(f, "diameter.Origin-Host");
    return commands.map((c, i) => ({
      command: Number(c),
      request: requests[i] === "1" || requests[i] === "True",
      originHost: hosts[i] ?? "",
    }));
  });
}

/** The frame carrying the CCR (request) or CCA of one CC-Request-Type. */
function ccFrame(frames: Frame[], request: boolean, requestType: number): Frame {
  const found = frames.find((f) => {
    const commands = values(f, "diameter.cmd.code");
    const flags = values(f, "diameter.flags.request");
    const isCc = commands.some(
      (c, i) => c === "272" && (flags[i] === "1" || flags[i] === "True") === request,
    );
    return isCc && values(f, "diameter.CC-Request-Type").includes(String(requestType));
  });
  if (found === undefined) throw new Error(`no ${request ? "CCR" : "CCA"} of type ${requestType}`);
  return found;
}

/** The Diameter rows of the "Warns" table of `tshark -q -z expert,warn`. */
function diameterWarnings(report: string): { count: number; summary: string }[] {
  const rows: { count: number; summary: string }[] = [];
  let inWarnings = false;
  for (const line of report.split("\n")) {
    const section = /^(Errors|Warns|Notes|Chats|Comments) \(/.exec(line);
    if (section !== null) inWarnings = section[1] === "Warns";
    const row = /^\s+(\d+)\s+\S+\s+Diameter\s+(.*)$/.exec(line);
    if (inWarnings && row !== null) rows.push({ count: Number(row[1]), summary: (row[2] ?? "").trim() });
  }
  return rows;
}

/** tshark's stderr without the notice it prints whenever it runs as root. */
const complaints = (stderr: string): string[] =>
  stderr.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("Running as user"));

describe.runIf(suite.run)(suite.title, () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it("finds no malformed packet in a capture of our Gy traffic and decodes the AVP values", async () => {
    const tsharkPath = suite.requireTool();
    const dir = await mkdtemp(join(tmpdir(), "telsim-pcap-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, "gy.pcapng");
    const logger = new MemoryLogger();

    // Receiving any message restarts a watchdog (RFC 3539), so on one link only the side with
    // the shorter Tw ever sends DWRs. Two links give both directions: on the Gy link the server
    // watches (our server's DWR, our client's DWA), on the second link the client does.
    const startServer = async (watchdogMs?: number) => {
      const server = new DiameterServer({
        identity: OCS,
        logger,
        ...(watchdogMs !== undefined ? { watchdogMs } : {}),
        handler: (request) => ccaFor(request, OCS),
      });
      const { port } = await server.listen();
      cleanups.push(() => server.close());
      return { server, port };
    };
    const gy = await startServer(WATCHDOG_MS);
    const second = await startServer();
    // The negative control: a sink that takes one broken message on its own port (and the
    // capture's probe connections).
    const sinkBytes: number[] = [];
    const sink = createServer((s) => {
      s.on("data", (c: Buffer) => sinkBytes.push(c.length));
      s.on("error", () => undefined);
    });
    await new Promise<void>((r) => sink.listen(0, "127.0.0.1", () => r()));
    cleanups.push(() => new Promise<void>((r) => sink.close(() => r())));
    const sinkPort = (sink.address() as { port: number }).port;
    const ports = [gy.port, second.port, sinkPort];

    // The ports are ours before the capture starts: nothing else can match the filter.
    const capture = await LoopbackCapture.start(dumpcap ?? tsharkPath, ports, file);
    cleanups.push(() => capture.stop());

    const connectClient = async (port: number, identity: Party, watchdogMs?: number) => {
      const client = new DiameterClient({
        host: "127.0.0.1",
        port,
        identity,
        logger,
        reconnect: false,
        ...(watchdogMs !== undefined ? { watchdogMs } : {}),
      });
      cleanups.push(() => client.close());
      await client.connect();
      return client;
    };
    const client = await connectClient(gy.port, PGW);
    const watcher = await connectClient(second.port, PGW_B, WATCHDOG_MS);
    for (const { name, message } of CCR_FIXTURES) {
      const cca = await client.request({
        commandCode: CommandCode.CreditControl,
        applicationId: 4,
        avps: ccrAvps(message, PGW, OCS.originRealm, SESSION),
      });
      expect(cca.avps.find((a) => a.code === 268)?.value, name).toBe(2001);
    }
    // Silence for longer than Tw: DWR/DWA on both links.
    await sleep(3 * WATCHDOG_MS);
    await client.close();
    await watcher.close();

    // A CER whose first AVP claims to run past the end of the message.
    const broken = Buffer.from(encodeMessage(buildCer(PGW, [4], 1, 1)));
    broken.writeUIntBE(broken.length, 20 + 5, 3);
    const raw = tcpConnect({ host: "127.0.0.1", port: sinkPort });
    raw.on("error", () => undefined);
    await new Promise<void>((r) => raw.once("connect", () => r()));
    raw.end(broken);
    await waitUntil(
      () => sinkBytes.reduce((a, b) => a + b, 0) >= broken.length,
      3000,
      () => "the sink to get the broken message",
    );
    await gy.server.close();
    await second.server.close();
    await sleep(300);
    const captureLog = await capture.stop();
    const ours = `(tcp.port == ${gy.port} || tcp.port == ${second.port})`;

    // 1. Malformed packets and expert errors: only the broken message on the sink's port.
    const bad = await readCapture(tsharkPath, file, ports, [
      "-Y",
      "_ws.malformed || _ws.expert.severity == error",
      "-T",
      "fields",
      "-e",
      "tcp.dstport",
    ]);
    expect(complaints(bad.stderr), captureLog).toEqual([]);
    expect(bad.code).toBe(0);
    const badPorts = bad.stdout.split("\n").filter((l) => l !== "");
    expect(badPorts.length, "the negative control must be seen as malformed").toBeGreaterThan(0);
    expect(
      badPorts.every((p) => p === String(sinkPort)),
      bad.stdout,
    ).toBe(true);

    // Diameter warnings on our ports: only the empty grouped Requested-Service-Unit of CCR-I and
    // CCR-U, which RFC 4006 §8.18 allows (the server picks the amount): "Data is empty".
    // (TCP's own notes and warnings, e.g. about segments under load, are not ours to judge.)
    const expert = await readCapture(tsharkPath, file, ports, ["-q", "-z", "expert,warn", "-Y", ours]);
    expect(diameterWarnings(expert.stdout), expert.stdout).toEqual([{ count: 2, summary: "Data is empty" }]);

    // 2. The values, as Wireshark's dissector decoded them.
    const read = await readCapture(tsharkPath, file, ports, [
      "-Y",
      `diameter && ${ours}`,
      "-T",
      "fields",
      "-E",
      "separator=\t",
      "-E",
      "occurrence=a",
      "-E",
      "aggregator=|",
      ...FIELDS.flatMap((f) => ["-e", f]),
    ]);
    expect(complaints(read.stderr)).toEqual([]);
    const frames = parseFrames(read.stdout);
    const all = pdus(frames);
    const count = (command: number, request: boolean, originHost?: string): number =>
      all.filter(
        (p) =>
          p.command === command &&
          p.request === request &&
          (originHost === undefined || p.originHost === originHost),
      ).length;

    expect(count(257, true, PGW.originHost)).toBe(1);
    expect(count(257, true, PGW_B.originHost)).toBe(1);
    expect(count(257, false, OCS.originHost)).toBe(2);
    expect(count(272, true, PGW.originHost)).toBe(3);
    expect(count(272, false, OCS.originHost)).toBe(3);
    // Server → client on the Gy link, client → server on the second one.
    expect(count(280, true, OCS.originHost)).toBeGreaterThanOrEqual(1);
    expect(count(280, false, PGW.originHost)).toBeGreaterThanOrEqual(1);
    expect(count(280, true, PGW_B.originHost)).toBeGreaterThanOrEqual(1);
    expect(count(280, false, OCS.originHost)).toBeGreaterThanOrEqual(1);
    expect(count(282, true, PGW.originHost)).toBe(1);
    expect(count(282, true, PGW_B.originHost)).toBe(1);
    expect(count(282, false, OCS.originHost)).toBe(2);

    const ccrI = ccFrame(frames, true, 1);
    expect(values(ccrI, "diameter.Session-Id")).toEqual([SESSION]);
    expect(values(ccrI, "diameter.Auth-Application-Id")).toEqual(["4"]);
    expect(values(ccrI, "diameter.CC-Request-Number")).toEqual(["0"]);
    expect(values(ccrI, "diameter.Subscription-Id-Data")).toEqual(["375291234567", "257010000000001"]);
    expect(values(ccrI, "diameter.Rating-Group")).toEqual(["1"]);
    expect(values(ccrI, "diameter.Called-Station-Id")).toEqual(["internet"]);
    expect(values(ccrI, "diameter.3GPP-Charging-Id")).toEqual(["deadbeef"]);

    const ccrU = ccFrame(frames, true, 2);
    expect(values(ccrU, "diameter.CC-Request-Number")).toEqual(["1"]);
    expect(values(ccrU, "diameter.CC-Total-Octets")).toEqual(["1048576"]);
    expect(values(ccrU, "diameter.CC-Input-Octets")).toEqual(["48576"]);

    const ccrT = ccFrame(frames, true, 3);
    expect(values(ccrT, "diameter.CC-Request-Number")).toEqual(["2"]);
    // 2^40: needs all 64 bits of the Unsigned64.
    expect(values(ccrT, "diameter.CC-Total-Octets")).toEqual(["1099511627776"]);

    for (const type of [1, 2]) {
      const cca = ccFrame(frames, false, type);
      expect(values(cca, "diameter.Session-Id")).toEqual([SESSION]);
      // Result-Code at the top level and in the MSCC.
      expect(values(cca, "diameter.Result-Code")).toEqual(["2001", "2001"]);
      expect(values(cca, "diameter.Rating-Group")).toEqual(["1"]);
      expect(values(cca, "diameter.CC-Total-Octets")).toEqual(["10485760"]);
      expect(values(cca, "diameter.Validity-Time")).toEqual(["600"]);
      expect(values(cca, "diameter.Volume-Quota-Threshold")).toEqual(["1048576"]);
      expect(values(cca, "diameter.Final-Unit-Action")).toEqual(["1"]); // REDIRECT
      expect(values(cca, "diameter.Redirect-Server-Address")).toEqual(["http://127.0.0.1:8080/topup"]);
      expect(values(cca, "diameter.Max-Requested-Bandwidth-UL")).toEqual(["512000"]);
    }
    const ccaT = ccFrame(frames, false, 3);
    expect(values(ccaT, "diameter.Result-Code")).toEqual(["2001"]);
    expect(values(ccaT, "diameter.Validity-Time")).toEqual([]);
  }, 45_000);
});
