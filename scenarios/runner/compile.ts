/**
 * Compiles a validated scenario into closures: each flow's steps become one async function, each
 * step compiled once by its executor (parameters parsed, samplers and metric series resolved), so
 * running a flow instance does no parsing. Compilation is also the semantic check: a FieldError
 * thrown here names the field, and the loader turns it into file:line.
 */
import type { FlowContext } from "./flow-context.js";
import type { MetricSet } from "./metrics/metric-set.js";
import type { PopulationPlan } from "./population.js";
import { FieldError, FieldErrors, type FieldPath } from "./scenario-error.js";
import type { PickStrategy, Scenario, StepSpec } from "./scenario-types.js";
import {
  type CompileContext,
  type PortName,
  stepEntry,
  stepExecutor,
  type StepRun,
} from "./step-registry.js";

export interface CompiledFlow {
  readonly name: string;
  readonly weight: number;
  readonly groups: readonly string[] | undefined;
  readonly pick: PickStrategy;
  readonly run: StepRun;
}

export interface CompiledScenario {
  readonly flows: readonly CompiledFlow[];
  /** Names of the check steps (one JUnit testcase each). */
  readonly checks: readonly string[];
  /** Executors the flows use (their metrics form the catalogue). */
  readonly usedSteps: ReadonlySet<string>;
}

export interface CompileOptions {
  readonly population: PopulationPlan;
  readonly metrics: MetricSet;
  readonly virtual: boolean;
  /** Ports the target offers. */
  readonly ports: ReadonlySet<PortName>;
}

const PORT_NEEDS: Readonly<Record<PortName, string>> = {
  gy: "a Gy connection",
  admin: "an admin API (core.admin with an external core)",
  handsets:
    "emulated handsets on the embedded core's network edge (core.type: embedded on the real clock, " +
    "load.workers: 0 — handsets run in the core's thread)",
  smpp:
    "an SMSC to bind to (the embedded core on the real clock, or core.smsc of an external core) and " +
    "load.workers: 0 (binds are shared by the flows of one thread)",
};

export function compileScenario(scenario: Scenario, options: CompileOptions): CompiledScenario {
  const checks: string[] = [];
  const usedSteps = new Set<string>();
  const errors: FieldError[] = [];
  const nothing: StepRun = () => Promise.resolve();

  let flowName = "";
  const compileSteps = (steps: readonly StepSpec[], path: FieldPath): StepRun => {
    const runs: StepRun[] = steps.map((step, i) => {
      const [name, params] = stepEntry(step);
      const stepPath = [...path, i, name];
      const executor = stepExecutor(name);
      if (executor === undefined) {
        errors.push(new FieldError([...path, i], `unknown step "${name}"`));
        return nothing;
      }
      usedSteps.add(name);
      const missing = (executor.requires ?? []).find((port) => !options.ports.has(port));
      if (missing !== undefined) {
        errors.push(new FieldError(stepPath, `step ${name} needs ${PORT_NEEDS[missing]}`));
        return nothing;
      }
      const c: CompileContext = {
        path: stepPath,
        scenario,
        population: options.population,
        metrics: options.metrics,
        virtual: options.virtual,
        ports: options.ports,
        flow: flowName,
        compileSteps,
        declareCheck: (n) => {
          if (!checks.includes(n)) checks.push(n);
        },
      };
      try {
        return executor.compile(params, c);
      } catch (e) {
        // Keep going: every step's problem is reported at once.
        if (e instanceof FieldError) errors.push(e);
        else if (e instanceof FieldErrors) errors.push(...e.errors);
        else throw e;
        return nothing;
      }
    });
    if (runs.length === 1) {
      const only = runs[0] as StepRun;
      return (ctx: FlowContext) => (ctx.stopping ? Promise.resolve() : only(ctx));
    }
    return async (ctx: FlowContext) => {
      for (const run of runs) {
        if (ctx.stopping) return;
        await run(ctx);
      }
    };
  };

  const groups = new Set(options.population.groups);
  const flowError = (e: FieldError) => errors.push(e);
  const defaultPick = scenario.population.pick ?? "sequential";
  const flows = scenario.flows.map((f, i): CompiledFlow => {
    for (const [j, g] of (f.groups ?? []).entries()) {
      if (!groups.has(g)) flowError(new FieldError(["flows", i, "groups", j], `no population group "${g}"`));
    }
    flowName = f.name;
    if (scenario.flows.findIndex((o) => o.name === f.name) !== i) {
      flowError(new FieldError(["flows", i, "name"], `another flow is also named "${f.name}"`));
    }
    return {
      name: f.name,
      weight: f.weight ?? 1,
      groups: f.groups,
      pick: f.pick ?? defaultPick,
      run: compileSteps(f.steps, ["flows", i, "steps"]),
    };
  });
  if (errors.length > 0) throw new FieldErrors(errors);
  return { flows, checks, usedSteps };
}
