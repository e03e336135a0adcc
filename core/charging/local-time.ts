/**
 * Local time of the operator (Belarus, UTC+3 all year, no daylight saving since 2011): the
 * Non-stop day/night windows and calendar months are in local time.
 */
export const MINSK_OFFSET_MS = 3 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Milliseconds since local midnight. */
export function localTimeOfDay(nowMs: number): number {
  return (((nowMs + MINSK_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS;
}

const NIGHT_START = 30 * 60 * 1000; // 00:30:00
const NIGHT_END = (9 * 60 * 60 + 30 * 60) * 1000; // 09:30:00

/** Seeds: day 09:30:00-00:29:59, night 00:30:00-09:29:59. */
export function windowAt(nowMs: number): "day" | "night" {
  const t = localTimeOfDay(nowMs);
  return t >= NIGHT_START && t < NIGHT_END ? "night" : "day";
}

/** Milliseconds until the current day/night window ends. */
export function msUntilWindowEnd(nowMs: number): number {
  const t = localTimeOfDay(nowMs);
  if (t < NIGHT_START) return NIGHT_START - t;
  if (t < NIGHT_END) return NIGHT_END - t;
  return DAY_MS - t + NIGHT_START;
}

/** Local calendar date parts. */
export function localDate(nowMs: number): { year: number; month: number; day: number } {
  const d = new Date(nowMs + MINSK_OFFSET_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth(), day: d.getUTCDate() };
}

export function daysInLocalMonth(nowMs: number): number {
  const { year, month } = localDate(nowMs);
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

/** The instant of local midnight starting the day after `nowMs`. */
export function nextLocalMidnight(nowMs: number): number {
  return nowMs - localTimeOfDay(nowMs) + DAY_MS;
}

/** The instant of local midnight on the 1st of the next month. */
export function nextLocalMonthStart(nowMs: number): number {
  const { year, month } = localDate(nowMs);
  return Date.UTC(year, month + 1, 1) - MINSK_OFFSET_MS;
}

/** The instant of local midnight on the 1st of the month containing `nowMs`. */
export function localMonthStart(nowMs: number): number {
  const { year, month } = localDate(nowMs);
  return Date.UTC(year, month, 1) - MINSK_OFFSET_MS;
}

export const DAY = DAY_MS;
