/**
 * `telsim core` as a child process (the compiled CLI, built by test/global-setup.ts): started on
 * given ports and data folder, ready once it has printed where it listens, killed or stopped by
 * the test, and always killed if the test process exits first.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, TELSIM } from "../cli.js";
import { stopChild, track, waitUntil } from "../interop/tools.js";

export interface CoreProcess {
  readonly child: ChildProcess;
  readonly base: string;
  readonly diameterPort: number;
  /** Everything the core wrote to stderr so far. */
  stderr(): string;
  /** SIGKILL: no shutdown, no last flush. Resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (a clean stop), SIGKILL after 5 s. */
  stop(): Promise<void>;
}

export interface CoreProcessOptions {
  readonly dataDir: string;
  readonly diameterPort: number;
  readonly httpPort: number;
  readonly catalogPath?: string;
  readonly readyTimeoutMs?: number;
}

export async function startCoreProcess(options: CoreProcessOptions): Promise<CoreProcess> {
  const args = [
    TELSIM,
    "core",
    "--data",
    options.dataDir,
    "--diameter-port",
    String(options.diameterPort),
    "--http-port",
    String(options.httpPort),
    "--smpp-port",
    "0",
    ...(options.catalogPath !== undefined ? ["--catalog", options.catalogPath] : []),
  ];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
  track(child);
  let err = "";
  child.stderr?.on("data", (c: Buffer) => {
    err += c.toString("utf8");
  });
  const gone = (): boolean => child.exitCode !== null || child.signalCode !== null;
  try {
    await waitUntil(
      () => gone() || err.includes("telsim core: diameter"),
      options.readyTimeoutMs ?? 15_000,
      () => `telsim core to start; stderr so far:\n${err}`,
    );
  } catch (e) {
    child.kill("SIGKILL");
    throw e;
  }
  if (gone()) throw new Error(`telsim core exited (${child.exitCode ?? child.signalCode}):\n${err}`);
  const exited = new Promise<void>((resolve) => {
    if (gone()) resolve();
    else child.once("exit", () => resolve());
  });
  return {
    child,
    base: `http://127.0.0.1:${options.httpPort}`,
    diameterPort: options.diameterPort,
    stderr: () => err,
    kill: async () => {
      if (!gone()) child.kill("SIGKILL");
      await exited;
    },
    stop: () => stopChild(child, "SIGTERM", 5000),
  };
}

/**
 * A copy of the shipped catalog with other Validity-Time and Tcc (the catalog requires
 * Tcc > Validity-Time), written into `dir`; returns its path.
 */
export function catalogWithTcc(dir: string, validityTimeSeconds: number, tccSeconds: number): string {
  const shipped = readFileSync(join(ROOT, "catalog", "a1-tariffs.yaml"), "utf8");
  const replace = (text: string, key: string, value: number): string => {
    const re = new RegExp(`^(\\s+${key}:\\s*)\\d+`, "m");
    if (!re.test(text)) throw new Error(`the shipped catalog has no ${key}`);
    return text.replace(re, `$1${value}`);
  };
  const text = replace(
    replace(shipped, "validityTimeSeconds", validityTimeSeconds),
    "tccSeconds",
    tccSeconds,
  );
  const path = join(dir, "catalog-short-tcc.yaml");
  writeFileSync(path, text);
  return path;
}
