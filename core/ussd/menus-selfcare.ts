/**
 * Self-care access and settings. Seeds: *141*0# asks for a Personal Account (ISSA) password of
 * "5 to 10 characters (letters or numbers)" and answers "indicating successful registration in
 * ISSA. You can also use the password to log into Melofon"; *141*3*6# opens or closes access to
 * the Personal Account, and "to open access, you must specify the PUK1 code of the SIM card";
 * USSD replies in transliteration or in Russian.
 */
import { COMMON, confirmed } from "./common-texts.js";
import { fixedTexts } from "./menu-text.js";
import { ask, end, type MenuCall, type MenuStep } from "./menu-types.js";
import { type PasswordProblem, passwordProblem } from "./self-care-profiles.js";

const T = fixedTexts({
  askPassword: "Введите пароль для Личного кабинета: от 5 до 10 латинских букв и цифр",
  registered: "Вы зарегистрированы в Личном кабинете. Пароль подходит и для Мелофона.",
  changed: "Пароль Личного кабинета изменен.",
  accessClosedNoPassword: "Доступ в Личный кабинет закрыт. Открыть: *141*3*6#",
  accessOpenAsk: "Доступ в Личный кабинет открыт.\n1 закрыть доступ",
  accessClosedAsk: "Доступ в Личный кабинет закрыт. Для открытия введите PUK1 SIM-карты:",
  closed: "Доступ в Личный кабинет закрыт.",
  opened: "Доступ в Личный кабинет открыт.",
  pukFormat: "PUK1 - это 8 цифр. Доступ не открыт.",
  pukWrong: "Неверный PUK1. Доступ не открыт.",
  pukUnavailable: "Проверка PUK1 недоступна. Обратитесь в центр продаж A1.",
  translit: "Ответы на USSD-запросы будут приходить транслитом.",
  russian: "Ответы на USSD-запросы будут приходить на русском языке.",
});

const PASSWORD_REFUSAL: Record<PasswordProblem, string> = fixedTexts({
  "too-short": "Пароль не принят: меньше 5 символов.",
  "too-long": "Пароль не принят: больше 10 символов.",
  "bad-characters": "Пароль не принят: только латинские буквы и цифры.",
});

export function issaPasswordMenu(call: MenuCall): MenuStep {
  if (call.profile.issaAccess === "closed") return end(T.accessClosedNoPassword);
  return ask(T.askPassword, (c, input) => {
    const problem = passwordProblem(input);
    if (problem !== undefined) return end(PASSWORD_REFUSAL[problem]);
    const first = c.profile.issaPassword === undefined;
    c.ctx.profiles.setPassword(c.msisdn, input, c.ctx.engine.clock.now());
    return end(first ? T.registered : T.changed);
  });
}

export function issaAccessMenu(call: MenuCall): MenuStep {
  if (call.profile.issaAccess === "open") {
    return ask(T.accessOpenAsk, (c, input) => {
      if (!confirmed(input)) return end(COMMON.cancelled);
      c.profile.issaAccess = "closed";
      return end(T.closed);
    });
  }
  return ask(T.accessClosedAsk, (c, input) => {
    const puk = input.trim();
    if (!/^\d{8}$/.test(puk)) return end(T.pukFormat);
    const expected = c.ctx.sims.puk1Of(c.msisdn);
    if (expected === undefined) return end(T.pukUnavailable);
    if (puk !== expected) return end(T.pukWrong);
    c.profile.issaAccess = "open";
    return end(T.opened);
  });
}

export function translitMenu(call: MenuCall): MenuStep {
  call.profile.language = "translit";
  return end(T.translit);
}

export function russianMenu(call: MenuCall): MenuStep {
  call.profile.language = "ru";
  return end(T.russian);
}
