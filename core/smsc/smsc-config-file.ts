/**
 * The `smsc:` section of the core's config file → SmscConfig. Every field is optional; a missing
 * section gives DEFAULT_SMSC_CONFIG (the demo account, reality mode). Seconds and hours in the
 * file, milliseconds in code. Every problem is collected and reported at once. Example (YAML):
 *
 *   smsc:
 *     systemId: TELSIM
 *     accounts:
 *       - systemId: demo                # documented demo account
 *         password: demopass
 *       - systemId: bulk
 *         password: s3cret
 *         bindModes: [transmitter, receiver, transceiver]
 *         maxBinds: 2
 *         tps: 50                       # per bind; 0 or absent: no limit
 *         burst: 50
 *         window: 100
 *         dailyQuota: 100000            # segments per day (midnight at utcOffsetMinutes)
 *         chargingMsisdn: "375290000001" # the ESME pays per message on this account
 *         messageIdFormat: decimal      # or hex
 *     outcome:
 *       mode: percentage                # reality | deterministic | percentage
 *       percentages: { DELIVRD: 90, UNDELIV: 5, EXPIRED: 5 }
 *       delaySeconds: 1
 *     routes:
 *       handsetPrefixes: ["375"]
 *       esme:
 *         - { prefix: "7000", esme: bulk }   # MO to 7000… → deliver_sm to bulk
 *     validity: { defaultHours: 24, maxHours: 168 }
 *     retry: { handsetDelaysSeconds: [60, 300], handsetMaxAttempts: 0, esmeDelaysSeconds: [5, 30], esmeMaxAttempts: 10, esmeResponseTimeoutSeconds: 10 }
 *     limits: { maxPendingMessages: 500000, finalRetentionSeconds: 600, maxFinalMessages: 200000, outboundWindow: 100, outboxMaxQueued: 100000 }
 *     utcOffsetMinutes: 180
 */
import type { BindMode } from "../smpp/pdu-types.js";
import { finalStateByName } from "./delivery-outcomes.js";
import {
  DEFAULT_SMSC_CONFIG,
  type EsmeAccount,
  type EsmeRoute,
  type FinalState,
  type MessageIdFormat,
  type OutcomeConfig,
  type SmscConfig,
  type SmscConfigInput,
  esmeAccount,
  smscConfig,
} from "./smsc-config.js";

export class SmscConfigError extends Error {
  override readonly name = "SmscConfigError";
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
  }
}

type Obj = Record<string, unknown>;

