import type { Command } from "commander";

export function registerSimApduCommand(sim: Command): void {
  sim.command("apdu").description("(not yet available)");
}
