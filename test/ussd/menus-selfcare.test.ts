import { describe, expect, it } from "vitest";
import { passwordProblem } from "../../core/ussd/self-care-profiles.js";
import { A, B, setup, START, textOf } from "./helpers.js";

describe("*141*0#: the Personal Account (ISSA) password", () => {
  it("asks for 5-10 letters and digits and confirms the registration", async () => {
    const f = setup();
    const question = await f.dial(A, "*141*0#");
    expect(question).toMatchObject({
      kind: "request",
      text: "Vvedite parol dlya Lichnogo kabineta: ot 5 do 10 latinskikh bukv i tsifr",
    });
    expect(textOf(await f.reply(A, "Secret42"))).toBe(
      "Vy zaregistrirovany v Lichnom kabinete. Parol podkhodit i dlya Melofona.",
    );
    expect(f.core.profiles.checkPassword(A, "Secret42")).toBe(true);
    expect(f.core.profiles.checkPassword(A, "secret42")).toBe(false);
    expect(f.core.profiles.of(A).issaPassword?.setAt).toBe(START);
    await f.dial(A, "*141*0#");
    expect(textOf(await f.reply(A, "abcde"))).toBe("Parol Lichnogo kabineta izmenen.");
    expect(f.core.profiles.checkPassword(A, "abcde")).toBe(true);
  });

  it.each([
    ["abcd", "too-short", "Parol ne prinyat: menshe 5 simvolov."],
    ["abcdefghijk", "too-long", "Parol ne prinyat: bolshe 10 simvolov."],
    ["abc 12", "bad-characters", "Parol ne prinyat: tolko latinskie bukvy i tsifry."],
    ["пароль1", "bad-characters", "Parol ne prinyat: tolko latinskie bukvy i tsifry."],
    ["abc_12", "bad-characters", "Parol ne prinyat: tolko latinskie bukvy i tsifry."],
  ])("refuses %j (%s) with the reason", async (password, problem, text) => {
    expect(passwordProblem(password)).toBe(problem);
    const f = setup();
    await f.dial(A, "*141*0#");
    expect(textOf(await f.reply(A, password))).toBe(text);
    expect(f.core.profiles.of(A).issaPassword).toBeUndefined();
  });

  it.each(["abcde", "ABCDE12345", "12345", "a1B2c"])("accepts %j", (password) => {
    expect(passwordProblem(password)).toBeUndefined();
  });

  it("is refused while access to the Personal Account is closed", async () => {
    const f = setup();
    f.core.profiles.of(A).issaAccess = "closed";
    expect(textOf(await f.dial(A, "*141*0#"))).toBe("Dostup v Lichnyy kabinet zakryt. Otkryt: *141*3*6#");
  });
});

describe("*141*3*6#: opening and closing access with PUK1", () => {
  it("closes open access on request, and opens it with the SIM's PUK1", async () => {
    const f = setup();
    f.puk.set(A, "12345678");
    expect(textOf(await f.dial(A, "*141*3*6#"))).toBe("Dostup v Lichnyy kabinet otkryt.\n1 zakryt dostup");
    expect(textOf(await f.reply(A, "1"))).toBe("Dostup v Lichnyy kabinet zakryt.");
    expect(f.core.profiles.of(A).issaAccess).toBe("closed");
    expect(textOf(await f.dial(A, "*141*3*6#"))).toBe(
      "Dostup v Lichnyy kabinet zakryt. Dlya otkrytiya vvedite PUK1 SIM-karty:",
    );
    expect(textOf(await f.reply(A, "12345678"))).toBe("Dostup v Lichnyy kabinet otkryt.");
    expect(f.core.profiles.of(A).issaAccess).toBe("open");
  });

  it.each([
    ["a wrong PUK1", "87654321", "Nevernyy PUK1. Dostup ne otkryt."],
    ["a PUK1 that is not 8 digits", "1234", "PUK1 - eto 8 tsifr. Dostup ne otkryt."],
  ])("refuses %s", async (_name, puk, text) => {
    const f = setup();
    f.puk.set(A, "12345678");
    f.core.profiles.of(A).issaAccess = "closed";
    await f.dial(A, "*141*3*6#");
    expect(textOf(await f.reply(A, puk))).toBe(text);
    expect(f.core.profiles.of(A).issaAccess).toBe("closed");
  });

  it("cannot check a PUK1 the network does not hold", async () => {
    const f = setup();
    f.core.profiles.of(B).issaAccess = "closed";
    await f.dial(B, "*141*3*6#");
    expect(textOf(await f.reply(B, "12345678"))).toBe(
      "Proverka PUK1 nedostupna. Obratites v tsentr prodazh A1.",
    );
  });

  it("keeps access open when the user does not confirm closing", async () => {
    const f = setup();
    await f.dial(A, "*141*3*6#");
    expect(textOf(await f.reply(A, "2"))).toBe("Otmeneno.");
    expect(f.core.profiles.of(A).issaAccess).toBe("open");
  });
});

describe("*148*: Russian or transliteration", () => {
  it("switches replies between Cyrillic in UCS2 and Latin in GSM-7", async () => {
    const f = setup();
    const ru = await f.dial(A, "*148*2#");
    expect(ru).toMatchObject({
      kind: "result",
      encoding: "ucs2",
      dcs: 0x48,
      text: "Ответы на USSD-запросы будут приходить на русском языке.",
    });
    expect(await f.dial(A, "*110#")).toMatchObject({ encoding: "ucs2", text: "Ваш номер: +375291000001" });
    const latin = await f.dial(A, "*148*1#");
    expect(latin).toMatchObject({
      encoding: "gsm7",
      dcs: 0x0f,
      text: "Otvety na USSD-zaprosy budut prikhodit translitom.",
    });
    expect(await f.dial(A, "*110#")).toMatchObject({ encoding: "gsm7", text: "Vash nomer: +375291000001" });
    expect(f.core.profiles.of(B).language).toBe("translit");
  });
});
