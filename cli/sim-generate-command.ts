/**
 * `telsim sim generate`: writes a batch of SIM profiles (with handset IMEIs) as CSV or JSON.
 * `telsim sim import`: validates a batch file and prints a one-line JSON summary.
 * Output is streamed in chunks, so a million rows never sit in one string.
 */
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createReadStream } from "node:fs";
import { open, readFile, stat } from "node:fs/promises";
import type { Writable } from "node:stream";
import type { Command } from "commander";
import { CsvBatchReader, csvChunks } from "../sim/batch-csv.js";
import type { ImportOptions } from "../sim/batch-format.js";
import { generateRows, maxBatchCount } from "../sim/batch-generate.js";
import { jsonChunks, parseJsonDocument, readJsonBatch } from "../sim/batch-json.js";
import { addingRowsTo, CompactCardStore } from "../sim/compact-card-store.js";
import { SimInputError } from "../sim/errors.js";
import { A1_BELARUS_MNC, BELARUS_MCC, type Plmn, validatePlmn } from "../sim/imsi.js";
import { CliError, ExitCode } from "./cli-error.js";

type BatchFormat = "csv" | "json";

interface GenerateFlags {
  count: string;
  mcc: string;
  mnc: string;
  seed?: string;
  format?: string;
  out?: string;
  testCard?: boolean;
}

interface ImportFlags {
  format?: string;
  mcc?: string;
  mnc?: string;
}

export function registerSimGenerateCommand(sim: Command): void {
  sim
    .command("generate")
    .description("generate a batch of SIM profiles (ICCID, IMSI, MSISDN, K, OPc, PIN/PUK) with handset IMEIs")
    .requiredOption("--count <n>", "number of cards")
    .option("--mcc <mcc>", "mobile country code", BELARUS_MCC)
    .option("--mnc <mnc>", "mobile network code, 2 or 3 digits", A1_BELARUS_MNC)
    .option("--seed <seed>", "seed for keys, PINs and numbers (default: random, reported on stderr)")
    .option("--format <format>", "csv or json (default: from --out's extension, else csv)")
    .option("--out <file>", "write to this file instead of stdout")
    .option("--test-card", "use the 3GPP test card PIN/PUK values (TS 31.127 §4.5.1)")
    .action((flags: GenerateFlags) => generate(flags));

  sim
    .command("import")
    .description("validate a batch file; prints {cards, format} or the first bad row")
    .argument("<file>", "CSV or JSON batch file")
    .option("--format <format>", "csv or json (default: from the extension)")
    .option("--mcc <mcc>", "require this MCC (with --mnc) in every IMSI")
    .option("--mnc <mnc>", "require this MNC (with --mcc) in every IMSI")
    .action((file: string, flags: ImportFlags) => importBatch(file, flags));
}

async function generate(flags: GenerateFlags): Promise<void> {
  const plmn = parsePlmn(flags.mcc, flags.mnc);
  const count = parseCount(flags.count, maxBatchCount(plmn));
  const format = parseFormat(flags.format, flags.out);
  const seed = flags.seed ?? randomBytes(8).toString("hex");
  if (flags.seed === undefined && flags.out === undefined) {
    process.stderr.write(`telsim: seed ${seed} (pass --seed to repeat this batch)\n`);
  }
  const rows = generateRows({ count, seed, ...plmn, testCard: flags.testCard === true });
  const chunks = format === "csv" ? csvChunks(rows) : jsonChunks(rows);
  if (flags.out === undefined) {
    await writeChunks(chunks, process.stdout);
    return;
  }
  await writeFile(flags.out, chunks);
  process.stdout.write(`${JSON.stringify({ cards: count, format, out: flags.out, seed })}\n`);
}

async function importBatch(file: string, flags: ImportFlags): Promise<void> {
  const format = parseFormat(flags.format, file);
  if ((flags.mcc === undefined) !== (flags.mnc === undefined)) {
    throw new CliError(ExitCode.invalidInput, "--mcc and --mnc go together");
  }
  const options: ImportOptions =
    flags.mcc === undefined || flags.mnc === undefined ? {} : { plmn: parsePlmn(flags.mcc, flags.mnc) };
  try {
    // Reading into the compact store checks duplicates without a map entry per identity.
    // Sized from the file (a CSV row is about 166 bytes) to spare the store most regrowth.
    const store = new CompactCardStore({ capacity: Math.ceil((await stat(file)).size / 160) });
    const onRow = addingRowsTo(store);
    let cards: number;
    if (format === "csv") {
      const reader = new CsvBatchReader(onRow, options);
      for await (const chunk of createReadStream(file, { encoding: "utf8" })) reader.push(chunk as string);
      cards = reader.end();
    } else {
      cards = readJsonBatch(parseJsonDocument(await readFile(file, "utf8")), onRow, options);
    }
    process.stdout.write(`${JSON.stringify({ cards, format })}\n`);
  } catch (error) {
    if (error instanceof SimInputError) {
      throw new CliError(ExitCode.invalidInput, `${file}: ${error.message}`);
    }
    if (isFileError(error)) {
      throw new CliError(ExitCode.invalidInput, `cannot read ${file}: ${error.message}`);
    }
    throw error;
  }
}

function parseCount(text: string, max: number): number {
  const count = /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new CliError(ExitCode.invalidInput, `--count must be a positive integer, got "${text}"`);
  }
  if (count > max) throw new CliError(ExitCode.invalidInput, `--count must be at most ${max}, got ${count}`);
  return count;
}

function parsePlmn(mcc: string, mnc: string): Plmn {
  try {
    return validatePlmn(mcc, mnc);
  } catch (error) {
    if (error instanceof SimInputError) throw new CliError(ExitCode.invalidInput, `--${error.message}`);
    throw error;
  }
}

function parseFormat(format: string | undefined, file: string | undefined): BatchFormat {
  if (format === undefined) return file?.toLowerCase().endsWith(".json") ? "json" : "csv";
  if (format === "csv" || format === "json") return format;
  throw new CliError(ExitCode.invalidInput, `--format must be csv or json, got "${format}"`);
}

async function writeFile(path: string, chunks: Iterable<string>): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "w");
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliError(ExitCode.invalidInput, `--out: cannot write ${path}: ${reason}`);
  }
  const out = handle.createWriteStream();
  await writeChunks(chunks, out);
  out.end();
  await once(out, "close");
}

/**
 * Writes each chunk, waiting for "drain" when the stream's buffer is full. A reader that
 * went away (EPIPE, e.g. `| head`) ends the output quietly.
 */
async function writeChunks(chunks: Iterable<string>, out: Writable): Promise<void> {
  let failure: NodeJS.ErrnoException | undefined;
  const onError = (error: NodeJS.ErrnoException) => {
    failure = error;
  };
  out.on("error", onError);
  try {
    for (const chunk of chunks) {
      if (failure !== undefined) break;
      if (!out.write(chunk)) await once(out, "drain");
    }
  } catch (error) {
    failure = error as NodeJS.ErrnoException;
  } finally {
    out.off("error", onError);
  }
  if (failure !== undefined && failure.code !== "EPIPE") throw failure;
}

function isFileError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === "string";
}
