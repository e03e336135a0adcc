/**
 * `telsim sim apdu --card FILE APDU...`: power the card in FILE on, send each APDU, print one
 * line per APDU and store the card back (counters persist; verification is per session, so
 * the stored verified flags are false).
 *
 * Each argument is one APDU in hex, either case; spaces and colons inside an argument are
 * ignored ("00 20 00 01 08 ..."). Output, one line per APDU, upper-case hex:
 *
 *   <command> -> [<response data> ]<SW1SW2>
 *   002000010830303030FFFFFFFF -> 9000
 *   00B000000A -> 987305010000000010F7 9000
 *
 * Bad hex or an unreadable / invalid card file: exit 2 naming the argument or the field.
 * Nothing is sent and the file is untouched unless every argument parses.
 */
import type { Command } from "commander";
import { CardSession } from "../sim/apdu.js";
import type { SimCard } from "../sim/card.js";
import { loadCardFile, saveCardFile } from "../sim/card-file.js";
import { SimInputError } from "../sim/errors.js";
import { parseHex, toHex } from "../sim/hex.js";
import { formatStatusWord } from "../sim/status-words.js";
import { CliError, ExitCode } from "./cli-error.js";

interface ApduOptions {
  card: string;
}

export function registerSimApduCommand(sim: Command): void {
  sim
    .command("apdu")
    .description("send command APDUs (hex, one per argument) to a card file and print the responses")
    .requiredOption("--card <file>", "card JSON file; its PIN counters are updated in place")
    .argument("<apdu...>", "command APDUs in hex, e.g. 002000010830303030FFFFFFFF")
    .action(async (apdus: string[], options: ApduOptions) => {
      const lines = await runApdus(options.card, apdus);
      process.stdout.write(lines.map((line) => `${line}\n`).join(""));
    });
}

/** Sends the APDUs to the card stored in `cardPath`, saves it, returns the output lines. */
export async function runApdus(cardPath: string, apduTexts: readonly string[]): Promise<string[]> {
  const commands = apduTexts.map((text, index) => parseApduArgument(text, index));
  const session = new CardSession(await loadCard(cardPath));
  const lines = commands.map((command) => {
    const response = session.transmit(command);
    const data = response.data.length > 0 ? `${upperHex(response.data)} ` : "";
    return `${upperHex(command)} -> ${data}${formatStatusWord(response.sw)}`;
  });
  try {
    await saveCardFile(cardPath, session.powerOff());
  } catch (error) {
    throw new CliError(
      ExitCode.aborted,
      `--card ${cardPath}: cannot write the card back (${describe(error)})`,
    );
  }
  return lines;
}

function parseApduArgument(text: string, index: number): Uint8Array {
  const field = `APDU ${index + 1} ("${text}")`;
  try {
    return parseHex(field, text.replace(/[\s:]/g, ""));
  } catch (error) {
    throw asCliError(error);
  }
}

async function loadCard(path: string): Promise<SimCard> {
  try {
    return await loadCardFile(path);
  } catch (error) {
    const namesFile = error instanceof SimInputError && error.field === path;
    throw asCliError(error, namesFile ? "" : `card file ${path}: `);
  }
}

function asCliError(error: unknown, prefix = ""): unknown {
  if (error instanceof SimInputError) return new CliError(ExitCode.invalidInput, `${prefix}${error.message}`);
  return error;
}

function upperHex(bytes: Uint8Array): string {
  return toHex(bytes).toUpperCase();
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
