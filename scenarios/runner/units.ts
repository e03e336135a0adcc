/**
 * The quantities a scenario writes as text: durations ("200ms", "2s", "31d"), volumes ("5MB",
 * binary multiples like the catalog's megabyte, 2^20 octets), bit rates ("512kbps", decimal as
 * networks count them), arrival rates ("100/s", "20/d") and money ("10.00", integer kopecks).
 * The patterns are shared with the JSON Schema, so a bad value is reported at its line.
 */
import { type Kopecks, parseMoney } from "../../core/charging/money.js";

export const DURATION_PATTERN = "^\\d+(\\.\\d+)?\\s*(us|µs|ms|s|m|min|h|d)$";
export const VOLUME_PATTERN = "^\\d+(\\.\\d+)?\\s*(B|KB|MB|GB|KiB|MiB|GiB)$";
export const BITRATE_PATTERN = "^\\d+(\\.\\d+)?\\s*(bps|kbps|Mbps|Gbps)$";
export const RATE_PATTERN = "^\\d+(\\.\\d+)?\\s*/\\s*(s|sec|m|min|h|d)$";
export const MONEY_PATTERN = "^\\d{1,9}(\\.\\d{1,2})?$";

/** How each pattern is described when a value does not match it. */
export const PATTERN_HINTS: Readonly<Record<string, string>> = {
  [DURATION_PATTERN]: 'a duration like "200ms", "30s", "5m", "2h" or "31d"',
  [VOLUME_PATTERN]: 'a volume like "512KB", "5MB" or "1GB"',
  [BITRATE_PATTERN]: 'a bit rate like "512kbps" or "8Mbps"',
  [RATE_PATTERN]: 'a rate like "100/s", "600/min" or "20/d"',
  [MONEY_PATTERN]: 'an amount like "10.00"',
};

const MS_PER: Readonly<Record<string, number>> = {
  us: 0.001,
  µs: 0.001,
  ms: 1,
  s: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const OCTETS_PER: Readonly<Record<string, number>> = {
  B: 1,
  KB: 1024,
  KiB: 1024,
  MB: 1024 ** 2,
  MiB: 1024 ** 2,
  GB: 1024 ** 3,
  GiB: 1024 ** 3,
};

const BPS_PER: Readonly<Record<string, number>> = { bps: 1, kbps: 1e3, Mbps: 1e6, Gbps: 1e9 };

const SECONDS_PER: Readonly<Record<string, number>> = {
  s: 1,
  sec: 1,
  m: 60,
  min: 60,
  h: 3600,
  d: 86_400,
};

export class UnitError extends Error {
  override readonly name = "UnitError";
}

function split(text: string, pattern: RegExp, what: string): [number, string] {
  const m = pattern.exec(text.trim());
  if (m === null || m[1] === undefined || m[2] === undefined) {
    throw new UnitError(`"${text}" is not ${what}`);
  }
  return [Number(m[1]), m[2]];
}

/** "250ms" → 250; milliseconds (fractions allowed for microseconds). */
export function parseDuration(text: string): number {
  const [n, unit] = split(
    text,
    /^(\d+(?:\.\d+)?)\s*(us|µs|ms|s|m|min|h|d)$/,
    PATTERN_HINTS[DURATION_PATTERN]!,
  );
  return n * (MS_PER[unit] ?? 1);
}

/** "5MB" → 5242880 octets (whole octets). */
export function parseVolume(text: string | number): number {
  if (typeof text === "number") return Math.round(text);
  const [n, unit] = split(
    text,
    /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|KiB|MiB|GiB)$/,
    PATTERN_HINTS[VOLUME_PATTERN]!,
  );
  return Math.round(n * (OCTETS_PER[unit] ?? 1));
}

/** "512kbps" → 512000 bit/s. */
export function parseBitrate(text: string): number {
  const [n, unit] = split(text, /^(\d+(?:\.\d+)?)\s*(bps|kbps|Mbps|Gbps)$/, PATTERN_HINTS[BITRATE_PATTERN]!);
  return n * (BPS_PER[unit] ?? 1);
}

/** "600/min" → 10 per second; a bare number is per second. */
export function parseRate(text: string | number): number {
  if (typeof text === "number") return text;
  const [n, unit] = split(text, /^(\d+(?:\.\d+)?)\s*\/\s*(s|sec|m|min|h|d)$/, PATTERN_HINTS[RATE_PATTERN]!);
  return n / (SECONDS_PER[unit] ?? 1);
}

export function parseAmount(text: string, field: string): Kopecks {
  return parseMoney(text, field);
}

/** 1234.5 → "1.23s", 12.3 → "12.3ms", 0.05 → "50µs": a latency for people. */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return "-";
  if (ms >= 86_400_000) return `${(ms / 86_400_000).toFixed(ms >= 864_000_000 ? 0 : 1)}d`;
  if (ms >= 3_600_000) return `${(ms / 3_600_000).toFixed(1)}h`;
  if (ms >= 60_000) return `${(ms / 60_000).toFixed(1)}m`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)}s`;
  if (ms >= 1) return `${ms.toFixed(ms >= 100 ? 0 : ms >= 10 ? 1 : 2)}ms`;
  return `${Math.round(ms * 1000)}µs`;
}

/** A count or rate with a thousands separator and at most `digits` decimals. */
export function formatNumber(n: number | undefined, digits = 0): string {
  if (n === undefined || !Number.isFinite(n)) return "-";
  return n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}
