/**
 * Reads and validates a scenario: YAML syntax, the JSON Schema (assembled from the registered
 * steps), then meaning — the population, the load plan, every step compiled once, thresholds
 * against the metric catalogue of the steps in use, invariants against what the target can tell.
 * Every problem found is reported (not just the first) as `file:line: field: message`.
 */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import { LineCounter, parseDocument } from "yaml";
import { Catalog, defaultCatalogPath } from "../../core/charging/catalog.js";
import { CatalogError } from "../../core/charging/catalog-load.js";
import { SmscConfigError, smscConfigFrom } from "../../core/smsc/smsc-config-file.js";
import { compileScenario, type CompiledScenario } from "./compile.js";
import { type LoadOverrides, type LoadPlan, loadPlanOf } from "./load/load-plan.js";
import { MetricCatalogue } from "./metrics/metric-catalogue.js";
import { MetricSet } from "./metrics/metric-set.js";
import {
  checkThreshold,
  parseThreshold,
  type ThresholdExpr,
  ThresholdSyntaxError,
} from "./metrics/thresholds.js";
import { type PopulationPlan, planPopulation } from "./population.js";
import {
  FieldError,
  FieldErrors,
  type FieldPath,
  fieldName,
  ScenarioError,
  type ScenarioProblem,
} from "./scenario-error.js";
import type { InvariantName, Scenario } from "./scenario-types.js";
import { buildScenarioSchema } from "./schema.js";
import { explainSchemaErrors } from "./schema-errors.js";
import { loadStepFiles, type PortName, stepExecutor, stepExecutors } from "./step-registry.js";
import { externalPortNames } from "./target/external-target.js";
import type { Locator } from "./yaml-positions.js";
import { yamlLocator } from "./yaml-positions.js";

export interface LoadedScenario {
  /** As given on the command line (relative to the working directory when inside it). */
  readonly file: string;
  /** Relative paths in the scenario (CSV, catalog) resolve from here. */
  readonly dir: string;
  readonly spec: Scenario;
  readonly population: PopulationPlan;
  readonly plan: LoadPlan;
  readonly thresholds: readonly ThresholdExpr[];
  readonly invariants: readonly InvariantName[];
  readonly checks: readonly string[];
  readonly flows: readonly string[];
  readonly catalogue: MetricCatalogue;
  readonly usedSteps: ReadonlySet<string>;
}

let validator: { size: number; validate: ValidateFunction } | undefined;

function schemaValidator(): ValidateFunction {
  const executors = stepExecutors();
  if (validator === undefined || validator.size !== executors.length) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });
    validator = { size: executors.length, validate: ajv.compile(buildScenarioSchema(executors)) };
  }
  return validator.validate;
}

export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}

/** A YAML scenario file (or a .js/.ts module whose default export is a scenario). */
export async function loadScenarioFile(path: string, overrides: LoadOverrides = {}): Promise<LoadedScenario> {
  await loadStepFiles();
  const file = displayPath(path);
  const dir = dirname(resolve(path));
  if (/\.(m?js|ts)$/.test(path)) {
    let mod: { default?: unknown; scenario?: unknown };
    try {
      mod = (await import(pathToFileURL(resolve(path)).href)) as { default?: unknown; scenario?: unknown };
    } catch (e) {
      throw new ScenarioError([
        {
          file,
          line: undefined,
          field: "",
          message: `cannot import: ${e instanceof Error ? e.message : String(e)}`,
        },
      ]);
    }
    return validateScenario(mod.default ?? mod.scenario, { file, dir, locate: () => undefined }, overrides);
  }
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ScenarioError([
      {
        file,
        line: undefined,
        field: "",
        message: `cannot read: ${e instanceof Error ? e.message : String(e)}`,
      },
    ]);
  }
  return parseScenarioText(text, file, dir, overrides);
}

export async function parseScenarioText(
  text: string,
  file: string,
  dir: string,
  overrides: LoadOverrides = {},
): Promise<LoadedScenario> {
  await loadStepFiles();
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ScenarioError(
      doc.errors.map((e) => ({
        file,
        line: lines.linePos(e.pos[0]).line,
        field: "",
        message: `YAML: ${e.message.split("\n")[0] ?? e.code}`,
      })),
    );
  }
  return validateScenario(doc.toJS() as unknown, { file, dir, locate: yamlLocator(doc, lines) }, overrides);
}

