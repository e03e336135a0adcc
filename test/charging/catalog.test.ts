import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  Catalog,
  CatalogError,
  defaultCatalogPath,
  UNLIMITED_VOICE_MINUTES,
} from "../../core/charging/catalog.js";
import type { Allowance, DestinationClass, Plan } from "../../core/charging/model.js";

const catalog = Catalog.load();
const plan = (id: string): Plan => catalog.plan(id);
const ids = (filter: (p: Plan) => boolean): string[] =>
  catalog
    .plans()
    .filter(filter)
    .map((p) => p.id)
    .sort();
const allowance = (planId: string, allowanceId: string): Allowance => {
  const found = plan(planId).allowances.find((a) => a.id === allowanceId);
  if (found === undefined) throw new Error(`${planId} has no allowance ${allowanceId}`);
  return found;
};
/** The voice allowance that a call of this class draws on first (lowest priority number). */
const voiceAllowanceFor = (planId: string, cls: DestinationClass): Allowance | undefined =>
  plan(planId)
    .allowances.filter((a) => a.kind === "voice" && (a.classes === undefined || a.classes.includes(cls)))
    .sort((a, b) => (a.priority ?? 100) - (b.priority ?? 100))[0];

const CORPORATE_LINE = ["corporate-5", "corporate-15", "corporate-30", "corporate-50"];
const BUSINESS_UNLIM = ["business-unlim-1", "business-unlim-2", "business-unlim-3", "business-unlim-4"];
const WEB_30_DAYS = ["web-900", "web-1800", "web-3600", "web-2-5", "web-4-5"];
const NON_STOP = ["non-stop", "non-stop-2", "non-stop-7-5"];
const WEB_START_LINE = ["web-start", "web-4", "web-8", "web-16"];
const SUPER_WEB = ["super-web-5", "super-web-10", "super-web-30"];
const SMART = ["smart-premiere", "smart-1", "smart-2", "smart-3"];

describe("the shipped catalog", () => {
  it("loads from the default path", () => {
    expect(defaultCatalogPath()).toMatch(/catalog[/\\]a1-tariffs\.yaml$/);
    expect(existsSync(defaultCatalogPath())).toBe(true);
    expect(catalog.source).toBe("catalog/a1-tariffs.yaml");
  });

  it("has the plans of the seeds", () => {
    const expected = [
      "light",
      "comfort",
      "comfort-2",
      "comfort-4",
      "comfort-8",
      "comfort-16",
      "comfort-plus",
      "comfort-2-plus",
      "comfort-4-plus",
      "comfort-8-plus",
      ...SMART,
      ...WEB_START_LINE,
      "web-10-voka",
      ...WEB_30_DAYS,
      ...NON_STOP,
      "web-250",
      "web-500",
      ...SUPER_WEB,
      ...BUSINESS_UNLIM,
      "mobile-cabinet",
      ...CORPORATE_LINE,
      "manager",
      "manager-plus",
      "about-everything-at-once",
      "business-pro-platinum",
      "lemon",
      "unlim-l",
    ];
    expect(ids(() => true)).toEqual([...expected].sort());
    expect(plan("business-pro-platinum").name).toBe("BUSINESS.PRO.Platinum");
    expect(plan("non-stop-7-5").name).toBe("Non-stop 7.5");
  });

  it("holds money as integer kopecks and frozen objects", () => {
    for (const p of catalog.plans()) {
      expect(Number.isInteger(p.fee.amount) && p.fee.amount > 0, p.id).toBe(true);
      expect(Number.isInteger(p.creditLimit), p.id).toBe(true);
      for (const price of Object.values(p.rates.voicePerMinute)) expect(Number.isInteger(price)).toBe(true);
      expect(Object.isFrozen(p) && Object.isFrozen(p.allowances) && Object.isFrozen(p.rates), p.id).toBe(
        true,
      );
    }
    expect(plan("business-unlim-3").fee.amount).toBe(3200);
  });

  it("prices every service a plan offers, with an off-net fallback for voice and SMS", () => {
    for (const p of catalog.plans()) {
      if (p.services.includes("voice")) expect(p.rates.voicePerMinute["off-net"], p.id).toBeGreaterThan(0);
      if (p.services.includes("sms")) expect(p.rates.smsPerMessage["off-net"], p.id).toBeGreaterThan(0);
      if (p.services.includes("data")) expect(p.rates.dataPerMegabyte, p.id).toBeGreaterThan(0);
      for (const a of p.allowances) expect(p.services, `${p.id}/${a.id}`).toContain(a.kind);
    }
  });

  it("has the charging defaults", () => {
    const d = catalog.defaults;
    expect(d.ratingGroups).toEqual({ data: 1, voice: 2, sms: 3, mms: 4 });
    expect(d.grantUnits).toEqual({ voice: 300, data: 10 * 1024 * 1024, sms: 1, mms: 1 });
    expect(d.validityTimeSeconds).toBe(600);
    expect(d.tccSeconds).toBe(900);
    expect(d.quotaThresholdPercent.volume).toBeGreaterThan(0);
    expect(d.redirectUrl).toBe("http://127.0.0.1:8080/topup");
    expect(d.restrictFilterId).not.toBe("");
    expect(d.pause).toEqual({ planFeePercent: 50, startsAfterDays: 1, packageFeePercent: 0 });
    expect(catalog.serviceOfRatingGroup(1)).toBe("data");
    expect(catalog.serviceOfRatingGroup(4)).toBe("mms");
    expect(catalog.serviceOfRatingGroup(99)).toBeUndefined();
  });

  it("answers an unknown plan id with a CatalogError", () => {
    expect(catalog.findPlan("no-such-plan")).toBeUndefined();
    expect(() => catalog.plan("no-such-plan")).toThrow(CatalogError);
    try {
      catalog.plan("no-such-plan");
    } catch (error) {
      expect((error as CatalogError).code).toBe("CATALOG_UNKNOWN_PLAN");
      expect((error as CatalogError).message).toContain('no tariff plan "no-such-plan"');
    }
  });
});

