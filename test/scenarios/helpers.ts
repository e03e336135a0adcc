/** Scenario tests: load a scenario from YAML text, run it in this process, read its counters. */
import { join } from "node:path";
import { type LoadedScenario, parseScenarioText } from "../../scenarios/runner/load-scenario.js";
import type { LoadOverrides } from "../../scenarios/runner/load/load-plan.js";
import type { ScenarioResult } from "../../scenarios/runner/result.js";
import { runLoadedScenario, type RunHooks } from "../../scenarios/runner/run-scenario.js";
import { ScenarioError } from "../../scenarios/runner/scenario-error.js";
import { ROOT } from "../cli.js";

export const FIXTURES = join(ROOT, "test", "scenarios", "fixtures");

export function load(yaml: string, overrides: LoadOverrides = {}): Promise<LoadedScenario> {
  return parseScenarioText(yaml, "test.yaml", FIXTURES, overrides);
}

export async function run(
  yaml: string,
  hooks: RunHooks = {},
  overrides: LoadOverrides = {},
): Promise<ScenarioResult> {
  return runLoadedScenario(await load(yaml, overrides), hooks);
}

/** The problems of an invalid scenario as `line: field: message` (file name dropped). */
export async function problemsOf(yaml: string): Promise<string[]> {
  try {
    await load(yaml);
  } catch (e) {
    if (e instanceof ScenarioError)
      return e.problems.map((p) => `${p.line ?? "?"}: ${p.field}: ${p.message}`);
    throw e;
  }
  throw new Error("the scenario is valid");
}

/** Sum of a counter's series whose key starts with `prefix` and contains every `parts`. */
export function count(r: ScenarioResult, prefix: string, ...parts: string[]): number {
  return r.metrics.counters
    .filter(
      (c) => (c.key === prefix || c.key.startsWith(`${prefix}{`)) && parts.every((p) => c.key.includes(p)),
    )
    .reduce((s, c) => s + c.value, 0);
}

export function trend(r: ScenarioResult, key: string) {
  const t = r.metrics.trends.find((x) => x.key === key);
  if (t === undefined)
    throw new Error(`no trend ${key}; have ${r.metrics.trends.map((x) => x.key).join(", ")}`);
  return t.stats;
}

/** A virtual-clock scenario on the embedded core with one flow; `steps` is YAML indented by 6. */
export function virtualScenario(
  steps: string,
  options: { plan?: string; balance?: string; count?: number; extra?: string; load?: string } = {},
): string {
  return `name: t
core: { type: embedded, clock: virtual, startAt: "2026-12-01T10:00:00+03:00" }
population:
  groups:
    - { name: g, count: ${options.count ?? 3}, plan: ${options.plan ?? "business-unlim-1"}, allowArchived: true, balance: "${options.balance ?? "20.00"}"${options.extra ?? ""} }
  pick: unique
flows:
  - name: f
    steps:
${steps}
load: ${options.load ?? "{ model: closed, users: 1, iterations: 1 }"}
`;
}
