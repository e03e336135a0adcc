/**
 * `telsim core`: runs the OCS (Gy over Diameter), its admin HTTP API (core/admin), the network
 * edge with the handset link (ws://<http>/ws), the SMSC (SMPP, default 127.0.0.1:2775) and the
 * USSD gateway until SIGINT or SIGTERM, or for `--duration` seconds; then stops cleanly (DPR to
 * every peer, unbind to every ESME, store closed). Settings come from `--config FILE` (YAML, same
 * names in camelCase, plus the `smsc:` and `ussd:` sections) and are overridden by flags.
 * Exit codes: 0 stopped; 2 bad options, config or catalog; 3 a port in use or another listen error.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { type Command, InvalidArgumentError, Option } from "commander";
import { parse as parseYaml } from "yaml";
import { CatalogError } from "../core/charging/catalog.js";
import { stderrLogger } from "../core/diameter/logger.js";
import { CoreNode, type CoreOptions } from "../core/node.js";
import { StoreError } from "../core/store/store-errors.js";
import { SmscConfigError, smscConfigFrom } from "../core/smsc/smsc-config-file.js";
import type { SmscConfig } from "../core/smsc/smsc-config.js";
import { ussdConfigFrom, type UssdConfig } from "../core/ussd/ussd-config.js";
import { UssdError } from "../core/ussd/ussd-errors.js";
import { CliError, ExitCode } from "./cli-error.js";

/** What a config file may hold; flags of the same meaning override it. */
export interface CoreSettings {
  host?: string;
  diameterPort?: number;
  httpPort?: number;
  data?: string;
  memory?: boolean;
  catalog?: string;
  originHost?: string;
  originRealm?: string;
  smppPort?: number;
  /** The `smsc:` section (core/smsc/smsc-config-file.ts), and its `charging` (in-process or diameter). */
  smsc?: { config: SmscConfig; charging?: "in-process" | "diameter" };
  /** The `ussd:` section (core/ussd/ussd-config.ts). */
  ussd?: UssdConfig;
}

const SETTING_TYPES: Record<keyof CoreSettings, "string" | "port" | "boolean" | "section"> = {
  host: "string",
  diameterPort: "port",
  httpPort: "port",
  data: "string",
  memory: "boolean",
  catalog: "string",
  originHost: "string",
  originRealm: "string",
  smppPort: "port",
  smsc: "section",
  ussd: "section",
};

interface CoreFlags extends CoreSettings {
  config?: string;
  duration?: number;
}

function portOption(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n > 65535) {
      throw new InvalidArgumentError(`${name} must be a port 0-65535 (0: any free port), got "${value}"`);
    }
    return n;
  };
}

function durationOption(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n <= 0) {
    throw new InvalidArgumentError(`--duration must be a positive number of seconds, got "${value}"`);
  }
  return n;
}

function nonEmpty(name: string) {
  return (value: string): string => {
    if (value.trim() === "") throw new InvalidArgumentError(`${name} must not be empty`);
    return value;
  };
}

export function registerCoreCommand(program: Command): void {
  program
    .command("core")
    .description("run the online charging core: Gy over Diameter and the admin HTTP API with /metrics")
    .option("--host <address>", "address to listen on (default 127.0.0.1)", nonEmpty("--host"))
    .option("--diameter-port <port>", "Diameter (Gy) port (default 3868)", portOption("--diameter-port"))
    .option("--http-port <port>", "admin HTTP API port (default 8080)", portOption("--http-port"))
    .option("--smpp-port <port>", "SMPP port of the SMSC (default 2775)", portOption("--smpp-port"))
    .addOption(
      new Option("--data <dir>", "data folder of the SQLite store (default ./telsim-data)")
        .argParser(nonEmpty("--data"))
        .conflicts("memory"),
    )
    .addOption(new Option("--memory", "keep everything in memory (nothing survives a restart)"))
    .option(
      "--catalog <file>",
      "tariff catalog YAML (default: the shipped A1 catalog)",
      nonEmpty("--catalog"),
    )
    .option("--config <file>", "YAML file with these settings (flags override it)")
    .option(
      "--origin-host <fqdn>",
      "our Diameter Origin-Host (default ocs.telsim.local)",
      nonEmpty("--origin-host"),
    )
    .option(
      "--origin-realm <realm>",
      "our Diameter Origin-Realm (default telsim.local)",
      nonEmpty("--origin-realm"),
    )
    .option("--duration <s>", "stop by itself after this many seconds", durationOption)
    .action((flags: CoreFlags) => runCore(flags));
}

