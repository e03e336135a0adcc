/**
 * The USSD section of the core's config: the routing table (service code → built-in menus or an
 * ESME's system_id), the dialogue timers, the default reply language, and the plans whose
 * subscribers' favorites may check their balance (Privetik). Every built-in code is routed to the
 * built-in menus unless the config routes it elsewhere. For example (YAML):
 *
 *   ussd:
 *     timers: { applicationResponseSeconds: 15, userResponseSeconds: 60, dialogueSeconds: 180 }
 *     language: translit            # or ru
 *     privetikPlans: [privetik]
 *     routes:
 *       - { code: "150", esme: quizapp }
 *       - { code: "100", builtin: true }
 */
import { isServiceCode } from "./dial-string.js";
import { DEFAULT_DIALOGUE_TIMERS, type DialogueTimers } from "./dialogue-types.js";
import { builtinRoutes } from "./menu-table.js";
import { BUILTIN, ServiceCodeRouter, type UssdRoute } from "./routing.js";
import type { ReplyLanguage } from "./self-care-profiles.js";
import { UssdError } from "./ussd-errors.js";

export interface UssdConfig {
  /** The whole table: the built-in codes, then the configured routes over them. */
  readonly routes: readonly UssdRoute[];
  readonly timers: DialogueTimers;
  readonly defaultLanguage: ReplyLanguage;
  readonly privetikPlans: readonly string[];
}

export const DEFAULT_USSD_CONFIG: UssdConfig = {
  routes: builtinRoutes(),
  timers: DEFAULT_DIALOGUE_TIMERS,
  defaultLanguage: "translit",
  privetikPlans: ["privetik"],
};

const TIMER_FIELDS = {
  applicationResponseSeconds: "applicationResponseMs",
  userResponseSeconds: "userResponseMs",
  dialogueSeconds: "dialogueMs",
} as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function unknownKeys(
  obj: Record<string, unknown>,
  allowed: readonly string[],
  where: string,
  problems: string[],
): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key))
      problems.push(`${where}.${key}: unknown field (expected ${allowed.join(", ")})`);
  }
}

function timersFrom(value: unknown, where: string, problems: string[]): DialogueTimers {
  if (value === undefined) return DEFAULT_DIALOGUE_TIMERS;
  if (!isRecord(value)) {
    problems.push(`${where}: must be a mapping`);
    return DEFAULT_DIALOGUE_TIMERS;
  }
  unknownKeys(value, Object.keys(TIMER_FIELDS), where, problems);
  const out: Record<keyof DialogueTimers, number> = { ...DEFAULT_DIALOGUE_TIMERS };
  for (const [field, target] of Object.entries(TIMER_FIELDS)) {
    const v = value[field];
    if (v === undefined) continue;
    if (typeof v !== "number" || !Number.isFinite(v) || v <= 0 || v > 3600) {
      problems.push(`${where}.${field}: must be a number of seconds above 0 and at most 3600`);
      continue;
    }
    out[target] = Math.round(v * 1000);
  }
  return out;
}

function routeFrom(value: unknown, where: string, problems: string[]): UssdRoute | undefined {
  if (!isRecord(value)) {
    problems.push(`${where}: must be a mapping like { code: "150", esme: quizapp }`);
    return undefined;
  }
  unknownKeys(value, ["code", "esme", "builtin"], where, problems);
  const code = typeof value.code === "number" ? String(value.code) : value.code;
  if (typeof code !== "string" || !isServiceCode(code)) {
    problems.push(`${where}.code: must be a service code of 2-3 digits, like "150"`);
    return undefined;
  }
  const { esme, builtin } = value;
  if ((esme === undefined) === (builtin === undefined)) {
    problems.push(`${where}: give either esme (a system_id) or builtin: true`);
    return undefined;
  }
  if (builtin !== undefined) {
    if (builtin !== true) problems.push(`${where}.builtin: must be true`);
    return { serviceCode: code, to: BUILTIN };
  }
  if (typeof esme !== "string") {
    problems.push(`${where}.esme: must be an ESME system_id`);
    return undefined;
  }
  return { serviceCode: code, to: { kind: "external", systemId: esme } };
}

/** The USSD section as parsed from the config file (undefined: the defaults). Throws USSD_BAD_CONFIG listing every problem. */
export function ussdConfigFrom(value: unknown, where = "ussd"): UssdConfig {
  if (value === undefined || value === null) return DEFAULT_USSD_CONFIG;
  const problems: string[] = [];
  if (!isRecord(value)) throw new UssdError("USSD_BAD_CONFIG", `${where}: must be a mapping`);
  unknownKeys(value, ["timers", "language", "privetikPlans", "routes"], where, problems);
  const timers = timersFrom(value.timers, `${where}.timers`, problems);

  let defaultLanguage = DEFAULT_USSD_CONFIG.defaultLanguage;
  if (value.language !== undefined) {
    if (value.language === "ru" || value.language === "translit") defaultLanguage = value.language;
    else problems.push(`${where}.language: must be "ru" or "translit"`);
  }

  let privetikPlans = DEFAULT_USSD_CONFIG.privetikPlans;
  if (value.privetikPlans !== undefined) {
    const list = value.privetikPlans;
    if (Array.isArray(list) && list.every((p): p is string => typeof p === "string")) privetikPlans = list;
    else problems.push(`${where}.privetikPlans: must be a list of plan ids`);
  }

  const configured: UssdRoute[] = [];
  if (value.routes !== undefined) {
    if (!Array.isArray(value.routes)) problems.push(`${where}.routes: must be a list`);
    else {
      const seen = new Set<string>();
      for (const [i, item] of value.routes.entries()) {
        const route = routeFrom(item, `${where}.routes[${i}]`, problems);
        if (route === undefined) continue;
        if (seen.has(route.serviceCode))
          problems.push(`${where}.routes[${i}].code: ${route.serviceCode} is routed twice`);
        seen.add(route.serviceCode);
        configured.push(route);
      }
    }
  }
  const overridden = new Set(configured.map((r) => r.serviceCode));
  const routes = [...builtinRoutes().filter((r) => !overridden.has(r.serviceCode)), ...configured];
  if (problems.length === 0) {
    try {
      new ServiceCodeRouter(routes);
    } catch (error) {
      if (!(error instanceof UssdError)) throw error;
      problems.push(`${where}.routes: ${error.message}`);
    }
  }
  if (problems.length > 0) throw new UssdError("USSD_BAD_CONFIG", problems.join("\n"));
  return { routes, timers, defaultLanguage, privetikPlans };
}
