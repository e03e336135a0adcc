/**
 * Error injection: rules that make the SMSC misbehave on purpose, matched against each request an
 * ESME sends. A rule matches on system_id, destination prefix, command and a seeded probability
 * (all given conditions must hold); the first matching rule acts:
 * - status: answer with this command_status at once, without processing the request;
 * - delay: process as usual and answer `ms` later; with `status`, answer that status `ms` later
 *   without processing;
 * - drop: process as usual, never answer (the ESME times out; a submit is accepted all the same);
 * - reset: reset the TCP connection at once (RST), without processing.
 * `times` limits how often a rule acts before it removes itself.
 *
 * InjectionRules is the runtime API the admin HTTP layer calls: list / add / remove / clear. `add`
 * takes parsed JSON and throws InjectionRuleError listing every problem.
 */
import { commandStatusCode } from "../smpp/command-status.js";
import type { Rng } from "./delivery-outcomes.js";

export type InjectionAction =
  | { readonly kind: "status"; readonly status: number }
  | { readonly kind: "delay"; readonly ms: number; readonly status?: number }
  | { readonly kind: "drop" }
  | { readonly kind: "reset" };

export interface InjectionMatch {
  readonly systemId?: string;
  readonly destinationPrefix?: string;
  /** An ESME request command, e.g. "submit_sm", "bind_transceiver". */
  readonly command?: InjectableCommand;
  /** 0..1; absent = always. Drawn from the SMSC's seeded generator. */
  readonly probability?: number;
}

export interface InjectionRuleInput {
  readonly match: InjectionMatch;
  readonly action: InjectionAction;
  /** Acts at most this many times, then removes itself. */
  readonly times?: number;
  /** A label for people. */
  readonly name?: string;
}

export interface InjectionRule extends InjectionRuleInput {
  readonly id: number;
  /** How often it has acted. */
  readonly hits: number;
}

export const INJECTABLE_COMMANDS = [
  "bind_transmitter",
  "bind_receiver",
  "bind_transceiver",
  "submit_sm",
  "submit_multi",
  "data_sm",
  "query_sm",
  "cancel_sm",
  "replace_sm",
] as const;

export type InjectableCommand = (typeof INJECTABLE_COMMANDS)[number];

/** What a request looks like to the rules. */
export interface InjectionContext {
  readonly systemId: string | undefined;
  readonly command: string;
  readonly destination: string | undefined;
}

export class InjectionRuleError extends Error {
  override readonly name = "InjectionRuleError";
  constructor(readonly problems: readonly string[]) {
    super(problems.join("; "));
  }
}

type Obj = Record<string, unknown>;
const isRecord = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function statusFrom(value: unknown, where: string, problems: string[]): number | undefined {
  if (typeof value === "string") {
    const code = /^0x[0-9a-f]{1,8}$/i.test(value) ? parseInt(value, 16) : commandStatusCode(value);
    if (code !== undefined) return code;
  } else if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 0xffffffff) {
    return value;
  }
  problems.push(`${where}: must be a command_status (a number, "0x58" or a name like "ESME_RTHROTTLED")`);
  return undefined;
}

function keys(obj: Obj, allowed: readonly string[], where: string, problems: string[]): void {
  for (const k of Object.keys(obj)) if (!allowed.includes(k)) problems.push(`${where}.${k}: unknown field`);
}

