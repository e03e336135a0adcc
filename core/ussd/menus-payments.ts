/**
 * Money menus: top-up with an express payment card (a 14-digit code, seeds), unconfirmed payment
 * registration (at most 3 BYN, valid 3 days, seeds), "call me back" (seeds *131*number#: "the
 * subscriber whose number was specified will receive an SMS-notification with a request to call
 * you back") and the Privetik balance check (seeds *101*number#: "available to velcom subscribers
 * whose number is assigned as 'favorite' by the subscriber of the 'Privetik' tariff plan").
 */
import { ChargingError } from "../charging/engine.js";
import { cardProblemText, type CardCodeProblem, checkCardCode } from "../charging/express-cards.js";
import { MoneyFormatError, parseMoney } from "../charging/money.js";
import { COMMON, confirmed } from "./common-texts.js";
import { dialledNumber } from "./dialled-number.js";
import { dayTimeOf, fixedTexts, intl, render, rub } from "./menu-text.js";
import { ask, type Awaitable, end, type MenuCall, type MenuStep } from "./menu-types.js";
import type { UnconfirmedProblem } from "./unconfirmed-payments.js";

const T = fixedTexts({
  askCode: "Введите 14-значный код карты экспресс-оплаты:",
  badAmount: "Неверная сумма. Пример: 2.50",
  ownNumber: "Запрос на свой номер не отправляется.",
  privetikSelf: "Укажите номер абонента тарифа «Приветик».",
});

const CARD_REFUSAL: Record<CardCodeProblem, string> = fixedTexts({
  malformed: "Код карты - 14 цифр. Счет не пополнен.",
  "check-digit": "Ошибка в коде карты. Проверьте цифры.",
  unknown: "Карты с таким кодом нет.",
  used: "Карта уже использована.",
});

// ---- express payment card -----------------------------------------------------------------------

export function expressCardMenu(call: MenuCall): Awaitable<MenuStep> {
  const code = call.params[0];
  return code === undefined ? ask(T.askCode, (c, input) => redeem(c, input.trim())) : redeem(call, code);
}

/** The reason of a refused card, from the redeemer's error text (it carries no code). */
function cardProblemOf(error: ChargingError): CardCodeProblem | undefined {
  const entry = Object.entries(cardProblemText).find(([, text]) => text === error.message);
  return entry?.[0] as CardCodeProblem | undefined;
}

async function redeem(call: MenuCall, code: string): Promise<MenuStep> {
  const early = checkCardCode(code);
  if (early !== undefined) return end(CARD_REFUSAL[early]);
  const { ctx, account } = call;
  let amount;
  try {
    amount = (await ctx.cards.redeem(account, code)).card.amount;
  } catch (error) {
    const problem = error instanceof ChargingError ? cardProblemOf(error) : undefined;
    if (problem === undefined) throw error;
    return end(CARD_REFUSAL[problem]);
  }
  const settled = await ctx.unconfirmed.onTopUp(account);
  if (account.reservations.length > 0)
    ctx.events.sessions?.(account, settled?.blocked === true ? "abort" : "reauth");
  const note = settled === undefined ? "" : ` (погашен платеж ${rub(settled.payment.amount)})`;
  return end(`Пополнение ${rub(amount)} Баланс: ${rub(account.balance)}${note}`);
}

// ---- unconfirmed payment ------------------------------------------------------------------------

function unconfirmedRefusal(call: MenuCall, problem: UnconfirmedProblem): string {
  const { rules } = call.ctx.unconfirmed;
  switch (problem) {
    case "over-limit":
      return `Сумма больше ${rub(rules.maxAmount)}: платеж не зарегистрирован.`;
    case "not-positive":
      return "Сумма должна быть больше 0.";
    case "pending-exists":
      return pendingText(call);
    case "account-closed":
      return COMMON.noService;
  }
}

function pendingText(call: MenuCall): string {
  const p = call.ctx.unconfirmed.pendingOf(call.account.id);
  return p === undefined
    ? COMMON.serviceError
    : `Платеж ${rub(p.amount)} уже зарегистрирован, до ${dayTimeOf(p.expiresAt)}.`;
}

/** "2.50", "2,50", "2*50" (a keypad has no point) or "2". */
function amountOf(input: string): number | undefined {
  try {
    return parseMoney(input.trim().replace(/[,*]/, "."), "amount");
  } catch (error) {
    if (error instanceof MoneyFormatError) return undefined;
    throw error;
  }
}

export function unconfirmedMenu(call: MenuCall): MenuStep {
  const { unconfirmed } = call.ctx;
  if (unconfirmed.pendingOf(call.account.id) !== undefined) return end(pendingText(call));
  const days = Math.round(unconfirmed.rules.validityMs / 86_400_000);
  return ask(`Сумма неподтвержденного платежа, до ${rub(unconfirmed.rules.maxAmount)}:`, (c, input) => {
    const amount = amountOf(input);
    if (amount === undefined) return end(T.badAmount);
    const problem = unconfirmed.problem(c.account, amount);
    if (problem !== undefined) return end(unconfirmedRefusal(c, problem));
    return ask(`Зарегистрировать платеж ${rub(amount)} на ${days} дн.?\n${COMMON.yesNo}`, (c2, answer) =>
      confirmed(answer) ? registerPayment(c2, amount) : end(COMMON.cancelled),
    );
  });
}

async function registerPayment(call: MenuCall, amount: number): Promise<MenuStep> {
  const outcome = await call.ctx.unconfirmed.register(call.account, amount);
  if (!outcome.ok) return end(unconfirmedRefusal(call, outcome.problem));
  if (call.account.reservations.length > 0) call.ctx.events.sessions?.(call.account, "reauth");
  return end(
    `Зачислено ${rub(amount)} до ${dayTimeOf(outcome.payment.expiresAt)}. Спишется из следующего пополнения.`,
  );
}

// ---- call me back ---------------------------------------------------------------------------------

export function callMeBackMenu(call: MenuCall): MenuStep {
  const to = dialledNumber(call.params[0] ?? "");
  if (to === undefined) return end(COMMON.badNumber);
  if (to === call.msisdn) return end(T.ownNumber);
  const { ctx } = call;
  if (ctx.engine.byMsisdnOf(to) === undefined) return end(`${intl(to)} не абонент A1.`);
  // The SMS is in the recipient's language, like their USSD replies.
  const language = ctx.profiles.of(to).language;
  ctx.events.sms?.({
    kind: "call-me-back",
    from: call.msisdn,
    to,
    text: render(`Абонент ${intl(call.msisdn)} просит вас перезвонить.`, language),
  });
  return end(`Запрос «Перезвони мне» отправлен на ${intl(to)}.`);
}

// ---- Privetik balance check ---------------------------------------------------------------------

export function privetikMenu(call: MenuCall): MenuStep {
  const target = dialledNumber(call.params[0] ?? "");
  if (target === undefined) return end(COMMON.badNumber);
  if (target === call.msisdn) return end(T.privetikSelf);
  const { ctx } = call;
  const account = ctx.engine.byMsisdnOf(target);
  if (account === undefined) return end(`${intl(target)} не абонент A1.`);
  if (!ctx.privetikPlans.includes(account.planId)) return end(`${intl(target)} не на тарифе «Приветик».`);
  if (!account.favorites.includes(call.msisdn)) {
    return end(`Ваш номер не любимый у ${intl(target)}: баланс недоступен.`);
  }
  return end(`Баланс ${intl(target)}: ${rub(account.balance)}`);
}
