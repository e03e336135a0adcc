/**
 * `telsim sim card --out FILE [--batch FILE (--row N | --imsi X | --msisdn X)] [--seed S] [--test-card]`:
 * writes one card file (what `telsim sim apdu --card` and `telsim handset --sim` use), taken
 * from a batch file or generated on the spot. Prints a JSON summary of the card.
 */
import { readFile } from "node:fs/promises";
import { type Command, InvalidArgumentError } from "commander";
import { parseCsv } from "../sim/batch-csv.js";
import { type BatchRow, generateBatch } from "../sim/batch-generate.js";
import { parseJson } from "../sim/batch-json.js";
import { saveCardFile } from "../sim/card-file.js";
import { SimInputError } from "../sim/errors.js";
import { normaliseMsisdn } from "../sim/msisdn.js";
import { CliError, ExitCode } from "./cli-error.js";

interface CardOptions {
  out: string;
  batch?: string;
  row?: number;
  imsi?: string;
  msisdn?: string;
  seed: string;
  testCard?: boolean;
}

const positiveInt = (value: string): number => {
  if (!/^[1-9]\d*$/.test(value))
    throw new InvalidArgumentError(`--row must be a positive integer, got "${value}"`);
  return Number(value);
};

export function registerSimCardCommand(sim: Command): void {
  sim
    .command("card")
    .description("write one card file, from a batch file or freshly generated")
    .requiredOption("--out <file>", "card file to write (JSON)")
    .option("--batch <file>", "take the card from this batch file (csv or json)")
    .option("--row <n>", "row number in the batch, from 1", positiveInt)
    .option("--imsi <imsi>", "pick the batch row with this IMSI")
    .option("--msisdn <msisdn>", "pick the batch row with this MSISDN")
    .option("--seed <seed>", "seed when generating a card", "telsim")
    .option("--test-card", "generate with the 3GPP test card PIN/PUK values (TS 31.127 §4.5.1)")
    .action(async (options: CardOptions) => {
      const row = await pickRow(options);
      try {
        await saveCardFile(options.out, row.card);
      } catch (error) {
        throw new CliError(
          ExitCode.aborted,
          `--out ${options.out}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      const { iccid, imsi, msisdn } = row.card;
      process.stdout.write(`${JSON.stringify({ file: options.out, iccid, imsi, msisdn, imei: row.imei })}\n`);
    });
}

async function pickRow(o: CardOptions): Promise<BatchRow> {
  const selectors = [o.row, o.imsi, o.msisdn].filter((x) => x !== undefined).length;
  if (o.batch === undefined) {
    if (selectors > 0) throw new CliError(ExitCode.invalidInput, "--row, --imsi and --msisdn need --batch");
    const [row] = generateBatch({ count: 1, seed: o.seed, testCard: o.testCard === true });
    if (row === undefined) throw new CliError(ExitCode.aborted, "no card generated");
    return row;
  }
  if (selectors > 1) throw new CliError(ExitCode.invalidInput, "give only one of --row, --imsi, --msisdn");
  let rows: BatchRow[];
  try {
    const text = await readFile(o.batch, "utf8");
    rows = o.batch.endsWith(".json") ? parseJson(text) : parseCsv(text);
  } catch (error) {
    if (error instanceof SimInputError)
      throw new CliError(ExitCode.invalidInput, `--batch ${o.batch}: ${error.message}`);
    throw new CliError(
      ExitCode.invalidInput,
      `--batch ${o.batch}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  let found: BatchRow | undefined;
  if (o.imsi !== undefined) found = rows.find((r) => r.card.imsi === o.imsi);
  else if (o.msisdn !== undefined) {
    let wanted: string;
    try {
      wanted = normaliseMsisdn(o.msisdn, "--msisdn");
    } catch (error) {
      throw new CliError(ExitCode.invalidInput, error instanceof Error ? error.message : String(error));
    }
    found = rows.find((r) => r.card.msisdn === wanted);
  } else found = rows[(o.row ?? 1) - 1];
  if (found === undefined) {
    const what =
      o.imsi !== undefined
        ? `IMSI ${o.imsi}`
        : o.msisdn !== undefined
          ? `MSISDN ${o.msisdn}`
          : `row ${o.row ?? 1}`;
    throw new CliError(
      ExitCode.invalidInput,
      `--batch ${o.batch}: no card with ${what} (${rows.length} rows)`,
    );
  }
  return found;
}
