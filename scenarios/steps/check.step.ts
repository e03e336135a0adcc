/**
 * `check`: assertions on what the flow just did and on the subscriber's account. Every check is a
 * JUnit testcase; a failed check fails the run (exit 1), and with `abort: true` also ends the flow
 * instance (status failed).
 *
 *   - check: { result: 2001 }                                  # the last CCA's Result-Code
 *   - check: { outcome: [completed, cut] }                     # the last step's outcome
 *   - check: { throttled: true, bandwidth: { atMost: 512kbps } }
 *   - check: { balance: { atLeast: floor, below: initial }, state: active }
 *   - check: { outcome: wrong-pin, pinTries: 2 }               # handset steps: card counters
 *   - check: { cause: 3 }                                      # attach reject / RP cause
 *   - check: { reply: "Баланс: \\d+" }                          # the last USSD reply (a regex)
 *   - check: { receipt: DELIVRD }                              # the last awaited SMPP receipt
 *
 * Balance words: `floor` (−credit limit), `initial` (the balance the run provisioned).
 */
import { formatMoney, type Kopecks } from "../../core/charging/money.js";
import { type FlowContext, StepError } from "../runner/flow-context.js";
import { FieldError } from "../runner/scenario-error.js";
import { registerStep } from "../runner/step-registry.js";
import { parseAmount, parseBitrate } from "../runner/units.js";
import { compileRegex } from "./handset-common.js";
import type { AccountView } from "../runner/ports.js";

type MoneyWord = string;

export interface MoneyComparison {
  readonly atLeast?: MoneyWord;
  readonly atMost?: MoneyWord;
  readonly equals?: MoneyWord;
  readonly below?: MoneyWord;
  readonly above?: MoneyWord;
}

type AccountState = AccountView["state"];

export interface CheckParams {
  /** Name in reports (default: the flow and the assertions). */
  readonly name?: string;
  readonly result?: number | readonly number[];
  readonly outcome?: string | readonly string[];
  readonly throttled?: boolean;
  readonly bandwidth?: { readonly atMost?: string; readonly atLeast?: string };
  readonly balance?: MoneyComparison;
  readonly available?: MoneyComparison;
  readonly state?: AccountState | readonly AccountState[];
  /** PIN1 / PUK1 presentations left after the last handset step. */
  readonly pinTries?: number;
  readonly pukTries?: number;
  /** The network's cause of the last handset step (attach reject cause, RP-cause). */
  readonly cause?: number | readonly number[];
  /** A regular expression the last USSD reply must match. */
  readonly reply?: string;
  /** The stat of the last awaited SMPP delivery receipt (DELIVRD, …; "none": it did not come). */
  readonly receipt?: string | readonly string[];
  /** End the flow instance when the check fails (default false: record and go on). */
  readonly abort?: boolean;
}

declare module "../runner/scenario-types.js" {
  interface StepParamsByName {
    check: CheckParams;
  }
}

const moneyWord = {
  anyOf: [{ type: "string", pattern: "^-?\\d{1,9}(\\.\\d{1,2})?$" }, { enum: ["floor", "initial"] }],
};
const comparison = {
  type: "object",
  additionalProperties: false,
  minProperties: 1,
  properties: {
    atLeast: moneyWord,
    atMost: moneyWord,
    equals: moneyWord,
    below: moneyWord,
    above: moneyWord,
  },
};
const STATES = ["active", "paused", "blocked", "closed"];
const oneOrMany = (item: Record<string, unknown>) => ({
  anyOf: [item, { type: "array", minItems: 1, items: item }],
});

const list = <T>(v: T | readonly T[] | undefined): readonly T[] | undefined =>
  v === undefined ? undefined : Array.isArray(v) ? (v as readonly T[]) : [v as T];

type Assertion = (ctx: FlowContext, account: AccountView | undefined) => string | undefined;

