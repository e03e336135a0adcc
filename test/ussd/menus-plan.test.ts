import { describe, expect, it } from "vitest";
import { Catalog } from "../../core/charging/catalog.js";
import { connectPackage, packageProblem } from "../../core/ussd/package-connect.js";
import { A, B, C, setup, START, textOf } from "./helpers.js";

describe("*115*1#: tariff plan change", () => {
  it("lists the open plans, confirms, changes the plan and tells live sessions", async () => {
    const f = setup();
    const a = f.account(A);
    a.reservations.push({ heldBuckets: {} } as never);
    const list = textOf(await f.dial(A, "*115*1#"));
    expect(list).toMatch(/^Tarif \(nomer ili imya\):\n1 Business Unlim 1\.0\n2 Business Unlim 2\.0/);
    expect(list).not.toContain("Smart");
    expect(textOf(await f.reply(A, "2"))).toBe(
      'Pereyti na "Business Unlim 2.0" (24.00 rub./mes)?\n1 da\n2 net',
    );
    expect(textOf(await f.reply(A, "1"))).toBe(
      'Tarif izmenen na "Business Unlim 2.0". Abonplata: 24.00 rub. v mesyats, po dnyam',
    );
    expect(a.planId).toBe("business-unlim-2");
    expect(a.buckets.some((b) => b.source === "internet" && b.total === 10240 * 1024 * 1024)).toBe(true);
    expect(f.sessions).toEqual([{ account: a, what: "reauth" }]);
    expect((await f.store.loadAccounts()).find((x) => x.id === a.id)?.planId).toBe("business-unlim-2");
  });

  it("takes a plan's id or name typed instead of its number", async () => {
    const f = setup();
    await f.dial(A, "*115*1#");
    expect(textOf(await f.reply(A, "mobile-cabinet"))).toContain('Pereyti na "Mobile Cabinet"');
    await f.dial(B, "*115*1#");
    expect(textOf(await f.reply(B, "privetik"))).toContain('Pereyti na "Privetik"');
  });

  it.each([
    ["an archived plan", A, "light", 'Tarif "Light" arkhivnyy: podklyuchenie ne proizvoditsya.'],
    [
      "another archived plan by name",
      B,
      "Smart 1",
      'Tarif "Smart 1" arkhivnyy: podklyuchenie ne proizvoditsya.',
    ],
    ["the current plan", B, "business-unlim-1", 'Vy uzhe na tarife "Business Unlim 1.0".'],
    ["an unknown plan", A, "gold", "Takogo tarifa net. Spisok: *115*1#"],
    ["a number not in the list", A, "77", "Nevernyy vybor."],
  ])("refuses %s", async (_name, msisdn, answer, text) => {
    const f = setup();
    const before = f.account(msisdn).planId;
    await f.dial(msisdn, "*115*1#");
    expect(textOf(await f.reply(msisdn, answer))).toBe(text);
    expect(f.account(msisdn).planId).toBe(before);
  });

  it("refuses a plan with fewer favorite numbers than the subscriber has", async () => {
    const f = setup();
    f.account(A).favorites = ["375291111111"];
    await f.dial(A, "*115*1#");
    expect(textOf(await f.reply(A, "1"))).toBe(
      'Na "Business Unlim 1.0" lyubimykh nomerov do 0: udalite lishnie (*146#).',
    );
  });

  it("changes nothing when the user says no", async () => {
    const f = setup();
    await f.dial(B, "*115*1#");
    await f.reply(B, "3");
    expect(textOf(await f.reply(B, "2"))).toBe("Otmeneno.");
    expect(f.account(B).planId).toBe("business-unlim-1");
  });

  it("pages through the list in Russian, where fewer plans fit a screen", async () => {
    const f = setup();
    f.core.profiles.of(B).language = "ru";
    const first = textOf(await f.dial(B, "*115*1#"));
    expect(first.endsWith("\n0 далее")).toBe(true);
    await f.reply(B, "0");
    expect(textOf(await f.reply(B, "5"))).toContain("Перейти на «Mobile Cabinet»");
  });
});

