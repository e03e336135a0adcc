/**
 * Wireshark as an independent decoder of what the real OCS puts on the wire: a whole in-process
 * core (CoreNode, memory store) with a provisioned subscriber answers a data session (CCR-I with
 * an empty Requested-Service-Unit, CCR-U, CCR-T) and an SMS event (DIRECT_DEBITING) from our Gy
 * client; dumpcap captures the core's Diameter port on lo; tshark's Diameter dissector must find
 * no malformed packet and no expert error, no warning but the empty RSU's "Data is empty", and
 * the values the OCS meant (grants, Validity-Time, thresholds, Cost-Information).
 *
 * Same rule as test/interop: skipped without tshark on a developer machine, a failure in CI.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MemoryLogger } from "../../core/diameter/logger.js";
import { CoreNode } from "../../core/node.js";
import { ALICE, addSubscriber, gyClient, OPEN_PLAN } from "../admin/helpers.js";
import { LoopbackCapture, readCapture } from "../interop/capture.js";
import { availability, findExecutable, sleep } from "../interop/tools.js";
import { answered, MB, subscriberMoney } from "./ocs-test-kit.js";
import {
  creditControlFrame,
  diameterWarningRows,
  fieldArgs,
  parseFieldFrames,
  pduList,
  tsharkComplaints,
  valuesOf,
} from "./tshark-fields.js";

const tshark = findExecutable("tshark");
const dumpcap = findExecutable("dumpcap");
const suite = availability("Wireshark decodes the OCS's Gy answers", "tshark", tshark);

const FIELDS = [
  "diameter.cmd.code",
  "diameter.flags.request",
  "diameter.Origin-Host",
  "diameter.Session-Id",
  "diameter.CC-Request-Type",
  "diameter.CC-Request-Number",
  "diameter.Subscription-Id-Data",
  "diameter.Requested-Action",
  "diameter.Result-Code",
  "diameter.Rating-Group",
  "diameter.CC-Total-Octets",
  "diameter.CC-Service-Specific-Units",
  "diameter.Validity-Time",
  "diameter.Volume-Quota-Threshold",
  "diameter.Value-Digits",
  "diameter.Exponent",
  "diameter.Currency-Code",
  "diameter.Address-Data",
] as const;

/** The shipped catalog: 10 MB by default, thresholds at 20 %, Validity-Time 600 s. */
const DEFAULT_GRANT = 10 * MB;
const OFF_NET = "375447777777";
/** business-unlim-1 (corporate rate card): an off-net SMS costs 0.10 BYN (ISO 4217 933). */
const SMS_OFF_NET = 10;

