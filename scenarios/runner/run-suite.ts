/**
 * A suite: the scenario files named (directories expand to their *.yaml / *.yml / *.scenario.js
 * files, sorted), filtered by a word, run one after the other; each is summarised as it ends, then
 * the reports are written. An invalid scenario does not stop the others.
 */
import { readdirSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { loadScenarioFile, type LoadedScenario } from "./load-scenario.js";
import type { LoadOverrides } from "./load/load-plan.js";
import { EventWriter } from "./report/events.js";
import { htmlReport } from "./report/html-report.js";
import { jsonReport } from "./report/json-report.js";
import { junitXml } from "./report/junit.js";
import { scenarioSummary } from "./report/summary.js";
import type { ScenarioResult, SuiteResult } from "./result.js";
import { STATUS_EXIT, suiteExitCode } from "./result.js";
import { type ProgressSink, runLoadedScenario } from "./run-scenario.js";
import { formatProblem, ScenarioError } from "./scenario-error.js";

export interface SuiteOptions {
  readonly paths: readonly string[];
  readonly filter?: string;
  readonly overrides?: LoadOverrides;
  readonly json?: string;
  readonly junit?: string;
  readonly report?: string;
  readonly events?: string;
  readonly progress: () => ProgressSink;
  readonly out: { write(text: string): unknown };
  readonly signal?: AbortSignal;
}

const SCENARIO_FILE = /\.(ya?ml|scenario\.m?js)$/;

export class OutputError extends Error {
  override readonly name = "OutputError";
}

/** Files of the paths, directories expanded (one level), in a stable order. */
export function expandPaths(paths: readonly string[]): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  for (const p of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      missing.push(p);
      continue;
    }
    if (!isDir) files.push(p);
    else
      for (const f of readdirSync(p)
        .filter((f) => SCENARIO_FILE.test(f))
        .sort())
        files.push(join(p, f));
  }
  return { files, missing };
}

function invalid(file: string, problems: readonly string[]): ScenarioResult {
  return {
    name: basename(file).replace(/\.[^.]+$/, ""),
    file,
    status: "invalid",
    exitCode: STATUS_EXIT.invalid,
    seed: undefined,
    clock: "real",
    target: "embedded",
    startedAt: new Date().toISOString(),
    realMs: 0,
    scenarioMs: 0,
    thresholds: [],
    checks: [],
    flows: [],
    load: undefined,
    metrics: { counters: [], trends: [] },
    intervalMs: 1000,
    intervals: [],
    problems,
  };
}

function write(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (e) {
    throw new OutputError(`cannot write ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export async function runSuite(o: SuiteOptions): Promise<SuiteResult> {
  const startedAt = new Date().toISOString();
  const { files, missing } = expandPaths(o.paths);
  const results: ScenarioResult[] = missing.map((m) => invalid(m, [`${m}: no such file or directory`]));
  for (const r of results) o.out.write(`${scenarioSummary(r)}\n\n`);
  let events: EventWriter | undefined;
  if (o.events !== undefined) {
    try {
      events = new EventWriter(o.events);
    } catch (e) {
      throw new OutputError(`cannot write ${o.events}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const word = o.filter?.toLowerCase();
  for (const file of files) {
    if (o.signal?.aborted === true) break;
    let loaded: LoadedScenario;
    try {
      loaded = await loadScenarioFile(file, o.overrides);
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      if (word !== undefined && !file.toLowerCase().includes(word)) continue;
      const r = invalid(file, e.problems.map(formatProblem));
      results.push(r);
      o.out.write(`${scenarioSummary(r)}\n\n`);
      continue;
    }
    if (
      word !== undefined &&
      !file.toLowerCase().includes(word) &&
      !loaded.spec.name.toLowerCase().includes(word)
    )
      continue;
    const r = await runLoadedScenario(loaded, {
      progress: o.progress(),
      ...(events !== undefined ? { events: events.sink(loaded.spec.name) } : {}),
      ...(o.signal !== undefined ? { signal: o.signal } : {}),
    });
    results.push(r);
    o.out.write(`${scenarioSummary(r)}\n\n`);
  }
  const suite: SuiteResult = { startedAt, scenarios: results, exitCode: suiteExitCode(results) };
  if (o.json !== undefined) write(o.json, jsonReport(suite));
  if (o.junit !== undefined) write(o.junit, junitXml(suite));
  if (o.report !== undefined) write(o.report, htmlReport(suite));
  try {
    await events?.close();
  } catch (e) {
    throw new OutputError(`cannot write ${o.events ?? ""}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return suite;
}
