/**
 * Handset-level steps: the shipped scenarios pin-puk, ussd-tour and busy-hour run through the
 * runner API against the embedded core with its network edge (real SIMs, AKA, USSD gateway,
 * SMSC), plus the exact outcomes of each step and the validation errors of scenarios that cannot
 * have handsets.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenarioFile } from "../../scenarios/runner/load-scenario.js";
import type { ScenarioResult } from "../../scenarios/runner/result.js";
import { runLoadedScenario } from "../../scenarios/runner/run-scenario.js";
import { ROOT, telsim } from "../cli.js";
import { count, problemsOf, run } from "./helpers.js";

const LIBRARY = join(ROOT, "scenarios", "library");

async function library(file: string): Promise<ScenarioResult> {
  return runLoadedScenario(await loadScenarioFile(join(LIBRARY, file)));
}

function failedChecks(r: ScenarioResult): string[] {
  return r.checks.filter((c) => c.failures > 0 || c.passes === 0).map((c) => c.name);
}

/** One handset (one subscriber), one pass through `steps` (YAML indented by 6). */
function oneHandset(
  steps: string,
  group = `{ name: g, count: 2, plan: business-unlim-1, balance: "20.00" }`,
) {
  return `name: t
core: { type: embedded }
population:
  groups:
    - ${group}
  pick: unique
flows:
  - name: f
    steps:
${steps}
load: { model: closed, users: 1, iterations: 1 }
`;
}

describe("shipped handset scenarios", () => {
  it("pin-puk: PIN tries 3 → 2 → 1 → 0, PUK required, unblock, attach", async () => {
    const r = await library("pin-puk.yaml");
    expect(r.problems).toEqual([]);
    expect(failedChecks(r)).toEqual([]);
    expect(r.status).toBe("passed");
    expect(r.exitCode).toBe(0);
    expect(r.checks.map((c) => c.name)).toEqual([
      "power-on asks for the PIN (3 tries)",
      "a locked SIM does not attach",
      "wrong PIN 1: 2 tries left",
      "wrong PIN 2: 1 try left",
      "wrong PIN 3: PUK required",
      "the right PIN no longer helps",
      "a blocked SIM does not attach",
      "wrong PUK: 9 tries left",
      "PUK unblocks with a new PIN",
      "attach after the unblock",
      "after a power cycle the PIN is asked again",
      "the new PIN works",
      "attach with the new PIN",
    ]);
    expect(count(r, "handset.sim.ops", "op=pin", "outcome=wrong-pin")).toBe(2);
    expect(count(r, "handset.sim.ops", "op=pin", "outcome=puk-required")).toBe(2);
    expect(count(r, "handset.sim.ops", "op=puk", "outcome=wrong-puk")).toBe(1);
    expect(count(r, "handset.attach", "result=accepted")).toBe(2);
    expect(r.realMs).toBeLessThan(30_000);
  });

  it("ussd-tour: every menu reply matches, balance and number are the subscriber's", async () => {
    const r = await library("ussd-tour.yaml");
    expect(r.problems).toEqual([]);
    expect(failedChecks(r)).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(count(r, "handset.ussd.dialogues", "code=*100#", "outcome=completed")).toBe(6);
    expect(count(r, "handset.ussd.dialogues", "code=*999#", "outcome=not-supported")).toBe(3);
    expect(r.realMs).toBeLessThan(30_000);
  });

  it("busy-hour: USSD, SMS through the SMSC, Gy data and calls under an open-model load", async () => {
    const r = await library("busy-hour.yaml");
    expect(r.problems).toEqual([]);
    expect(r.thresholds.filter((t) => !t.ok).map((t) => `${t.text}: ${t.detail}`)).toEqual([]);
    expect(failedChecks(r)).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(count(r, "handset.sms.messages", "outcome=delivered")).toBeGreaterThan(20);
    expect(count(r, "handset.ussd.dialogues")).toBeGreaterThan(20);
    expect(count(r, "gy.data.sessions")).toBeGreaterThan(20);
    expect(r.realMs).toBeLessThan(30_000);
  }, 40_000);
});

