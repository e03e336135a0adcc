/** Invalid scenarios are reported as file:line: field: message, every problem at once. */
import { describe, expect, it } from "vitest";
import { parseScenarioText, validateScenario } from "../../scenarios/runner/load-scenario.js";
import { formatProblem, ScenarioError } from "../../scenarios/runner/scenario-error.js";
import { defineScenario } from "../../scenarios/runner/scenario-types.js";
import { FIXTURES, problemsOf } from "./helpers.js";

const BASE = `name: bad
core: { type: embedded }
population:
  groups:
    - { name: g, count: 2, plan: business-unlim-1, balance: "10.00" }
flows:
  - name: f
    steps:
      - gy.sms: { destination: off-net }
load: { model: open, rate: 10/s, duration: 1s }
`;

describe("schema errors name the file, the line and the field", () => {
  it("a valid scenario loads", async () => {
    const s = await parseScenarioText(BASE, "ok.yaml", FIXTURES);
    expect(s.spec.name).toBe("bad");
    expect(s.usedSteps.has("gy.sms")).toBe(true);
  });

  it.each([
    [
      "an unknown step",
      BASE.replace(
        "      - gy.sms: { destination: off-net }",
        "      - gy.sms: { destination: off-net }\n      - gy.dat: { volume: 1MB }",
      ),
      /^10: flows\[0\]\.steps\[1\]\.gy\.dat: unknown step "gy\.dat"; known steps: .*gy\.data/,
    ],
    [
      "a bad duration",
      BASE.replace(
        "      - gy.sms: { destination: off-net }",
        "      - gy.sms: { destination: off-net }\n      - wait: 5 seconds",
      ),
      /^10: flows\[0\]\.steps\[1\]\.wait: must be a string or a mapping|^10: flows\[0\]\.steps\[1\]\.wait: "5 seconds" is not a duration/,
    ],
    [
      "a bad volume deep in a step",
      BASE.replace(
        "      - gy.sms: { destination: off-net }",
        "      - gy.data:\n          volume: 5 megabytes",
      ),
      /^10: flows\[0\]\.steps\[0\]\.gy\.data\.volume: "5 megabytes" is not a volume like "512KB"/,
    ],
    [
      "a missing field",
      BASE.replace("load: { model: open, rate: 10/s, duration: 1s }\n", ""),
      /^1: load: is missing$/,
    ],
    ["an unknown field", BASE.replace("name: bad\n", "name: bad\nowner: me\n"), /^2: owner: unknown field$/],
    [
      "a wrong enum",
      BASE.replace("core: { type: embedded }", "core: { type: embedded, clock: simulated }"),
      /^2: core\.clock: must be one of real, virtual$/,
    ],
    [
      "an open model without a rate",
      BASE.replace("load: { model: open, rate: 10/s, duration: 1s }", "load:\n  model: open\n  duration: 1s"),
      /^10: load\.rate: an open model needs a rate/,
    ],
    [
      "a field of the other load model",
      BASE.replace(
        "load: { model: open, rate: 10/s, duration: 1s }",
        "load:\n  model: closed\n  users: 2\n  rate: 5/s",
      ),
      /^13: load\.rate: unknown field$/,
    ],
    [
      "a two-key step",
      BASE.replace("      - gy.sms: { destination: off-net }", "      - gy.sms: {}\n        wait: 1s"),
      /^9: flows\[0\]\.steps\[0\]: a step is a mapping with exactly one key/,
    ],
    [
      "a threshold on an unknown metric",
      `${BASE}thresholds:\n  - gy.ccr.latncy.p99 < 20ms\n`,
      /^12: thresholds\[0\]: unknown metric "gy\.ccr\.latncy"; metrics of this scenario: .*gy\.ccr\.latency/,
    ],
    [
      "a threshold on a metric of a step no flow uses",
      `${BASE}thresholds:\n  - gy.data.octets.count > 0\n`,
      /^12: thresholds\[0\]: metric gy\.data\.octets comes from step gy\.data, which no flow of this scenario uses$/,
    ],
    [
      "a threshold with an unknown tag",
      `${BASE}thresholds:\n  - gy.cca{code=2001}.ratio > 0.9\n`,
      /^12: thresholds\[0\]: metric gy\.cca has no tag "code"/,
    ],
    [
      "a threshold with a wrong stat",
      `${BASE}thresholds:\n  - gy.ccr.p99 < 5ms\n`,
      /^12: thresholds\[0\]: gy\.ccr is a counter: use count, rate or ratio/,
    ],
    [
      "a threshold that does not parse",
      `${BASE}thresholds:\n  - latency is low\n`,
      /^12: thresholds\[0\]: "latency is low" is not a threshold/,
    ],
    [
      "an unknown invariant",
      `${BASE}thresholds:\n  - invariant: no-negative\n`,
      /^12: thresholds\[0\]\.invariant: must be one of balance-floor/,
    ],
    [
      "a flow on an unknown group",
      BASE.replace("  - name: f\n", "  - name: f\n    groups: [vip]\n"),
      /^8: flows\[0\]\.groups\[0\]: no population group "vip"$/,
    ],
    [
      "a plan not in the catalog",
      BASE.replace("plan: business-unlim-1", "plan: unlimited-everything"),
      /^5: population\.groups\[0\]\.plan: no plan "unlimited-everything" in the catalog$/,
    ],
    [
      "an archived plan without allowArchived",
      BASE.replace("plan: business-unlim-1", "plan: smart-1"),
      /^5: population\.groups\[0\]\.plan: plan "smart-1" is archived/,
    ],
    [
      "a uniform think time upside down",
      BASE.replace("      - gy.sms: { destination: off-net }", "      - wait: { uniform: [5s, 1s] }"),
      /^9: flows\[0\]\.steps\[0\]\.wait\.uniform: the upper bound 1s is below the lower 5s$/,
    ],
    [
      "a nested step error inside loop and choice",
      BASE.replace(
        "      - gy.sms: { destination: off-net }",
        "      - loop:\n          times: 2\n          steps:\n            - choice:\n                - { weight: 1, steps: [ { gy.call: { duration: forever } } ] }",
      ),
      /^13: flows\[0\]\.steps\[0\]\.loop\.steps\[0\]\.choice\[0\]\.steps\[0\]\.gy\.call\.duration: must be a string or a mapping|^13: .*gy\.call\.duration: "forever" is not a duration/,
    ],
    ["a YAML syntax error", `${BASE}thresholds: [unclosed\n`, /^1\d: : YAML: /],
  ])("%s", async (_what, yaml, expected) => {
    const problems = await problemsOf(yaml);
    expect(
      problems.some((p) => expected.test(p)),
      problems.join("\n"),
    ).toBe(true);
  });

  it("reports every problem, sorted by line, each as file:line: field: message", async () => {
    const yaml = BASE.replace("count: 2", "count: -1").replace("rate: 10/s", "rate: fast");
    try {
      await parseScenarioText(yaml, "library/bad.yaml", FIXTURES);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ScenarioError);
      const lines = (e as ScenarioError).problems.map(formatProblem);
      expect(lines).toEqual([
        "library/bad.yaml:5: population.groups[0].count: must be >= 0",
        'library/bad.yaml:10: load.rate: "fast" is not a rate like "100/s", "600/min" or "20/d"',
      ]);
    }
  });

  it("steps that need an admin API are refused against an external OCS without one", async () => {
    const yaml = BASE.replace(
      "core: { type: embedded }",
      "core: { type: external, ocs: { host: 127.0.0.1, port: 3868 } }",
    ).replace(
      "      - gy.sms: { destination: off-net }",
      '      - topup: { amount: "1.00" }\n      - check: { balance: { atLeast: floor } }',
    );
    const problems = await problemsOf(`${yaml}thresholds:\n  - invariant: balance-floor\n`);
    expect(problems).toContain(
      "9: flows[0].steps[0].topup: step topup needs an admin API (core.admin with an external core)",
    );
    expect(problems).toContain(
      "10: flows[0].steps[1].check: balance, available and state checks need an admin API (core.admin with an external core)",
    );
    expect(problems).toContain(
      "13: thresholds[0].invariant: invariants need an admin API (core.admin) to read accounts",
    );
  });

  it("a TypeScript scenario is checked against the same schema (no lines)", () => {
    const scenario = defineScenario({
      name: "ts",
      core: { type: "embedded", clock: "virtual" },
      population: { groups: [{ name: "g", count: 1, plan: "business-unlim-1", balance: "1.00" }] },
      flows: [
        { name: "f", steps: [{ "gy.sms": { destination: "off-net" } }, { wait: { exponential: "1s" } }] },
      ],
      load: { model: "closed", users: 1, iterations: 1 },
      thresholds: ["gy.cca{result=2001}.ratio > 0.5", { invariant: "balances-reconcile" }],
    });
    const loaded = validateScenario(scenario, {
      file: "ts-scenario",
      dir: FIXTURES,
      locate: () => undefined,
    });
    expect(loaded.thresholds).toHaveLength(1);
    expect(loaded.invariants).toEqual(["balances-reconcile"]);
    const broken = { ...scenario, load: { model: "closed", users: 0 } };
    expect(() =>
      validateScenario(broken, { file: "ts-scenario", dir: FIXTURES, locate: () => undefined }),
    ).toThrow(/ts-scenario: load\.users: must be >= 1/);
  });
});
