/**
 * external-ocs.yaml: the shipped scenario expects `telsim core` on 127.0.0.1:3868 (Gy) and :8080
 * (admin API). Here a second telsim core (in memory, on free ports) plays the external OCS, and a
 * copy of the scenario with its ports runs through the compiled CLI, as a user would run it.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../core/diameter/logger.js";
import { CoreNode } from "../../core/node.js";
import { ROOT, telsim } from "../cli.js";

let core: CoreNode;
const out = mkdtempSync(join(tmpdir(), "telsim-external-"));

beforeAll(async () => {
  core = await CoreNode.start({
    memory: true,
    diameterPort: 0,
    httpPort: 0,
    logger: silentLogger,
    feeIntervalMs: 3_600_000,
  });
});
afterAll(() => core.stop());

interface JsonScenario {
  status: string;
  target: string;
  thresholds: { text: string; ok: boolean }[];
  metrics: { counters: { key: string; value: number }[] };
  flows: { name: string; ok: number; error: number }[];
}

function counter(s: JsonScenario, prefix: string, ...parts: string[]): number {
  return s.metrics.counters
    .filter((c) => c.key.startsWith(prefix) && parts.every((p) => c.key.includes(p)))
    .reduce((n, c) => n + c.value, 0);
}

describe("external-ocs.yaml against a second telsim core", () => {
  it(
    "every CCA is 2001, top-ups land, and the external core's books reconcile",
    { timeout: 60_000 },
    async () => {
      const shipped = readFileSync(join(ROOT, "scenarios/library/external-ocs.yaml"), "utf8");
      expect(shipped).toContain("ocs: { host: 127.0.0.1, port: 3868, realm: telsim.local }");
      expect(shipped).toContain('admin: { url: "http://127.0.0.1:8080" }');
      const copy = shipped
        .replace("port: 3868", `port: ${core.diameterAddress.port}`)
        .replace("http://127.0.0.1:8080", `http://127.0.0.1:${core.httpAddress.port}`);
      const file = join(out, "external-ocs.yaml");
      writeFileSync(file, copy);
      const json = join(out, "external-ocs.json");
      const r = await telsim(["run", file, "--no-progress", "--json", json]);
      expect(r.stderr).toBe("");
      expect(r.status, r.stdout).toBe(0);
      const s = (JSON.parse(readFileSync(json, "utf8")) as { scenarios: JsonScenario[] }).scenarios[0];
      if (s === undefined) throw new Error("no scenario in the JSON report");
      expect(s.target).toBe("external");
      expect(s.thresholds.filter((t) => !t.ok)).toEqual([]);
      expect(s.thresholds.map((t) => t.text)).toEqual(
        expect.arrayContaining([
          "gy.cca{result=2001}.ratio == 1",
          "invariant: balances-reconcile",
          "invariant: no-reservations-left",
        ]),
      );
      const ccas = counter(s, "gy.cca");
      expect(ccas).toBeGreaterThan(50);
      expect(counter(s, "gy.cca", "result=2001")).toBe(ccas);
      expect(counter(s, "gy.ccr")).toBe(ccas);
      // The external core really holds the provisioned accounts, with the top-ups and the usage.
      const topups = counter(s, "admin.ops", "op=topup", "result=ok");
      expect(topups).toBeGreaterThan(0);
      const accounts = Array.from({ length: 40 }, (_, i) =>
        core.engine.byMsisdnOf(`3752977${String(i + 1).padStart(5, "0")}`),
      );
      expect(accounts.every((a) => a !== undefined)).toBe(true);
      expect(accounts.every((a) => (a?.reservations.length ?? 1) === 0)).toBe(true);
      expect(s.flows.every((f) => f.error === 0)).toBe(true);
    },
  );
});
