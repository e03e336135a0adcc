import { describe, expect, it } from "vitest";
import { personalAccountNumber } from "../../core/ussd/menus-account.js";
import { A, B, C, P, setup, START, textOf } from "./helpers.js";

describe("*100#: balance and remaining included units", () => {
  it("shows the balance and what is left of each kind of unit", async () => {
    const f = setup();
    const a = f.account(A);
    const voice = a.buckets.find((b) => b.kind === "voice");
    if (voice === undefined) throw new Error();
    voice.remaining -= 90; // 1.5 minutes used: 598 whole minutes left
    expect(textOf(await f.dial(A, "*100#"))).toBe("Balans: 12.34 rub.\nMinuty: 598\nInternet: 1024 MB");
    expect(f.last(A)?.kind).toBe("result");
  });

  it("shows the credit limit, a blocked or paused state, and units held by live sessions as used", async () => {
    const f = setup();
    const b = f.account(B);
    b.balance = -250;
    b.creditLimit = 800;
    b.state = "blocked";
    const data = b.buckets.find((x) => x.kind === "data");
    if (data === undefined) throw new Error();
    b.reservations.push({ heldBuckets: { [data.id]: 1024 * 1024 * 20 } } as never);
    expect(textOf(await f.dial(B, "*100#"))).toBe(
      "Balans: -2.50 rub.\nKredit: 8.00 rub.\nNomer zablokirovan\nInternet: 5100 MB",
    );
    b.state = "paused";
    f.core.gateway.release(B);
    expect(textOf(await f.dial(B, "*100#"))).toContain("Usluga Pauza podklyuchena");
  });

  it("says 'unlimited' for unlimited minutes, and nothing about expired buckets", async () => {
    const f = setup();
    const a = f.account(A);
    const voice = a.buckets.find((b) => b.kind === "voice");
    if (voice === undefined) throw new Error();
    a.buckets = [
      { ...voice, total: 31 * 24 * 3600, remaining: 31 * 24 * 3600 },
      { ...voice, id: "old", validUntil: START - 1 },
    ];
    expect(textOf(await f.dial(A, "*100#"))).toBe("Balans: 12.34 rub.\nMinuty: bezlimit");
  });

  it("answers in Cyrillic (UCS2) to a subscriber who chose Russian", async () => {
    const f = setup();
    f.core.profiles.of(A).language = "ru";
    const m = await f.dial(A, "*100#");
    expect(m).toMatchObject({
      kind: "result",
      encoding: "ucs2",
      text: "Баланс: 12.34 руб.\nМинуты: 600\nИнтернет: 1024 МБ",
    });
  });
});

describe("*100*2#: instalments", () => {
  it("says there are none, or lists each with its monthly payment, amount left and end date", async () => {
    const f = setup();
    expect(textOf(await f.dial(A, "*100*2#"))).toBe("Tovarov v rassrochku net.");
    f.core.profiles.setInstalments(A, [
      { item: "Samsung A55", monthly: 4500, remaining: 54000, endsAt: Date.UTC(2027, 10, 1, 9) },
    ]);
    expect(textOf(await f.dial(A, "*100*2#"))).toBe(
      "Samsung A55: 45.00 rub./mes, ost. 540.00, do 01.11.2027",
    );
  });

  it("refuses instalments that break the rules", () => {
    const f = setup();
    expect(() =>
      f.core.profiles.setInstalments(A, [{ item: "", monthly: 1, remaining: 1, endsAt: 0 }]),
    ).toThrow(/item/);
    expect(() =>
      f.core.profiles.setInstalments(A, [{ item: "x".repeat(21), monthly: 1, remaining: 1, endsAt: 0 }]),
    ).toThrow(/item/);
    expect(() =>
      f.core.profiles.setInstalments(A, [{ item: "x", monthly: 1.5, remaining: 1, endsAt: 0 }]),
    ).toThrow(/monthly/);
  });
});

describe("numbers and plan information", () => {
  it("*110#: the number in international format", async () => {
    const f = setup();
    expect(textOf(await f.dial(A, "*110#"))).toBe("Vash nomer: +375291000001");
  });

  it("*147#: the personal account number", async () => {
    const f = setup();
    expect(textOf(await f.dial(C, "*147#"))).toBe("Litsevoy schet: 100000000003");
    expect(personalAccountNumber({ id: "acc-42" } as never)).toBe("100000000042");
    expect(personalAccountNumber({ id: "corp-7" } as never)).toMatch(/^19\d{10}$/);
  });

  it("*115#: number, plan, fee terms, archived mark and how to change", async () => {
    const f = setup();
    expect(textOf(await f.dial(A, "*115#"))).toBe(
      "Nomer: +375291000001\nTarif: Smart 1\nAbonplata: 21.90 rub. v mesyats\nTarif arkhivnyy\nSmena tarifa: *115*1#",
    );
    expect(textOf(await f.dial(B, "*115#"))).toContain("Abonplata: 18.00 rub. v mesyats, po dnyam");
    expect(textOf(await f.dial(C, "*115#"))).toContain("Abonplata: 11.90 rub. za 30 dney");
  });

  it("*116#: the connected services", async () => {
    const f = setup();
    const p = f.account(P);
    p.cugId = "corp-1";
    p.state = "paused";
    f.core.profiles.setPassword(P, "abc12", START);
    expect(textOf(await f.dial(P, "*116#"))).toBe(
      "Podklyucheny:\nMobilnyy internet\nLyubimye nomera: 1\nPauza\nGruppa ZAG\nUSSD translitom\nParol Lichnogo kabineta",
    );
    f.core.profiles.of(P).language = "ru";
    p.favorites = [];
    p.cugId = undefined;
    p.state = "active";
    f.core.profiles.of(P).issaPassword = undefined;
    f.core.gateway.release(P);
    expect(textOf(await f.dial(P, "*116#"))).toBe("Подключены:\nМобильный интернет");
  });

  it("*111#: the list of codes, page by page", async () => {
    const f = setup();
    const pages = [textOf(await f.dial(A, "*111#"))];
    while (f.last(A)?.kind === "request") pages.push(textOf(await f.reply(A, "0")));
    const all = pages.join("\n");
    expect(all).toContain("*100# balans");
    expect(all).toContain("*131*nomer# perezvoni mne");
    expect(all).toContain("*140*kod# karta oplaty");
    expect(all).toContain("*148*2# po-russki");
    expect(pages.slice(0, -1).every((p) => p.endsWith("\n0 dalee"))).toBe(true);
    expect(f.last(A)?.kind).toBe("result");
  });
});

describe("requests the menus do not know", () => {
  it.each(["*100*9#", "*147*1#", "*141#", "*141*3#", "*135#"])("%s: wrong request", async (code) => {
    const f = setup();
    expect(textOf(await f.dial(A, code))).toBe("Nevernyy zapros. Spisok zaprosov: *111#");
  });

  it("a number without an account is told the service is unavailable", async () => {
    const f = setup();
    expect(textOf(await f.dial("375297777777", "*100#"))).toBe("Usluga nedostupna dlya vashego nomera.");
    f.account(A).state = "closed";
    expect(textOf(await f.dial(A, "*100#"))).toBe("Usluga nedostupna dlya vashego nomera.");
  });

  it("a page answer other than 0 is a wrong choice", async () => {
    const f = setup();
    await f.dial(A, "*111#");
    expect(textOf(await f.reply(A, "5"))).toBe("Nevernyy vybor.");
  });
});
