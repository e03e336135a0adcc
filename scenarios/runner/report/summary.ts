/**
 * The end-of-run summary for people: the verdict, then thresholds and invariants first (k6's
 * compact order), checks, flows, the generator's own health (did it keep the schedule?), and the
 * metric totals.
 */
import type { ScenarioResult, SuiteResult } from "../result.js";
import { formatMs, formatNumber } from "../units.js";

const MAX_COUNTER_LINES = 60;

function pad(text: string, width: number): string {
  return text.length >= width ? `${text} ` : text.padEnd(width);
}

function mark(ok: boolean): string {
  return ok ? "✓" : "✗";
}

function duration(ms: number, virtual: boolean): string {
  return `${formatMs(ms)}${virtual ? " (virtual)" : ""}`;
}

export function scenarioSummary(r: ScenarioResult): string {
  const out: string[] = [];
  out.push(`scenario ${r.name} (${r.file}): ${r.status.toUpperCase()} [exit ${r.exitCode}]`);
  out.push(
    `  ${r.target} core, ${r.clock} clock, seed ${r.seed ?? "-"}, ${duration(r.scenarioMs, r.clock === "virtual")} scenario time, ${formatMs(r.realMs)} real`,
  );
  for (const p of r.problems) out.push(`  ! ${p}`);
  if (r.status === "invalid") return out.join("\n");

  const aborted = r.status === "aborted";
  if (r.thresholds.length > 0) {
    out.push("", aborted ? "Thresholds (not judged: the run was aborted)" : "Thresholds");
    const width = Math.min(60, Math.max(...r.thresholds.map((t) => t.text.length)) + 2);
    for (const t of r.thresholds) out.push(`  ${mark(t.ok)} ${pad(t.text, width)} ${t.detail}`);
  }
  if (r.checks.length > 0) {
    out.push("", "Checks");
    const width = Math.min(70, Math.max(...r.checks.map((c) => c.name.length)) + 2);
    for (const c of r.checks) {
      const ran = c.passes + c.failures;
      out.push(
        `  ${ran === 0 ? "-" : mark(c.failures === 0)} ${pad(c.name, width)} ${ran === 0 ? "not reached" : `${c.passes} passed, ${c.failures} failed`}`,
      );
    }
  }
  if (r.flows.length > 0) {
    out.push("", "Flows");
    const width = Math.max(...r.flows.map((f) => f.name.length)) + 2;
    for (const f of r.flows) {
      out.push(
        `  ${pad(f.name, width)} started ${formatNumber(f.started)}  ok ${formatNumber(f.ok)}  failed ${f.failed}  error ${f.error}  interrupted ${f.interrupted}` +
          `  duration p50 ${formatMs(f.p50Ms)} p99 ${formatMs(f.p99Ms)}`,
      );
    }
  }
  const l = r.load;
  if (l !== undefined) {
    const where =
      l.workers === 0
        ? "generator in the main thread"
        : `${l.workers} generator worker thread${l.workers === 1 ? "" : "s"}`;
    out.push("", `Load (${l.model} model, ${where})`);
    const dropped = Object.entries(l.dropped)
      .map(([k, v]) => `${v} ${k}`)
      .join(", ");
    out.push(
      `  ${formatNumber(l.scheduled)} ${l.model === "open" ? "arrivals scheduled" : "iterations"}, ${formatNumber(l.started)} started${r.clock === "virtual" ? "" : ` (${formatNumber(l.startedPerSecond, 2)}/s)`}, ` +
        `${formatNumber(l.late)} late, ${dropped === "" ? "0 dropped" : `dropped: ${dropped}`}; at most ${formatNumber(l.maxInFlight)} in flight`,
    );
    if (l.model === "open") {
      out.push(
        `  schedule lag p99 ${formatMs(l.lagP99Ms)}, max ${formatMs(l.lagMaxMs)}; event-loop delay max ${formatMs(l.eventLoopMaxMs)}`,
      );
    }
    if (!aborted)
      out.push(
        l.saturated
          ? `  ✗ generator saturated: ${l.saturation ?? ""}`
          : `  ✓ the generator kept its schedule`,
      );
  }
  if (r.metrics.trends.length > 0) {
    out.push("", "Trends                                        count      p50      p90      p99      max");
    for (const t of r.metrics.trends) {
      const f = (v: number) => (t.unit === "ms" ? formatMs(v) : formatNumber(v, 1));
      out.push(
        `  ${pad(t.key, 40)}${formatNumber(t.stats.count).padStart(9)} ${f(t.stats.p50).padStart(8)} ${f(t.stats.p90).padStart(8)} ${f(t.stats.p99).padStart(8)} ${f(t.stats.max).padStart(8)}`,
      );
    }
  }
  if (r.metrics.counters.length > 0) {
    out.push("", "Counters");
    for (const c of r.metrics.counters.slice(0, MAX_COUNTER_LINES))
      out.push(`  ${pad(c.key, 60)} ${formatNumber(c.value).padStart(10)}`);
    if (r.metrics.counters.length > MAX_COUNTER_LINES)
      out.push(`  ... ${r.metrics.counters.length - MAX_COUNTER_LINES} more in --json`);
  }
  return out.join("\n");
}

/** One line per scenario and the suite's exit code. */
export function suiteTable(s: SuiteResult): string {
  const width = Math.max(...s.scenarios.map((r) => r.name.length), 8) + 2;
  const lines = s.scenarios.map(
    (r) => `  ${r.status === "passed" ? "✓" : "✗"} ${pad(r.name, width)} ${r.status} [exit ${r.exitCode}]`,
  );
  return `Suite\n${lines.join("\n")}\n  exit ${s.exitCode}\n`;
}
