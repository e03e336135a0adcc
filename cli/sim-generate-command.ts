import type { Command } from "commander";

export function registerSimGenerateCommand(sim: Command): void {
  sim.command("generate").description("(not yet available)");
}