function moneyAssertion(
  what: "balance" | "available",
  cmp: MoneyComparison,
): { test: Assertion; text: string } {
  const parts: { op: keyof MoneyComparison; ref: MoneyWord }[] = (
    Object.entries(cmp) as [keyof MoneyComparison, MoneyWord][]
  ).map(([op, ref]) => ({ op, ref }));
  const symbol: Record<keyof MoneyComparison, string> = {
    atLeast: ">=",
    atMost: "<=",
    equals: "==",
    below: "<",
    above: ">",
  };
  const text = parts.map((p) => `${what} ${symbol[p.op]} ${p.ref}`).join(", ");
  const fixed = new Map(
    parts
      .filter((p) => p.ref !== "floor" && p.ref !== "initial")
      .map((p) => [p.ref, parseAmount(p.ref, what)]),
  );
  return {
    text,
    test: (ctx, account) => {
      if (account === undefined) return `no account for ${ctx.subscriber.msisdn}`;
      const value = what === "balance" ? account.balance : account.available;
      for (const p of parts) {
        let ref: Kopecks | undefined;
        if (p.ref === "floor") ref = account.floor;
        else if (p.ref === "initial") ref = ctx.initialBalance;
        else ref = fixed.get(p.ref);
        if (ref === undefined) return `${p.ref} is not known for ${ctx.subscriber.msisdn}`;
        const ok =
          p.op === "atLeast"
            ? value >= ref
            : p.op === "atMost"
              ? value <= ref
              : p.op === "equals"
                ? value === ref
                : p.op === "below"
                  ? value < ref
                  : value > ref;
        if (!ok) return `${what} ${formatMoney(value)} is not ${symbol[p.op]} ${p.ref} (${formatMoney(ref)})`;
      }
      return undefined;
    },
  };
}

