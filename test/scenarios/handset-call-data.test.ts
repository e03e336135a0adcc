/**
 * handset.call and handset.data: voice calls through the MSC and data sessions through the PGW of
 * the embedded core's network edge, both charged over Gy; exact outcomes with one handset at a
 * time, and the validation errors of the two steps.
 */
import { describe, expect, it } from "vitest";
import { count, problemsOf, run } from "./helpers.js";

function scenario(steps: string, groups: string, iterations = 2): string {
  return `name: t
core: { type: embedded }
population:
  groups:
${groups}
  pick: unique
flows:
  - name: f
    steps:
${steps}
load: { model: closed, users: 1, iterations: ${iterations} }
`;
}

describe("handset.call", () => {
  it("on-net: unreachable before the peer registered, answered after; off-net answered and charged", async () => {
    const r = await run(
      scenario(
        `      - handset.attach: {}
      - handset.call: { destination: on-net, duration: 1s, answer: 5s }
      - check: { name: "on-net", outcome: [unreachable, answered] }
      - handset.call: { destination: off-net, duration: 1s }
      - check: { name: "off-net answered", outcome: answered, balance: { below: initial } }`,
        `    - { name: g, count: 2, plan: business-unlim-1, balance: "20.00" }`,
      ),
    );
    expect(r.problems).toEqual([]);
    expect(r.checks.filter((c) => c.failures > 0)).toEqual([]);
    expect(count(r, "handset.call.calls", "destination=on-net", "outcome=unreachable")).toBe(1);
    expect(count(r, "handset.call.calls", "destination=on-net", "outcome=answered")).toBe(1);
    expect(count(r, "handset.call.calls", "destination=off-net", "outcome=answered")).toBe(2);
    expect(count(r, "handset.call.seconds", "destination=off-net")).toBe(2);
    expect(count(r, "handset.call.charge", "destination=off-net")).toBeGreaterThan(0);
    expect(r.status).toBe("passed");
  });

  it("a plan without voice: the call is rejected by the OCS; no service without attach", async () => {
    const r = await run(
      scenario(
        `      - handset.call: { destination: international, duration: 1s }
      - check: { name: "not attached", outcome: no-service }
      - handset.attach: {}
      - check: { outcome: registered }
      - handset.call: { destination: international, duration: 1s }
      - check: { name: "no voice on the plan", outcome: rejected }`,
        `    - { name: g, count: 1, plan: web-4, allowArchived: true, balance: "12.10" }`,
        1,
      ),
    );
    expect(r.problems).toEqual([]);
    expect(
      r.checks.filter((c) => c.failures > 0),
      JSON.stringify(r.metrics.counters),
    ).toEqual([]);
    expect(count(r, "handset.call.calls", "outcome=rejected")).toBe(1);
    expect(count(r, "handset.call.charge")).toBe(0);
    expect(r.status).toBe("passed");
  });
});

describe("handset.data", () => {
  it("completes the volume at full speed; the PGW's CCRs are charged", async () => {
    const r = await run(
      scenario(
        `      - handset.attach: {}
      - handset.data: { volume: 3MB, rate: 64Mbps }
      - check: { outcome: completed, throttled: false }`,
        `    - { name: g, count: 2, plan: business-unlim-1, balance: "20.00" }`,
      ),
    );
    expect(r.checks.filter((c) => c.failures > 0)).toEqual([]);
    expect(count(r, "handset.data.sessions", "outcome=completed")).toBe(2);
    expect(count(r, "handset.data.octets", "throttled=false")).toBe(2 * 3 * 1024 * 1024);
    expect(r.status).toBe("passed");
  });
});

describe("validation", () => {
  it.each([
    [
      "handset.call without a duration",
      scenario(
        "      - handset.call: { destination: off-net }",
        `    - { name: g, count: 2, plan: business-unlim-1, balance: "1.00" }`,
      ),
      /^10: flows\[0\]\.steps\[0\]\.handset\.call\.duration: is missing$/,
    ],
    [
      "handset.data with a bad volume",
      scenario(
        "      - handset.data: { volume: 5 megabytes }",
        `    - { name: g, count: 2, plan: business-unlim-1, balance: "1.00" }`,
      ),
      /^10: flows\[0\]\.steps\[0\]\.handset\.data\.volume: "5 megabytes" is not a volume/,
    ],
    [
      "handset.call on the virtual clock",
      scenario(
        "      - handset.call: { duration: 1s }",
        `    - { name: g, count: 2, plan: business-unlim-1, balance: "1.00" }`,
      ).replace("core: { type: embedded }", "core: { type: embedded, clock: virtual }"),
      /^10: flows\[0\]\.steps\[0\]\.handset\.call: step handset\.call needs emulated handsets/,
    ],
    [
      "handset.data without pick: unique",
      scenario(
        "      - handset.data: { volume: 1MB }",
        `    - { name: g, count: 2, plan: business-unlim-1, balance: "1.00" }`,
      ).replace("  pick: unique\n", ""),
      /^9: flows\[0\]\.steps\[0\]\.handset\.data: handset steps need pick: unique/,
    ],
  ])("%s", async (_what, yaml, message) => {
    const problems = await problemsOf(yaml);
    expect(
      problems.some((p) => message.test(p)),
      problems.join("\n"),
    ).toBe(true);
  });
});