describe("handset steps, exact outcomes", () => {
  it("*100# answers with the account's balance: the provisioned 20.00 less the fee taken", async () => {
    const r = await run(
      oneHandset(
        `      - handset.power-on: {}
      - handset.ussd: { code: "*100#", expect: '^Balans: {balance} rub\\.\\nMinuty: 400\\nInternet: 500 MB$' }
      - check: { name: "not the provisioned amount: the fee was taken", reply: '^Balans: 20\\.00' }
      - check: { name: "below 20.00", balance: { below: initial, above: "10.00" }, outcome: completed }`,
        `{ name: g, count: 1, plan: light, allowArchived: true, balance: "20.00" }`,
      ),
    );
    expect(r.checks).toEqual([
      {
        name: "f: *100# replies ~ /^Balans: {balance} rub\\.\\nMinuty: 400\\nInternet: 500 MB$/",
        passes: 1,
        failures: 0,
      },
      { name: "not the provisioned amount: the fee was taken", passes: 0, failures: 1 },
      { name: "below 20.00", passes: 1, failures: 0 },
    ]);
  });

  it("a check on the PIN counter fails the run when the count is not the card's", async () => {
    const r = await run(
      oneHandset(
        `      - handset.power-on: {}
      - handset.pin: { wrong: true }
      - check: { name: "wrong count", pinTries: 3 }
      - check: { name: "right count", pinTries: 2, pukTries: 10, outcome: wrong-pin }`,
        `{ name: g, count: 1, plan: business-unlim-1, balance: "5.00", sim: { pin: enabled } }`,
      ),
    );
    expect(r.checks).toEqual([
      { name: "wrong count", passes: 0, failures: 1 },
      { name: "right count", passes: 1, failures: 0 },
    ]);
    expect(r.exitCode).toBe(1);
  });

  it("power-on with enterPin unlocks and attaches; a paused account still attaches", async () => {
    const r = await run(
      oneHandset(
        `      - handset.power-on: { enterPin: true }
      - check: { name: "registered", outcome: registered, pinTries: 3 }
      - handset.sms: { to: "375251234567" }
      - check: { name: "sms accepted", outcome: accepted }
      - handset.ussd: { code: "*145*1#" }
      - handset.attach: { again: true }
      - check: { name: "paused accounts still attach", outcome: registered }`,
        `{ name: g, count: 1, plan: business-unlim-1, balance: "5.00", sim: { pin: enabled } }`,
      ),
    );
    expect(failedChecks(r)).toEqual([]);
    expect(count(r, "handset.attach", "result=accepted")).toBe(2);
    expect(count(r, "handset.power-on", "sim=pin-required")).toBe(1);
  });

  it("an on-net SMS reaches the registered recipient's handset", async () => {
    const r = await run(`name: t
core: { type: embedded }
population:
  groups:
    - { name: g, count: 2, plan: business-unlim-1, balance: "20.00" }
  pick: unique
flows:
  - name: f
    steps:
      - handset.attach: {}
      - wait: 100ms
      - handset.sms: { destination: on-net, deliver: 3s, text: "hello" }
      - check: { name: "delivered", outcome: delivered }
load: { model: closed, users: 2, iterations: 1 }
`);
    expect(failedChecks(r)).toEqual([]);
    expect(count(r, "handset.sms.messages", "destination=on-net", "outcome=delivered")).toBe(2);
  });
});

describe("handset steps, validation", () => {
  it("an external target gives exit 2 with file:line: field", async () => {
    const r = await telsim(["run", "test/scenarios/fixtures/handset-external.yaml", "--no-progress"]);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain(
      "test/scenarios/fixtures/handset-external.yaml:13: flows[0].steps[0].handset.attach: step handset.attach needs emulated handsets on the embedded core's network edge",
    );
  });

  it("PIN steps need SIMs with PIN1 enabled", async () => {
    expect(await problemsOf(oneHandset(`      - handset.pin: { wrong: true }`))).toEqual([
      '10: flows[0].steps[0].handset.pin: handset.pin needs SIMs with PIN1 enabled: set sim: { pin: enabled } on group "g"',
    ]);
  });

  it("worker threads, the virtual clock and non-unique picks are refused", async () => {
    const steps = `      - handset.attach: {}`;
    const workers = oneHandset(steps).replace("iterations: 1 }", "iterations: 1, workers: 1 }");
    expect((await problemsOf(workers))[0]).toMatch(
      /^10: flows\[0\]\.steps\[0\]\.handset\.attach: step handset\.attach needs emulated handsets .*load\.workers: 0/,
    );
    const virtual = oneHandset(steps).replace("type: embedded }", "type: embedded, clock: virtual }");
    expect((await problemsOf(virtual))[0]).toMatch(
      /^10: flows\[0\]\.steps\[0\]\.handset\.attach: step handset\.attach needs/,
    );
    const shared = oneHandset(steps).replace("pick: unique", "pick: random");
    expect(await problemsOf(shared)).toEqual([
      '10: flows[0].steps[0].handset.attach: handset steps need pick: unique (one running flow per handset), flow "f" picks random',
    ]);
  });

  it("bad parameters point at the field", async () => {
    expect(
      await problemsOf(oneHandset(`      - handset.ussd: { code: "*100#", expect: ["(unclosed"] }`)),
    ).toEqual([
      expect.stringMatching(
        /^10: flows\[0\]\.steps\[0\]\.handset\.ussd\.expect\[0\]: not a regular expression/,
      ),
    ]);
    const [problem] = await problemsOf(oneHandset(`      - handset.ussd: { code: "100" }`));
    expect(problem).toMatch(/^10: flows\[0\]\.steps\[0\]\.handset\.ussd\.code: /);
    const [sim] = await problemsOf(
      oneHandset(
        `      - handset.attach: {}`,
        `{ name: g, count: 1, plan: business-unlim-1, balance: "5.00", sim: { pin: on } }`,
      ),
    );
    expect(sim).toMatch(/^5: population\.groups\[0\]\.sim\.pin: /);
  });
});
