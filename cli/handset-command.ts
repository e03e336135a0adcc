/**
 * `telsim handset --at [--core URL] [--sim FILE | --pin P --puk K --pin2 P2 --puk2 K2] [--imei N] [--seed S]`:
 * one emulated handset whose AT command interpreter (TS 27.007 / 27.005) talks on stdin and
 * stdout, like a modem on a serial line.
 *
 * Without --core the handset is offline (+CREG: 0,0), so only the SIM is exercised. With
 * --core ws://127.0.0.1:8080/ws it opens the link to a running `telsim core` and, once the SIM is
 * ready (AT+CPIN), attaches with Milenage AKA against the core's HLR/AuC using the card's K and
 * OPc: +CREG / +COPS show the core's network, USSD, SMS and voice calls go to its MSC. A core
 * that cannot be reached ends the command with exit 3; an attach reject reads +CREG: 0,3 with the
 * cause in AT+CEER (and on stderr); a link that drops reads +CREG: 0,0 while the SIM commands
 * keep working.
 *
 * The card is the one in --sim (a `telsim sim card` file, or the one `telsim subscriber add
 * --card-out` writes; its PIN / PUK counters and SQNs are written back when the session ends),
 * or else generated from --seed (default "telsim", the same card
 * `telsim sim card --seed telsim --test-card` writes) with the 3GPP test-card codes
 * (PIN 0000, PUK 11111111, PIN2 9999, PUK2 22222222, TS 31.127 §4.5.1), each replaceable with
 * --pin / --puk / --pin2 / --puk2. The IMEI is --imei or the one generated with the card.
 *
 * On a terminal, stdin is put in raw mode so that Ctrl-Z and ESC reach the AT+CMGS prompt;
 * Ctrl-C or Ctrl-D there ends the session. From a pipe, each line waits for the network work it
 * started (the attach after AT+CPIN, the answer to a USSD request) before the next one runs, so a
 * script reads the same every time. End of input ends the session with exit code 0.
 */
import type { Command } from "commander";
import { AtInterpreter } from "../handsets/at/at-interpreter.js";
import type { HandsetNetwork } from "../handsets/network/handset-network.js";
import { connectHandsetNetwork, type LinkNetwork } from "../handsets/network/link-network.js";
import { OfflineNetwork } from "../handsets/network/offline-network.js";
import { SimAccess } from "../handsets/sim-access.js";
import { CardSession } from "../sim/apdu.js";
import { generateBatch } from "../sim/batch-generate.js";
import type { SimCard } from "../sim/card.js";
import { loadCardFile, saveCardFile } from "../sim/card-file.js";
import { SimInputError } from "../sim/errors.js";
import { validateImei } from "../sim/imei.js";
import { isWellFormedPin, isWellFormedPuk } from "../sim/pin.js";
import { CliError, ExitCode } from "./cli-error.js";

interface HandsetFlags {
  at?: boolean;
  core?: string;
  sim?: string;
  pin?: string;
  puk?: string;
  pin2?: string;
  puk2?: string;
  imei?: string;
  seed: string;
}

const REVISION = "0.1.0";
const CTRL_C = "\x03";
const CTRL_D = "\x04";
/** What ends a command line (CR, LF) or a message after the +CMGS prompt (Ctrl-Z). */
const PIECE_ENDS: ReadonlySet<string> = new Set(["\r", "\n", "\x1a"]);

export function registerHandsetCommand(program: Command): void {
  program
    .command("handset")
    .description("an emulated handset; --at runs its AT command interpreter on stdin/stdout")
    .option("--at", "AT command interpreter on stdin/stdout (TS 27.007 / 27.005)")
    .option("--core <url>", "attach to a running telsim core at its handset link (ws://127.0.0.1:8080/ws)")
    .option("--sim <file>", "card file (telsim sim card, subscriber add --card-out); written back at the end")
    .option("--pin <pin>", "PIN1 of the generated card (default 0000)")
    .option("--puk <puk>", "PUK1 of the generated card (default 11111111)")
    .option("--pin2 <pin2>", "PIN2 of the generated card (default 9999)")
    .option("--puk2 <puk2>", "PUK2 of the generated card (default 22222222)")
    .option("--imei <imei>", "IMEI of the handset (15 digits, Luhn check digit)")
    .option("--seed <seed>", "seed of the generated card and IMEI", "telsim")
    .action(async (flags: HandsetFlags) => {
      if (flags.at !== true) throw new CliError(ExitCode.invalidInput, "handset: choose a mode: --at");
      const core = flags.core === undefined ? undefined : coreUrl(flags.core);
      const { card, imei } = await prepare(flags);
      const session = new CardSession(card);
      if (core === undefined) {
        await runAtConsole(session, imei, new OfflineNetwork());
      } else {
        const network = await connectCore(core, imei, session);
        try {
          await runAtConsole(session, imei, network, () => network.failureReport());
        } finally {
          network.close();
        }
      }
      if (flags.sim !== undefined) await storeCard(flags.sim, session.powerOff());
    });
}

