import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Catalog, CatalogError, defaultCatalogPath } from "../../core/charging/catalog.js";

const FILE = "catalog/a1-tariffs.yaml";
const SHIPPED = readFileSync(defaultCatalogPath(), "utf8");

/** The shipped catalog with one unique piece of text replaced. */
function edit(from: string, to: string): string {
  expect(SHIPPED.split(from).length, `"${from}" must occur once`).toBe(2);
  return SHIPPED.replace(from, to);
}

/** 1-based line of the first occurrence of `needle`. */
function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  expect(at, `"${needle}" not found`).toBeGreaterThanOrEqual(0);
  return text.slice(0, at).split("\n").length;
}

function catalogError(text: string, file = FILE): CatalogError {
  try {
    Catalog.fromText(text, file);
  } catch (error) {
    if (error instanceof CatalogError) return error;
    throw error;
  }
  throw new Error("expected a CatalogError");
}

/** A small valid catalog, with YAML for more plans appended. */
function small(morePlans = ""): string {
  return `version: 1
defaults:
  ratingGroups: { data: 1, voice: 2, sms: 3, mms: 4 }
  grant: { voiceSeconds: 300, dataMegabytes: 10, smsMessages: 1, mmsMessages: 1 }
  validityTimeSeconds: 600
  quotaThresholdPercent: { volume: 20, time: 10 }
  tccSeconds: 900
  finalUnit: { redirectUrl: "http://127.0.0.1:8080/topup", restrictFilterId: topup-only }
  pause: { planFeePercent: 50, startsAfterDays: 1, packageFeePercent: 0 }
plans:
  - id: talk
    name: Talk
    archived: false
    fee: { amount: "10.00", charging: monthly }
    services: [voice]
    allowances:
      - { id: minutes, kind: voice, amount: 100 }
    rates:
      voicePerMinute: { off-net: "0.10" }
    finalUnitAction: TERMINATE
    pauseAllowed: true
${morePlans}`;
}

