/**
 * The step-executor registry. A step is one file, `scenarios/steps/<name>.step.ts`, that calls
 * `registerStep({...})` with its name, the JSON Schema of its parameters, the metrics it records
 * and a `compile` function turning validated parameters into a runnable closure. The runner
 * imports every `*.step.js` of that folder (in the main thread and in each worker), so adding a
 * step (say `handset.power-on`) touches no other file; its TypeScript parameter type joins
 * `StepParamsByName` by module augmentation (see scenario-types.ts).
 */
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { FlowContext } from "./flow-context.js";
import type { MetricDecl } from "./metrics/metric-catalogue.js";
import type { MetricSet } from "./metrics/metric-set.js";
import type { PopulationPlan } from "./population.js";
import type { FieldPath } from "./scenario-error.js";
import type { Scenario, StepName, StepParamsByName, StepSpec } from "./scenario-types.js";

export type JsonSchema = Readonly<Record<string, unknown>>;

/** A compiled step: runs once per flow instance that reaches it. */
export type StepRun = (ctx: FlowContext) => Promise<void>;

export type PortName = "gy" | "admin" | "handsets" | "smpp";

export interface CompileContext {
  /** Where the step's parameters are in the scenario (for FieldError). */
  readonly path: FieldPath;
  readonly scenario: Scenario;
  readonly population: PopulationPlan;
  /** The metric set of the thread the flow will run in (resolve handles here, once). */
  readonly metrics: MetricSet;
  readonly virtual: boolean;
  /** Ports the target offers (a step that needs one conditionally checks here). */
  readonly ports: ReadonlySet<PortName>;
  /** Name of the flow being compiled. */
  readonly flow: string;
  /** Compiles nested steps (loop, choice) into one closure that runs them in order. */
  compileSteps(steps: readonly StepSpec[], path: FieldPath): StepRun;
  /** Declares a check by name (each becomes a JUnit testcase). */
  declareCheck(name: string): void;
}

export interface StepExecutor<N extends string = string, P = unknown> {
  readonly name: N;
  /** One line for `--help`-style listings and the README. */
  readonly summary: string;
  /** JSON Schema of the parameters; `$ref: "#/$defs/duration"` etc. refer to the scenario schema's defs. */
  readonly schema: JsonSchema;
  /** Metrics the step records: the catalogue thresholds are checked against. */
  readonly metrics?: readonly MetricDecl[];
  /** Ports the step needs; compiling it without them is a validation error at the step. */
  readonly requires?: readonly PortName[];
  compile(params: P, c: CompileContext): StepRun;
}

const registry = new Map<string, StepExecutor>();

export function registerStep<N extends StepName>(executor: StepExecutor<N, StepParamsByName[N]>): void {
  if (registry.has(executor.name)) throw new Error(`step "${executor.name}" is registered twice`);
  if (!/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/.test(executor.name)) {
    throw new Error(`step name "${executor.name}" must be lower-case words joined by dots`);
  }
  registry.set(executor.name, executor as unknown as StepExecutor);
}

export function stepExecutor(name: string): StepExecutor | undefined {
  return registry.get(name);
}

export function stepExecutors(): StepExecutor[] {
  return [...registry.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The step's name and parameters (a step is an object with exactly one key). */
export function stepEntry(step: StepSpec): [string, unknown] {
  const entry = Object.entries(step)[0];
  if (entry === undefined) throw new Error("empty step");
  return entry;
}

const STEPS_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "steps");
let loaded: Promise<void> | undefined;

/**
 * Imports every step file of scenarios/steps (`*.step.js` when compiled, `*.step.ts` under
 * vitest), once per thread.
 */
export function loadStepFiles(dir = STEPS_DIR): Promise<void> {
  loaded ??= (async () => {
    const here = fileURLToPath(import.meta.url);
    const ext = here.endsWith(".ts") ? ".step.ts" : ".step.js";
    const files = readdirSync(dir)
      .filter((f) => f.endsWith(ext))
      .sort();
    for (const f of files) await import(pathToFileURL(join(dir, f)).href);
  })();
  return loaded;
}