async function prepare(flags: HandsetFlags): Promise<{ card: SimCard; imei: string }> {
  const codes = [flags.pin, flags.puk, flags.pin2, flags.puk2];
  if (flags.sim !== undefined && codes.some((code) => code !== undefined)) {
    throw new CliError(
      ExitCode.invalidInput,
      "--sim takes the codes from the card file: drop --pin/--puk/--pin2/--puk2",
    );
  }
  const [row] = generateBatch({ count: 1, seed: flags.seed, testCard: true });
  if (row === undefined) throw new CliError(ExitCode.aborted, "no card generated");
  let imei = row.imei;
  if (flags.imei !== undefined) {
    try {
      imei = validateImei(flags.imei, "--imei");
    } catch (error) {
      throw asCliError(error);
    }
  }
  if (flags.sim !== undefined) {
    try {
      return { card: await loadCardFile(flags.sim), imei };
    } catch (error) {
      const namesFile = error instanceof SimInputError && error.field === flags.sim;
      throw asCliError(error, namesFile ? "" : `--sim ${flags.sim}: `);
    }
  }
  const card = { ...row.card };
  if (flags.pin !== undefined) card.pin1 = { ...card.pin1, value: checkCode("--pin", flags.pin, false) };
  if (flags.pin2 !== undefined) card.pin2 = { ...card.pin2, value: checkCode("--pin2", flags.pin2, false) };
  if (flags.puk !== undefined) card.puk1 = { ...card.puk1, value: checkCode("--puk", flags.puk, true) };
  if (flags.puk2 !== undefined) card.puk2 = { ...card.puk2, value: checkCode("--puk2", flags.puk2, true) };
  return { card, imei };
}

function coreUrl(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "ws:" && url.protocol !== "wss:")) {
    throw new CliError(
      ExitCode.invalidInput,
      `--core must be a ws:// URL like ws://127.0.0.1:8080/ws, got "${value}"`,
    );
  }
  return value;
}

/** Opens the link; the failures the network reports later go to stderr as they happen. */
async function connectCore(url: string, imei: string, session: CardSession): Promise<LinkNetwork> {
  let network: LinkNetwork;
  try {
    network = await connectHandsetNetwork(url, { imei }, session);
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    throw new CliError(
      ExitCode.aborted,
      `cannot connect to ${url}: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
  network.onFailure((report) => process.stderr.write(`telsim: handset: ${report}\n`));
  return network;
}

function checkCode(flag: string, value: string, puk: boolean): string {
  const ok = puk ? isWellFormedPuk(value) : isWellFormedPin(value);
  if (!ok)
    throw new CliError(
      ExitCode.invalidInput,
      `${flag} must be ${puk ? "8" : "4 to 8"} digits, got "${value}"`,
    );
  return value;
}

/** Feeds stdin to the interpreter and its output to stdout until end of input. */
async function runAtConsole(
  session: CardSession,
  imei: string,
  network: HandsetNetwork,
  failureReport?: () => string | undefined,
): Promise<void> {
  const interpreter = new AtInterpreter({
    sim: new SimAccess(session),
    network,
    identity: {
      imei,
      softwareVersion: 1,
      manufacturer: "telsim",
      model: "telsim handset",
      revision: REVISION,
    },
    output: (output) => void process.stdout.write(output.text),
    onInternalError: (error) =>
      process.stderr.write(`telsim: handset: ${error instanceof Error ? error.message : String(error)}\n`),
    ...(failureReport === undefined ? {} : { failureReport }),
  });
  await interpreter.start();
  const stdin = process.stdin;
  const raw = stdin.isTTY === true;
  if (raw) stdin.setRawMode(true);
  stdin.setEncoding("utf8");
  // From a pipe, a line runs once the network work of the line before it is done.
  let feeding = Promise.resolve();
  const feed = (text: string): void => {
    if (raw) {
      void interpreter.input(text);
      return;
    }
    for (const piece of piecesOf(text)) {
      feeding = feeding.then(async () => {
        await interpreter.input(piece);
        if (PIECE_ENDS.has(piece.at(-1) ?? "")) await interpreter.idle();
      });
    }
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const finish = (): void => {
        stdin.off("data", onData);
        resolve();
      };
      const onData = (chunk: string): void => {
        const stop = raw ? [...chunk].findIndex((ch) => ch === CTRL_C || ch === CTRL_D) : -1;
        if (stop >= 0) {
          feed([...chunk].slice(0, stop).join(""));
          stdin.pause();
          finish();
          return;
        }
        feed(chunk);
      };
      stdin.on("data", onData);
      stdin.once("end", finish);
      stdin.once("error", reject);
    });
    await feeding;
    await interpreter.idle();
  } finally {
    if (raw) stdin.setRawMode(false);
    interpreter.close();
  }
}

/** `text` cut after each CR, LF and Ctrl-Z (the ends of a command line or of a message). */
function piecesOf(text: string): string[] {
  const pieces: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (PIECE_ENDS.has(text[i] ?? "")) {
      pieces.push(text.slice(start, i + 1));
      start = i + 1;
    }
  }
  if (start < text.length) pieces.push(text.slice(start));
  return pieces;
}

async function storeCard(path: string, card: SimCard): Promise<void> {
  try {
    await saveCardFile(path, card);
  } catch (error) {
    throw new CliError(
      ExitCode.aborted,
      `--sim ${path}: cannot write the card back (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

function asCliError(error: unknown, prefix = ""): unknown {
  if (error instanceof SimInputError) return new CliError(ExitCode.invalidInput, `${prefix}${error.message}`);
  return error;
}
