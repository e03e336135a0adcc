/**
 * `telsim run FILE|DIR... [--filter WORD] [--json FILE] [--junit FILE] [--report FILE.html]
 * [--events FILE.ndjson] [--seed N] [--duration S]`: runs scenario files in order (see
 * scenarios/README.md), with live progress on stderr and the summaries on stdout.
 * Exit codes: 0 passed; 1 a threshold or check failed; 2 invalid scenario or options; 3 aborted
 * (a component unreachable or crashed, an output that cannot be written, Ctrl-C); 4 the generator
 * could not keep the schedule. With several scenarios, the most serious wins (3, 2, 4, 1).
 */
import { resolve } from "node:path";
import { type Command, InvalidArgumentError } from "commander";
import { PlainProgress, TtyProgress } from "../scenarios/runner/report/progress.js";
import { suiteTable } from "../scenarios/runner/report/summary.js";
import { OutputError, runSuite } from "../scenarios/runner/run-suite.js";
import { parseDuration } from "../scenarios/runner/units.js";
import { CliError, ExitCode } from "./cli-error.js";

interface RunFlags {
  filter?: string;
  json?: string;
  junit?: string;
  report?: string;
  events?: string;
  seed?: string;
  duration?: number;
  progress: boolean;
}

function durationOption(value: string): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  try {
    return parseDuration(value);
  } catch {
    throw new InvalidArgumentError(`--duration takes seconds or a duration like "30s", got "${value}"`);
  }
}

export function registerRunCommand(program: Command): void {
  program
    .command("run")
    .description(
      "run load and charging scenarios (YAML files or directories of them) against the embedded core or an external OCS",
    )
    .argument("<paths...>", "scenario files or directories")
    .option("--filter <word>", "only scenarios whose file or name contains the word")
    .option("--json <file>", "write the summary and per-interval time series as JSON")
    .option("--junit <file>", "write JUnit XML: a testcase per threshold, invariant, check and flow")
    .option("--report <file>", "write a self-contained HTML report with charts")
    .option("--events <file>", "write events as NDJSON")
    .option("--seed <seed>", "override load.seed")
    .option("--duration <seconds>", "override load.duration (seconds, or like 30s)", durationOption)
    .option("--no-progress", "no live progress on stderr")
    .action(async (paths: string[], flags: RunFlags) => {
      const tty = process.stderr.isTTY;
      const controller = new AbortController();
      const interrupt = (): void => controller.abort();
      process.once("SIGINT", interrupt);
      try {
        const suite = await runSuite({
          paths,
          ...(flags.filter !== undefined ? { filter: flags.filter } : {}),
          overrides: {
            ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
            ...(flags.duration !== undefined ? { durationMs: flags.duration } : {}),
          },
          ...(flags.json !== undefined ? { json: flags.json } : {}),
          ...(flags.junit !== undefined ? { junit: flags.junit } : {}),
          ...(flags.report !== undefined ? { report: flags.report } : {}),
          ...(flags.events !== undefined ? { events: flags.events } : {}),
          progress: () =>
            !flags.progress
              ? { update: () => undefined, finish: () => undefined }
              : tty
                ? new TtyProgress(process.stderr)
                : new PlainProgress(process.stderr),
          out: process.stdout,
          signal: controller.signal,
        });
        if (suite.scenarios.length === 0)
          throw new CliError(
            ExitCode.invalidInput,
            `no scenario matched ${flags.filter !== undefined ? `--filter ${flags.filter}` : paths.join(" ")}`,
          );
        if (suite.scenarios.length > 1) process.stdout.write(suiteTable(suite));
        if (flags.report !== undefined) process.stdout.write(`report: ${resolve(flags.report)}\n`);
        process.exitCode = suite.exitCode;
      } catch (e) {
        if (e instanceof OutputError) throw new CliError(ExitCode.aborted, e.message);
        throw e;
      } finally {
        process.off("SIGINT", interrupt);
      }
    });
}
