import type { Command } from "commander";

export function registerDemoCommand(program: Command): void {
  program
    .command("demo")
    .description("a short SIM demo (placeholder)")
    .action(() => {
      process.stdout.write("telsim demo\n");
    });
}
