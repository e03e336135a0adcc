/**
 * Menus that change the subscription: tariff plan change (archived plans refused: seeds,
 * "connection and change to archival tariff plans is not performed"), the Pause service, "favorite"
 * numbers and Mobile Internet packages (*135*7#). Plan and state changes go through the same
 * operations as the admin API (core/admin/account-changes.ts), so the rules live in one place.
 */
import { changePlan, planStateChange } from "../admin/account-changes.js";
import { AdminError } from "../admin/admin-errors.js";
import type { CatalogPackage } from "../charging/catalog.js";
import { floorOf } from "../charging/credit-control.js";
import type { ChargingRecord, Plan } from "../charging/model.js";
import { COMMON, confirmed } from "./common-texts.js";
import { dialledNumber } from "./dialled-number.js";
import { feeLine } from "./menus-account.js";
import { dateOf, fixedTexts, intl, rub } from "./menu-text.js";
import { ask, type Awaitable, end, type MenuCall, type MenuStep } from "./menu-types.js";
import { connectPackage, type PackageProblem, packageProblem } from "./package-connect.js";
import { listStep } from "./pager.js";

const T = fixedTexts({
  choosePlan: "Тариф (номер или имя):",
  unknownPlan: "Такого тарифа нет. Список: *115*1#",
  pauseOn: "Пауза не подключена. Подключить: *145*1#",
  pauseAlready: "Услуга Пауза уже подключена.",
  pauseNotOn: "Услуга Пауза не подключена.",
  pauseOff: "Услуга Пауза отключена.",
  pauseBlocked: "Пауза недоступна: номер заблокирован.",
  ownFavorite: "Свой номер нельзя сделать любимым.",
  packagesHeader: "Пакеты интернета:",
  groupTaken: "Пакет этой группы уже подключен.",
});

/** Tells the live Gy sessions that the account's terms changed. */
function notifySessions(call: MenuCall, what: "reauth" | "abort" | undefined): void {
  if (what !== undefined && call.account.reservations.length > 0)
    call.ctx.events.sessions?.(call.account, what);
}

// ---- tariff plan change ---------------------------------------------------------------------

export function planChangeMenu(call: MenuCall): MenuStep {
  const open = call.ctx.catalog.plans().filter((p) => !p.archived);
  return listStep(call, {
    header: T.choosePlan,
    items: open.map((p) => p.name),
    choose: (c, i) => confirmPlan(c, open[i] as Plan),
    other: (c, input) => {
      const wanted = input.trim().toLowerCase();
      const plan = c.ctx.catalog.plans().find((p) => p.id === wanted || p.name.toLowerCase() === wanted);
      return plan === undefined ? end(T.unknownPlan) : confirmPlan(c, plan);
    },
  });
}

function planRefusal(call: MenuCall, plan: Plan): string | undefined {
  if (plan.archived) return `Тариф «${plan.name}» архивный: подключение не производится.`;
  if (plan.id === call.account.planId) return `Вы уже на тарифе «${plan.name}».`;
  if (call.account.favorites.length > plan.favoriteNumbers) {
    return `На «${plan.name}» любимых номеров до ${plan.favoriteNumbers}: удалите лишние (*146#).`;
  }
  return undefined;
}

function confirmPlan(call: MenuCall, plan: Plan): MenuStep {
  const refused = planRefusal(call, plan);
  if (refused !== undefined) return end(refused);
  return ask(`Перейти на «${plan.name}» (${rub(plan.fee.amount)}/мес)?\n${COMMON.yesNo}`, (c, input) =>
    confirmed(input) ? changeTo(c, plan) : end(COMMON.cancelled),
  );
}

async function changeTo(call: MenuCall, plan: Plan): Promise<MenuStep> {
  // Checked again: the account may have changed while the user was reading.
  const refused = planRefusal(call, plan);
  if (refused !== undefined) return end(refused);
  const { engine } = call.ctx;
  changePlan(call.account, engine.planOf(call.account), plan, engine.clock.now());
  await engine.persist([call.account]);
  notifySessions(call, "reauth");
  return end(`Тариф изменен на «${plan.name}». ${feeLine(plan)}`);
}

// ---- Pause ----------------------------------------------------------------------------------

function pauseUnavailable(plan: Plan): string {
  return `Пауза на тарифе «${plan.name}» не предоставляется.`;
}

export function pauseStatusMenu(call: MenuCall): MenuStep {
  const { account } = call;
  if (account.state === "paused" && account.pausedAt !== undefined) {
    return end(`Пауза подключена с ${dateOf(account.pausedAt)}. Отключить: *145*0#`);
  }
  const plan = call.ctx.engine.planOf(account);
  return end(plan.pauseAllowed ? T.pauseOn : pauseUnavailable(plan));
}

/** Persists the account (and records), then answers with `then`. */
async function saved(
  call: MenuCall,
  records: readonly ChargingRecord[],
  then: () => MenuStep,
): Promise<MenuStep> {
  await call.ctx.engine.persist([call.account], records);
  return then();
}

