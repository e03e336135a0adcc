/**
 * `telsim cdr export`: reads the rotating CDR files of a directory (written by
 * core/cdr/cdr-file-writer.ts) and writes them as CSV, JSON or NDJSON to stdout or a file,
 * streamed record by record. A torn last record in the newest file (a crash mid-write) is
 * skipped with a warning on stderr; a corrupt file fails with exit 2 naming file and offset.
 */
import { once } from "node:events";
import { open, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Writable } from "node:stream";
import type { Command } from "commander";
import { CdrError } from "../core/cdr/cdr-errors.js";
import {
  CDR_EXPORT_FORMATS,
  type CdrExportFormat,
  type CdrFilter,
  type ExportCounts,
  exportChunks,
} from "../core/cdr/cdr-export.js";
import { readCdrFiles, type TruncatedTail } from "../core/cdr/cdr-file-reader.js";
import { CliError, ExitCode } from "./cli-error.js";

export const DEFAULT_CDR_DIR = "./telsim-data/cdr";

interface ExportFlags {
  dir: string;
  format?: string;
  out?: string;
  account?: string;
  since?: string;
  until?: string;
}

/** `telsim cdr ...`: charging data records. */
export function registerCdrCommand(program: Command): void {
  const cdr = program.command("cdr").description("charging data records (CDRs) written by the OCS");
  cdr
    .command("export")
    .description("export the CDR files of a directory as CSV, JSON or NDJSON")
    .option("--dir <dir>", "directory of the rotating CDR files", DEFAULT_CDR_DIR)
    .option("--format <format>", "csv, json or ndjson (default: from --out's extension, else csv)")
    .option("--out <file>", "write to this file instead of stdout")
    .option("--account <id>", "only this account's records")
    .option("--since <iso>", "only records that ended at or after this time (ISO 8601)")
    .option("--until <iso>", "only records that ended before this time (ISO 8601)")
    .action((flags: ExportFlags) => exportCdrs(flags));
}

async function exportCdrs(flags: ExportFlags): Promise<void> {
  const format = parseFormat(flags.format, flags.out);
  const filter: CdrFilter = {
    ...(flags.account !== undefined ? { accountId: flags.account } : {}),
    ...(flags.since !== undefined ? { since: parseTime(flags.since, "--since") } : {}),
    ...(flags.until !== undefined ? { until: parseTime(flags.until, "--until") } : {}),
  };
  if (filter.since !== undefined && filter.until !== undefined && filter.since >= filter.until) {
    throw new CliError(ExitCode.invalidInput, "--since must be before --until");
  }
  await checkDirectory(flags.dir);
  const tails: TruncatedTail[] = [];
  const records = readCdrFiles(flags.dir, { onTruncatedTail: (tail) => tails.push(tail) });
  const counts: ExportCounts = { read: 0, written: 0 };
  const chunks = exportChunks(records, format, filter, counts);
  try {
    if (flags.out === undefined) await writeChunks(chunks, process.stdout);
    else await writeFileAtomically(flags.out, chunks);
  } catch (error) {
    if (error instanceof CdrError) throw new CliError(ExitCode.invalidInput, error.message);
    if (isErrno(error)) throw new CliError(ExitCode.aborted, `cdr export: ${error.message}`);
    throw error;
  }
  for (const tail of tails) {
    process.stderr.write(
      `telsim cdr export: warning: ${tail.file}: ${tail.reason} at offset ${tail.offset}; ` +
        `${tail.bytes} bytes skipped (a write cut short)\n`,
    );
  }
  if (flags.out !== undefined) {
    process.stdout.write(
      `${JSON.stringify({ records: counts.written, read: counts.read, format, out: flags.out })}\n`,
    );
  }
}

function parseFormat(format: string | undefined, out: string | undefined): CdrExportFormat {
  if (format === undefined) {
    const name = out?.toLowerCase() ?? "";
    if (name.endsWith(".json")) return "json";
    if (name.endsWith(".ndjson") || name.endsWith(".jsonl")) return "ndjson";
    return "csv";
  }
  if ((CDR_EXPORT_FORMATS as readonly string[]).includes(format)) return format as CdrExportFormat;
  throw new CliError(
    ExitCode.invalidInput,
    `--format must be ${CDR_EXPORT_FORMATS.join(", ")}, got ${JSON.stringify(format)}`,
  );
}

/** A date (UTC midnight) or a date and time with a zone: 2026-01-31, 2026-01-31T12:00:00Z, ...+03:00. */
const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

export function parseTime(text: string, option: string): number {
  const m = ISO_RE.exec(text);
  const ms = m === null ? Number.NaN : Date.parse(text);
  // Date.parse rolls some impossible dates over (2026-02-30); the fields must survive as given.
  const fieldsValid =
    m !== null &&
    Number(m[2]) >= 1 &&
    Number(m[2]) <= 12 &&
    Number(m[3]) >= 1 &&
    Number(m[3]) <= daysInMonth(Number(m[1]), Number(m[2])) &&
    Number(m[4] ?? 0) <= 23 &&
    Number(m[5] ?? 0) <= 59 &&
    Number(m[6] ?? 0) <= 59;
  if (!fieldsValid || Number.isNaN(ms)) {
    throw new CliError(
      ExitCode.invalidInput,
      `${option} must be an ISO 8601 date or date-time with a zone (2026-01-31 or 2026-01-31T12:00:00Z), got ${JSON.stringify(text)}`,
    );
  }
  return ms;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

async function checkDirectory(dir: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(dir)).isDirectory();
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such directory" : messageOf(error);
    throw new CliError(ExitCode.invalidInput, `--dir: ${reason}: ${dir}`);
  }
  if (!isDirectory) throw new CliError(ExitCode.invalidInput, `--dir: not a directory: ${dir}`);
}

/** Writes to a temporary file beside `path` and renames it into place only when all went well. */
async function writeFileAtomically(path: string, chunks: AsyncIterable<string>): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(temporary, "w");
  } catch (error) {
    throw new CliError(ExitCode.invalidInput, `--out: cannot write ${path}: ${messageOf(error)}`);
  }
  const out = handle.createWriteStream();
  try {
    await writeChunks(chunks, out);
    out.end();
    await once(out, "close");
    await rename(temporary, path);
  } catch (error) {
    out.destroy();
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

/**
 * Writes each chunk, waiting for "drain" when the stream's buffer is full. A reader that went
 * away (EPIPE, e.g. `| head`) ends the output quietly.
 */
async function writeChunks(chunks: AsyncIterable<string>, out: Writable): Promise<void> {
  let failure: NodeJS.ErrnoException | undefined;
  const onError = (error: NodeJS.ErrnoException) => {
    failure = error;
  };
  out.on("error", onError);
  try {
    for await (const chunk of chunks) {
      if (failure !== undefined) break;
      // once() rejects if the stream errors while we wait.
      if (!out.write(chunk)) await once(out, "drain");
    }
  } catch (error) {
    if (!isErrno(error)) throw error;
    failure = error;
  } finally {
    out.off("error", onError);
  }
  if (failure !== undefined && failure.code !== "EPIPE") throw failure;
}

function isErrno(error: unknown): error is NodeJS.ErrnoException {
  return (
    error instanceof Error &&
    !(error instanceof CdrError) &&
    typeof (error as NodeJS.ErrnoException).code === "string"
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
