/**
 * `--json FILE`: the suite with each scenario's summary and its per-interval time series.
 * `version` changes only when a field changes meaning or goes away.
 */
import type { SuiteResult } from "../result.js";

export const JSON_REPORT_VERSION = 1;

export function jsonReport(s: SuiteResult): string {
  return `${JSON.stringify({ format: "telsim-run", version: JSON_REPORT_VERSION, ...s }, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 2)}\n`;
}
