/**
 * SMPP steps: the shipped esme-throttling scenario (an ESME with tps 50 offered 200 submit_sm/s)
 * through the runner API, the exact outcomes of smpp.bind / smpp.submit / smpp.unbind against the
 * embedded core's SMSC, and the validation errors of `core.smsc` and the SMPP steps.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenarioFile } from "../../scenarios/runner/load-scenario.js";
import { runLoadedScenario } from "../../scenarios/runner/run-scenario.js";
import { ROOT, telsim } from "../cli.js";
import { count, problemsOf, run } from "./helpers.js";

const out = mkdtempSync(join(tmpdir(), "telsim-esme-"));

/** One ESME scenario on the embedded core; `steps` YAML indented by 6. */
function esme(steps: string, smsc = "", load = "{ model: closed, users: 1, iterations: 1 }"): string {
  return `name: t
core:
  type: embedded
  smsc:
    accounts:
      - { systemId: bulk, password: bulkpw, tps: 100, dailyQuota: 7 }
      - { systemId: tx, password: txpw, bindModes: [transmitter] }
    outcome: { mode: percentage, percentages: { DELIVRD: 100 }, delaySeconds: 0 }
${smsc}population:
  groups:
    - { name: g, count: 3, plan: business-unlim-1, balance: "5.00" }
flows:
  - name: f
    steps:
${steps}
load: ${load}
`;
}

describe("esme-throttling.yaml", () => {
  it("a share is throttled (0x58), every accepted submit gets a DELIVRD receipt, the SMSC stays up", async () => {
    const r = await runLoadedScenario(
      await loadScenarioFile(join(ROOT, "scenarios/library/esme-throttling.yaml")),
    );
    expect(r.problems).toEqual([]);
    expect(r.thresholds.filter((t) => !t.ok)).toEqual([]);
    expect(r.status).toBe("passed");
    const ok = count(r, "smpp.submits", "status=ESME_ROK");
    const throttled = count(r, "smpp.submits", "status=ESME_RTHROTTLED");
    expect(count(r, "smpp.binds", "system=bulk", "result=ESME_ROK")).toBe(1);
    expect(ok + throttled).toBe(1000);
    expect(count(r, "smpp.submits")).toBe(1000);
    expect(throttled).toBeGreaterThan(500);
    // 50 per second after a burst of 50, over 5 s: about 300 accepted.
    expect(ok).toBeGreaterThan(250);
    expect(ok).toBeLessThan(360);
    // Every accepted message has its receipt; 98 % DELIVRD by the SMSC's seeded draw.
    expect(count(r, "sms.dlr")).toBe(ok);
    expect(count(r, "sms.dlr", "stat=DELIVRD") + count(r, "sms.dlr", "stat=UNDELIV")).toBe(ok);
    expect(count(r, "smpp.receipts.missing")).toBe(0);
    expect(r.realMs).toBeLessThan(15_000);
  });
});

describe("smpp steps", () => {
  it("bind once, submit with receipts up to the daily quota, unbind, then not-bound", async () => {
    const r = await run(
      esme(`      - smpp.bind: { systemId: bulk, password: bulkpw }
      - check: { name: bound, outcome: bound }
      - smpp.submit: { to: "375291234567", receipt: 2s }
      - check: { name: "accepted and delivered", outcome: ESME_ROK, receipt: DELIVRD }
      - loop:
          times: 7
          steps:
            - smpp.submit: { receipt: 2s }
      - check: { name: "the eighth is over the daily quota of 7", outcome: ESME_RTHROTTLED }
      - smpp.unbind: {}
      - check: { name: unbound, outcome: unbound }
      - smpp.submit: {}
      - check: { name: "not bound any more", outcome: not-bound }
      - smpp.bind: { systemId: bulk, password: bulkpw }
      - smpp.submit: { registeredDelivery: none }
      - check: { name: "a new bind, but the quota is the account's", outcome: ESME_RTHROTTLED }`),
    );
    expect(r.problems).toEqual([]);
    expect(r.checks.filter((c) => c.failures > 0 || c.passes !== 1)).toEqual([]);
    expect(count(r, "smpp.binds", "result=ESME_ROK")).toBe(2);
    expect(count(r, "smpp.submits", "status=ESME_ROK")).toBe(7);
    expect(count(r, "smpp.submits", "status=ESME_RTHROTTLED")).toBe(2);
    expect(count(r, "smpp.submits", "status=not-bound")).toBe(1);
    expect(count(r, "sms.dlr", "stat=DELIVRD")).toBe(7);
    expect(count(r, "smpp.receipts.missing")).toBe(0);
    expect(r.status).toBe("passed");
  });

  it("a wrong password is the bind's outcome, a submit without a bind is not-bound", async () => {
    const r = await run(
      esme(`      - smpp.bind: { systemId: bulk, password: wrong }
      - check: { outcome: ESME_RINVPASWD }
      - smpp.submit: {}
      - check: { outcome: not-bound }`),
    );
    expect(r.checks.filter((c) => c.failures > 0)).toEqual([]);
    expect(count(r, "smpp.binds", "system=bulk", "result=ESME_RINVPASWD")).toBe(1);
    expect(r.status).toBe("passed");
  });

  it("with the default SMSC (no core.smsc) the demo account binds", async () => {
    const r = await run(`name: t
core: { type: embedded }
population:
  groups:
    - { name: g, count: 1, plan: business-unlim-1, balance: "5.00" }
flows:
  - name: f
    steps:
      - smpp.bind: { systemId: demo, password: demopass, mode: transmitter }
      - smpp.submit: { destination: off-net }
      - check: { outcome: ESME_ROK }
load: { model: closed, users: 1, iterations: 2 }
`);
    expect(r.checks.filter((c) => c.failures > 0)).toEqual([]);
    expect(count(r, "smpp.binds")).toBe(1);
    expect(count(r, "smpp.submits", "system=demo", "status=ESME_ROK")).toBe(2);
  });
});

