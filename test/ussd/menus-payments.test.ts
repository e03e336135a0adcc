import { describe, expect, it } from "vitest";
import { DAY } from "../../core/charging/local-time.js";
import { A, B, P, setup, START, textOf } from "./helpers.js";

describe("*140*code#: top-up with an express payment card", () => {
  it("credits the card's amount, once", async () => {
    const f = setup();
    const [code] = await f.cards(1, 1000);
    if (code === undefined) throw new Error();
    expect(textOf(await f.dial(A, `*140*${code}#`))).toBe("Popolnenie 10.00 rub. Balans: 22.34 rub.");
    expect(f.account(A).balance).toBe(2234);
    expect((await f.store.card(code))?.usedBy).toBe(f.account(A).id);
    expect(textOf(await f.dial(B, `*140*${code}#`))).toBe("Karta uzhe ispolzovana.");
    expect(f.account(B).balance).toBe(500);
  });

  it("asks for the code when it is not dialled", async () => {
    const f = setup();
    const [code] = await f.cards(1, 500);
    expect(textOf(await f.dial(A, "*140#"))).toBe("Vvedite 14-znachnyy kod karty ekspress-oplaty:");
    expect(textOf(await f.reply(A, ` ${code} `))).toBe("Popolnenie 5.00 rub. Balans: 17.34 rub.");
  });

  it.each([
    ["too short", "1234567890123", "Kod karty - 14 tsifr. Schet ne popolnen."],
    ["not digits", "1234567890123a", "Kod karty - 14 tsifr. Schet ne popolnen."],
    ["a wrong check digit", "12345678901234", "Oshibka v kode karty. Proverte tsifry."],
    ["an unknown card", "12345678901237", "Karty s takim kodom net."],
  ])("refuses %s with the reason", async (_name, code, text) => {
    const f = setup();
    await f.dial(A, "*140#");
    expect(textOf(await f.reply(A, code))).toBe(text);
    expect(f.account(A).balance).toBe(1234);
  });

  it("restores a blocked account whose debt the card covers", async () => {
    const f = setup();
    const b = f.account(B);
    b.state = "blocked";
    b.balance = -100;
    b.feesOwed = 200;
    const [code] = await f.cards(1, 1000);
    expect(textOf(await f.dial(B, `*140*${code}#`))).toBe("Popolnenie 10.00 rub. Balans: 7.00 rub.");
    expect(b.state).toBe("active");
  });
});

