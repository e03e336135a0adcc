/**
 * Live progress. On a TTY a small block redrawn in place (elapsed / remaining, a progress bar,
 * rates, errors, p99 of the last interval); otherwise (CI) a plain line every few seconds.
 */
import type { LiveStatus, ProgressSink } from "../run-scenario.js";
import { formatMs, formatNumber } from "../units.js";

interface Writable {
  write(text: string): unknown;
}

const BAR = 24;
const RECENT = 3;

function statusLine(s: LiveStatus): { head: string; rates: string } {
  const finite = Number.isFinite(s.durationMs);
  const elapsed = Math.max(0, s.elapsedMs);
  const fraction = finite && s.durationMs > 0 ? Math.min(1, elapsed / s.durationMs) : 0;
  const recent = s.aggregator.recent(RECENT);
  // The last closed intervals; before the first one closes, what was counted so far.
  const perSecond = (name: string, filter?: Record<string, string>) =>
    recent.ms > 0
      ? recent.sum(name, filter) / (recent.ms / 1000)
      : elapsed > 0
        ? s.aggregator.counterTotal(name, filter) / (elapsed / 1000)
        : 0;
  const last = recent.points[recent.points.length - 1];
  const p99 = last?.trends["gy.ccr.latency"]?.p99;
  const errors =
    s.aggregator.counterTotal("gy.cca", { result: "no-answer" }) +
    s.aggregator.counterTotal("scenario.flows", { status: "error" });
  const checksFailed = s.aggregator.counterTotal("scenario.checks", { result: "fail" });
  const time = `${formatMs(elapsed)}${finite ? ` / ${formatMs(s.durationMs)}, ${formatMs(Math.max(0, s.durationMs - elapsed))} left` : ""}${s.virtual ? ` (virtual; ${formatMs(s.realMs)} real)` : ""}`;
  const bar = finite
    ? `[${"#".repeat(Math.round(fraction * BAR)).padEnd(BAR, ".")}] ${String(Math.round(fraction * 100)).padStart(3)}% `
    : "";
  const unit = s.virtual ? "/s scenario" : "/s";
  return {
    head: `${s.name} ${bar}${time}`,
    rates:
      `  arrivals ${formatNumber(perSecond("scenario.arrivals"), 1)}${unit}  CCR ${formatNumber(perSecond("gy.ccr"), 1)}${unit}` +
      `  in flight ${s.inFlight === undefined ? "-" : formatNumber(s.inFlight)}  errors ${formatNumber(errors)}  checks failed ${formatNumber(checksFailed)}` +
      `  p99 ${formatMs(p99)}  late ${formatNumber(s.aggregator.counterTotal("scenario.arrivals.late"))}  dropped ${formatNumber(s.aggregator.counterTotal("scenario.arrivals.dropped"))}`,
  };
}

/** Redraws two lines in place (ANSI cursor up + clear to end of screen). */
export class TtyProgress implements ProgressSink {
  private drawn = 0;
  private last = 0;
  constructor(private readonly out: Writable) {}

  update(s: LiveStatus): void {
    const now = Date.now();
    if (now - this.last < 200) return;
    this.last = now;
    const { head, rates } = statusLine(s);
    const text = `${head}\n${rates}\n`;
    this.out.write(`${this.drawn > 0 ? `\x1b[${this.drawn}A\r\x1b[J` : ""}${text}`);
    this.drawn = 2;
  }

  finish(): void {
    if (this.drawn > 0) this.out.write(`\x1b[${this.drawn}A\r\x1b[J`);
    this.drawn = 0;
  }
}

/** A plain line every `everyMs` of real time. */
export class PlainProgress implements ProgressSink {
  private last = Date.now();
  constructor(
    private readonly out: Writable,
    private readonly everyMs = 5000,
  ) {}

  update(s: LiveStatus): void {
    const now = Date.now();
    if (now - this.last < this.everyMs) return;
    this.last = now;
    const { head, rates } = statusLine(s);
    this.out.write(`${head.replace(/\[[#.]+\]\s*/, "")}${rates.replace(/^ +/, " | ")}\n`);
  }

  finish(): void {}
}

export const silentProgress: ProgressSink = { update: () => undefined, finish: () => undefined };
