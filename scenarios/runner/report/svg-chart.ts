/**
 * A small inline-SVG line chart (no script, no external assets) for the HTML report: axes with
 * rounded ticks, one polyline per series (gaps where a value is missing), a legend.
 */
import { xmlEscape } from "./junit.js";

export interface ChartSeries {
  readonly name: string;
  readonly points: readonly (readonly [number, number | undefined])[];
}

export interface ChartOptions {
  readonly title: string;
  readonly series: readonly ChartSeries[];
  readonly xMax: number;
  readonly xFormat: (x: number) => string;
  readonly yFormat: (y: number) => string;
  readonly width?: number;
  readonly height?: number;
}

export const PALETTE = [
  "#2563eb",
  "#dc2626",
  "#16a34a",
  "#d97706",
  "#7c3aed",
  "#0891b2",
  "#db2777",
  "#4b5563",
  "#65a30d",
  "#9333ea",
];

/** 1, 2, 2.5, 5 × 10^n at or above `v`. */
export function niceCeiling(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

export function lineChart(o: ChartOptions): string {
  const width = o.width ?? 760;
  const height = o.height ?? 240;
  const left = 64;
  const right = 16;
  // Title, then the legend (four series a row), then the plot.
  const top = 28 + Math.ceil(o.series.length / 4) * 14;
  const bottom = 34;
  const w = width - left - right;
  const h = height - top - bottom;
  const values = o.series.flatMap((s) =>
    s.points.map((p) => p[1]).filter((y): y is number => y !== undefined && Number.isFinite(y)),
  );
  // Round ticks: a nice step, the range widened to whole steps (zero always shown).
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values);
  const step = niceCeiling((hi - lo) / 4 || 1);
  const yMin = Math.floor(lo / step) * step;
  const yMax = Math.max(yMin + step, Math.ceil(hi / step) * step);
  const ticks = Math.round((yMax - yMin) / step);
  const xMax = o.xMax > 0 ? o.xMax : 1;
  const sx = (x: number) => left + (x / xMax) * w;
  const sy = (y: number) => top + h - ((y - yMin) / (yMax - yMin)) * h;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img">`,
  );
  parts.push(`<title>${xmlEscape(o.title)}</title>`);
  parts.push(`<text x="${left}" y="16" class="t">${xmlEscape(o.title)}</text>`);
  for (let i = 0; i <= ticks; i++) {
    const y = yMin + step * i;
    const py = sy(y).toFixed(1);
    parts.push(`<line x1="${left}" x2="${left + w}" y1="${py}" y2="${py}" class="g"/>`);
    parts.push(`<text x="${left - 6}" y="${py}" class="yl">${xmlEscape(o.yFormat(y))}</text>`);
  }
  for (let i = 0; i <= 5; i++) {
    const x = (xMax * i) / 5;
    parts.push(
      `<text x="${sx(x).toFixed(1)}" y="${top + h + 18}" class="xl">${xmlEscape(o.xFormat(x))}</text>`,
    );
  }
  parts.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${top + h}" class="a"/>`);
  parts.push(`<line x1="${left}" x2="${left + w}" y1="${top + h}" y2="${top + h}" class="a"/>`);
  o.series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length] ?? "#000";
    let d = "";
    let pen = false;
    for (const [x, y] of s.points) {
      if (y === undefined || !Number.isFinite(y)) {
        pen = false;
        continue;
      }
      d += `${pen ? "L" : "M"}${sx(x).toFixed(1)} ${sy(y).toFixed(1)}`;
      pen = true;
    }
    if (d !== "") parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.6"/>`);
    const lx = left + 8 + (i % 4) * 170;
    const ly = 34 + Math.floor(i / 4) * 14;
    parts.push(`<rect x="${lx}" y="${ly - 8}" width="10" height="3" fill="${color}"/>`);
    parts.push(`<text x="${lx + 14}" y="${ly - 3}" class="lg">${xmlEscape(s.name)}</text>`);
  });
  if (values.length === 0)
    parts.push(`<text x="${left + w / 2}" y="${top + h / 2}" class="xl">no data</text>`);
  parts.push("</svg>");
  return parts.join("");
}