describe("validation", () => {
  it.each([
    [
      "a negative tps in core.smsc (schema)",
      esme("      - smpp.bind: { systemId: bulk, password: bulkpw }").replace("tps: 100,", "tps: -5,"),
      /^6: core\.smsc\.accounts\[0\]\.tps: must be >= 0/,
    ],
    [
      "percentages that do not add up to 100 (the config file's own check)",
      esme("      - smpp.bind: { systemId: bulk, password: bulkpw }").replace("DELIVRD: 100", "DELIVRD: 90"),
      /^8: core\.smsc\.outcome\.percentages: must add up to 100 \(they add up to 90\)$/,
    ],
    [
      "an unknown field in an account",
      esme("      - smpp.bind: { systemId: bulk, password: bulkpw }").replace(
        "tps: 100,",
        "tps: 100, speed: 3,",
      ),
      /^6: core\.smsc\.accounts\[0\]\.speed: unknown field$/,
    ],
    [
      "a submit naming a bind nobody binds",
      esme(`      - smpp.bind: { systemId: bulk, password: bulkpw }
      - smpp.submit: { bind: other }`),
      /^16: flows\[0\]\.steps\[1\]\.smpp\.submit\.bind: no smpp\.bind step binds "other" \(binds: bulk\)$/,
    ],
    [
      "a submit without any bind",
      esme("      - smpp.submit: {}"),
      /^15: flows\[0\]\.steps\[0\]\.smpp\.submit: smpp\.submit needs a bind: add an smpp\.bind step/,
    ],
    [
      "a receipt on a transmitter bind",
      esme(`      - smpp.bind: { systemId: tx, password: txpw, mode: transmitter }
      - smpp.submit: { receipt: 1s }`),
      /^16: flows\[0\]\.steps\[1\]\.smpp\.submit\.receipt: bind "tx" is a transmitter: receipts come only to receiver or transceiver binds$/,
    ],
    [
      "a receipt without registered delivery",
      esme(`      - smpp.bind: { systemId: bulk, password: bulkpw }
      - smpp.submit: { registeredDelivery: none, receipt: 1s }`),
      /^16: flows\[0\]\.steps\[1\]\.smpp\.submit\.receipt: waiting for a receipt needs registeredDelivery: final$/,
    ],
    [
      "SMPP steps in worker threads",
      esme(
        "      - smpp.bind: { systemId: bulk, password: bulkpw }",
        "",
        "{ model: closed, users: 1, iterations: 1, workers: 1 }",
      ),
      /^15: flows\[0\]\.steps\[0\]\.smpp\.bind: step smpp\.bind needs an SMSC to bind to/,
    ],
    [
      "a threshold on an SMPP metric no flow records",
      esme("      - wait: 1s") + "thresholds:\n  - sms.dlr{stat=DELIVRD}.ratio >= 0.95\n",
      /^18: thresholds\[0\]: metric sms\.dlr comes from step smpp\.submit, which no flow of this scenario uses$/,
    ],
  ])("%s", async (_what, yaml, message) => {
    const problems = await problemsOf(yaml);
    expect(
      problems.some((p) => message.test(p)),
      problems.join("\n"),
    ).toBe(true);
  });

  it("the CLI exits 2 with file:line: field for a bad core.smsc", async () => {
    const file = join(out, "bad-smsc.yaml");
    writeFileSync(
      file,
      esme("      - smpp.bind: { systemId: bulk, password: bulkpw }").replace("tps: 100,", 'tps: "fast",'),
    );
    const r = await telsim(["run", file, "--no-progress"]);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain(`${file}:6: core.smsc.accounts[0].tps: must be a whole number`);
  });
});
