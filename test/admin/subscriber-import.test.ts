/**
 * Provisioning existing cards: `telsim sim generate` writes a batch, `telsim subscriber import`
 * creates one subscriber per card with the card's own K/OPc (POST /api/subscribers with `sim`),
 * and `telsim farm --sims` then attaches every handset with AKA against the core's HLR/AuC.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryLogger } from "../../core/diameter/logger.js";
import { CoreNode } from "../../core/node.js";
import { telsim } from "../cli.js";

const dir = mkdtempSync(join(tmpdir(), "telsim-import-"));
const sims = join(dir, "sims.csv");
let node: CoreNode;
let base: string;

beforeAll(async () => {
  node = await CoreNode.start({
    memory: true,
    diameterPort: 0,
    httpPort: 0,
    logger: new MemoryLogger(),
    network: { seed: "import" },
  });
  base = `http://127.0.0.1:${node.httpAddress.port}`;
});

afterAll(async () => {
  await node.stop();
  rmSync(dir, { recursive: true, force: true });
});

const post = (body: unknown): Promise<Response> =>
  fetch(`${base}/api/subscribers`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("subscribers for existing cards", () => {
  it("imports a generated batch with its keys, and a farm attaches every card", async () => {
    const generated = await telsim(["sim", "generate", "--count", "6", "--seed", "import", "--out", sims]);
    expect(generated.status, generated.stderr).toBe(0);

    const imported = await telsim([
      ...["subscriber", "import", "--api", base, "--sims", sims],
      ...["--plan", "business-unlim-1", "--balance", "5.00", "--concurrency", "4"],
    ]);
    expect(imported.status, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toEqual({ cards: 6, created: 6, refused: 0, errors: [] });
    const accounts = [...node.engine.accounts()];
    expect(accounts).toHaveLength(6);
    for (const a of accounts) expect(a.sim?.k).toMatch(/^[0-9a-f]{32}$/);

    const farm = await telsim([
      ...["farm", "--core", `ws://127.0.0.1:${node.httpAddress.port}/ws`],
      ...["--sims", sims, "--attach", "--duration", "0"],
    ]);
    expect(farm.status, farm.stderr).toBe(0);
    expect(JSON.parse(farm.stdout)).toMatchObject({ counters: { attached: 6 } });

    // The same batch again: every card is refused (its number exists), the summary lists them.
    const again = await telsim([
      ...["subscriber", "import", "--api", base, "--sims", sims],
      ...["--plan", "business-unlim-1", "--balance", "5.00"],
    ]);
    expect(again.status).toBe(2);
    expect(JSON.parse(again.stdout)).toMatchObject({ cards: 6, created: 0, refused: 6 });
    expect(again.stderr).toMatch(/6 of 6 cards refused \(first: \d+: 409 /);
  }, 60_000);

  it("names the sim field it refuses", async () => {
    const good = { k: "00112233445566778899aabbccddeeff", opc: "ffeeddccbbaa99887766554433221100" };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...good, k: "xyz" }, "sim.k"],
      [{ opc: good.opc }, "sim.k"],
      [{ ...good, opc: "00" }, "sim.opc"],
      [{ ...good, iccid: "1234" }, "sim.iccid"],
      [{ ...good, puk1: "12" }, "sim.puk1"],
      [{ ...good, ki: good.k }, "sim.ki"],
    ];
    let n = 0;
    for (const [sim, field] of cases) {
      n++;
      const r = await post({
        msisdn: `37529900000${n}`,
        imsi: `25701990000000${n}`,
        plan: "business-unlim-1",
        balance: "1.00",
        sim,
      });
      expect(r.status, JSON.stringify(sim)).toBe(400);
      expect(((await r.json()) as { error: { field: string } }).error.field).toBe(field);
    }
    const ok = await post({
      msisdn: "375299000009",
      imsi: "257019900000009",
      plan: "business-unlim-1",
      balance: "1.00",
      sim: { ...good, K: undefined, puk1: "12345678" },
    });
    expect(ok.status).toBe(201);
    const body = (await ok.json()) as { sim: Record<string, string> };
    expect(body.sim).toEqual({
      iccid: "8937501099000000092",
      imsi: "257019900000009",
      msisdn: "375299000009",
      k: good.k,
      opc: good.opc,
    });
    expect(node.engine.byMsisdnOf("375299000009")?.sim).toMatchObject({ ...good, puk1: "12345678", sqn: 0 });
  });
});
