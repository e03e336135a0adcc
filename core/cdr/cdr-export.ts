/**
 * CDRs as CSV, JSON or NDJSON text, in chunks, for `telsim cdr export`. Every format has the
 * same fields, named as in ChargingRecord (plus `sequence`): enough to reconcile a balance
 * (initial + top-ups − charges − fees = balance; top-ups and refunds carry negative charges).
 *
 * - money (charge, balanceAfter): "X.XX" strings, exact, e.g. "-8.00" (formatMoney);
 * - times (startedAt, endedAt): ISO 8601 UTC with milliseconds;
 * - ratingGroup, destination: empty in CSV, null in JSON, when the record has none;
 * - fromBuckets: in JSON an object {source: units}; in CSV `source=units` pairs joined by ";",
 *   each source percent-encoded (encodeURIComponent), so the cell is unambiguous.
 * CSV follows RFC 4180 quoting (a field with a comma, quote or line break is quoted) with "\n"
 * line ends; JSON is one array with a record per line; NDJSON one record per line.
 */
import { formatMoney } from "../charging/money.js";
import type { CdrEntry } from "./cdr-codec.js";

export type CdrExportFormat = "csv" | "json" | "ndjson";
export const CDR_EXPORT_FORMATS: readonly CdrExportFormat[] = ["csv", "json", "ndjson"];

export const CDR_EXPORT_COLUMNS = [
  "sequence",
  "id",
  "accountId",
  "msisdn",
  "sessionId",
  "kind",
  "ratingGroup",
  "destination",
  "startedAt",
  "endedAt",
  "units",
  "charge",
  "fromBuckets",
  "balanceAfter",
  "throttled",
] as const;

export interface CdrExportRow {
  readonly sequence: number;
  readonly id: string;
  readonly accountId: string;
  readonly msisdn: string;
  readonly sessionId: string;
  readonly kind: string;
  readonly ratingGroup: number | null;
  readonly destination: string | null;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly units: number;
  readonly charge: string;
  readonly fromBuckets: Readonly<Record<string, number>>;
  readonly balanceAfter: string;
  readonly throttled: boolean;
}

/** Which records to export. Times are ms since the epoch and apply to `endedAt`. */
export interface CdrFilter {
  readonly accountId?: string;
  /** endedAt at or after this. */
  readonly since?: number;
  /** endedAt before this. */
  readonly until?: number;
}

export function matchesFilter({ record }: CdrEntry, filter: CdrFilter): boolean {
  return (
    (filter.accountId === undefined || record.accountId === filter.accountId) &&
    (filter.since === undefined || record.endedAt >= filter.since) &&
    (filter.until === undefined || record.endedAt < filter.until)
  );
}

export function exportRow({ sequence, record: r }: CdrEntry): CdrExportRow {
  return {
    sequence,
    id: r.id,
    accountId: r.accountId,
    msisdn: r.msisdn,
    sessionId: r.sessionId,
    kind: r.kind,
    ratingGroup: r.ratingGroup ?? null,
    destination: r.destination ?? null,
    startedAt: new Date(r.startedAt).toISOString(),
    endedAt: new Date(r.endedAt).toISOString(),
    units: r.units,
    charge: formatMoney(r.charge),
    fromBuckets: r.fromBuckets,
    balanceAfter: formatMoney(r.balanceAfter),
    throttled: r.throttled,
  };
}

export const CSV_HEADER = CDR_EXPORT_COLUMNS.join(",");

/**
 * One CSV line, without the line end. Only the free-text fields can need quoting: the others are
 * numbers, enum names, ISO times, money and percent-encoded bucket sources.
 */
export function csvLine({ sequence, record: r }: CdrEntry): string {
  return [
    sequence,
    csvQuote(r.id),
    csvQuote(r.accountId),
    csvQuote(r.msisdn),
    csvQuote(r.sessionId),
    r.kind,
    r.ratingGroup ?? "",
    r.destination ?? "",
    new Date(r.startedAt).toISOString(),
    new Date(r.endedAt).toISOString(),
    r.units,
    formatMoney(r.charge),
    bucketsCell(r.fromBuckets),
    formatMoney(r.balanceAfter),
    r.throttled,
  ].join(",");
}

function bucketsCell(fromBuckets: Readonly<Record<string, number>>): string {
  let cell = "";
  for (const source in fromBuckets) {
    cell += `${cell === "" ? "" : ";"}${encodeURIComponent(source)}=${fromBuckets[source]}`;
  }
  return cell;
}

/** RFC 4180 §2: a field with a comma, a double quote or a line break is quoted, quotes doubled. */
export function csvQuote(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export interface ExportCounts {
  /** Records read from the files. */
  read: number;
  /** Records that passed the filter and were written. */
  written: number;
}

/**
 * The export as text chunks of about `chunkChars` characters: write them one by one to stream
 * any number of records. `counts` (if given) is kept up to date as the chunks are produced.
 */
export async function* exportChunks(
  entries: AsyncIterable<CdrEntry>,
  format: CdrExportFormat,
  filter: CdrFilter = {},
  counts: ExportCounts = { read: 0, written: 0 },
  chunkChars = 64 * 1024,
): AsyncGenerator<string, void, undefined> {
  let chunk = format === "csv" ? `${CSV_HEADER}\n` : format === "json" ? "[" : "";
  for await (const entry of entries) {
    counts.read++;
    if (!matchesFilter(entry, filter)) continue;
    if (format === "csv") chunk += `${csvLine(entry)}\n`;
    else if (format === "ndjson") chunk += `${JSON.stringify(exportRow(entry))}\n`;
    else chunk += `${counts.written === 0 ? "\n" : ",\n"}${JSON.stringify(exportRow(entry))}`;
    counts.written++;
    if (chunk.length >= chunkChars) {
      yield chunk;
      chunk = "";
    }
  }
  if (format === "json") chunk += counts.written === 0 ? "]\n" : "\n]\n";
  if (chunk !== "") yield chunk;
}