describe("*143#: unconfirmed payment (at most 3 BYN, valid 3 days)", () => {
  async function register(f: ReturnType<typeof setup>, msisdn: string, amount: string): Promise<string> {
    expect(textOf(await f.dial(msisdn, "*143#"))).toBe("Summa nepodtverzhdennogo platezha, do 3.00 rub.:");
    const confirm = textOf(await f.reply(msisdn, amount));
    if (!confirm.startsWith("Zaregistrirovat")) return confirm;
    return textOf(await f.reply(msisdn, "1"));
  }

  it("credits the amount at once and shows it as pending", async () => {
    const f = setup();
    await f.dial(A, "*143#");
    expect(textOf(await f.reply(A, "2,50"))).toBe("Zaregistrirovat platezh 2.50 rub. na 3 dn.?\n1 da\n2 net");
    expect(textOf(await f.reply(A, "1"))).toBe(
      "Zachisleno 2.50 rub. do 25.11 12:00. Spishetsya iz sleduyuschego popolneniya.",
    );
    expect(f.account(A).balance).toBe(1484);
    expect(textOf(await f.dial(A, "*143#"))).toBe("Platezh 2.50 rub. uzhe zaregistrirovan, do 25.11 12:00.");
    expect(textOf(await f.dial(A, "*116#"))).toContain("Nepodtverzhdennyy platezh");
    const records = await f.store.records({ accountId: f.account(A).id });
    expect(records.map((r) => [r.record.kind, r.record.charge])).toEqual([["topup", -250]]);
  });

  it.each([
    ["3.01", "Summa bolshe 3.00 rub.: platezh ne zaregistrirovan."],
    ["10", "Summa bolshe 3.00 rub.: platezh ne zaregistrirovan."],
    ["0", "Summa dolzhna byt bolshe 0."],
    ["abc", "Nevernaya summa. Primer: 2.50"],
    ["1.234", "Nevernaya summa. Primer: 2.50"],
  ])("refuses %j", async (amount, text) => {
    const f = setup();
    expect(await register(f, A, amount)).toBe(text);
    expect(f.account(A).balance).toBe(1234);
  });

  it.each([["3"], ["3.00"], ["0.01"], ["2*5"]])("accepts %j", async (amount) => {
    const f = setup();
    expect(await register(f, A, amount)).toMatch(/^Zachisleno/);
  });

  it("writes the amount back off after 3 days without a top-up, blocking a number it takes below zero", async () => {
    const f = setup();
    const b = f.account(B);
    b.balance = 100;
    await register(f, B, "3");
    expect(b.balance).toBe(400);
    b.balance = 200; // spent 2.00 meanwhile
    f.clock.advance(3 * DAY - 1);
    expect(f.core.unconfirmed.pendingOf(b.id)).toBeDefined();
    f.clock.advance(1);
    expect(b.balance).toBe(-100);
    expect(b.state).toBe("blocked");
    expect(f.core.unconfirmed.history(b.id)[0]).toMatchObject({
      status: "expired",
      settledAt: START + 3 * DAY,
    });
    await new Promise((r) => setImmediate(r));
    const records = await f.store.records({ accountId: b.id });
    expect(records.map((r) => [r.record.kind, r.record.charge])).toEqual([
      ["topup", -300],
      ["adjustment", 300],
    ]);
    expect(textOf(await f.dial(B, "*143#"))).toBe("Summa nepodtverzhdennogo platezha, do 3.00 rub.:");
  });

  it("is taken from the next top-up, which confirms it", async () => {
    const f = setup();
    await register(f, A, "2");
    const [code] = await f.cards(1, 1000);
    expect(textOf(await f.dial(A, `*140*${code}#`))).toBe(
      "Popolnenie 10.00 rub. Balans: 22.34 rub. (pogashen platezh 2.00 rub.)",
    );
    expect(f.core.unconfirmed.history(f.account(A).id)[0]?.status).toBe("confirmed");
    f.clock.advance(4 * DAY);
    expect(f.account(A).balance).toBe(2234);
  });

  it("restores a blocked number at once", async () => {
    const f = setup();
    const b = f.account(B);
    b.state = "blocked";
    b.balance = -100;
    expect(await register(f, B, "2")).toMatch(/^Zachisleno 2.00/);
    expect(b).toMatchObject({ state: "active", balance: 100 });
  });

  it("registers nothing when the user says no", async () => {
    const f = setup();
    await f.dial(A, "*143#");
    await f.reply(A, "1");
    expect(textOf(await f.reply(A, "2"))).toBe("Otmeneno.");
    expect(f.core.unconfirmed.history(f.account(A).id)).toEqual([]);
  });
});

describe("*131*number#: call me back", () => {
  it("asks the SMSC to send the SMS, in the recipient's language", async () => {
    const f = setup();
    f.core.profiles.of(B).language = "ru";
    expect(textOf(await f.dial(A, "*131*291000002#"))).toBe(
      'Zapros "Perezvoni mne" otpravlen na +375291000002.',
    );
    expect(f.sms).toEqual([
      { kind: "call-me-back", from: A, to: B, text: "Абонент +375291000001 просит вас перезвонить." },
    ]);
    await f.dial(B, "*131*375291000001#");
    expect(f.sms[1]).toMatchObject({ from: B, to: A, text: "Abonent +375291000002 prosit vas perezvonit." });
  });

  it.each([
    ["*131*375297777777#", "+375297777777 ne abonent A1."],
    ["*131*375291000001#", "Zapros na svoy nomer ne otpravlyaetsya."],
    ["*131*123#", "Nevernyy nomer. Primer: 291234567 ili 375291234567"],
  ])("%s → %s", async (code, text) => {
    const f = setup();
    expect(textOf(await f.dial(A, code))).toBe(text);
    expect(f.sms).toEqual([]);
  });
});

describe("*101*number#: Privetik balance check", () => {
  it("shows the balance of a Privetik subscriber who made the caller a favorite", async () => {
    const f = setup();
    expect(textOf(await f.dial(A, "*101*291000009#"))).toBe("Balans +375291000009: 3.50 rub.");
  });

  it.each([
    [B, "*101*291000009#", "Vash nomer ne lyubimyy u +375291000009: balans nedostupen."],
    [A, "*101*291000002#", '+375291000002 ne na tarife "Privetik".'],
    [A, "*101*297777777#", "+375297777777 ne abonent A1."],
    [P, "*101*291000009#", 'Ukazhite nomer abonenta tarifa "Privetik".'],
    [A, "*101*1#", "Nevernyy nomer. Primer: 291234567 ili 375291234567"],
  ])("%s %s → %s", async (caller, code, text) => {
    const f = setup();
    expect(textOf(await f.dial(caller, code))).toBe(text);
  });
});
