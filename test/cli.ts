/** Runs the compiled CLI (built once by test/global-setup.ts). */
import { execFile, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const TELSIM = `${ROOT}dist/cli/telsim.js`;

export interface CliRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function telsimSync(args: readonly string[], input?: string): CliRun {
  const r = spawnSync(process.execPath, [TELSIM, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 60_000,
    ...(input !== undefined ? { input } : {}),
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function telsim(args: readonly string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [TELSIM, ...args],
      { cwd: ROOT, maxBuffer: 64 << 20, timeout: 60_000 },
      (error, stdout, stderr) => {
        const status = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        resolve({ status, stdout, stderr });
      },
    );
  });
}
