/**
 * The README's command examples work when pasted: every ```sh block of the "Commands" section
 * runs, in order, in a scratch directory, as one bash script.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "./cli.js";

const readme = readFileSync(join(ROOT, "README.md"), "utf8");
const section = readme.slice(
  readme.indexOf("## Commands"),
  readme.indexOf("\n## ", readme.indexOf("## Commands") + 5),
);
const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
const dir = mkdtempSync(join(tmpdir(), "telsim-readme-"));
symlinkSync(join(ROOT, "telsim"), join(dir, "telsim"));
symlinkSync(join(ROOT, "scenarios"), join(dir, "scenarios"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("README commands", () => {
  it("has examples for every command", () => {
    for (const command of [
      "demo",
      "sim generate",
      "sim import",
      "sim card",
      "sim apdu",
      "sim milenage",
      "gy --port",
      "gy-stub-ocs",
      "handset --at",
      "run",
    ]) {
      expect(blocks.join("\n")).toContain(`./telsim ${command}`);
    }
  });

  it("runs them all as pasted", () => {
    const script = `set -e\n${blocks.join("\n")}\nwait\n`;
    const run = spawnSync("bash", ["-c", script], { cwd: dir, encoding: "utf8", timeout: 120_000 });
    expect(run.stderr).not.toMatch(/telsim: /);
    expect(run.status).toBe(0);
    const out = run.stdout;
    expect(out).toContain("-> 63C0");
    expect(out).toContain("002C000110313131313131313131323334FFFFFFFF -> 9000");
    expect(out).toContain('"f1":"4a9ffac354dfafb3"');
    expect(out.match(/"result": "DIAMETER_SUCCESS"/g)?.length).toBe(7);
    // The core example: a top-up, an SMS and a data session end up in the exported CDRs.
    expect(out).toMatch(/^1,topup-[^,]+,acc-1,375291234567,/m);
    expect(out).toMatch(/^2,sms-[^,]+,acc-1,375291234567,.*,sms,3,/m);
    expect(out).toMatch(/^3,data-[^,]+,acc-1,375291234567,demo-1,data,1,.*,524288,0\.00,internet=524288,/m);
    expect(out).toContain('{"cards":1000,"format":"csv"}');
    // The AT console: a wrong PIN, the tries left, the right one, identities.
    expect(out).toContain("+CME ERROR: 16\r\n");
    expect(out).toContain("+CPINR: SIM PIN,2,3\r\n");
    expect(out.match(/\r\n\d{15}\r\n/g)).toHaveLength(2); // AT+CIMI, then the IMEI for *#06#
    // The AT console on a running core: attached, a USSD balance, an SMS through the SMSC.
    expect(out).toContain("+CREG: 0,1\r\n");
    expect(out).toContain('+COPS: 0,0,"A1",7\r\n');
    expect(out).toMatch(/\+CUSD: 0,"Balans: 10\.00 rub\./);
    expect(out).toContain("+CMGS: 0\r\n");
    // A shipped scenario, with its JUnit file.
    expect(out).toMatch(/^scenario pin-puk \(scenarios\/library\/pin-puk\.yaml\): PASSED \[exit 0\]$/m);
    expect(readFileSync(join(dir, "pin-puk.xml"), "utf8")).toMatch(
      /<testsuite name="pin-puk" [^>]*failures="0"/,
    );
  }, 150_000);
});
