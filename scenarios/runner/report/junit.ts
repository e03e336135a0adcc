/**
 * JUnit XML for CI: one <testsuite> per scenario, one <testcase> per threshold, invariant, check
 * and flow (its assertions: checks with abort), plus one for the generator's schedule. An invalid
 * or aborted scenario is a single testcase with an <error>.
 */
import type { ScenarioResult, SuiteResult } from "../result.js";

/** Escapes for XML text and attributes; drops the control characters XML 1.0 cannot carry. */
export function xmlEscape(text: string): string {
  let clean = "";
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (code >= 0x20 || code === 0x09 || code === 0x0a || code === 0x0d) clean += ch;
  }
  return clean.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

interface Case {
  readonly classname: string;
  readonly name: string;
  readonly failure?: { readonly type: string; readonly message: string };
  readonly error?: string;
  readonly skipped?: string;
  readonly out?: string;
}

function casesOf(r: ScenarioResult): Case[] {
  const cls = (part: string) => `${r.name}.${part}`;
  if (r.status === "invalid" || r.status === "aborted") {
    return [
      {
        classname: cls("scenario"),
        name: r.status === "invalid" ? "valid scenario" : "run",
        error: r.problems.join("\n") || r.status,
      },
    ];
  }
  const cases: Case[] = [];
  for (const t of r.thresholds) {
    cases.push({
      classname: cls(t.kind === "threshold" ? "thresholds" : "invariants"),
      name: t.text,
      ...(t.ok ? { out: t.detail } : { failure: { type: t.kind, message: t.detail } }),
    });
  }
  for (const c of r.checks) {
    const ran = c.passes + c.failures;
    cases.push({
      classname: cls("checks"),
      name: c.name,
      ...(ran === 0
        ? { skipped: "never reached" }
        : c.failures > 0
          ? { failure: { type: "check", message: `${c.failures} of ${ran} failed` } }
          : { out: `${c.passes} passed` }),
    });
  }
  for (const f of r.flows) {
    const out = `started ${f.started}, ok ${f.ok}, failed ${f.failed}, error ${f.error}, interrupted ${f.interrupted}`;
    cases.push({
      classname: cls("flows"),
      name: f.name,
      ...(f.failed > 0
        ? { failure: { type: "flow", message: `${f.failed} instance(s) ended by a failed check; ${out}` } }
        : { out }),
    });
  }
  if (r.load !== undefined) {
    cases.push({
      classname: cls("load"),
      name: "generator kept its schedule",
      ...(r.load.saturated
        ? { failure: { type: "saturated", message: r.load.saturation ?? "saturated" } }
        : {}),
    });
  }
  return cases;
}

function caseXml(c: Case): string {
  const open = `    <testcase classname="${xmlEscape(c.classname)}" name="${xmlEscape(c.name)}" time="0"`;
  const body: string[] = [];
  if (c.failure !== undefined)
    body.push(
      `      <failure type="${xmlEscape(c.failure.type)}" message="${xmlEscape(c.failure.message)}"/>`,
    );
  if (c.error !== undefined)
    body.push(
      `      <error type="scenario" message="${xmlEscape(c.error.split("\n")[0] ?? "")}">${xmlEscape(c.error)}</error>`,
    );
  if (c.skipped !== undefined) body.push(`      <skipped message="${xmlEscape(c.skipped)}"/>`);
  if (c.out !== undefined) body.push(`      <system-out>${xmlEscape(c.out)}</system-out>`);
  return body.length === 0 ? `${open}/>` : `${open}>\n${body.join("\n")}\n    </testcase>`;
}

export function junitXml(s: SuiteResult): string {
  const suites = s.scenarios.map((r) => {
    const cases = casesOf(r);
    const failures = cases.filter((c) => c.failure !== undefined).length;
    const errors = cases.filter((c) => c.error !== undefined).length;
    const skipped = cases.filter((c) => c.skipped !== undefined).length;
    const props = [
      ["file", r.file],
      ["status", r.status],
      ["exitCode", String(r.exitCode)],
      ["seed", r.seed ?? ""],
      ["clock", r.clock],
    ]
      .map(([k, v]) => `      <property name="${k}" value="${xmlEscape(v ?? "")}"/>`)
      .join("\n");
    return (
      `  <testsuite name="${xmlEscape(r.name)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" ` +
      `time="${(r.realMs / 1000).toFixed(3)}" timestamp="${xmlEscape(r.startedAt)}">\n` +
      `    <properties>\n${props}\n    </properties>\n${cases.map(caseXml).join("\n")}\n  </testsuite>`
    );
  });
  const all = s.scenarios.flatMap(casesOf);
  const time = s.scenarios.reduce((t, r) => t + r.realMs, 0) / 1000;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="telsim run" tests="${all.length}" ` +
    `failures="${all.filter((c) => c.failure !== undefined).length}" errors="${all.filter((c) => c.error !== undefined).length}" time="${time.toFixed(3)}">\n` +
    `${suites.join("\n")}\n</testsuites>\n`
  );
}
