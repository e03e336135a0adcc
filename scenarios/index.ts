/**
 * The scenario runner's public surface: write scenarios in TypeScript, add steps, run suites from
 * code. The CLI (`telsim run`, cli/run-command.ts) is a thin layer over `runSuite`.
 */
export { defineScenario } from "./runner/scenario-types.js";
export type {
  CoreSpec,
  DistributionSpec,
  FlowSpec,
  GroupSpec,
  InvariantName,
  LoadSpec,
  PickStrategy,
  PopulationSpec,
  Scenario,
  StepParamsByName,
  StepSpec,
  ThresholdSpec,
} from "./runner/scenario-types.js";
export {
  loadStepFiles,
  registerStep,
  type CompileContext,
  type StepExecutor,
  type StepRun,
} from "./runner/step-registry.js";
export type { FlowContext, LastResult } from "./runner/flow-context.js";
export { StepError } from "./runner/flow-context.js";
export type { MetricDecl } from "./runner/metrics/metric-catalogue.js";
export type { AdminPort, GyPort, Ports, SubscriberRef } from "./runner/ports.js";
export { loadScenarioFile, validateScenario, type LoadedScenario } from "./runner/load-scenario.js";
export { runLoadedScenario, type ProgressSink, type RunHooks } from "./runner/run-scenario.js";
export { runSuite, type SuiteOptions } from "./runner/run-suite.js";
export type { ScenarioResult, SuiteResult } from "./runner/result.js";
export { ScenarioError } from "./runner/scenario-error.js";