/** Checks a rule given as parsed JSON. */
export function parseInjectionRule(
  value: unknown,
): { ok: true; rule: InjectionRuleInput } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  if (!isRecord(value)) return { ok: false, problems: ["a rule must be an object with match and action"] };
  keys(value, ["match", "action", "times", "name"], "rule", problems);
  const match: { -readonly [K in keyof InjectionMatch]: InjectionMatch[K] } = {};
  const m = value.match ?? {};
  if (!isRecord(m)) problems.push("match: must be an object");
  else {
    keys(m, ["systemId", "destinationPrefix", "command", "probability"], "match", problems);
    if (m.systemId !== undefined) {
      if (typeof m.systemId === "string" && m.systemId.length > 0) match.systemId = m.systemId;
      else problems.push("match.systemId: must be a system_id");
    }
    if (m.destinationPrefix !== undefined) {
      const p = typeof m.destinationPrefix === "number" ? String(m.destinationPrefix) : m.destinationPrefix;
      if (typeof p === "string" && p.length > 0) match.destinationPrefix = p.startsWith("+") ? p.slice(1) : p;
      else problems.push("match.destinationPrefix: must be an address prefix");
    }
    if (m.command !== undefined) {
      if (INJECTABLE_COMMANDS.includes(m.command as InjectableCommand))
        match.command = m.command as InjectableCommand;
      else problems.push(`match.command: must be one of ${INJECTABLE_COMMANDS.join(", ")}`);
    }
    if (m.probability !== undefined) {
      if (typeof m.probability === "number" && m.probability >= 0 && m.probability <= 1)
        match.probability = m.probability;
      else problems.push("match.probability: must be a number from 0 to 1");
    }
  }
  let action: InjectionAction | undefined;
  const a = value.action;
  if (!isRecord(a))
    problems.push('action: must be an object like { kind: "status", status: "ESME_RTHROTTLED" }');
  else
    switch (a.kind) {
      case "status": {
        keys(a, ["kind", "status"], "action", problems);
        const status = statusFrom(a.status, "action.status", problems);
        if (status !== undefined) action = { kind: "status", status };
        break;
      }
      case "delay": {
        keys(a, ["kind", "ms", "status"], "action", problems);
        const ms = a.ms;
        if (typeof ms !== "number" || !Number.isInteger(ms) || ms < 0 || ms > 600_000)
          problems.push("action.ms: must be a whole number of milliseconds from 0 to 600000");
        else if (a.status !== undefined) {
          const status = statusFrom(a.status, "action.status", problems);
          if (status !== undefined) action = { kind: "delay", ms, status };
        } else action = { kind: "delay", ms };
        break;
      }
      case "drop":
      case "reset":
        keys(a, ["kind"], "action", problems);
        action = { kind: a.kind };
        break;
      default:
        problems.push("action.kind: must be status, delay, drop or reset");
    }
  let times: number | undefined;
  if (value.times !== undefined) {
    if (typeof value.times === "number" && Number.isInteger(value.times) && value.times >= 1)
      times = value.times;
    else problems.push("times: must be a whole number of at least 1");
  }
  if (value.name !== undefined && typeof value.name !== "string") problems.push("name: must be a string");
  if (problems.length > 0 || action === undefined) return { ok: false, problems };
  const rule: { -readonly [K in keyof InjectionRuleInput]: InjectionRuleInput[K] } = { match, action };
  if (times !== undefined) rule.times = times;
  if (typeof value.name === "string") rule.name = value.name;
  return { ok: true, rule };
}

interface LiveRule {
  id: number;
  input: InjectionRuleInput;
  hits: number;
}

/** The rule table, changed at run time. */
export class InjectionRules {
  private rules: LiveRule[] = [];
  private nextId = 1;

  constructor(private readonly rng: Rng) {}

  get size(): number {
    return this.rules.length;
  }

  list(): InjectionRule[] {
    return this.rules.map((r) => ({ ...r.input, id: r.id, hits: r.hits }));
  }

  /** Adds a rule (parsed JSON or typed) at the end of the table; throws InjectionRuleError. */
  add(value: unknown): InjectionRule {
    const parsed = parseInjectionRule(value);
    if (!parsed.ok) throw new InjectionRuleError(parsed.problems);
    const live: LiveRule = { id: this.nextId++, input: parsed.rule, hits: 0 };
    this.rules = [...this.rules, live];
    return { ...live.input, id: live.id, hits: 0 };
  }

  remove(id: number): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length < before;
  }

  /** Removes every rule; returns how many there were. */
  clear(): number {
    const n = this.rules.length;
    this.rules = [];
    return n;
  }

  /** The action of the first rule that matches, counting the hit; undefined when none does. */
  match(ctx: InjectionContext): InjectionAction | undefined {
    if (this.rules.length === 0) return undefined;
    for (const rule of this.rules) {
      const m = rule.input.match;
      if (m.command !== undefined && m.command !== ctx.command) continue;
      if (m.systemId !== undefined && m.systemId !== ctx.systemId) continue;
      if (m.destinationPrefix !== undefined) {
        const d = ctx.destination;
        if (d === undefined || !(d.startsWith("+") ? d.slice(1) : d).startsWith(m.destinationPrefix))
          continue;
      }
      if (m.probability !== undefined && this.rng.nextInt(1_000_000) >= Math.round(m.probability * 1_000_000))
        continue;
      rule.hits++;
      if (rule.input.times !== undefined && rule.hits >= rule.input.times) this.remove(rule.id);
      return rule.input.action;
    }
    return undefined;
  }
}
