/**
 * SMPP time strings (SMPP 3.4 §7.1.1), used by schedule_delivery_time, validity_period and
 * final_date. Absolute: "YYMMDDhhmmsstnnp" (t tenths, nn quarter hours from UTC, p "+" or "-").
 * Relative: "YYMMDDhhmmss000R", an offset from the SMSC's current time. Empty means "none".
 * Time comes from the caller (the injected clock), never from Date.now().
 */

export type SmppTime =
  | { kind: "none" }
  | { kind: "absolute"; atMs: number }
  | { kind: "relative"; atMs: number }
  | { kind: "invalid"; reason: string };

const PATTERN = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d)(\d{2})([+\-R])$/;

/** Parses an SMPP time string relative to `nowMs` (milliseconds since the epoch). */
export function parseSmppTime(text: string, nowMs: number): SmppTime {
  if (text === "") return { kind: "none" };
  const m = PATTERN.exec(text);
  if (!m) return { kind: "invalid", reason: `${JSON.stringify(text)} is not YYMMDDhhmmsstnnp` };
  const [yy, mo, dd, hh, mi, ss, t, nn] = m.slice(1, 9).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const p = m[9];
  if (p === "R") {
    const now = new Date(nowMs);
    const atMs = Date.UTC(
      now.getUTCFullYear() + yy,
      now.getUTCMonth() + mo,
      now.getUTCDate() + dd,
      now.getUTCHours() + hh,
      now.getUTCMinutes() + mi,
      now.getUTCSeconds() + ss,
      now.getUTCMilliseconds(),
    );
    return { kind: "relative", atMs };
  }
  if (mo < 1 || mo > 12 || dd < 1 || dd > 31 || hh > 23 || mi > 59 || ss > 59 || nn > 48)
    return { kind: "invalid", reason: `${JSON.stringify(text)} has a field out of range` };
  const local = Date.UTC(2000 + yy, mo - 1, dd, hh, mi, ss, t * 100);
  if (new Date(local).getUTCDate() !== dd)
    return { kind: "invalid", reason: `${JSON.stringify(text)} names a day the month lacks` };
  // "+": local time is ahead of UTC by nn quarter hours
  const offsetMs = nn * 15 * 60_000 * (p === "+" ? 1 : -1);
  return { kind: "absolute", atMs: local - offsetMs };
}

const two = (n: number): string => String(n).padStart(2, "0");

/** An absolute SMPP time in UTC ("…00+"). */
export function formatSmppAbsoluteTime(atMs: number): string {
  const d = new Date(atMs);
  return (
    two(d.getUTCFullYear() % 100) +
    two(d.getUTCMonth() + 1) +
    two(d.getUTCDate()) +
    two(d.getUTCHours()) +
    two(d.getUTCMinutes()) +
    two(d.getUTCSeconds()) +
    String(Math.floor(d.getUTCMilliseconds() / 100)) +
    "00+"
  );
}

/** A relative SMPP time of `durationMs` (days, hours, minutes, seconds; up to 99 days). */
export function formatSmppRelativeTime(durationMs: number): string {
  if (!Number.isFinite(durationMs) || durationMs < 0 || durationMs >= 100 * 86_400_000)
    throw new RangeError(`a relative SMPP time covers 0 to 99 days, got ${durationMs} ms`);
  let s = Math.floor(durationMs / 1000);
  const days = Math.floor(s / 86_400);
  s -= days * 86_400;
  const hours = Math.floor(s / 3600);
  s -= hours * 3600;
  const minutes = Math.floor(s / 60);
  s -= minutes * 60;
  return `0000${two(days)}${two(hours)}${two(minutes)}${two(s)}000R`;
}
