/**
 * The HTML report of `telsim run` in a real browser: headless Chromium (Debian's `chromium`,
 * installed by .ci/interop-setup.sh) loads the page from disk, and we check what it rendered: the
 * DOM after parsing (title, summary, thresholds, one SVG chart per figure, nothing fetched), and a
 * screenshot that is not blank.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { telsim } from "../cli.js";
import { availability, findExecutable, run } from "./tools.js";

const chromium = findExecutable("chromium") ?? findExecutable("chromium-browser");
const suite = availability("the HTML report in Chromium", "chromium", chromium);
const dir = mkdtempSync(join(tmpdir(), "telsim-report-browser-"));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Headless, no sandbox (CI runs as root), no GPU, a fixed window, and no network but file://. */
function browserArgs(...extra: string[]): string[] {
  return [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    `--user-data-dir=${join(dir, "profile")}`,
    "--window-size=1200,2400",
    ...extra,
  ];
}

/** The decompressed scanlines of a PNG (IDAT chunks inflated), and its size from IHDR. */
function pngPixels(png: Buffer): { width: number; height: number; data: Buffer } {
  expect(png.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
  const idat: Buffer[] = [];
  let width = 0;
  let height = 0;
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString("latin1", at + 4, at + 8);
    const body = png.subarray(at + 8, at + 8 + length);
    if (type === "IHDR") {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
    } else if (type === "IDAT") idat.push(body);
    at += 12 + length;
  }
  return { width, height, data: inflateSync(Buffer.concat(idat)) };
}

describe.runIf(suite.run)(suite.title, () => {
  it("renders the report of a passing scenario: summary, thresholds and every chart", async () => {
    const browser = suite.requireTool();
    const report = join(dir, "report.html");
    const r = await telsim(["run", "test/scenarios/fixtures/pass.yaml", "--no-progress", "--report", report]);
    expect(r.status, r.stdout).toBe(0);
    const svgInFile = readFileSync(report, "utf8").match(/<svg /g)?.length ?? 0;

    const dom = await run(browser, browserArgs("--dump-dom", `file://${report}`), 60_000);
    expect(dom.code, dom.stderr).toBe(0);
    expect(dom.stdout).toMatch(/<title>telsim run [^<]+<\/title>/);
    expect(dom.stdout).toContain("pass");
    expect(dom.stdout).toMatch(/<span class="badge b-passed">passed · exit 0<\/span>/);
    expect(dom.stdout).toMatch(/<td class="ok">✓<\/td><td><code>invariant: balances-reconcile<\/code>/);
    // Chromium parsed every inline chart as SVG (a broken page would lose them to the HTML parser).
    expect(svgInFile).toBeGreaterThanOrEqual(4);
    expect(dom.stdout.match(/<svg /g)?.length).toBe(svgInFile);

    const shot = join(dir, "report.png");
    const png = await run(browser, browserArgs(`--screenshot=${shot}`, `file://${report}`), 60_000);
    expect(png.code, png.stderr).toBe(0);
    const { width, height, data } = pngPixels(readFileSync(shot));
    expect([width, height]).toEqual([1200, 2400]);
    // A blank page compresses to a handful of byte values; text and charts give many.
    expect(new Set(data).size).toBeGreaterThan(64);
  });
});