describe("catalog errors name the file, line, plan and field", () => {
  it("the small catalog used below is valid", () => {
    expect(Catalog.fromText(small(), "small.yaml").plan("talk").fee.amount).toBe(1000);
  });

  it("a bad money string", () => {
    const text = edit('amount: "32.00", charging: daily', 'amount: "12,00", charging: daily');
    const error = catalogError(text);
    expect(error.code).toBe("CATALOG_INVALID");
    const line = lineOf(text, '"12,00"');
    expect(error.message).toContain(
      `${FILE}:${line}: plan "business-unlim-3": fee.amount: "12,00" is not an amount like "10.00"`,
    );
    expect(error.problems).toEqual([
      {
        file: FILE,
        line,
        subject: 'plan "business-unlim-3"',
        field: "fee.amount",
        message: '"12,00" is not an amount like "10.00"',
      },
    ]);
  });

  it("an unquoted amount (a YAML number)", () => {
    const text = edit('amount: "32.00", charging: daily', "amount: 32.00, charging: daily");
    expect(catalogError(text).message).toContain(
      `:${lineOf(text, "amount: 32.00")}: plan "business-unlim-3": fee.amount: 32 is a number; write amounts as quoted strings`,
    );
  });

  it("an unknown key", () => {
    const text = edit(
      "    throttleKbps: 1024\n    finalUnitAction: TERMINATE\n    pauseAllowed: false\n",
      "    throttleKbps: 1024\n    finalUnitAction: TERMINATE\n    pauseAllowed: false\n    colour: red\n",
    );
    const [problem, ...rest] = catalogError(text).problems;
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({
      line: lineOf(text, "colour: red"),
      subject: 'plan "unlim-l"',
      field: "colour",
    });
    expect(problem?.message).toMatch(/^unknown key \(expected one of: id, name, .*pauseAllowed\)$/);
  });

  it("a duplicate plan id", () => {
    const text = edit("  - id: comfort-2\n", "  - id: comfort\n");
    const error = catalogError(text);
    const first = lineOf(SHIPPED, "  - id: comfort\n");
    const second = lineOf(SHIPPED, "  - id: comfort-2\n");
    expect(error.message).toContain(
      `${FILE}:${second}: plan "comfort": id: duplicate id (first at line ${first})`,
    );
  });

  it("a time window on a voice allowance", () => {
    const from = "{ id: on-net-3g, kind: voice, amount: 300, classes: [on-net-3g], priority: 10 }";
    const text = edit(from, from.replace(" }", ", window: night }"));
    expect(catalogError(text).message).toContain(
      `${FILE}:${lineOf(text, "window: night }")}: plan "light": allowances[0].window: only data allowances have a time window, not voice`,
    );
  });

  it("destination classes on a data allowance", () => {
    const text = edit("amount: 102400 }", "amount: 102400, classes: [on-net] }");
    expect(catalogError(text).message).toContain(
      `${FILE}:${lineOf(text, "amount: 102400")}: plan "mobile-cabinet": allowances[0].classes: only voice, SMS and MMS allowances have destination classes`,
    );
  });

  it("an unknown destination class, an unknown service, a bad id", () => {
    const error = catalogError(
      small(`  - id: Bad_Id
    name: Bad
    archived: false
    fee: { amount: "1.00", charging: weekly }
    services: [voice, fax]
    allowances:
      - { id: a, kind: voice, amount: 5, classes: [on-net, roaming] }
    rates: { voicePerMinute: { off-net: "0.10" } }
    finalUnitAction: TERMINATE
    pauseAllowed: true
`),
    );
    const lines = error.problems.map((p) => `${p.subject}: ${p.field}: ${p.message}`);
    expect(lines).toEqual([
      'plan "Bad_Id": id: "Bad_Id" is not an id (lower-case letters and digits, joined by "-")',
      'plan "Bad_Id": fee.charging: "weekly" is not one of: daily, monthly, every-30-days',
      'plan "Bad_Id": services[1]: "fax" is not one of: voice, sms, mms, data',
      'plan "Bad_Id": allowances[0].classes[1]: "roaming" is not one of: on-net, on-net-3g, off-net, international, favorite, cug',
    ]);
  });

  it("a plan without a usable id is named by its index", () => {
    const error = catalogError(small("  - { id: 42, name: X }\n"));
    expect(error.problems.map((p) => p.subject)).toContain("plans[1]");
    expect(error.message).toContain("plans[1]: id: must be a string, not 42");
    expect(error.message).toContain("plans[1]: fee: is required");
  });

  it("rates missing for a service offered, and given for one not offered", () => {
    const error = catalogError(
      small(`  - id: surf
    name: Surf
    archived: false
    fee: { amount: "5.00", charging: every-30-days }
    services: [data, sms]
    allowances:
      - { id: internet, kind: data, amount: 1000 }
      - { id: minutes, kind: voice, amount: unlimited }
    rates: { voicePerMinute: { on-net: "0.10" }, dataPerMegabyte: "0.10" }
    throttleKbps: 256
    cugUnlimited: true
    finalUnitAction: REDIRECT
    pauseAllowed: false
`),
    );
    const messages = error.problems.map((p) => `${p.field}: ${p.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        "allowances[1].kind: voice, but the plan does not offer it (services: data, sms)",
        "rates.smsPerMessage: missing: the plan offers sms",
        "rates.voicePerMinute: given, but voice is not among the plan's services (data, sms)",
        "cugUnlimited: is true, but the plan offers no voice service",
      ]),
    );
    expect(error.problems.every((p) => p.subject === 'plan "surf"' && p.line !== undefined)).toBe(true);
  });

  it("rules on throttling, favorites, the group and final-unit actions", () => {
    const error = catalogError(
      small(`  - id: odd
    name: Odd
    archived: false
    fee: { amount: "5.00", charging: monthly }
    creditLimit: "-1.00"
    services: [voice, sms]
    allowances:
      - { id: fav, kind: voice, amount: 10, classes: [favorite] }
      - { id: grp, kind: voice, amount: 10, classes: [cug] }
      - { id: fav, kind: sms, amount: unlimited }
    rates: { voicePerMinute: { off-net: "0.10" }, smsPerMessage: { on-net: "0.05" } }
    throttleKbps: 512
    cugUnlimited: true
    favoritesUnlimited: true
    finalUnitAction: RESTRICT_ACCESS
    pauseAllowed: true
`),
    );
    expect(error.problems.map((p) => `${p.field}: ${p.message}`)).toEqual([
      'creditLimit: "-1.00" must not be negative',
      'allowances[0].classes: includes "favorite", but the plan has no favorite numbers',
      'allowances[1].classes: includes "cug", but calls inside the group are unlimited on the plan (cugUnlimited)',
      'allowances[2].id: duplicate allowance id "fav"',
      'allowances[2].amount: "unlimited" is for voice minutes only, not sms',
      'rates.smsPerMessage: has no "off-net" price, the price of every class not listed',
      "throttleKbps: is set, but the plan offers no data service",
      "favoritesUnlimited: is true, but favoriteNumbers is 0",
      "finalUnitAction: RESTRICT_ACCESS acts on data sessions, but the plan offers no data service",
    ]);
  });

  it("a missing required field is reported at its plan", () => {
    const text = edit("    rates: *consumer\n    throttleKbps: 1024\n", "    throttleKbps: 1024\n");
    expect(catalogError(text).message).toContain(
      `${FILE}:${lineOf(text, "  - id: unlim-l")}: plan "unlim-l": rates: is required`,
    );
  });

  it("a bad shared rate card is reported once, at the card", () => {
    const text = edit('    mmsPerMessage: "0.25"\n', '    mmsPerMessage: "0.2x"\n');
    const error = catalogError(text);
    expect(error.problems).toEqual([
      {
        file: FILE,
        line: lineOf(text, '"0.2x"'),
        subject: 'rate card "consumer"',
        field: "mmsPerMessage",
        message: '"0.2x" is not an amount like "10.00"',
      },
    ]);
  });

  it("packages: unknown plans and services the plan does not offer", () => {
    const text = edit(
      "    plans: [web-start, web-4, web-8, web-16, web-10-voka]\n",
      "    plans: [web-start, web-4, web-8, web-16, web-10-voka, no-such-plan]\n",
    ).replace(
      "      - { id: intranet-on-net, kind: voice, amount: 1000, classes: [on-net, on-net-3g] }",
      "      - { id: intranet-on-net, kind: voice, amount: 1000, classes: [on-net, cug] }",
    );
    const messages = catalogError(text).problems.map((p) => `${p.subject}: ${p.field}: ${p.message}`);
    expect(messages).toEqual([
      'package "directors-intranet": allowances[0].classes: includes "cug", but calls inside the group are unlimited on plan "manager-plus" (cugUnlimited)',
      'package "extra-traffic-500mb": plans[5]: no plan "no-such-plan" in the catalog',
    ]);
  });

  it("defaults: a rating group used twice, Tcc shorter than the validity time", () => {
    const text = edit(
      "{ data: 1, voice: 2, sms: 3, mms: 4 }",
      "{ data: 1, voice: 2, sms: 2, mms: 4 }",
    ).replace("  tccSeconds: 900", "  tccSeconds: 60");
    const messages = catalogError(text).problems.map(
      (p) => `${p.line}: ${p.subject}: ${p.field}: ${p.message}`,
    );
    expect(messages).toEqual([
      `${lineOf(text, "sms: 2")}: defaults: ratingGroups.sms: rating group 2 is already used by voice`,
      `${lineOf(text, "tccSeconds: 60")}: defaults: tccSeconds: 60 must exceed validityTimeSeconds (600): clients report at validity expiry`,
    ]);
  });

  it("lists every problem, in line order, in one error", () => {
    const text = edit('amount: "32.00", charging: daily', 'amount: "12,00", charging: daily')
      .replace("  - id: comfort-2\n", "  - id: comfort\n")
      .replace("    pauseAllowed: false\n", "    pauseAllowed: no\n");
    const error = catalogError(text);
    expect(error.problems).toHaveLength(3);
    const lines = error.problems.map((p) => p.line ?? 0);
    expect([...lines].sort((a, b) => a - b)).toEqual(lines);
    expect(error.message.split("\n")[0]).toBe(`${FILE}: the tariff catalog has 3 problems:`);
    expect(error.message).toContain('fee.amount: "12,00"');
    expect(error.message).toContain("pauseAllowed: must be true or false");
  });
});

describe("unusable input never escapes as anything but a CatalogError", () => {
  it.each([
    ["an empty file", ""],
    ["a list", "[1, 2]"],
    ["a YAML syntax error", "plans: [1, 2\n"],
    ["an unresolved alias", "plans: *nothing\n"],
    ["a duplicate key", "version: 1\nversion: 1\n"],
    [
      "nulls everywhere",
      "version: 1\ndefaults: ~\nplans: [~, 3, { id: x }]\npackages: [~]\nrateCards: { a: ~ }\n",
    ],
  ])("%s", (_name, text) => {
    const error = catalogError(text, "bad.yaml");
    expect(error.code).toBe("CATALOG_INVALID");
    expect(error.problems.length).toBeGreaterThan(0);
    expect(error.message.startsWith("bad.yaml")).toBe(true);
  });

  it("a YAML syntax error carries its line", () => {
    const error = catalogError("version: 1\ndefaults:\n  a: [1, 2\n", "bad.yaml");
    expect(error.problems[0]?.line).toBeGreaterThanOrEqual(3);
    expect(error.message).toContain("YAML: ");
  });

  it("an unreadable file", () => {
    try {
      Catalog.load("/nonexistent/telsim/catalog.yaml");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CatalogError);
      expect((error as CatalogError).code).toBe("CATALOG_UNREADABLE");
      expect((error as CatalogError).message).toContain("/nonexistent/telsim/catalog.yaml: cannot read");
    }
  });

  it("50 random mutations of the shipped catalog", () => {
    let seed = 20240601;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const lines = SHIPPED.split("\n");
    const junk = ["", "  ", "- ", ": ", "x", '"', "[", "}", "*consumer", "&a", "-1", "1.5", "~", "\t"];
    for (let i = 0; i < 50; i += 1) {
      const mutated = [...lines];
      for (let k = 0; k <= random(3); k += 1) {
        const at = random(mutated.length);
        const line = mutated[at] ?? "";
        const cut = random(line.length + 1);
        const choice = random(3);
        if (choice === 0) mutated.splice(at, 1);
        else if (choice === 1)
          mutated[at] = line.slice(0, cut) + (junk[random(junk.length)] ?? "") + line.slice(cut);
        else mutated[at] = line.slice(0, cut);
      }
      try {
        Catalog.fromText(mutated.join("\n"), FILE);
      } catch (error) {
        if (!(error instanceof CatalogError)) throw error;
        expect(error.problems.length).toBeGreaterThan(0);
      }
    }
  });
});