registerStep({
  name: "check",
  summary:
    "asserts on the last result (result, outcome, throttled, bandwidth, pinTries, pukTries, cause, reply) and the account (balance, available, state)",
  schema: {
    type: "object",
    additionalProperties: false,
    minProperties: 1,
    properties: {
      name: { type: "string", minLength: 1 },
      result: oneOrMany({ type: "integer", minimum: 1000, maximum: 5999 }),
      outcome: oneOrMany({ type: "string", minLength: 1 }),
      throttled: { type: "boolean" },
      bandwidth: {
        type: "object",
        additionalProperties: false,
        minProperties: 1,
        properties: { atMost: { $ref: "#/$defs/bitrate" }, atLeast: { $ref: "#/$defs/bitrate" } },
      },
      balance: comparison,
      available: comparison,
      state: oneOrMany({ enum: STATES }),
      pinTries: { type: "integer", minimum: 0, maximum: 3 },
      pukTries: { type: "integer", minimum: 0, maximum: 10 },
      cause: oneOrMany({ type: "integer", minimum: 0, maximum: 255 }),
      reply: { type: "string", minLength: 1 },
      receipt: oneOrMany({ type: "string", pattern: "^([A-Z]{7}|none)$" }),
      abort: { type: "boolean" },
    },
  },
  compile(p, c) {
    const assertions: Assertion[] = [];
    const texts: string[] = [];
    const results = list(p.result);
    if (results !== undefined) {
      texts.push(`result in ${results.join("|")}`);
      assertions.push((ctx) => {
        const code = ctx.last.resultCode;
        return code !== undefined && results.includes(code)
          ? undefined
          : `result ${code ?? "none (no answer)"} is not ${results.join("|")}`;
      });
    }
    const outcomes = list(p.outcome);
    if (outcomes !== undefined) {
      texts.push(`outcome in ${outcomes.join("|")}`);
      assertions.push((ctx) => {
        const o = ctx.last.outcome;
        return o !== undefined && outcomes.includes(o)
          ? undefined
          : `outcome ${o ?? "none"} is not ${outcomes.join("|")}`;
      });
    }
    if (p.throttled !== undefined) {
      const want = p.throttled;
      texts.push(`throttled ${want}`);
      assertions.push((ctx) =>
        (ctx.last.throttled ?? false) === want
          ? undefined
          : `the last grant was ${want ? "not " : ""}throttled`,
      );
    }
    if (p.bandwidth !== undefined) {
      const max = p.bandwidth.atMost === undefined ? undefined : parseBitrate(p.bandwidth.atMost) / 1000;
      const min = p.bandwidth.atLeast === undefined ? undefined : parseBitrate(p.bandwidth.atLeast) / 1000;
      texts.push(
        `bandwidth${max !== undefined ? ` <= ${p.bandwidth.atMost}` : ""}${min !== undefined ? ` >= ${p.bandwidth.atLeast}` : ""}`,
      );
      assertions.push((ctx) => {
        const kbps = ctx.last.bandwidthKbps;
        if (kbps === undefined) return "the last grant had no QoS maximum bandwidth";
        if (max !== undefined && kbps > max) return `bandwidth ${kbps}kbps is above ${max}kbps`;
        if (min !== undefined && kbps < min) return `bandwidth ${kbps}kbps is below ${min}kbps`;
        return undefined;
      });
    }
    for (const what of ["balance", "available"] as const) {
      const cmp = p[what];
      if (cmp === undefined) continue;
      const m = moneyAssertion(what, cmp);
      texts.push(m.text);
      assertions.push(m.test);
    }
    const states = list(p.state);
    if (states !== undefined) {
      texts.push(`state in ${states.join("|")}`);
      assertions.push((_ctx, account) =>
        account === undefined
          ? "no account"
          : states.includes(account.state)
            ? undefined
            : `state ${account.state} is not ${states.join("|")}`,
      );
    }
    for (const [what, field] of [
      ["pinTries", "pinTriesLeft"],
      ["pukTries", "pukTriesLeft"],
    ] as const) {
      const want = p[what];
      if (want === undefined) continue;
      texts.push(`${what} == ${want}`);
      assertions.push((ctx) => {
        const left = ctx.last[field];
        return left === want ? undefined : `${what} is ${left ?? "unknown"}, not ${want}`;
      });
    }
    const causes = list(p.cause);
    if (causes !== undefined) {
      texts.push(`cause in ${causes.join("|")}`);
      assertions.push((ctx) => {
        const cause = ctx.last.cause;
        return cause !== undefined && causes.includes(cause)
          ? undefined
          : `cause ${cause ?? "none"} is not ${causes.join("|")}`;
      });
    }
    if (p.reply !== undefined) {
      const re = compileRegex(p.reply, [...c.path, "reply"]);
      texts.push(`reply ~ /${p.reply}/`);
      assertions.push((ctx) => {
        const reply = ctx.last.reply;
        if (reply === undefined) return "no USSD reply";
        return re.test(reply) ? undefined : `reply ${JSON.stringify(reply)} does not match /${p.reply}/`;
      });
    }
    const receipts = list(p.receipt);
    if (receipts !== undefined) {
      texts.push(`receipt in ${receipts.join("|")}`);
      assertions.push((ctx) => {
        const stat = ctx.last.receipt;
        return stat !== undefined && receipts.includes(stat)
          ? undefined
          : `receipt ${stat ?? "not awaited"} is not ${receipts.join("|")}`;
      });
    }
    const needsAccount = p.balance !== undefined || p.available !== undefined || p.state !== undefined;
    if (needsAccount && !c.ports.has("admin")) {
      throw new FieldError(
        c.path,
        "balance, available and state checks need an admin API (core.admin with an external core)",
      );
    }
    if (assertions.length === 0)
      throw new FieldError(
        c.path,
        "nothing to check: give result, outcome, throttled, bandwidth, balance, available, state, pinTries, pukTries, cause, reply or receipt",
      );
    const name = p.name ?? `${c.flow}: ${texts.join("; ")}`;
    c.declareCheck(name);
    const abort = p.abort ?? false;
    return async (ctx) => {
      let account: AccountView | undefined;
      if (needsAccount) {
        const admin = ctx.ports.admin;
        if (admin === undefined) throw new StepError("check: no admin port");
        account = await admin.account(ctx.subscriber.msisdn);
      }
      const problems = assertions.map((a) => a(ctx, account)).filter((m): m is string => m !== undefined);
      ctx.check(name, problems.length === 0, problems.join("; "), abort);
    };
  },
});
