import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { telsim } from "../../cli.js";
import { StubOcs } from "./gy-ocs-stub.js";

let ocs: StubOcs;
beforeAll(async () => {
  ocs = await StubOcs.start();
});
afterAll(() => ocs.close());

describe("telsim gy ccr", () => {
  it("sends a CCR-I and prints the CCA as JSON", async () => {
    const r = await telsim([
      "gy",
      "--port",
      String(ocs.port),
      "ccr",
      "--type",
      "initial",
      "--msisdn",
      "375291234567",
      "--rg",
      "1",
      "--octets",
      "1048576",
    ]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      resultCode: 2001,
      result: "DIAMETER_SUCCESS",
      requestType: "INITIAL",
      mscc: [{ ratingGroup: 1, resultCode: 2001, granted: { totalOctets: 1_000_000 }, validityTime: 60 }],
    });
    const seen = ocs.seen.at(-1)?.ccr;
    expect(seen?.mscc[0]?.requested).toEqual({ totalOctets: 1_048_576 });
    expect(seen?.subscriptionIds).toEqual([{ type: "E164", data: "375291234567" }]);
  });

  it("reports used units on terminate and shows the FUI of the answer", async () => {
    ocs.script = () => ({
      mscc: [
        {
          ratingGroup: 1,
          resultCode: 2001,
          finalUnitIndication: { action: "REDIRECT", redirectUrl: "http://t/" },
        },
      ],
    });
    const r = await telsim([
      "gy",
      "--port",
      String(ocs.port),
      "ccr",
      "--type",
      "terminate",
      "--session",
      "gy-cli;1;1",
      "--request-number",
      "2",
      "--msisdn",
      "375291234567",
      "--used",
      "5000",
    ]);
    ocs.script = () => ({});
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).mscc[0].finalUnitIndication).toEqual({
      action: "REDIRECT",
      redirectUrl: "http://t/",
    });
    const seen = ocs.seen.at(-1)?.ccr;
    expect(seen).toMatchObject({ sessionId: "gy-cli;1;1", requestNumber: 2, requestType: "TERMINATION" });
    expect(seen?.mscc[0]?.used).toEqual([{ totalOctets: 5000, reportingReason: "FINAL" }]);
  });

  it("sends an SMS event with service-specific units", async () => {
    const r = await telsim([
      "gy",
      "--port",
      String(ocs.port),
      "ccr",
      "--type",
      "event",
      "--msisdn",
      "375291234567",
      "--rg",
      "3",
      "--units",
      "1",
    ]);
    expect(r.status).toBe(0);
    expect(ocs.seen.at(-1)?.ccr).toMatchObject({
      requestType: "EVENT",
      requestedAction: "DIRECT_DEBITING",
      serviceContextId: "32274@3gpp.org",
    });
  });

  it("exits 1 when the answer is not a success", async () => {
    ocs.script = () => ({ resultCode: 5030, mscc: [] });
    const r = await telsim([
      "gy",
      "--port",
      String(ocs.port),
      "ccr",
      "--type",
      "initial",
      "--msisdn",
      "375290000000",
    ]);
    ocs.script = () => ({});
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).result).toBe("DIAMETER_USER_UNKNOWN");
  });

  it("exits 3 with the reason when the OCS is unreachable or silent", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", () => r()));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const r = await telsim([
      "gy",
      "--port",
      String(port),
      "--timeout",
      "1000",
      "ccr",
      "--type",
      "initial",
      "--msisdn",
      "375291234567",
    ]);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/cannot reach the OCS at 127\.0\.0\.1:\d+: .*ECONNREFUSED/);
    ocs.script = () => "ignore";
    const silent = await telsim([
      "gy",
      "--port",
      String(ocs.port),
      "--timeout",
      "300",
      "ccr",
      "--type",
      "initial",
      "--msisdn",
      "375291234567",
    ]);
    ocs.script = () => ({});
    expect(silent.status).toBe(3);
    expect(silent.stderr).toMatch(/Tx expired/);
  });

  it("exits 2 naming the option for bad input", async () => {
    const bad = await telsim(["gy", "--port", "70000", "ccr", "--type", "initial", "--msisdn", "1"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--port must be 1-65535/);
    const type = await telsim(["gy", "ccr", "--type", "sideways", "--msisdn", "375291234567"]);
    expect(type.status).toBe(2);
    expect(type.stderr).toMatch(/--type/);
    const both = await telsim([
      "gy",
      "ccr",
      "--type",
      "initial",
      "--msisdn",
      "375291234567",
      "--octets",
      "1",
      "--seconds",
      "1",
    ]);
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/only one of --octets, --seconds, --units/);
    const who = await telsim(["gy", "ccr", "--type", "initial"]);
    expect(who.status).toBe(2);
    expect(who.stderr).toMatch(/--msisdn or --imsi/);
  });
});
