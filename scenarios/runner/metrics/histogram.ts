/**
 * HDR histograms (hdr-histogram-js): three significant digits, any value from 1 up (auto-resized),
 * so percentiles are exact to 0.1 % and histograms from several generator threads merge without
 * loss (percentiles are never averaged; load.md §6.4).
 */
import {
  build,
  decodeFromCompressedBase64,
  encodeIntoCompressedBase64,
  type Histogram,
} from "hdr-histogram-js";

export type { Histogram };

export function newHistogram(): Histogram {
  return build({
    bitBucketSize: 32,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 1024,
    numberOfSignificantValueDigits: 3,
  });
}

export function encodeHistogram(h: Histogram): string {
  return encodeIntoCompressedBase64(h);
}

export function decodeHistogram(text: string): Histogram {
  const h = decodeFromCompressedBase64(text, 32, false);
  h.autoResize = true;
  return h;
}

/** Percentile by name: p50, p90, p95, p99, p999 (99.9), p9999 (99.99). */
export function percentileOf(stat: string): number | undefined {
  const m = /^p(\d+)$/.exec(stat);
  if (m === null || m[1] === undefined) return undefined;
  const digits = m[1];
  const value = digits.length <= 2 ? Number(digits) : Number(`${digits.slice(0, 2)}.${digits.slice(2)}`);
  return value > 0 && value <= 100 ? value : undefined;
}

export interface TrendStats {
  readonly count: number;
  readonly min: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

/** Summary statistics, divided by `scale` (1000 turns recorded µs into ms). */
export function trendStats(h: Histogram, scale: number): TrendStats {
  if (h.totalCount === 0) {
    return {
      count: 0,
      min: Number.NaN,
      mean: Number.NaN,
      p50: Number.NaN,
      p90: Number.NaN,
      p95: Number.NaN,
      p99: Number.NaN,
      p999: Number.NaN,
      max: Number.NaN,
    };
  }
  const at = (p: number): number => h.getValueAtPercentile(p) / scale;
  return {
    count: h.totalCount,
    min: h.minNonZeroValue === Number.MAX_SAFE_INTEGER ? 0 : h.minNonZeroValue / scale,
    mean: h.mean / scale,
    p50: at(50),
    p90: at(90),
    p95: at(95),
    p99: at(99),
    p999: at(99.9),
    max: h.maxValue / scale,
  };
}
