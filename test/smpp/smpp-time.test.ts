import { describe, expect, it } from "vitest";
import { formatSmppAbsoluteTime, formatSmppRelativeTime, parseSmppTime } from "../../core/smpp/smpp-time.js";

const NOW = Date.UTC(2026, 0, 31, 12, 0, 0);

describe("SMPP time strings (SMPP 3.4 §7.1.1)", () => {
  it("parses absolute times with their UTC offset", () => {
    expect(parseSmppTime("260201103000012+", NOW)).toEqual({
      kind: "absolute",
      atMs: Date.UTC(2026, 1, 1, 10, 30, 0, 0) - 3 * 3600_000,
    });
    expect(parseSmppTime("260201103000504-", NOW)).toEqual({
      kind: "absolute",
      atMs: Date.UTC(2026, 1, 1, 11, 30, 0, 500),
    });
  });

  it("parses relative times from the given now, calendar-aware", () => {
    expect(parseSmppTime("000001020304000R", NOW)).toEqual({
      kind: "relative",
      atMs: NOW + 86_400_000 + 2 * 3600_000 + 3 * 60_000 + 4000,
    });
    expect(parseSmppTime("000100000000000R", NOW)).toEqual({
      kind: "relative",
      atMs: Date.UTC(2026, 2, 3, 12),
    });
  });

  it("treats empty as none and rejects the malformed", () => {
    expect(parseSmppTime("", NOW)).toEqual({ kind: "none" });
    expect(parseSmppTime("2602011030", NOW).kind).toBe("invalid");
    expect(parseSmppTime("261301103000000+", NOW).kind).toBe("invalid");
    expect(parseSmppTime("260231103000000+", NOW).kind).toBe("invalid");
    expect(parseSmppTime("260201103000049+", NOW).kind).toBe("invalid");
  });

  it("formats absolute and relative times that parse back", () => {
    const at = Date.UTC(2026, 5, 7, 8, 9, 10, 300);
    expect(formatSmppAbsoluteTime(at)).toBe("260607080910300+");
    expect(parseSmppTime(formatSmppAbsoluteTime(at), NOW)).toEqual({ kind: "absolute", atMs: at });
    expect(formatSmppRelativeTime(3 * 86_400_000 + 5_000)).toBe("000003000005000R");
    expect(parseSmppTime(formatSmppRelativeTime(90_061_000), NOW)).toEqual({
      kind: "relative",
      atMs: NOW + 90_061_000,
    });
    expect(() => formatSmppRelativeTime(100 * 86_400_000)).toThrow(RangeError);
  });
});
