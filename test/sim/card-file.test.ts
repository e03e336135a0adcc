import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  loadCardFile,
  parseCardJson,
  saveCardFile,
  serializeCard,
  validateCard,
} from "../../sim/card-file.js";
import { SimInputError } from "../../sim/errors.js";
import { makeTestCard } from "./fixtures.js";

/** The card as plain JSON data, with one field replaced (a dotted path; `undefined` deletes). */
function cardWith(path: string, value: unknown): unknown {
  const card: Record<string, unknown> = JSON.parse(serializeCard(makeTestCard()));
  const keys = path.split(".");
  let target = card;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  const last = keys[keys.length - 1]!;
  if (value === undefined) delete target[last];
  else target[last] = value;
  return card;
}

function fieldOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof SimInputError && error.code === "SIM_BAD_CARD_FILE") return error.field;
    throw error;
  }
  throw new Error("expected SIM_BAD_CARD_FILE");
}

describe("card validation", () => {
  it("accepts the test card and returns an equal, fresh object", () => {
    const card = makeTestCard();
    const loaded = validateCard(JSON.parse(serializeCard(card)));
    expect(loaded).toEqual(card);
  });

  it("normalises hex keys to lower case", () => {
    const loaded = validateCard(cardWith("k", "465B5CE8B199B49FAA5F0A2EE238A6BC"));
    expect(loaded.k).toBe("465b5ce8b199b49faa5f0a2ee238a6bc");
  });

  it.each<[string, string, unknown]>([
    ["iccid", "iccid", "893750100000000001X"],
    ["iccid", "iccid", "893750100000000001"],
    ["iccid", "iccid", "8937501000000000013"],
    ["iccid", "iccid", 893750100],
    ["imsi", "imsi", "2570100000000011"],
    ["imsi", "imsi", "25701"],
    ["mncLength", "mncLength", 4],
    ["msisdn", "msisdn", "+375291234567"],
    ["msisdn", "msisdn", ""],
    ["k", "k", "465b5ce8b199b49faa5f0a2ee238a6"],
    ["opc", "opc", "zz63cb71954a9f4e48a5994e37a02baf"],
    ["pin1", "pin1", null],
    ["pin1.value", "pin1.value", "123"],
    ["pin1.value", "pin1.value", "123456789"],
    ["pin1.enabled", "pin1.enabled", "yes"],
    ["pin1.triesLeft", "pin1.triesLeft", 4],
    ["pin1.triesLeft", "pin1.triesLeft", -1],
    ["pin1.triesLeft", "pin1.triesLeft", 1.5],
    ["pin1.verified", "pin1.verified", undefined],
    ["pin2.enabled", "pin2.enabled", false],
    ["puk1.value", "puk1.value", "1111111"],
    ["puk1.triesLeft", "puk1.triesLeft", 11],
    ["puk2.value", "puk2.value", 22222222],
    ["puk2.triesLeft", "puk2.triesLeft", undefined],
    ["sqn", "sqn", "0"],
    ["sqn", "sqn", [0, 0, 0]],
    ["sqn[0]", "sqn", [-1, ...new Array(31).fill(0)]],
    ["sqn[31]", "sqn", [...new Array(31).fill(0), 2 ** 48]],
    ["sqn[2]", "sqn", [0, 0, "1", ...new Array(29).fill(0)]],
    ["pin1.extra", "pin1.extra", 1],
    ["nickname", "nickname", "x"],
  ])("names %s when %s is %j", (field, path, value) => {
    expect(fieldOf(() => validateCard(cardWith(path, value)))).toBe(field);
  });

  it("refuses something that is not an object", () => {
    expect(fieldOf(() => validateCard([]))).toBe("card");
  });

  it("refuses text that is not JSON, naming the source", () => {
    expect(fieldOf(() => parseCardJson("{", "cards/a.json"))).toBe("cards/a.json");
  });
});

describe("card files", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "telsim-card-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("saves pretty JSON and loads it back", async () => {
    const path = join(dir, "card.json");
    const card = makeTestCard();
    await saveCardFile(path, card);
    const text = await readFile(path, "utf8");
    expect(text).toContain('\n  "iccid": "8937501000000000017",\n');
    expect(text.endsWith("}\n")).toBe(true);
    expect(await loadCardFile(path)).toEqual(card);
  });

  it("replaces an existing file and leaves no temp file behind", async () => {
    const path = join(dir, "card.json");
    await saveCardFile(path, makeTestCard());
    const changed = { ...makeTestCard(), msisdn: "375447654321" };
    await saveCardFile(path, changed);
    expect((await loadCardFile(path)).msisdn).toBe("375447654321");
    expect(await readdir(dir)).toEqual(["card.json"]);
  });

  it("keeps the permissions of an existing file; a new file is private", async () => {
    const existing = join(dir, "shared.json");
    await writeFile(existing, "{}", { mode: 0o644 });
    await chmod(existing, 0o644);
    await saveCardFile(existing, makeTestCard());
    expect((await stat(existing)).mode & 0o777).toBe(0o644);
    const fresh = join(dir, "fresh.json");
    await saveCardFile(fresh, makeTestCard());
    expect((await stat(fresh)).mode & 0o777).toBe(0o600);
  });

  it("a failed write leaves the old file intact and cleans up", async () => {
    const path = join(dir, "card.json");
    await saveCardFile(path, makeTestCard());
    const before = await readFile(path, "utf8");
    // A bigint cannot be serialised: the write fails before the rename.
    const broken = { ...makeTestCard(), sqn: [1n] as unknown as number[] };
    await expect(saveCardFile(path, broken)).rejects.toThrow();
    expect(await readFile(path, "utf8")).toBe(before);
    expect(await readdir(dir)).toEqual(["card.json"]);
  });

  it("a missing file is SIM_BAD_CARD_FILE naming the path", async () => {
    const path = join(dir, "missing.json");
    await expect(loadCardFile(path)).rejects.toMatchObject({ code: "SIM_BAD_CARD_FILE", field: path });
  });

  it("a corrupt file names the bad field", async () => {
    const path = join(dir, "card.json");
    await writeFile(path, JSON.stringify(cardWith("puk1.triesLeft", 12)));
    await expect(loadCardFile(path)).rejects.toMatchObject({
      code: "SIM_BAD_CARD_FILE",
      field: "puk1.triesLeft",
    });
  });
});