function isRecord(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

class Reader {
  readonly problems: string[] = [];

  keys(obj: Obj, allowed: readonly string[], where: string): void {
    for (const key of Object.keys(obj))
      if (!allowed.includes(key))
        this.problems.push(`${where}.${key}: unknown field (expected ${allowed.join(", ")})`);
  }

  record(value: unknown, where: string): Obj | undefined {
    if (value === undefined) return undefined;
    if (isRecord(value)) return value;
    this.problems.push(`${where}: must be a mapping`);
    return undefined;
  }

  int(value: unknown, where: string, min: number, max: number): number | undefined {
    if (value === undefined) return undefined;
    if (typeof value === "number" && Number.isInteger(value) && value >= min && value <= max) return value;
    this.problems.push(`${where}: must be a whole number from ${min} to ${max}`);
    return undefined;
  }

  seconds(value: unknown, where: string, max: number): number | undefined {
    if (value === undefined) return undefined;
    if (typeof value === "number" && Number.isFinite(value) && value >= 0 && value <= max)
      return Math.round(value * 1000);
    this.problems.push(`${where}: must be a number of seconds from 0 to ${max}`);
    return undefined;
  }

  secondsList(value: unknown, where: string): number[] | undefined {
    if (value === undefined) return undefined;
    if (Array.isArray(value) && value.length > 0 && value.length <= 32) {
      const out = value.map((v, i) => this.seconds(v, `${where}[${i}]`, 7 * 86_400));
      if (out.every((v): v is number => v !== undefined)) return out;
      return undefined;
    }
    this.problems.push(`${where}: must be a list of 1 to 32 numbers of seconds`);
    return undefined;
  }

  string(value: unknown, where: string, pattern?: RegExp, hint?: string): string | undefined {
    if (value === undefined) return undefined;
    const text = typeof value === "number" ? String(value) : value;
    if (typeof text === "string" && (pattern === undefined || pattern.test(text))) return text;
    this.problems.push(`${where}: must be ${hint ?? "a string"}`);
    return undefined;
  }
}

const MODES: readonly BindMode[] = ["transmitter", "receiver", "transceiver"];
const DIGITS = /^\d{1,20}$/;
/** SMPP 3.4 §4.1.1: system_id at most 15 characters, password at most 8. */
const SYSTEM_ID = /^[\x21-\x7e]{1,15}$/;
const PASSWORD = /^[\x20-\x7e]{0,8}$/;

function accountFrom(r: Reader, value: unknown, where: string): EsmeAccount | undefined {
  const obj = r.record(value, where);
  if (obj === undefined) return undefined;
  r.keys(
    obj,
    [
      "systemId",
      "password",
      "bindModes",
      "maxBinds",
      "tps",
      "burst",
      "window",
      "dailyQuota",
      "chargingMsisdn",
      "messageIdFormat",
    ],
    where,
  );
  const systemId = r.string(obj.systemId, `${where}.systemId`, SYSTEM_ID, "1 to 15 printable characters");
  const password = r.string(obj.password, `${where}.password`, PASSWORD, "at most 8 printable characters");
  if (systemId === undefined || password === undefined) {
    if (obj.systemId === undefined) r.problems.push(`${where}.systemId: required`);
    if (obj.password === undefined) r.problems.push(`${where}.password: required`);
    return undefined;
  }
  const fields: Partial<{ -readonly [K in keyof EsmeAccount]: EsmeAccount[K] }> = {};
  if (obj.bindModes !== undefined) {
    const modes = obj.bindModes;
    if (
      Array.isArray(modes) &&
      modes.length > 0 &&
      modes.every((m): m is BindMode => MODES.includes(m as BindMode))
    )
      fields.bindModes = [...new Set(modes)];
    else r.problems.push(`${where}.bindModes: must list some of ${MODES.join(", ")}`);
  }
  const maxBinds = r.int(obj.maxBinds, `${where}.maxBinds`, 1, 1000);
  if (maxBinds !== undefined) fields.maxBinds = maxBinds;
  const tps = r.int(obj.tps, `${where}.tps`, 0, 1_000_000);
  if (tps !== undefined) fields.tps = tps;
  const burst = r.int(obj.burst, `${where}.burst`, 1, 1_000_000);
  if (burst !== undefined) fields.burst = burst;
  const window = r.int(obj.window, `${where}.window`, 1, 100_000);
  if (window !== undefined) fields.window = window;
  const quota = r.int(obj.dailyQuota, `${where}.dailyQuota`, 0, 1_000_000_000);
  if (quota !== undefined) fields.dailyQuota = quota;
  const msisdn = r.string(obj.chargingMsisdn, `${where}.chargingMsisdn`, DIGITS, "an MSISDN of digits");
  if (msisdn !== undefined) fields.chargingMsisdn = msisdn;
  if (obj.messageIdFormat !== undefined) {
    if (obj.messageIdFormat === "hex" || obj.messageIdFormat === "decimal")
      fields.messageIdFormat = obj.messageIdFormat;
    else r.problems.push(`${where}.messageIdFormat: must be hex or decimal`);
  }
  return esmeAccount({ ...fields, systemId, password });
}

function outcomeFrom(r: Reader, value: unknown, where: string): OutcomeConfig | undefined {
  const obj = r.record(value, where);
  if (obj === undefined) return undefined;
  r.keys(obj, ["mode", "percentages", "delaySeconds"], where);
  const delayMs = r.seconds(obj.delaySeconds, `${where}.delaySeconds`, 86_400) ?? 0;
  if (obj.mode === "reality") return { mode: "reality" };
  if (obj.mode === "deterministic") return { mode: "deterministic", delayMs };
  if (obj.mode !== "percentage") {
    r.problems.push(`${where}.mode: must be reality, deterministic or percentage`);
    return undefined;
  }
  const table = r.record(obj.percentages, `${where}.percentages`);
  if (table === undefined) {
    r.problems.push(
      `${where}.percentages: required in percentage mode, e.g. { DELIVRD: 90, UNDELIV: 5, EXPIRED: 5 }`,
    );
    return undefined;
  }
  const weights: { state: FinalState; percent: number }[] = [];
  let sum = 0;
  for (const [name, percent] of Object.entries(table)) {
    const state = finalStateByName(name);
    if (state === undefined) {
      r.problems.push(`${where}.percentages.${name}: not a final state (DELIVRD, UNDELIV, EXPIRED, …)`);
      continue;
    }
    if (typeof percent !== "number" || !Number.isFinite(percent) || percent < 0) {
      r.problems.push(`${where}.percentages.${name}: must be a percentage`);
      continue;
    }
    weights.push({ state, percent });
    sum += percent;
  }
  if (Math.abs(sum - 100) > 1e-9)
    r.problems.push(`${where}.percentages: must add up to 100 (they add up to ${sum})`);
  return { mode: "percentage", weights, delayMs };
}

function routesFrom(r: Reader, value: unknown, where: string): SmscConfig["routes"] | undefined {
  const obj = r.record(value, where);
  if (obj === undefined) return undefined;
  r.keys(obj, ["handsetPrefixes", "esme"], where);
  let handsetPrefixes: string[] = [];
  if (obj.handsetPrefixes !== undefined) {
    const list = obj.handsetPrefixes;
    if (Array.isArray(list))
      handsetPrefixes = list.map(
        (p, i) => r.string(p, `${where}.handsetPrefixes[${i}]`, DIGITS, "digits") ?? "",
      );
    else r.problems.push(`${where}.handsetPrefixes: must be a list of digit prefixes`);
  }
  const esme: EsmeRoute[] = [];
  if (obj.esme !== undefined) {
    if (!Array.isArray(obj.esme)) r.problems.push(`${where}.esme: must be a list`);
    else
      for (const [i, item] of obj.esme.entries()) {
        const route = r.record(item, `${where}.esme[${i}]`);
        if (route === undefined) continue;
        r.keys(route, ["prefix", "esme"], `${where}.esme[${i}]`);
        const prefix = r.string(
          route.prefix,
          `${where}.esme[${i}].prefix`,
          /^[0-9A-Za-z+*#]{1,21}$/,
          "an address prefix",
        );
        const systemId = r.string(route.esme, `${where}.esme[${i}].esme`, SYSTEM_ID, "an ESME system_id");
        if (prefix !== undefined && systemId !== undefined) esme.push({ prefix, systemId });
        else if (route.prefix === undefined || route.esme === undefined)
          r.problems.push(`${where}.esme[${i}]: give prefix and esme, like { prefix: "7000", esme: demo }`);
      }
  }
  return { handsetPrefixes, esme };
}

/** The SMSC section of the config file (undefined or null: the defaults). Throws SmscConfigError. */
export function smscConfigFrom(value: unknown, where = "smsc"): SmscConfig {
  if (value === undefined || value === null) return DEFAULT_SMSC_CONFIG;
  const r = new Reader();
  const obj = r.record(value, where);
  if (obj === undefined) throw new SmscConfigError(r.problems);
  r.keys(
    obj,
    [
      "systemId",
      "accounts",
      "outcome",
      "routes",
      "validity",
      "retry",
      "limits",
      "utcOffsetMinutes",
      "handsetMessageIdFormat",
    ],
    where,
  );
  const input: { -readonly [K in keyof SmscConfigInput]: SmscConfigInput[K] } = {};
  const systemId = r.string(obj.systemId, `${where}.systemId`, SYSTEM_ID, "1 to 15 printable characters");
  if (systemId !== undefined) input.systemId = systemId;
  if (obj.accounts !== undefined) {
    if (!Array.isArray(obj.accounts)) r.problems.push(`${where}.accounts: must be a list`);
    else {
      const accounts: EsmeAccount[] = [];
      for (const [i, item] of obj.accounts.entries()) {
        const account = accountFrom(r, item, `${where}.accounts[${i}]`);
        if (account === undefined) continue;
        if (accounts.some((a) => a.systemId === account.systemId))
          r.problems.push(`${where}.accounts[${i}].systemId: ${account.systemId} is configured twice`);
        accounts.push(account);
      }
      input.accounts = accounts;
    }
  }
  const outcome = outcomeFrom(r, obj.outcome, `${where}.outcome`);
  if (outcome !== undefined) input.outcome = outcome;
  const routes = routesFrom(r, obj.routes, `${where}.routes`);
  if (routes !== undefined) input.routes = routes;
  const validity = r.record(obj.validity, `${where}.validity`);
  if (validity !== undefined) {
    r.keys(validity, ["defaultHours", "maxHours"], `${where}.validity`);
    const d = r.int(validity.defaultHours, `${where}.validity.defaultHours`, 1, 24 * 99);
    const m = r.int(validity.maxHours, `${where}.validity.maxHours`, 1, 24 * 99);
    if (d !== undefined) input.defaultValidityMs = d * 3_600_000;
    if (m !== undefined) input.maxValidityMs = m * 3_600_000;
  }
  const retry = r.record(obj.retry, `${where}.retry`);
  if (retry !== undefined) {
    const w = `${where}.retry`;
    r.keys(
      retry,
      [
        "handsetDelaysSeconds",
        "handsetMaxAttempts",
        "esmeDelaysSeconds",
        "esmeMaxAttempts",
        "esmeResponseTimeoutSeconds",
      ],
      w,
    );
    const out: Record<string, unknown> = {};
    out.handsetDelaysMs = r.secondsList(retry.handsetDelaysSeconds, `${w}.handsetDelaysSeconds`);
    out.handsetMaxAttempts = r.int(retry.handsetMaxAttempts, `${w}.handsetMaxAttempts`, 0, 10_000);
    out.esmeDelaysMs = r.secondsList(retry.esmeDelaysSeconds, `${w}.esmeDelaysSeconds`);
    out.esmeMaxAttempts = r.int(retry.esmeMaxAttempts, `${w}.esmeMaxAttempts`, 1, 10_000);
    out.esmeResponseTimeoutMs = r.seconds(
      retry.esmeResponseTimeoutSeconds,
      `${w}.esmeResponseTimeoutSeconds`,
      600,
    );
    input.retry = definedOnly(out);
  }
  const limits = r.record(obj.limits, `${where}.limits`);
  if (limits !== undefined) {
    const w = `${where}.limits`;
    r.keys(
      limits,
      [
        "maxPendingMessages",
        "finalRetentionSeconds",
        "maxFinalMessages",
        "outboundWindow",
        "outboxMaxQueued",
      ],
      w,
    );
    const out: Record<string, unknown> = {};
    out.maxPendingMessages = r.int(limits.maxPendingMessages, `${w}.maxPendingMessages`, 1, 50_000_000);
    out.finalRetentionMs = r.seconds(limits.finalRetentionSeconds, `${w}.finalRetentionSeconds`, 30 * 86_400);
    out.maxFinalMessages = r.int(limits.maxFinalMessages, `${w}.maxFinalMessages`, 0, 50_000_000);
    out.outboundWindow = r.int(limits.outboundWindow, `${w}.outboundWindow`, 1, 10_000);
    out.outboxMaxQueued = r.int(limits.outboxMaxQueued, `${w}.outboxMaxQueued`, 1, 50_000_000);
    input.limits = definedOnly(out);
  }
  const offset = r.int(obj.utcOffsetMinutes, `${where}.utcOffsetMinutes`, -14 * 60, 14 * 60);
  if (offset !== undefined) input.utcOffsetMinutes = offset;
  if (obj.handsetMessageIdFormat !== undefined) {
    const f = obj.handsetMessageIdFormat;
    if (f === "hex" || f === "decimal") input.handsetMessageIdFormat = f as MessageIdFormat;
    else r.problems.push(`${where}.handsetMessageIdFormat: must be hex or decimal`);
  }
  if (r.problems.length > 0) throw new SmscConfigError(r.problems);
  const config = smscConfig(input);
  if (config.defaultValidityMs > config.maxValidityMs)
    throw new SmscConfigError([`${where}.validity: defaultHours is above maxHours`]);
  return config;
}

function definedOnly<T>(obj: Record<string, unknown>): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v;
  return out as Partial<T>;
}
