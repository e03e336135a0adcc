/**
 * Information menus: balance and remaining included units (*100#), instalments, the number in
 * international format, the personal account number (*147#), tariff plan information and the
 * connected services.
 */
import { heldByBucket } from "../charging/buckets.js";
import { UNLIMITED_VOICE_MINUTES } from "../charging/catalog.js";
import { creditLimitOf } from "../charging/credit-control.js";
import type { Account, Plan, ServiceKind } from "../charging/model.js";
import { formatMoney } from "../charging/money.js";
import { OCTETS_PER_MEGABYTE } from "../charging/pricing.js";
import { dateOf, fixedTexts, intl, rub } from "./menu-text.js";
import { end, type MenuCall, type MenuStep } from "./menu-types.js";
import { connectedPackages } from "./package-connect.js";
import { listStep } from "./pager.js";

const T = fixedTexts({
  blocked: "Номер заблокирован",
  paused: "Услуга Пауза подключена",
  noInstalments: "Товаров в рассрочку нет.",
  archived: "Тариф архивный",
  changePlan: "Смена тарифа: *115*1#",
  servicesHeader: "Подключены:",
  noServices: "Подключенных услуг нет.",
});

/** Included units left now, by service (held by live sessions excluded). */
export function remainingUnits(
  account: Account,
  now: number,
): Map<ServiceKind, { units: number; unlimited: boolean }> {
  const held = heldByBucket(account);
  const out = new Map<ServiceKind, { units: number; unlimited: boolean }>();
  for (const b of account.buckets) {
    if (now < b.validFrom || now >= b.validUntil) continue;
    const free = Math.max(0, b.remaining - (held.get(b.id) ?? 0));
    const sum = out.get(b.kind) ?? { units: 0, unlimited: false };
    out.set(b.kind, {
      units: sum.units + free,
      unlimited: sum.unlimited || (b.kind === "voice" && b.total >= UNLIMITED_VOICE_MINUTES * 60),
    });
  }
  return out;
}

export function balanceMenu(call: MenuCall): MenuStep {
  const { account, ctx } = call;
  const plan = ctx.engine.planOf(account);
  const lines = [`Баланс: ${rub(account.balance)}`];
  const limit = creditLimitOf(account, plan);
  if (limit > 0) lines.push(`Кредит: ${rub(limit)}`);
  if (account.state === "blocked") lines.push(T.blocked);
  if (account.state === "paused") lines.push(T.paused);
  const left = remainingUnits(account, ctx.engine.clock.now());
  const voice = left.get("voice");
  if (voice !== undefined)
    lines.push(`Минуты: ${voice.unlimited ? "безлимит" : Math.floor(voice.units / 60)}`);
  const sms = left.get("sms");
  if (sms !== undefined) lines.push(`SMS: ${sms.units}`);
  const mms = left.get("mms");
  if (mms !== undefined) lines.push(`MMS: ${mms.units}`);
  const data = left.get("data");
  if (data !== undefined) lines.push(`Интернет: ${Math.floor(data.units / OCTETS_PER_MEGABYTE)} МБ`);
  return listStep(call, { items: lines });
}

export function instalmentsMenu(call: MenuCall): MenuStep {
  const list = call.profile.instalments;
  if (list.length === 0) return end(T.noInstalments);
  return listStep(call, {
    items: list.map(
      (it) =>
        `${it.item}: ${rub(it.monthly)}/мес, ост. ${formatMoney(it.remaining)}, до ${dateOf(it.endsAt)}`,
    ),
  });
}

export function numberMenu(call: MenuCall): MenuStep {
  return end(`Ваш номер: ${intl(call.msisdn)}`);
}

/**
 * The personal account number: "10" and the account's serial as ten digits for the engine's own
 * ids (acc-N); other ids get a stable ten-digit hash (FNV-1a) instead.
 */
export function personalAccountNumber(account: Account): string {
  const serial = /^acc-(\d{1,10})$/.exec(account.id)?.[1];
  if (serial !== undefined) return `10${serial.padStart(10, "0")}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < account.id.length; i++) h = Math.imul(h ^ account.id.charCodeAt(i), 0x01000193) >>> 0;
  return `19${String(h).padStart(10, "0")}`;
}

export function accountNumberMenu(call: MenuCall): MenuStep {
  return end(`Лицевой счет: ${personalAccountNumber(call.account)}`);
}

export function feeLine(plan: Plan): string {
  const per =
    plan.fee.charging === "daily"
      ? "в месяц, по дням"
      : plan.fee.charging === "monthly"
        ? "в месяц"
        : "за 30 дней";
  return `Абонплата: ${rub(plan.fee.amount)} ${per}`;
}

export function planInfoMenu(call: MenuCall): MenuStep {
  const plan = call.ctx.engine.planOf(call.account);
  const lines = [`Номер: ${intl(call.msisdn)}`, `Тариф: ${plan.name}`, feeLine(plan)];
  if (plan.archived) lines.push(T.archived);
  lines.push(T.changePlan);
  return listStep(call, { items: lines });
}

export function servicesMenu(call: MenuCall): MenuStep {
  const { account, ctx, profile } = call;
  const plan = ctx.engine.planOf(account);
  const now = ctx.engine.clock.now();
  const lines: string[] = [];
  if (plan.services.includes("data")) lines.push("Мобильный интернет");
  for (const p of connectedPackages(ctx.catalog.packagesFor(plan.id), account, now))
    lines.push(`Пакет: ${p.name}`);
  if (account.favorites.length > 0) lines.push(`Любимые номера: ${account.favorites.length}`);
  if (account.state === "paused") lines.push("Пауза");
  if (account.cugId !== undefined) lines.push("Группа ЗАГ");
  if (profile.language === "translit") lines.push("USSD транслитом");
  if (profile.issaPassword !== undefined) lines.push("Пароль Личного кабинета");
  if (profile.issaAccess === "closed") lines.push("Личный кабинет закрыт");
  if (ctx.unconfirmed.pendingOf(account.id) !== undefined) lines.push("Неподтвержденный платеж");
  if (lines.length === 0) return end(T.noServices);
  return listStep(call, { header: T.servicesHeader, items: lines });
}