describe("the seeds' rules, as data", () => {
  it.each([
    ["business-unlim-1", 512],
    ["business-unlim-2", 512],
    ["business-unlim-3", 1024],
    ["business-unlim-4", 2048],
    ["mobile-cabinet", 512],
    ["unlim-l", 1024],
  ])("%s throttles to %i Kbps after its traffic", (id, kbps) => {
    expect(plan(id).throttleKbps).toBe(kbps);
    expect(plan(id).allowances.some((a) => a.kind === "data")).toBe(true);
  });

  it("throttles nowhere else", () => {
    expect(ids((p) => p.throttleKbps !== undefined)).toEqual(
      [...BUSINESS_UNLIM, "mobile-cabinet", "unlim-l"].sort(),
    );
  });

  it("Mobile Cabinet: 100 GB, data only, outside the closed group", () => {
    expect(allowance("mobile-cabinet", "internet").amount).toBe(100 * 1024);
    expect(plan("mobile-cabinet").services).toEqual(["data"]);
    expect(plan("mobile-cabinet").cugUnlimited).toBe(false);
  });

  it("Unlim L: daily fee, no Pause", () => {
    expect(plan("unlim-l").fee.charging).toBe("daily");
    expect(plan("unlim-l").pauseAllowed).toBe(false);
  });

  it("About everything at once: credit limit 8.00; its on-net minutes are spent on favorite numbers", () => {
    const p = plan("about-everything-at-once");
    expect(p.creditLimit).toBe(800);
    expect(p.favoriteNumbers).toBeGreaterThan(0);
    expect(voiceAllowanceFor(p.id, "on-net")?.amount).toBe(250);
    expect(voiceAllowanceFor(p.id, "on-net")?.classes).toContain("favorite");
    expect(allowance(p.id, "sms")).toMatchObject({ kind: "sms", amount: 250 });
    expect(allowance(p.id, "internet")).toMatchObject({ kind: "data", amount: 250 });
  });

  it("BUSINESS.PRO.Platinum: credit limit 20.00; its on-net minutes are spent on ZAG calls", () => {
    const p = plan("business-pro-platinum");
    expect(p.creditLimit).toBe(2000);
    expect(p.cugUnlimited).toBe(false);
    const onNet = voiceAllowanceFor(p.id, "on-net");
    expect(onNet?.amount).toBe(500);
    expect(onNet?.classes).toEqual(expect.arrayContaining(["cug", "off-net"]));
    expect(onNet?.classes).not.toContain("international");
    expect(voiceAllowanceFor(p.id, "international")?.amount).toBe(200);
    expect(allowance(p.id, "internet").amount).toBe(1000);
  });

  it.each(CORPORATE_LINE)("%s: unlimited in ZAG; 150 on-net minutes used by favorites, not ZAG", (id) => {
    const p = plan(id);
    expect(p.cugUnlimited).toBe(true);
    expect(p.fee.charging).toBe("daily");
    const onNet = voiceAllowanceFor(id, "on-net");
    expect(onNet?.amount).toBe(150);
    expect(onNet?.classes).toContain("favorite");
    expect(onNet?.classes).not.toContain("cug");
    expect(p.allowances.filter((a) => a.kind === "mms").map((a) => a.amount)).toEqual([5]);
    expect(p.allowances.filter((a) => a.kind === "data").map((a) => a.amount)).toEqual([250]);
  });

  it.each([
    ["non-stop", 1024, 2048],
    ["non-stop-2", 2048, 4096],
    ["non-stop-7-5", 2560, 5120],
  ])("%s: %i MB by day, %i MB by night", (id, day, night) => {
    const data = plan(id).allowances.filter((a) => a.kind === "data");
    expect(data.map((a) => [a.window, a.amount])).toEqual([
      ["day", day],
      ["night", night],
    ]);
  });

  it("only Non-stop has time windows", () => {
    expect(ids((p) => p.allowances.some((a) => a.window !== undefined))).toEqual([...NON_STOP].sort());
  });

  it("WEB 900: 900 MB, fee in full every 30 days, no Pause, data only, top-up redirect", () => {
    const p = plan("web-900");
    expect(p.fee.charging).toBe("every-30-days");
    expect(p.pauseAllowed).toBe(false);
    expect(p.services).toEqual(["data"]);
    expect(p.finalUnitAction).toBe("REDIRECT");
    expect(allowance("web-900", "internet").amount).toBe(900);
  });

  it("fee schedules: daily, every 30 days, calendar month", () => {
    expect(ids((p) => p.fee.charging === "daily")).toEqual(
      [...BUSINESS_UNLIM, "mobile-cabinet", ...CORPORATE_LINE, "manager", "manager-plus"]
        .concat(["lemon", "unlim-l", ...SUPER_WEB])
        .sort(),
    );
    expect(ids((p) => p.fee.charging === "every-30-days")).toEqual(
      [...WEB_START_LINE, "web-10-voka", ...WEB_30_DAYS, ...NON_STOP].sort(),
    );
    expect(plan("light").fee.charging).toBe("monthly");
    expect(plan("web-250").fee.charging).toBe("monthly");
  });

  it("no Pause exactly where the seeds say so", () => {
    expect(ids((p) => !p.pauseAllowed)).toEqual(
      [...WEB_START_LINE, "web-10-voka", ...WEB_30_DAYS, ...NON_STOP, ...SUPER_WEB, "unlim-l"].sort(),
    );
  });

  it("archived as in the seeds' lists: only Business Unlim and Mobile Cabinet are current", () => {
    expect(ids((p) => !p.archived)).toEqual([...BUSINESS_UNLIM, "mobile-cabinet"].sort());
  });

  it.each(SMART)("%s: unlimited to favorite numbers, which no allowance then counts", (id) => {
    const p = plan(id);
    expect(p.favoritesUnlimited).toBe(true);
    expect(p.favoriteNumbers).toBeGreaterThan(0);
    expect(p.allowances.some((a) => a.classes?.includes("favorite"))).toBe(false);
  });

  it("Light: 3G on-net calls use the on-net-3g minutes before the all-networks minutes", () => {
    expect(voiceAllowanceFor("light", "on-net-3g")?.id).toBe("on-net-3g");
    expect(voiceAllowanceFor("light", "on-net")?.id).toBe("all-networks");
    expect(voiceAllowanceFor("light", "off-net")?.id).toBe("all-networks");
  });

  it("Comfort: unlimited on-net minutes become a month of continuous calling", () => {
    expect(UNLIMITED_VOICE_MINUTES).toBe(44640);
    expect(voiceAllowanceFor("comfort", "on-net")?.amount).toBe(UNLIMITED_VOICE_MINUTES);
    expect(voiceAllowanceFor("comfort", "off-net")).toBeUndefined();
    expect(voiceAllowanceFor("comfort-2", "off-net")?.amount).toBeLessThan(UNLIMITED_VOICE_MINUTES);
    expect(voiceAllowanceFor("comfort-2-plus", "off-net")?.amount).toBe(UNLIMITED_VOICE_MINUTES);
  });

  it("lemon: 4 GB, daily fee, minutes to all networks, restricted access when out of money", () => {
    const p = plan("lemon");
    expect(p.fee.charging).toBe("daily");
    expect(allowance("lemon", "internet").amount).toBe(4096);
    expect(voiceAllowanceFor("lemon", "off-net")?.classes).toEqual(
      expect.arrayContaining(["on-net", "off-net"]),
    );
    expect(p.finalUnitAction).toBe("RESTRICT_ACCESS");
  });

  it("final-unit actions: TERMINATE unless the plan is a data plan", () => {
    for (const p of catalog.plans()) {
      if (p.finalUnitAction !== "TERMINATE") expect(p.services, p.id).toContain("data");
    }
    expect(ids((p) => p.finalUnitAction === "REDIRECT")).toEqual(
      [...WEB_START_LINE, "web-10-voka", ...WEB_30_DAYS, ...NON_STOP, ...SUPER_WEB]
        .concat(["web-250", "web-500", "mobile-cabinet"])
        .sort(),
    );
  });
});

describe("packages", () => {
  it("Manager+ has the Director's package: Intranet or National, one at a time", () => {
    const offered = catalog.packagesFor("manager-plus");
    expect(offered.map((p) => p.id).sort()).toEqual(["directors-intranet", "directors-national"]);
    expect(new Set(offered.map((p) => p.group))).toEqual(new Set(["directors-package"]));
    const national = catalog.findPackage("directors-national");
    expect(national?.allowances.map((a) => [a.amount, a.classes])).toEqual([
      [1000, ["on-net", "on-net-3g"]],
      [200, ["off-net"]],
    ]);
    expect(catalog.findPackage("directors-intranet")?.allowances.map((a) => a.amount)).toEqual([1000]);
    expect(catalog.packagesFor("manager")).toEqual([]);
  });

  it("every package names existing plans and is priced in kopecks", () => {
    for (const pkg of catalog.packages()) {
      for (const id of pkg.plans) expect(catalog.findPlan(id), `${pkg.id} -> ${id}`).toBeDefined();
      expect(Number.isInteger(pkg.fee.amount)).toBe(true);
    }
  });
});
