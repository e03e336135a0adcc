import type { Command } from "commander";

export function registerSimMilenageCommand(sim: Command): void {
  sim.command("milenage").description("(not yet available)");
}