export interface Source {
  readonly file: string;
  readonly dir: string;
  readonly locate: Locator;
}

/** Validates a scenario object (from YAML or TypeScript). Throws ScenarioError with every problem. */
export function validateScenario(
  data: unknown,
  source: Source,
  overrides: LoadOverrides = {},
): LoadedScenario {
  const problems: ScenarioProblem[] = [];
  const report = (path: FieldPath, message: string) =>
    problems.push({ file: source.file, line: source.locate(path), field: fieldName(path), message });
  const fail = (): never => {
    const sorted = [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    throw new ScenarioError(sorted);
  };

  const validate = schemaValidator();
  if (!validate(data)) {
    const known = stepExecutors().map((e) => e.name);
    for (const p of explainSchemaErrors(validate.errors ?? [], known)) report(p.path, p.message);
    fail();
  }
  const spec = data as Scenario;
  const attempt = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof FieldError) report(e.path, e.message);
      else if (e instanceof FieldErrors) for (const x of e.errors) report(x.path, x.message);
      else if (e instanceof ScenarioError) problems.push(...e.problems);
      else throw e;
      return undefined;
    }
  };

  const population = attempt(() => planPopulation(spec.population, source.dir));
  const plan = attempt(() => loadPlanOf(spec.load, overrides));
  const core = spec.core;
  if (core.type === "embedded" && core.startAt !== undefined && Number.isNaN(Date.parse(core.startAt))) {
    report(["core", "startAt"], `"${core.startAt}" is not an ISO 8601 time like 2026-12-01T00:00:00+03:00`);
  }
  if (
    core.type === "embedded" &&
    core.clock === "virtual" &&
    spec.load.workers !== undefined &&
    spec.load.workers > 0
  ) {
    report(["load", "workers"], "the virtual clock runs in one thread");
  }
  const provisions = core.type === "embedded" || core.provision === true;
  if (core.type === "external" && core.provision === true && core.admin === undefined) {
    report(["core", "provision"], "provisioning needs core.admin (the admin API)");
  }
  if (population !== undefined && provisions) checkProvisioning(spec, population, source, report);

  if (core.type === "embedded" && core.smsc !== undefined) checkSmscSection(core.smsc, report);

  // Handsets live in the core's thread, on the real clock (handset-port.ts); so do ESME binds.
  const handsetsHere = core.type === "embedded" && core.clock !== "virtual" && (spec.load.workers ?? 0) === 0;
  const external = core.type === "external" ? externalPortNames(core) : undefined;
  if (external !== undefined && spec.load.workers !== 0) external.delete("smpp");
  const ports: ReadonlySet<PortName> =
    external ?? new Set<PortName>(handsetsHere ? ["gy", "admin", "handsets", "smpp"] : ["gy", "admin"]);
  let compiled: CompiledScenario | undefined;
  if (population !== undefined) {
    const probe = new MetricSet(catalogueFor(stepExecutors().map((e) => e.name)));
    compiled = attempt(() =>
      compileScenario(spec, {
        population,
        metrics: probe,
        virtual: core.type === "embedded" && core.clock === "virtual",
        ports,
      }),
    );
  }
  const usedSteps = compiled?.usedSteps ?? new Set<string>();
  const catalogue = catalogueFor([...usedSteps]);
  const thresholds: ThresholdExpr[] = [];
  const invariants: InvariantName[] = [];
  (spec.thresholds ?? []).forEach((t, i) => {
    if (typeof t !== "string") {
      if (core.type === "external" && core.admin === undefined) {
        report(["thresholds", i, "invariant"], "invariants need an admin API (core.admin) to read accounts");
      }
      if (t.invariant === "balances-reconcile" && !provisions) {
        report(
          ["thresholds", i, "invariant"],
          "balances-reconcile needs the population provisioned by the run (core.provision: true)",
        );
      }
      if (t.invariant === "throttle-within-plan" && core.type === "external" && core.catalog === undefined) {
        report(
          ["thresholds", i, "invariant"],
          "throttle-within-plan needs core.catalog (the plans' throttled speeds)",
        );
      }
      invariants.push(t.invariant);
      return;
    }
    try {
      const e = parseThreshold(t);
      const problem = checkThreshold(e, catalogue);
      if (problem !== undefined) {
        const owner = catalogueFor(stepExecutors().map((x) => x.name)).ownerOf(e.metric);
        report(
          ["thresholds", i],
          owner !== undefined && !usedSteps.has(owner) && problem.startsWith("unknown")
            ? `metric ${e.metric} comes from step ${owner}, which no flow of this scenario uses`
            : problem,
        );
      } else thresholds.push(e);
    } catch (err) {
      if (err instanceof ThresholdSyntaxError) report(["thresholds", i], err.message);
      else throw err;
    }
  });
  if (problems.length > 0 || population === undefined || plan === undefined || compiled === undefined) fail();
  return {
    file: source.file,
    dir: source.dir,
    spec,
    population: population as PopulationPlan,
    plan: plan as LoadPlan,
    thresholds,
    invariants,
    checks: compiled?.checks ?? [],
    flows: spec.flows.map((f) => f.name),
    catalogue,
    usedSteps,
  };
}

