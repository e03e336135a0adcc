import type { Command } from "commander";
import { registerSimApduCommand } from "./sim-apdu-command.js";
import { registerSimCardCommand } from "./sim-card-command.js";
import { registerSimGenerateCommand } from "./sim-generate-command.js";
import { registerSimMilenageCommand } from "./sim-milenage-command.js";

/** `telsim sim ...`: SIM card tools. */
export function registerSimCommands(program: Command): void {
  const sim = program.command("sim").description("SIM cards: batches, Milenage, APDUs");
  registerSimGenerateCommand(sim);
  registerSimCardCommand(sim);
  registerSimMilenageCommand(sim);
  registerSimApduCommand(sim);
}