describe("*145#: the Pause service", () => {
  it("status, on (half fee from the next day, sessions told), status, off", async () => {
    const f = setup();
    f.account(B).reservations.push({ heldBuckets: {} } as never);
    expect(textOf(await f.dial(B, "*145#"))).toBe("Pauza ne podklyuchena. Podklyuchit: *145*1#");
    expect(textOf(await f.dial(B, "*145*1#"))).toBe(
      "Usluga Pauza podklyuchena. So sleduyuschego dnya abonplata 50%.",
    );
    expect(f.account(B)).toMatchObject({ state: "paused", pausedAt: START });
    expect(textOf(await f.dial(B, "*145#"))).toBe("Pauza podklyuchena s 22.11.2026. Otklyuchit: *145*0#");
    expect(textOf(await f.dial(B, "*145*1#"))).toBe("Usluga Pauza uzhe podklyuchena.");
    expect(textOf(await f.dial(B, "*145*0#"))).toBe("Usluga Pauza otklyuchena.");
    expect(f.account(B)).toMatchObject({ state: "active", pausedAt: undefined });
    expect(f.sessions.map((s) => s.what)).toEqual(["reauth", "reauth"]);
    expect(textOf(await f.dial(B, "*145*0#"))).toBe("Usluga Pauza ne podklyuchena.");
  });

  it("is refused on a plan without Pause and on a blocked number", async () => {
    const f = setup();
    expect(textOf(await f.dial(C, "*145#"))).toBe('Pauza na tarife "WEB 4" ne predostavlyaetsya.');
    expect(textOf(await f.dial(C, "*145*1#"))).toBe('Pauza na tarife "WEB 4" ne predostavlyaetsya.');
    expect(f.account(C).state).toBe("active");
    f.account(B).state = "blocked";
    expect(textOf(await f.dial(B, "*145*1#"))).toBe("Pauza nedostupna: nomer zablokirovan.");
    expect(textOf(await f.dial(B, "*145*0#"))).toBe("Usluga Pauza ne podklyuchena.");
    expect(f.account(B).state).toBe("blocked");
  });
});

describe("*146#: favorite numbers", () => {
  it("lists, adds in any number format, and removes", async () => {
    const f = setup();
    expect(textOf(await f.dial(A, "*146#"))).toBe("Lyubimykh nomerov net (do 3). Naznachit: *146*nomer#");
    expect(textOf(await f.dial(A, "*146*291234567#"))).toBe("Lyubimyy nomer +375291234567 naznachen.");
    expect(textOf(await f.dial(A, "*146*80447654321#"))).toBe("Lyubimyy nomer +375447654321 naznachen.");
    expect(textOf(await f.dial(A, "*146*+375331112233#"))).toBe("Lyubimyy nomer +375331112233 naznachen.");
    expect(f.account(A).favorites).toEqual(["375291234567", "375447654321", "375331112233"]);
    expect(textOf(await f.dial(A, "*146#"))).toBe(
      "Lyubimye nomera (3 iz 3):\n+375291234567\n+375447654321\n+375331112233",
    );
    expect(textOf(await f.dial(A, "*146*0*447654321#"))).toBe("Lyubimyy nomer +375447654321 udalen.");
    expect(f.account(A).favorites).toEqual(["375291234567", "375331112233"]);
    expect((await f.store.loadAccounts()).find((x) => x.id === f.account(A).id)?.favorites).toHaveLength(2);
  });

  it.each([
    ["*146*12345#", "Nevernyy nomer. Primer: 291234567 ili 375291234567"],
    ["*146*375501234567#", "Nevernyy nomer. Primer: 291234567 ili 375291234567"],
    ["*146*375291000001#", "Svoy nomer nelzya sdelat lyubimym."],
    ["*146*0*291234567#", "+375291234567 ne lyubimyy nomer."],
  ])("%s → %s", async (code, text) => {
    const f = setup();
    expect(textOf(await f.dial(A, code))).toBe(text);
    expect(f.account(A).favorites).toEqual([]);
  });

  it("refuses a repeat and a fourth number on a plan with three", async () => {
    const f = setup();
    f.account(A).favorites = ["375291111111", "375291111112", "375291111113"];
    expect(textOf(await f.dial(A, "*146*291111111#"))).toBe("+375291111111 uzhe lyubimyy nomer.");
    expect(textOf(await f.dial(A, "*146*291111114#"))).toBe(
      "Zanyaty vse 3 lyubimykh nomera. Udalit: *146*0*nomer#",
    );
    expect(f.account(A).favorites).toHaveLength(3);
  });

  it("is refused on a plan without favorite numbers", async () => {
    const f = setup();
    for (const code of ["*146#", "*146*291234567#", "*146*0*291234567#"]) {
      expect(textOf(await f.dial(B, code))).toBe(
        'Lyubimyy nomer na tarife "Business Unlim 1.0" ne predostavlyaetsya.',
      );
    }
  });
});

