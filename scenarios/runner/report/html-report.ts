/**
 * `--report FILE.html`: one self-contained page (inline CSS and SVG, no script, no external
 * assets) per suite: for each scenario the verdict, thresholds, checks, flows, the generator's
 * health, and charts over scenario time of rates, Gy latency, result codes, balances and the
 * schedule lag.
 */
import { formatMoney } from "../../../core/charging/money.js";
import type { IntervalPoint } from "../metrics/aggregator.js";
import type { ScenarioResult, SuiteResult } from "../result.js";
import { formatMs, formatNumber } from "../units.js";
import { xmlEscape as esc } from "./junit.js";
import { type ChartSeries, lineChart } from "./svg-chart.js";

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1000px;color:#111;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 6px;border-top:1px solid #ddd;padding-top:16px}
h3{font-size:15px;margin:18px 0 6px}.muted{color:#666}
table{border-collapse:collapse;margin:4px 0 8px;font-size:13px}td,th{padding:3px 10px 3px 0;text-align:left;vertical-align:top}
th{font-weight:600;border-bottom:1px solid #ccc}td.n{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#15803d;font-weight:600}.bad{color:#b91c1c;font-weight:600}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;vertical-align:middle}
.b-passed{background:#15803d}.b-failed{background:#b91c1c}.b-saturated{background:#b45309}.b-aborted{background:#6b21a8}.b-invalid{background:#374151}
svg{display:block;margin:6px 0 14px;max-width:100%;height:auto}
svg .t{font-size:13px;font-weight:600}svg .g{stroke:#eee}svg .a{stroke:#999}
svg .yl{font-size:10px;text-anchor:end;dominant-baseline:middle;fill:#555}svg .xl{font-size:10px;text-anchor:middle;fill:#555}
svg .lg{font-size:11px;fill:#333}
`;

/** `gy.cca{result=2001,type=initial}` → name and tags. */
export function parseSeriesKey(key: string): { name: string; tags: Record<string, string> } {
  const brace = key.indexOf("{");
  if (brace < 0) return { name: key, tags: {} };
  const tags: Record<string, string> = {};
  for (const part of key.slice(brace + 1, -1).split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) tags[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return { name: key.slice(0, brace), tags };
}

function timeFormat(totalMs: number): (ms: number) => string {
  if (totalMs >= 2 * 86_400_000)
    return (ms) => `day ${(ms / 86_400_000).toFixed(ms % 86_400_000 === 0 ? 0 : 1)}`;
  if (totalMs >= 2 * 3_600_000) return (ms) => `${(ms / 3_600_000).toFixed(1)}h`;
  return (ms) => `${Math.round(ms / 1000)}s`;
}

/** Per interval: counts of the series of `name` grouped by `tag` (or all), divided by `per`. */
function counterSeries(
  points: readonly IntervalPoint[],
  per: number,
  name: string,
  tag?: string,
  label?: (v: string) => string,
): ChartSeries[] {
  const groups = new Map<string, [number, number][]>();
  points.forEach((p, i) => {
    const sums = new Map<string, number>();
    for (const [key, v] of Object.entries(p.counters)) {
      const k = parseSeriesKey(key);
      if (k.name !== name) continue;
      const g = tag === undefined ? name : (k.tags[tag] ?? "-");
      sums.set(g, (sums.get(g) ?? 0) + v);
    }
    for (const g of sums.keys())
      if (!groups.has(g))
        groups.set(
          g,
          points.slice(0, i).map((q) => [q.t, 0]),
        );
    for (const [g, list] of groups) list.push([p.t, (sums.get(g) ?? 0) / per]);
  });
  return [...groups]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([g, pts]) => ({ name: label === undefined ? g : label(g), points: pts }));
}

function trendSeries(
  points: readonly IntervalPoint[],
  name: string,
  stat: "p50" | "p99" | "max",
  label: string,
): ChartSeries {
  return { name: label, points: points.map((p) => [p.t, p.trends[name]?.[stat]]) };
}

function charts(r: ScenarioResult): string {
  const pts = r.intervals;
  if (pts.length === 0) return `<p class="muted">no time series</p>`;
  const xMax = Math.max(...pts.map((p) => p.t));
  const xFormat = timeFormat(xMax);
  // Per second on the real clock; per interval on the virtual clock (a month has tiny rates per second).
  const virtual = r.clock === "virtual";
  const per = virtual ? 1 : r.intervalMs / 1000;
  const perSecond = virtual ? `per ${formatMs(r.intervalMs)} of scenario time` : "/s";
  const count = (v: number) =>
    v !== 0 && Math.abs(v) < 10 ? String(Number(v.toPrecision(3))) : formatNumber(v, 0);
  const out: string[] = [];
  out.push(
    lineChart({
      title: `Rates (${perSecond})`,
      series: [
        ...counterSeries(pts, per, "scenario.arrivals", undefined, () => "flows started"),
        ...counterSeries(pts, per, "gy.ccr", "type", (t) => `CCR ${t}`),
      ],
      xMax,
      xFormat,
      yFormat: count,
    }),
  );
  if (pts.some((p) => p.trends["gy.ccr.latency"] !== undefined)) {
    out.push(
      lineChart({
        title: "Gy latency (response from the intended start; service from the actual send)",
        series: [
          trendSeries(pts, "gy.ccr.latency", "p50", "response p50"),
          trendSeries(pts, "gy.ccr.latency", "p99", "response p99"),
          trendSeries(pts, "gy.ccr.latency", "max", "response max"),
          trendSeries(pts, "gy.ccr.service", "p99", "service p99"),
        ],
        xMax,
        xFormat,
        yFormat: (v) => formatMs(v),
      }),
    );
    out.push(
      lineChart({
        title: `Result codes (CCAs ${perSecond})`,
        series: counterSeries(pts, per, "gy.cca", "result"),
        xMax,
        xFormat,
        yFormat: count,
      }),
    );
  }
  if (pts.some((p) => p.balance !== undefined)) {
    const money = (f: (p: IntervalPoint) => number | undefined) =>
      pts.map((p): [number, number | undefined] => [p.t, f(p)]);
    out.push(
      lineChart({
        title: "Balances of the population (BYN)",
        series: [
          {
            name: "total",
            points: money((p) => (p.balance === undefined ? undefined : p.balance.total / 100)),
          },
          {
            name: "lowest",
            points: money((p) => (p.balance === undefined ? undefined : p.balance.min / 100)),
          },
          {
            name: "held by sessions",
            points: money((p) => (p.balance === undefined ? undefined : p.balance.held / 100)),
          },
        ],
        xMax,
        xFormat,
        yFormat: (v) => formatMoney(Math.round(v * 100)),
      }),
    );
  }
  out.push(
    lineChart({
      title: "Generator: schedule lag and event-loop delay",
      series: [
        trendSeries(pts, "scenario.schedule.lag", "p99", "lag p99"),
        trendSeries(pts, "scenario.schedule.lag", "max", "lag max"),
        trendSeries(pts, "scenario.eventloop.delay", "max", "event-loop delay"),
      ],
      xMax,
      xFormat,
      yFormat: (v) => formatMs(v),
    }),
  );
  return out.join("\n");
}

function scenarioSection(r: ScenarioResult, i: number): string {
  const rows = (cells: readonly string[][]) => cells.map((c) => `<tr>${c.join("")}</tr>`).join("");
  const ok = (b: boolean) => (b ? `<td class="ok">✓</td>` : `<td class="bad">✗</td>`);
  const parts: string[] = [];
  parts.push(
    `<h2 id="s${i}">${esc(r.name)} <span class="badge b-${r.status}">${r.status} · exit ${r.exitCode}</span></h2>`,
  );
  parts.push(
    `<p class="muted">${esc(r.file)} · ${r.target} core · ${r.clock} clock · seed ${esc(r.seed ?? "-")} · ${formatMs(r.scenarioMs)} scenario time · ${formatMs(r.realMs)} real · started ${esc(r.startedAt)}</p>`,
  );
  for (const p of r.problems) parts.push(`<p class="bad">${esc(p)}</p>`);
  if (r.thresholds.length > 0) {
    parts.push(
      `<h3>Thresholds and invariants</h3><table><tr><th></th><th>expression</th><th>measured</th></tr>`,
    );
    parts.push(
      rows(
        r.thresholds.map((t) => [
          ok(t.ok),
          `<td><code>${esc(t.text)}</code></td>`,
          `<td>${esc(t.detail)}</td>`,
        ]),
      ),
    );
    parts.push(`</table>`);
  }
  if (r.checks.length > 0) {
    parts.push(`<h3>Checks</h3><table><tr><th></th><th>check</th><th>passed</th><th>failed</th></tr>`);
    parts.push(
      rows(
        r.checks.map((c) => [
          ok(c.failures === 0),
          `<td>${esc(c.name)}</td>`,
          `<td class="n">${c.passes}</td>`,
          `<td class="n">${c.failures}</td>`,
        ]),
      ),
    );
    parts.push(`</table>`);
  }
  if (r.flows.length > 0) {
    parts.push(
      `<h3>Flows</h3><table><tr><th>flow</th><th>started</th><th>ok</th><th>failed</th><th>error</th><th>interrupted</th><th>p50</th><th>p99</th></tr>`,
    );
    parts.push(
      rows(
        r.flows.map((f) => [
          `<td>${esc(f.name)}</td>`,
          ...[f.started, f.ok, f.failed, f.error, f.interrupted].map(
            (n) => `<td class="n">${formatNumber(n)}</td>`,
          ),
          `<td class="n">${formatMs(f.p50Ms)}</td>`,
          `<td class="n">${formatMs(f.p99Ms)}</td>`,
        ]),
      ),
    );
    parts.push(`</table>`);
  }
  const l = r.load;
  if (l !== undefined) {
    parts.push(`<h3>Load generator</h3><table>`);
    parts.push(
      rows([
        [
          `<td>model</td>`,
          `<td>${l.model}, ${l.workers === 0 ? "generator in the main thread" : `${l.workers} generator worker thread(s)`}</td>`,
        ],
        [
          `<td>scheduled / started</td>`,
          `<td>${formatNumber(l.scheduled)} / ${formatNumber(l.started)} (${formatNumber(l.startedPerSecond, 2)}/s)</td>`,
        ],
        [`<td>late / dropped</td>`, `<td>${formatNumber(l.late)} / ${esc(JSON.stringify(l.dropped))}</td>`],
        [
          `<td>schedule lag</td>`,
          `<td>p99 ${formatMs(l.lagP99Ms)}, max ${formatMs(l.lagMaxMs)}; event-loop delay max ${formatMs(l.eventLoopMaxMs)}</td>`,
        ],
        [
          `<td>verdict</td>`,
          l.saturated
            ? `<td class="bad">saturated: ${esc(l.saturation ?? "")}</td>`
            : `<td class="ok">kept its schedule</td>`,
        ],
      ]),
    );
    parts.push(`</table>`);
  }
  parts.push(`<h3>Over time</h3>`, charts(r));
  if (r.metrics.trends.length > 0) {
    parts.push(
      `<h3>Trends</h3><table><tr><th>metric</th><th>count</th><th>p50</th><th>p90</th><th>p99</th><th>max</th></tr>`,
    );
    parts.push(
      rows(
        r.metrics.trends.map((t) => {
          const f = (v: number) => (t.unit === "ms" ? formatMs(v) : formatNumber(v, 1));
          return [
            `<td><code>${esc(t.key)}</code></td>`,
            `<td class="n">${formatNumber(t.stats.count)}</td>`,
            ...[t.stats.p50, t.stats.p90, t.stats.p99, t.stats.max].map((v) => `<td class="n">${f(v)}</td>`),
          ];
        }),
      ),
    );
    parts.push(`</table>`);
  }
  if (r.metrics.counters.length > 0) {
    parts.push(`<h3>Counters</h3><table><tr><th>series</th><th>count</th></tr>`);
    parts.push(
      rows(
        r.metrics.counters.map((c) => [
          `<td><code>${esc(c.key)}</code></td>`,
          `<td class="n">${formatNumber(c.value)}</td>`,
        ]),
      ),
    );
    parts.push(`</table>`);
  }
  return parts.join("\n");
}

export function htmlReport(s: SuiteResult): string {
  const index = s.scenarios
    .map(
      (r, i) =>
        `<li><a href="#s${i}">${esc(r.name)}</a> <span class="badge b-${r.status}">${r.status}</span></li>`,
    )
    .join("");
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>telsim run ${esc(s.startedAt)}</title><style>${CSS}</style></head>
<body><h1>telsim run</h1><p class="muted">started ${esc(s.startedAt)} · ${s.scenarios.length} scenario(s) · exit ${s.exitCode}</p>
<ul>${index}</ul>
${s.scenarios.map(scenarioSection).join("\n")}
</body></html>
`;
}