describe.runIf(suite.run)(suite.title, () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it("finds no malformed packet in the OCS's CCAs and decodes what it granted and charged", async () => {
    const tsharkPath = suite.requireTool();
    const dir = await mkdtemp(join(tmpdir(), "telsim-ocs-pcap-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, "ocs.pcapng");

    const node = await CoreNode.start({
      memory: true,
      diameterPort: 0,
      httpPort: 0,
      logger: new MemoryLogger(),
      feeIntervalMs: 3_600_000,
    });
    cleanups.push(() => node.stop());
    const base = `http://${node.httpAddress.host}:${node.httpAddress.port}`;
    expect((await addSubscriber(base, { plan: OPEN_PLAN, balance: "10.00" })).status).toBe(201);
    const corePort = node.diameterAddress.port;
    // (after a fee the core may charge on connection)
    const before = await subscriberMoney(base, ALICE.msisdn);

    // The capture's start-up probes go to a sink of their own, not to the core.
    const sink = createServer((s) => s.on("error", () => undefined).resume());
    await new Promise<void>((r) => sink.listen(0, "127.0.0.1", () => r()));
    cleanups.push(() => new Promise<void>((r) => sink.close(() => r())));
    const sinkPort = (sink.address() as { port: number }).port;
    const capture = await LoopbackCapture.start(dumpcap ?? tsharkPath, [corePort, sinkPort], file, 1);
    cleanups.push(() => capture.stop());

    const client = await gyClient(node);
    const ids = [
      { type: "E164" as const, data: ALICE.msisdn },
      { type: "IMSI" as const, data: ALICE.imsi },
    ];
    const s = client.session({ subscriptionIds: ids, calledStationId: "internet" });
    const i = answered(await s.initial([{ ratingGroup: 1, requested: {} }]));
    const u = answered(
      await s.update([
        {
          ratingGroup: 1,
          requested: { totalOctets: 5 * MB },
          used: [{ totalOctets: 3 * MB, reportingReason: "THRESHOLD" }],
        },
      ]),
    );
    const t = answered(await s.terminate([{ ratingGroup: 1, used: [{ totalOctets: MB }] }]));
    const sms = answered(
      await client.event({
        subscriptionIds: ids,
        requestedAction: "DIRECT_DEBITING",
        serviceContextId: "32274@3gpp.org",
        mscc: [{ ratingGroup: 3, requested: { serviceSpecificUnits: 1 } }],
        sms: { recipient: OFF_NET },
      }),
    );
    expect([i.resultCode, u.resultCode, t.resultCode, sms.resultCode]).toEqual([2001, 2001, 2001, 2001]);
    expect(sms.cost).toEqual({ minorUnits: SMS_OFF_NET, currencyCode: 933 });
    // What the OCS did is what the wire will say.
    const after = await subscriberMoney(base, ALICE.msisdn);
    expect(after.balance).toBe(before.balance - SMS_OFF_NET);
    await client.close();
    await sleep(300);
    const captureLog = await capture.stop();
    const ours = `tcp.port == ${corePort}`;

    // 1. Nothing malformed, no expert error.
    const bad = await readCapture(
      tsharkPath,
      file,
      [corePort],
      [
        "-Y",
        `(_ws.malformed || _ws.expert.severity == error) && ${ours}`,
        "-T",
        "fields",
        "-e",
        "frame.number",
      ],
    );
    expect(tsharkComplaints(bad.stderr), captureLog).toEqual([]);
    expect(bad.code).toBe(0);
    expect(bad.stdout.trim(), "malformed or erroneous frames").toBe("");

    // Diameter warnings: only the empty Requested-Service-Unit of the CCR-I (RFC 4006 §8.18: the
    // server picks the amount), which Wireshark reports as "Data is empty".
    const expert = await readCapture(tsharkPath, file, [corePort], ["-q", "-z", "expert,warn", "-Y", ours]);
    expect(diameterWarningRows(expert.stdout), expert.stdout).toEqual([
      { count: 1, summary: "Data is empty" },
    ]);

    // 2. The values, as the dissector decoded them.
    const read = await readCapture(
      tsharkPath,
      file,
      [corePort],
      ["-Y", `diameter && ${ours}`, ...fieldArgs(FIELDS)],
    );
    expect(tsharkComplaints(read.stderr)).toEqual([]);
    const frames = parseFieldFrames(read.stdout, FIELDS);
    const pdus = pduList(frames);
    const count = (command: number, request: boolean): number =>
      pdus.filter((p) => p.command === command && p.request === request).length;
    expect([count(257, true), count(257, false)], "CER/CEA").toEqual([1, 1]);
    expect([count(272, true), count(272, false)], "CCR/CCA").toEqual([4, 4]);
    expect([count(282, true), count(282, false)], "DPR/DPA").toEqual([1, 1]);

    const v = (frame: ReturnType<typeof creditControlFrame>, field: (typeof FIELDS)[number]) =>
      valuesOf(frame, field);

    const ccrI = creditControlFrame(frames, true, 1);
    expect(v(ccrI, "diameter.Subscription-Id-Data")).toEqual([ALICE.msisdn, ALICE.imsi]);
    expect(v(ccrI, "diameter.Session-Id")).toEqual([s.sessionId]);

    const ccaI = creditControlFrame(frames, false, 1);
    expect(v(ccaI, "diameter.Origin-Host")).toEqual(["ocs.telsim.local"]);
    expect(v(ccaI, "diameter.Session-Id")).toEqual([s.sessionId]);
    expect(v(ccaI, "diameter.CC-Request-Number")).toEqual(["0"]);
    // Result-Code at the command level and in the MSCC.
    expect(v(ccaI, "diameter.Result-Code")).toEqual(["2001", "2001"]);
    expect(v(ccaI, "diameter.Rating-Group")).toEqual(["1"]);
    expect(v(ccaI, "diameter.CC-Total-Octets")).toEqual([String(DEFAULT_GRANT)]);
    expect(v(ccaI, "diameter.Validity-Time")).toEqual(["600"]);
    expect(v(ccaI, "diameter.Volume-Quota-Threshold")).toEqual([String(Math.floor(DEFAULT_GRANT * 0.2))]);

    const ccrU = creditControlFrame(frames, true, 2);
    expect(v(ccrU, "diameter.CC-Request-Number")).toEqual(["1"]);
    expect(new Set(v(ccrU, "diameter.CC-Total-Octets"))).toEqual(new Set([String(5 * MB), String(3 * MB)]));

    const ccaU = creditControlFrame(frames, false, 2);
    expect(v(ccaU, "diameter.Result-Code")).toEqual(["2001", "2001"]);
    expect(v(ccaU, "diameter.CC-Total-Octets")).toEqual([String(5 * MB)]);
    expect(v(ccaU, "diameter.Validity-Time")).toEqual(["600"]);
    expect(v(ccaU, "diameter.Volume-Quota-Threshold")).toEqual([String(MB)]);

    const ccaT = creditControlFrame(frames, false, 3);
    expect(v(ccaT, "diameter.Result-Code")[0]).toBe("2001");
    expect(v(ccaT, "diameter.CC-Total-Octets")).toEqual([]);
    expect(v(ccaT, "diameter.Validity-Time")).toEqual([]);

    const ccrE = creditControlFrame(frames, true, 4);
    expect(v(ccrE, "diameter.Requested-Action")).toEqual(["0"]); // DIRECT_DEBITING
    expect(v(ccrE, "diameter.Address-Data")).toEqual([OFF_NET]);
    expect(v(ccrE, "diameter.CC-Service-Specific-Units")).toEqual(["1"]);

    const ccaE = creditControlFrame(frames, false, 4);
    expect(v(ccaE, "diameter.Result-Code")).toEqual(["2001", "2001"]);
    expect(v(ccaE, "diameter.Rating-Group")).toEqual(["3"]);
    expect(v(ccaE, "diameter.CC-Service-Specific-Units")).toEqual(["1"]);
    // Cost-Information: 10 × 10^-2 BYN.
    expect(v(ccaE, "diameter.Value-Digits")).toEqual([String(SMS_OFF_NET)]);
    expect(v(ccaE, "diameter.Exponent")).toEqual(["-2"]);
    expect(v(ccaE, "diameter.Currency-Code")).toEqual(["933"]);
  }, 45_000);
});