describe("*135*7#: Mobile Internet packages", () => {
  it("lists the plan's packages and connects one: fee debited, traffic until the period ends", async () => {
    const f = setup();
    f.account(C).reservations.push({ heldBuckets: {} } as never);
    expect(textOf(await f.dial(C, "*135*7#"))).toBe(
      "Pakety interneta:\n1 Additional traffic 500 MB 2.50 rub.\n2 Additional traffic 1 GB 4.00 rub.",
    );
    expect(textOf(await f.reply(C, "2"))).toBe(
      'Podklyuchit "Additional traffic 1 GB" za 4.00 rub.?\n1 da\n2 net',
    );
    expect(textOf(await f.reply(C, "1"))).toBe(
      'Paket "Additional traffic 1 GB" podklyuchen, deystvuet po 22.12.2026.',
    );
    const c = f.account(C);
    expect(c.balance).toBe(600);
    const bucket = c.buckets.find((b) => b.source === "extra-1gb");
    expect(bucket).toMatchObject({
      kind: "data",
      total: 1024 * 1024 * 1024,
      validFrom: START,
      validUntil: START + 30 * 86_400_000,
    });
    expect(f.sessions.map((s) => s.what)).toEqual(["reauth"]);
    const records = await f.store.records({ accountId: c.id });
    expect(records.map((r) => [r.record.kind, r.record.charge, r.record.sessionId])).toEqual([
      ["fee", 400, "package:extra-traffic-1gb"],
    ]);
    expect(textOf(await f.dial(C, "*116#"))).toContain("Paket: Additional traffic 1 GB");
    expect(textOf(await f.dial(C, "*100#"))).toContain("Internet: 5120 MB");
  });

  it("refuses without the money, on a number that is not active, and on a plan without packages", async () => {
    const f = setup();
    f.account(C).balance = 300;
    await f.dial(C, "*135*7#");
    expect(textOf(await f.reply(C, "2"))).toBe("Nedostatochno sredstv: paket stoit 4.00 rub.");
    f.account(C).state = "blocked";
    await f.dial(C, "*135*7#");
    expect(textOf(await f.reply(C, "1"))).toBe("Nomer zablokirovan ili na Pauze: operatsiya nedostupna.");
    expect(f.account(C).buckets.filter((b) => b.source.startsWith("extra"))).toEqual([]);
    expect(textOf(await f.dial(B, "*135*7#"))).toBe(
      'Pakety interneta na tarife "Business Unlim 1.0" ne predostavlyayutsya.',
    );
  });

  it("connects nothing when the user says no", async () => {
    const f = setup();
    await f.dial(C, "*135*7#");
    await f.reply(C, "1");
    expect(textOf(await f.reply(C, "2"))).toBe("Otmeneno.");
    expect(f.account(C).balance).toBe(1000);
  });

  it("allows one package of a group at a time", async () => {
    const f = setup();
    const catalog = Catalog.load();
    const offered = catalog.packagesFor("manager-plus");
    const account = f.engine.createAccount({
      subscribers: [{ msisdn: "375291000077", imsi: "257010000000077" }],
      planId: "manager-plus",
      balance: 5000,
      allowArchived: true,
    });
    const [intranet, national] = offered;
    if (intranet === undefined || national === undefined) throw new Error();
    expect(await connectPackage(f.engine, offered, account, intranet)).toMatchObject({ ok: true });
    expect(packageProblem(f.engine, offered, account, national)).toBe("group-taken");
    expect(packageProblem(f.engine, catalog.packagesFor("web-4"), account, national)).toBe("not-offered");
  });
});