function changeState(call: MenuCall, target: "paused" | "active", done: string): Awaitable<MenuStep> {
  const { engine } = call.ctx;
  const plan = engine.planOf(call.account);
  let apply;
  try {
    apply = planStateChange(engine, call.account, plan, target, floorOf(call.account, plan));
  } catch (error) {
    if (!(error instanceof AdminError)) throw error;
    return end(plan.pauseAllowed ? T.pauseBlocked : pauseUnavailable(plan));
  }
  const change = apply();
  return saved(call, change.records, () => {
    notifySessions(call, change.notify);
    return end(done);
  });
}

export function pauseOnMenu(call: MenuCall): Awaitable<MenuStep> {
  if (call.account.state === "paused") return end(T.pauseAlready);
  const percent = call.ctx.catalog.defaults.pause.planFeePercent;
  return changeState(call, "paused", `Услуга Пауза подключена. Со следующего дня абонплата ${percent}%.`);
}

export function pauseOffMenu(call: MenuCall): Awaitable<MenuStep> {
  if (call.account.state !== "paused") return end(T.pauseNotOn);
  return changeState(call, "active", T.pauseOff);
}

// ---- "favorite" numbers -----------------------------------------------------------------------

function favoritesUnavailable(call: MenuCall): MenuStep | undefined {
  const plan = call.ctx.engine.planOf(call.account);
  return plan.favoriteNumbers > 0
    ? undefined
    : end(`Любимый номер на тарифе «${plan.name}» не предоставляется.`);
}

export function favoritesMenu(call: MenuCall): MenuStep {
  const refused = favoritesUnavailable(call);
  if (refused !== undefined) return refused;
  const max = call.ctx.engine.planOf(call.account).favoriteNumbers;
  const list = call.account.favorites;
  if (list.length === 0) return end(`Любимых номеров нет (до ${max}). Назначить: *146*номер#`);
  return listStep(call, { header: `Любимые номера (${list.length} из ${max}):`, items: list.map(intl) });
}

export function favoriteAddMenu(call: MenuCall): Awaitable<MenuStep> {
  const refused = favoritesUnavailable(call);
  if (refused !== undefined) return refused;
  const number = dialledNumber(call.params[0] ?? "");
  if (number === undefined) return end(COMMON.badNumber);
  const { account, ctx } = call;
  if (number === call.msisdn) return end(T.ownFavorite);
  if (account.favorites.includes(number)) return end(`${intl(number)} уже любимый номер.`);
  const max = ctx.engine.planOf(account).favoriteNumbers;
  if (account.favorites.length >= max) return end(`Заняты все ${max} любимых номера. Удалить: *146*0*номер#`);
  account.favorites = [...account.favorites, number];
  return saved(call, [], () => end(`Любимый номер ${intl(number)} назначен.`));
}

export function favoriteDeleteMenu(call: MenuCall): Awaitable<MenuStep> {
  const refused = favoritesUnavailable(call);
  if (refused !== undefined) return refused;
  const number = dialledNumber(call.params[0] ?? "");
  if (number === undefined) return end(COMMON.badNumber);
  const { account } = call;
  if (!account.favorites.includes(number)) return end(`${intl(number)} не любимый номер.`);
  account.favorites = account.favorites.filter((n) => n !== number);
  return saved(call, [], () => end(`Любимый номер ${intl(number)} удален.`));
}

// ---- Mobile Internet packages ---------------------------------------------------------------------

function packageRefusal(problem: PackageProblem, pkg: CatalogPackage): string {
  switch (problem) {
    case "not-offered":
      return COMMON.invalidChoice;
    case "not-active":
      return COMMON.notActive;
    case "group-taken":
      return T.groupTaken;
    case "insufficient-funds":
      return `Недостаточно средств: пакет стоит ${rub(pkg.fee.amount)}`;
  }
}

export function packagesMenu(call: MenuCall): MenuStep {
  const plan = call.ctx.engine.planOf(call.account);
  const offered = call.ctx.catalog
    .packagesFor(plan.id)
    .filter((p) => p.allowances.some((a) => a.kind === "data"));
  if (offered.length === 0) return end(`Пакеты интернета на тарифе «${plan.name}» не предоставляются.`);
  return listStep(call, {
    header: T.packagesHeader,
    items: offered.map((p) => `${p.name} ${rub(p.fee.amount)}`),
    choose: (c, i) => confirmPackage(c, offered, offered[i] as CatalogPackage),
  });
}

function confirmPackage(call: MenuCall, offered: readonly CatalogPackage[], pkg: CatalogPackage): MenuStep {
  const problem = packageProblem(call.ctx.engine, offered, call.account, pkg);
  if (problem !== undefined) return end(packageRefusal(problem, pkg));
  return ask(`Подключить «${pkg.name}» за ${rub(pkg.fee.amount)}?\n${COMMON.yesNo}`, (c, input) =>
    confirmed(input) ? connect(c, offered, pkg) : end(COMMON.cancelled),
  );
}

async function connect(
  call: MenuCall,
  offered: readonly CatalogPackage[],
  pkg: CatalogPackage,
): Promise<MenuStep> {
  const outcome = await connectPackage(call.ctx.engine, offered, call.account, pkg);
  if (!outcome.ok) return end(packageRefusal(outcome.problem, pkg));
  notifySessions(call, "reauth");
  return end(`Пакет «${pkg.name}» подключен, действует по ${dateOf(outcome.validUntil - 1)}.`);
}
