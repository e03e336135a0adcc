import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { telsimSync } from "../cli.js";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "telsim-sim-card-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("telsim sim card", () => {
  it("writes the card of a batch row, picked by row, IMSI or MSISDN", async () => {
    const batch = join(dir, "cards.csv");
    expect(telsimSync(["sim", "generate", "--count", "5", "--seed", "t", "--out", batch]).status).toBe(0);
    const rows = (await readFile(batch, "utf8")).trim().split("\n").slice(1);
    const third = rows[2]?.split(",") ?? [];
    const byRow = telsimSync(["sim", "card", "--batch", batch, "--row", "3", "--out", join(dir, "a.json")]);
    expect(byRow.status).toBe(0);
    expect(JSON.parse(byRow.stdout)).toMatchObject({ iccid: third[0], imsi: third[1], msisdn: third[3] });
    const card = JSON.parse(await readFile(join(dir, "a.json"), "utf8"));
    expect(card).toMatchObject({ iccid: third[0], k: third[5], opc: third[6] });
    const byImsi = telsimSync([
      "sim",
      "card",
      "--batch",
      batch,
      "--imsi",
      String(third[1]),
      "--out",
      join(dir, "b.json"),
    ]);
    expect(JSON.parse(byImsi.stdout).iccid).toBe(third[0]);
    const byMsisdn = telsimSync([
      "sim",
      "card",
      "--batch",
      batch,
      "--msisdn",
      `+${third[3]}`,
      "--out",
      join(dir, "c.json"),
    ]);
    expect(JSON.parse(byMsisdn.stdout).iccid).toBe(third[0]);
  });

  it("generates a test card that the APDU command accepts with PIN 0000", () => {
    const file = join(dir, "test-card.json");
    expect(telsimSync(["sim", "card", "--test-card", "--out", file]).status).toBe(0);
    const r = telsimSync(["sim", "apdu", "--card", file, "002000010830303030FFFFFFFF"]);
    expect(r.stdout.trim()).toBe("002000010830303030FFFFFFFF -> 9000");
  });

  it("exits 2 naming the problem for a missing row or a selector without a batch", () => {
    const batch = join(dir, "cards.csv");
    const missing = telsimSync([
      "sim",
      "card",
      "--batch",
      batch,
      "--row",
      "99",
      "--out",
      join(dir, "x.json"),
    ]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/no card with row 99 \(5 rows\)/);
    const lone = telsimSync(["sim", "card", "--row", "1", "--out", join(dir, "x.json")]);
    expect(lone.status).toBe(2);
    expect(lone.stderr).toMatch(/need --batch/);
  });
});
