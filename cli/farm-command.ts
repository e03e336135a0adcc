/**
 * `telsim farm --core ws://127.0.0.1:8080/ws (--sims FILE | --count N [--seed S]) [--attach]
 *  [--no-pin] [--duration S] [--window N]`: a farm of emulated handsets on ONE WebSocket link to
 * a core. With --attach every handset powers on, enters its PIN and attaches with AKA; the farm
 * then stays up for --duration seconds (idle, registered). Progress lines go to stderr once a
 * second; the final JSON summary (counters, census, timings) goes to stdout.
 *
 * Exit codes: 0 done; 1 some attaches were rejected or timed out; 2 bad options; 3 the core could
 * not be reached or the link dropped.
 */
import type { Command } from "commander";
import { realClock } from "../core/clock/clock.js";
import { LinkError } from "../core/network/link/link-errors.js";
import { connectLink } from "../core/network/link/ws-link-client.js";
import { FarmCards } from "../handsets/farm/farm-card.js";
import { generatedSims, simsFromFile } from "../handsets/farm/farm-sims.js";
import { HandsetFarm } from "../handsets/farm/handset-farm.js";
import { SimInputError } from "../sim/errors.js";
import type { CompactCardStore } from "../sim/compact-card-store.js";
import { CliError, ExitCode } from "./cli-error.js";

interface FarmFlags {
  core: string;
  sims?: string;
  count?: string;
  seed: string;
  attach?: boolean;
  pin: boolean;
  duration: string;
  window: string;
}

const MAX_COUNT = 10_000_000;

export function registerFarmCommand(program: Command): void {
  program
    .command("farm")
    .description("a farm of emulated handsets on one WebSocket link to a core (attach with AKA)")
    .requiredOption("--core <url>", "the core's link endpoint, e.g. ws://127.0.0.1:8080/ws")
    .option("--sims <file>", "SIM batch file (telsim sim generate, CSV or JSON)")
    .option("--count <n>", "number of handsets with generated test cards (PIN 0000)")
    .option("--seed <seed>", "seed of the generated cards", "telsim")
    .option("--attach", "power on, enter the PIN and attach every handset")
    .option("--no-pin", "do not enter the PIN at power-on (the SIMs stay locked)")
    .option("--duration <seconds>", "stay up this long after attaching", "0")
    .option("--window <n>", "attaches in flight at once", "5000")
    .action(async (flags: FarmFlags) => {
      await runFarm(flags);
    });
}

async function runFarm(flags: FarmFlags): Promise<void> {
  const duration = nonNegative("--duration", flags.duration);
  const window = positive("--window", flags.window);
  if (!/^wss?:\/\//.test(flags.core)) throw new CliError(ExitCode.invalidInput, "--core must be a ws:// URL");
  const started = Date.now();
  const store = await loadSims(flags);
  const loadedMs = Date.now() - started;
  let connection;
  try {
    connection = await connectLink(flags.core);
  } catch (error) {
    if (error instanceof LinkError) throw new CliError(ExitCode.aborted, error.message);
    throw error;
  }
  let linkDown: string | undefined;
  connection.onClose((reason) => {
    linkDown = reason;
  });
  const farm = new HandsetFarm({
    cards: new FarmCards(store),
    connection,
    clock: realClock,
    attachWindow: window,
  });
  progress(`farm: ${farm.size} handsets, cards loaded in ${loadedMs} ms, connected to ${flags.core}`);
  const ticker = setInterval(() => progress(`farm: ${JSON.stringify(farm.census())}`), 1000);
  let attachMs = 0;
  try {
    if (flags.attach === true) {
      const t0 = Date.now();
      await Promise.race([farm.powerOnAll({ enterPin: flags.pin }), closed(connection)]);
      attachMs = Date.now() - t0;
      progress(
        `farm: attach done in ${attachMs} ms: ${farm.counters.attached} attached, ${farm.counters.rejected} rejected`,
      );
    }
    if (duration > 0 && linkDown === undefined)
      await Promise.race([sleep(duration * 1000), closed(connection)]);
  } finally {
    clearInterval(ticker);
  }
  const summary = {
    core: flags.core,
    handsets: farm.size,
    loadMs: loadedMs,
    attachMs,
    census: farm.census(),
    counters: farm.counters,
    rssBytes: process.memoryUsage().rss,
    ...(linkDown === undefined ? {} : { linkDown }),
  };
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  const down = linkDown;
  connection.close("farm done");
  if (down !== undefined) throw new CliError(ExitCode.aborted, `link to ${flags.core} closed: ${down}`);
  if (flags.attach === true && farm.counters.attached < farm.counters.attachRequests)
    process.exitCode = ExitCode.failed;
}

async function loadSims(flags: FarmFlags): Promise<CompactCardStore> {
  if ((flags.sims === undefined) === (flags.count === undefined)) {
    throw new CliError(ExitCode.invalidInput, "farm: give either --sims FILE or --count N");
  }
  try {
    if (flags.sims !== undefined) return await simsFromFile(flags.sims);
    const count = positive("--count", flags.count ?? "");
    if (count > MAX_COUNT) throw new CliError(ExitCode.invalidInput, `--count is at most ${MAX_COUNT}`);
    return generatedSims({ count, seed: flags.seed });
  } catch (error) {
    if (error instanceof SimInputError) throw new CliError(ExitCode.invalidInput, `farm: ${error.message}`);
    if (error instanceof Error && "code" in error && error.code === "ENOENT") {
      throw new CliError(ExitCode.invalidInput, `farm: ${flags.sims ?? ""}: no such file`);
    }
    throw error;
  }
}

function positive(flag: string, text: string): number {
  const n = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(n) || n < 1) {
    throw new CliError(ExitCode.invalidInput, `${flag} must be a positive integer, got "${text}"`);
  }
  return n;
}

function nonNegative(flag: string, text: string): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || n < 0) {
    throw new CliError(ExitCode.invalidInput, `${flag} must be a number of seconds ≥ 0, got "${text}"`);
  }
  return n;
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function closed(connection: { onClose(l: (reason: string) => void): void }): Promise<void> {
  return new Promise((resolve) => connection.onClose(() => resolve()));
}