/** Reads and checks a config file; paths in it are relative to the file's folder. */
export function loadCoreConfig(path: string): CoreSettings {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new CliError(ExitCode.invalidInput, `--config: cannot read ${path}: ${errorText(e)}`);
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (e) {
    throw new CliError(ExitCode.invalidInput, `--config ${path}: not YAML: ${errorText(e)}`);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new CliError(ExitCode.invalidInput, `--config ${path}: expected a mapping of settings`);
  }
  const settings: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const type = SETTING_TYPES[key as keyof CoreSettings];
    const bad = (what: string): CliError =>
      new CliError(ExitCode.invalidInput, `--config ${path}: ${key} must be ${what}`);
    if (type === undefined) {
      throw new CliError(
        ExitCode.invalidInput,
        `--config ${path}: unknown setting "${key}" (known: ${Object.keys(SETTING_TYPES).join(", ")})`,
      );
    }
    if (type === "string" && (typeof v !== "string" || v.trim() === "")) throw bad("a non-empty string");
    if (type === "boolean" && typeof v !== "boolean") throw bad("true or false");
    if (type === "port" && (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 65535)) {
      throw bad("a port 0-65535");
    }
    if (type === "section") {
      if (key === "smsc") {
        const { charging, ...rest } = isMapping(v) ? v : {};
        if (charging !== undefined && charging !== "in-process" && charging !== "diameter") {
          throw bad('a mapping whose charging is "in-process" or "diameter"');
        }
        const config = sectionOf(key, v === null || !isMapping(v) ? v : rest, path);
        settings[key] = { config, ...(charging !== undefined ? { charging } : {}) };
      } else settings[key] = sectionOf(key, v, path);
      continue;
    }
    settings[key] = key === "data" || key === "catalog" ? resolve(dirname(path), v as string) : v;
  }
  if (settings.data !== undefined && settings.memory === true) {
    throw new CliError(ExitCode.invalidInput, `--config ${path}: data and memory exclude each other`);
  }
  return settings as CoreSettings;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function sectionOf(key: string, value: unknown, path: string): SmscConfig | UssdConfig {
  try {
    return key === "smsc" ? smscConfigFrom(value) : ussdConfigFrom(value);
  } catch (e) {
    if (e instanceof SmscConfigError || e instanceof UssdError) {
      throw new CliError(
        ExitCode.invalidInput,
        `--config ${path}: ${e.message.split("\n").join(`\n--config ${path}: `)}`,
      );
    }
    throw e;
  }
}

/** Config file, then flags: a flag wins; --data on the command line turns a configured memory off. */
export function mergeSettings(config: CoreSettings, flags: CoreFlags): CoreOptions {
  const pick = <K extends keyof CoreSettings>(key: K): CoreSettings[K] => flags[key] ?? config[key];
  const memory = flags.memory === true || (flags.data === undefined && config.memory === true);
  const data = pick("data");
  const host = pick("host");
  const diameterPort = pick("diameterPort");
  const httpPort = pick("httpPort");
  const catalog = pick("catalog");
  const originHost = pick("originHost");
  const originRealm = pick("originRealm");
  const smppPort = pick("smppPort");
  return {
    memory,
    ...(!memory && data !== undefined ? { dataDir: data } : {}),
    ...(host !== undefined ? { host } : {}),
    ...(diameterPort !== undefined ? { diameterPort } : {}),
    ...(httpPort !== undefined ? { httpPort } : {}),
    ...(catalog !== undefined ? { catalogPath: catalog } : {}),
    ...(originHost !== undefined ? { originHost } : {}),
    ...(originRealm !== undefined ? { originRealm } : {}),
    // The network edge (HLR/AuC, MSC, PGW, USSD) with the handset link at ws://<http>/ws, and the SMSC.
    network: {
      ...(config.ussd !== undefined ? { ussd: config.ussd } : {}),
      smsc: {
        ...(config.smsc !== undefined ? { config: config.smsc.config } : {}),
        ...(config.smsc?.charging !== undefined ? { charging: config.smsc.charging } : {}),
        ...(host !== undefined ? { host } : {}),
        ...(smppPort !== undefined ? { port: smppPort } : {}),
      },
    },
  };
}

async function runCore(flags: CoreFlags): Promise<void> {
  const config = flags.config !== undefined ? loadCoreConfig(flags.config) : {};
  const options: CoreOptions = {
    ...mergeSettings(config, flags),
    logger: stderrLogger("telsim-core"),
  };
  let node: CoreNode;
  try {
    node = await CoreNode.start(options);
  } catch (e) {
    throw startError(e);
  }
  const d = node.diameterAddress;
  const h = node.httpAddress;
  const s = node.network?.smppAddress;
  const data = options.memory ? "in memory" : `in ${resolve(options.dataDir ?? "telsim-data")}`;
  process.stderr.write(
    `telsim core: diameter ${d.host}:${d.port}, http http://${h.host}:${h.port}, handsets ws://${h.host}:${h.port}/ws, smpp ${s?.host}:${s?.port}, data ${data} (pid ${process.pid})\n`,
  );
  const reason = await untilStopped(flags.duration);
  await node.stop();
  process.stderr.write(`telsim core: stopped (${reason})\n`);
}

/** Resolves with why the core should stop: a signal, or the duration elapsed. */
function untilStopped(durationS: number | undefined): Promise<string> {
  return new Promise((done) => {
    const finish = (reason: string): void => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
      clearTimeout(timer);
      done(reason);
    };
    const onInt = (): void => finish("SIGINT");
    const onTerm = (): void => finish("SIGTERM");
    process.on("SIGINT", onInt);
    process.on("SIGTERM", onTerm);
    const timer =
      durationS === undefined
        ? undefined
        : setTimeout(() => finish(`${durationS} s elapsed`), durationS * 1000);
  });
}

function startError(e: unknown): CliError {
  if (e instanceof CatalogError) return new CliError(ExitCode.invalidInput, e.message);
  if (e instanceof StoreError) return new CliError(ExitCode.invalidInput, `--data: ${e.message}`);
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === "EADDRINUSE" || code === "EACCES" || code === "EADDRNOTAVAIL" || code === "ENOTFOUND") {
    return new CliError(ExitCode.aborted, `cannot listen: ${errorText(e)}`);
  }
  return new CliError(ExitCode.aborted, `cannot start the core: ${errorText(e)}`);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
