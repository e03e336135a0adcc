#!/usr/bin/env -S node --max-semi-space-size=64
// 64 MiB semi-spaces: the Gy core allocates per request, and the default young generation spent a
// fifth of its time in scavenges under load (bench/RESULTS.md, OCS full path).
import { Command, CommanderError } from "commander";
import { registerCdrCommand } from "./cdr-command.js";
import { CliError, ExitCode } from "./cli-error.js";
import { registerCoreCommand } from "./core-command.js";
import { registerDemoCommand } from "./demo-command.js";
import { registerFarmCommand } from "./farm-command.js";
import { registerGyCommand, registerGyStubCommand } from "./gy-command.js";
import { registerHandsetCommand } from "./handset-command.js";
import { registerRunCommand } from "./run-command.js";
import { registerSimCommands } from "./sim-commands.js";
import { registerSubscriberCommand } from "./subscriber-command.js";

const program = new Command()
  .name("telsim")
  .description("Telecom core network simulator: SIM cards, handsets, SMPP, USSD and Diameter Gy")
  .version("0.1.0")
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) });

registerSimCommands(program);
registerGyCommand(program);
registerGyStubCommand(program);
registerDemoCommand(program);
registerCdrCommand(program);
registerCoreCommand(program);
registerSubscriberCommand(program);
registerRunCommand(program);
registerHandsetCommand(program);
registerFarmCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end through here with exit code 0.
    process.exitCode = error.exitCode === 0 ? ExitCode.ok : ExitCode.invalidInput;
  } else if (error instanceof CliError) {
    process.stderr.write(`telsim: ${error.message}\n`);
    process.exitCode = error.exitCode;
  } else {
    process.stderr.write(
      `telsim: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = ExitCode.aborted;
  }
}