/** Whether the scenario's flows use a step that needs handsets (the core then starts its network edge). */
export function usesHandsets(loaded: LoadedScenario): boolean {
  return [...loaded.usedSteps].some((n) => stepExecutor(n)?.requires?.includes("handsets") === true);
}

/** Whether the scenario's flows use SMPP steps (the embedded core then starts its SMSC). */
export function usesSmpp(loaded: LoadedScenario): boolean {
  return [...loaded.usedSteps].some((n) => stepExecutor(n)?.requires?.includes("smpp") === true);
}

/** `core.smsc` read as the core's config file reads its `smsc:` section; problems at their field. */
function checkSmscSection(value: unknown, report: (path: FieldPath, message: string) => void): void {
  try {
    smscConfigFrom(value, "smsc");
  } catch (e) {
    if (!(e instanceof SmscConfigError)) throw e;
    for (const problem of e.problems) {
      const colon = problem.indexOf(": ");
      const where = colon < 0 ? "smsc" : problem.slice(0, colon);
      const path: (string | number)[] = ["core"];
      for (const m of where.matchAll(/([^.[\]]+)|\[(\d+)\]/g))
        path.push(m[2] !== undefined ? Number(m[2]) : (m[1] ?? ""));
      report(path, colon < 0 ? problem : problem.slice(colon + 2));
    }
  }
}

/** The runner's metrics and those of the named steps. */
export function catalogueFor(stepNames: readonly string[]): MetricCatalogue {
  const c = new MetricCatalogue();
  for (const n of stepNames) {
    const e = stepExecutor(n);
    if (e?.metrics !== undefined) c.add(e.name, e.metrics);
  }
  return c;
}

function checkProvisioning(
  spec: Scenario,
  population: PopulationPlan,
  source: Source,
  report: (path: FieldPath, message: string) => void,
): void {
  let catalog: Catalog | undefined;
  const core = spec.core;
  const catalogPath =
    core.catalog === undefined
      ? core.type === "embedded"
        ? defaultCatalogPath()
        : undefined
      : resolve(source.dir, core.catalog);
  if (catalogPath !== undefined) {
    try {
      catalog = Catalog.load(catalogPath);
    } catch (e) {
      report(
        ["core", "catalog"],
        e instanceof CatalogError ? (e.message.split("\n")[0] ?? "invalid catalog") : String(e),
      );
    }
  }
  spec.population.groups.forEach((g, gi) => {
    const members = population.subscribers.filter((s) => s.group === g.name);
    const missingPlan = members.find((s) => s.plan === undefined);
    if (missingPlan !== undefined)
      report(
        ["population", "groups", gi, "plan"],
        `subscribers the run creates need a plan (${missingPlan.msisdn} has none)`,
      );
    const missingBalance = members.find((s) => s.balance === undefined);
    if (missingBalance !== undefined)
      report(
        ["population", "groups", gi, "balance"],
        `subscribers the run creates need a balance (${missingBalance.msisdn} has none)`,
      );
    if (catalog === undefined) return;
    for (const planId of new Set(members.map((s) => s.plan).filter((p): p is string => p !== undefined))) {
      const plan = catalog.findPlan(planId);
      if (plan === undefined)
        report(["population", "groups", gi, "plan"], `no plan "${planId}" in the catalog`);
      else if (plan.archived && g.allowArchived !== true)
        report(
          ["population", "groups", gi, "plan"],
          `plan "${planId}" is archived (set allowArchived: true)`,
        );
    }
  });
}
