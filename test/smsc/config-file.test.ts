/** The `smsc:` section of the config file: the documented example parses, mistakes are all listed. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DEFAULT_SMSC_CONFIG, DEMO_ACCOUNT } from "../../core/smsc/smsc-config.js";
import { SmscConfigError, smscConfigFrom } from "../../core/smsc/smsc-config-file.js";

/** The YAML example in smsc-config-file.ts's header comment, as a reader sees it. */
function documentedExample(): unknown {
  const source = readFileSync(new URL("../../core/smsc/smsc-config-file.ts", import.meta.url), "utf8");
  const header = source.slice(source.indexOf("Example (YAML):"), source.indexOf("*/"));
  const lines = header
    .split("\n")
    .slice(1)
    .map((l) => l.replace(/^ \* ?/, ""))
    .filter((l) => l.trim() !== "");
  return parse(lines.join("\n"));
}

describe("smsc config file", () => {
  it("gives the defaults, with the demo account, when the section is missing", () => {
    expect(smscConfigFrom(undefined)).toBe(DEFAULT_SMSC_CONFIG);
    expect(DEFAULT_SMSC_CONFIG.accounts).toEqual([DEMO_ACCOUNT]);
    expect(DEMO_ACCOUNT).toMatchObject({ systemId: "demo", password: "demopass" });
  });

  it("reads the documented example", () => {
    const config = smscConfigFrom((documentedExample() as { smsc: unknown }).smsc);
    expect(config.systemId).toBe("TELSIM");
    expect(config.accounts.map((a) => a.systemId)).toEqual(["demo", "bulk"]);
    expect(config.accounts[1]).toEqual({
      systemId: "bulk",
      password: "s3cret",
      bindModes: ["transmitter", "receiver", "transceiver"],
      maxBinds: 2,
      tps: 50,
      burst: 50,
      window: 100,
      dailyQuota: 100000,
      chargingMsisdn: "375290000001",
      messageIdFormat: "decimal",
    });
    expect(config.outcome).toEqual({
      mode: "percentage",
      delayMs: 1000,
      weights: [
        { state: "DELIVERED", percent: 90 },
        { state: "UNDELIVERABLE", percent: 5 },
        { state: "EXPIRED", percent: 5 },
      ],
    });
    expect(config.routes).toEqual({ handsetPrefixes: ["375"], esme: [{ prefix: "7000", systemId: "bulk" }] });
    expect(config.defaultValidityMs).toBe(24 * 3_600_000);
    expect(config.retry).toMatchObject({ handsetDelaysMs: [60_000, 300_000], esmeResponseTimeoutMs: 10_000 });
    expect(config.limits).toMatchObject({ maxPendingMessages: 500000, finalRetentionMs: 600_000 });
    expect(config.utcOffsetMinutes).toBe(180);
  });

  it("lists every problem at once", () => {
    let error: unknown;
    try {
      smscConfigFrom({
        accounts: [
          { systemId: "waytoolongsystemid", password: "x" },
          { systemId: "a", password: "p", tps: -1, bindModes: ["sideways"], colour: "red" },
          { systemId: "a", password: "p" },
        ],
        outcome: { mode: "percentage", percentages: { DELIVRD: 90, SOMETIMES: 5 } },
        routes: { esme: [{ prefix: "7000" }] },
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SmscConfigError);
    expect((error as SmscConfigError).problems).toEqual([
      "smsc.accounts[0].systemId: must be 1 to 15 printable characters",
      "smsc.accounts[1].colour: unknown field (expected systemId, password, bindModes, maxBinds, tps, burst, window, dailyQuota, chargingMsisdn, messageIdFormat)",
      "smsc.accounts[1].bindModes: must list some of transmitter, receiver, transceiver",
      "smsc.accounts[1].tps: must be a whole number from 0 to 1000000",
      "smsc.accounts[2].systemId: a is configured twice",
      "smsc.outcome.percentages.SOMETIMES: not a final state (DELIVRD, UNDELIV, EXPIRED, …)",
      "smsc.outcome.percentages: must add up to 100 (they add up to 90)",
      'smsc.routes.esme[0]: give prefix and esme, like { prefix: "7000", esme: demo }',
    ]);
  });
});
