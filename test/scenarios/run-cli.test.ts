/**
 * `telsim run` end to end through the compiled CLI: exit codes 0-4, suites and --filter, and the
 * shape of --json, --junit, --report and --events. Also the shipped smoke scenario, as CI runs it.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { telsim } from "../cli.js";

const F = "test/scenarios/fixtures";
const out = mkdtempSync(join(tmpdir(), "telsim-run-"));

describe("telsim run: exit codes", () => {
  it("0 when every threshold and check passes", async () => {
    const r = await telsim(["run", `${F}/pass.yaml`, "--no-progress"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/scenario pass \(test\/scenarios\/fixtures\/pass\.yaml\): PASSED \[exit 0\]/);
    // Thresholds come first in the summary.
    expect(r.stdout.indexOf("Thresholds")).toBeLessThan(r.stdout.indexOf("Checks"));
    expect(r.stdout).toMatch(/✓ invariant: balances-reconcile/);
  });

  it("1 when a threshold fails", async () => {
    const r = await telsim(["run", `${F}/fail.yaml`, "--no-progress"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/✗ gy\.ccr\.count > 1000 +count = 3/);
  });

  it("2 for an invalid scenario, with file:line: field", async () => {
    const r = await telsim(["run", `${F}/invalid.yaml`, "--no-progress"]);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain(`${F}/invalid.yaml:9: flows[0].steps[0].gy.smss: unknown step "gy.smss"`);
  });

  it.each([
    [["run", `${F}/missing.yaml`], /no such file/],
    [["run", `${F}/pass.yaml`, "--duration", "soon"], /--duration takes seconds/],
    [["run", `${F}/pass.yaml`, "--bogus"], /unknown option/],
    [["run", F, "--filter", "nothing-matches-this"], /no scenario matched/],
  ])("2 for bad options or paths: %j", async (args, message) => {
    const r = await telsim([...args, "--no-progress"]);
    expect(r.status).toBe(2);
    expect(`${r.stdout}${r.stderr}`).toMatch(message);
  });

  it("3 when the OCS cannot be reached", async () => {
    const r = await telsim([
      "run",
      `${F}/unreachable.yaml`,
      "--no-progress",
      "--junit",
      join(out, "unreachable.xml"),
    ]);
    expect(r.status).toBe(3);
    expect(r.stdout).toMatch(/ABORTED \[exit 3\]\n.*\n {2}! OCS 127\.0\.0\.1:1: /);
    expect(readFileSync(join(out, "unreachable.xml"), "utf8")).toMatch(
      /<error type="scenario" message="OCS 127\.0\.0\.1:1: /,
    );
  });

  it("3 when a report cannot be written", async () => {
    const r = await telsim([
      "run",
      `${F}/pass.yaml`,
      "--no-progress",
      "--json",
      join(out, "no-such-dir", "x.json"),
    ]);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/cannot write .*x\.json/);
  });

  it("4 when the generator cannot keep its schedule", async () => {
    const r = await telsim(["run", `${F}/saturate.yaml`, "--no-progress"]);
    expect(r.status).toBe(4);
    expect(r.stdout).toMatch(/SATURATED \[exit 4\]/);
    expect(r.stdout).toMatch(/✗ generator saturated: \d+ of 1000 arrivals/);
  });

  it("a suite takes the most serious status; --filter picks scenarios by file or name", async () => {
    const both = await telsim(["run", `${F}/pass.yaml`, `${F}/fail.yaml`, "--no-progress"]);
    expect(both.status).toBe(1);
    expect(both.stdout).toMatch(
      /Suite\n {2}✓ pass +passed \[exit 0\]\n {2}✗ fail +failed \[exit 1\]\n {2}exit 1/,
    );
    const filtered = await telsim(["run", F, "--filter", "pass", "--no-progress"]);
    expect(filtered.status).toBe(0);
    expect(filtered.stdout).not.toMatch(/scenario fail/);
  });
});

describe("telsim run: reports", () => {
  it("writes JSON, JUnit, HTML and NDJSON events", async () => {
    const files = {
      json: join(out, "r.json"),
      junit: join(out, "r.xml"),
      report: join(out, "r.html"),
      events: join(out, "r.ndjson"),
    };
    const r = await telsim([
      "run",
      `${F}/pass.yaml`,
      `${F}/fail.yaml`,
      "--no-progress",
      "--seed",
      "99",
      ...Object.entries(files).flatMap(([k, v]) => [`--${k}`, v]),
    ]);
    expect(r.status).toBe(1);

    const json = JSON.parse(readFileSync(files.json, "utf8")) as {
      format: string;
      version: number;
      exitCode: number;
      scenarios: Record<string, unknown>[];
    };
    expect(json).toMatchObject({ format: "telsim-run", version: 1, exitCode: 1 });
    const [pass, fail] = json.scenarios as [Record<string, unknown>, Record<string, unknown>];
    expect(Object.keys(pass)).toEqual(
      expect.arrayContaining([
        "name",
        "file",
        "status",
        "exitCode",
        "seed",
        "thresholds",
        "checks",
        "flows",
        "load",
        "metrics",
        "intervals",
        "intervalMs",
      ]),
    );
    expect(pass).toMatchObject({ name: "pass", status: "passed", exitCode: 0, seed: "99", clock: "virtual" });
    expect(fail).toMatchObject({ name: "fail", status: "failed", exitCode: 1 });
    const intervals = pass.intervals as {
      t: number;
      counters: Record<string, number>;
      trends: Record<string, { p99: number }>;
    }[];
    expect(intervals.length).toBeGreaterThan(10);
    expect(
      intervals.reduce((s, p) => s + (p.counters["gy.ccr{type=event,service=sms}"] ?? 0), 0),
    ).toBeGreaterThan(0);
    expect(intervals[1]?.t).toBe(2 * (pass.intervalMs as number));

    const xml = readFileSync(files.junit, "utf8");
    expect(xml).toMatch(
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="telsim run" tests="\d+" failures="1" errors="0"/,
    );
    expect(xml).toMatch(/<testsuite name="pass" tests="6" failures="0" errors="0" skipped="0"/);
    for (const cls of ["thresholds", "invariants", "checks", "flows", "load"])
      expect(xml).toContain(`classname="pass.${cls}"`);
    expect(xml).toContain('<testcase classname="pass.checks" name="sms charged" time="0">');
    expect(xml).toMatch(
      /<testcase classname="fail\.thresholds" name="gy\.ccr\.count &gt; 1000" time="0">\n {6}<failure type="threshold" message="count = 3"\/>/,
    );

    const html = readFileSync(files.report, "utf8");
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html.match(/<svg /g)?.length ?? 0).toBeGreaterThanOrEqual(8);
    // One self-contained page: no scripts, stylesheets or images from anywhere.
    expect(html).not.toMatch(/<script|<link |<img |src=|@import|url\(/);

    const events = readFileSync(files.events, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; scenario: string });
    expect(events.filter((e) => e.type === "scenario-start").map((e) => e.scenario)).toEqual([
      "pass",
      "fail",
    ]);
    expect(events.filter((e) => e.type === "scenario-end")).toHaveLength(2);
  });
});

describe("the shipped smoke scenario", () => {
  it("passes via the CLI, as CI runs it", { timeout: 90_000 }, async () => {
    const junit = join(out, "smoke.xml");
    const started = Date.now();
    const r = await telsim(["run", "scenarios/library/smoke.yaml", "--junit", junit]);
    expect(r.status, r.stdout).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
    const xml = readFileSync(junit, "utf8");
    expect(xml).toMatch(/<testsuite name="smoke" tests="\d+" failures="0" errors="0" skipped="0"/);
    // Not a TTY: progress comes as plain lines on stderr.
    expect(r.stderr).toMatch(/^smoke \d/m);
  });
});
