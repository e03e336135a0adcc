/**
 * `handset.ussd`: dials a USSD code on the handset (TS 22.090: MMI → MSC → USSD gateway → the
 * built-in menus or an external application) and answers the menu's questions with `inputs`, in
 * order. `expect` holds regular expressions for the replies: one for the last reply, or a list
 * matched against the replies in order (the first to the code's answer). A dialogue the network
 * leaves open after the last input is released by the handset.
 *
 *   - handset.ussd: { code: "*100#", expect: "Баланс: 20[.,]00" }
 *   - handset.ussd: { code: "*145*1#", inputs: ["1"], expect: ["Подключить", "подключена"] }
 *
 * In `expect`, `{msisdn}` stands for the subscriber's number and `{balance}` for the account's
 * balance after the dialogue (as the menus write money: 19.40), both matched literally.
 * Every `expect` is a check (a JUnit testcase); `check: { reply }` asserts on the last reply too.
 * Outcomes: completed (the network ended it), released (still open after the inputs), refused
 * (not registered, barred), not-supported, timeout.
 */
import type { UssdResult } from "../../handsets/network/handset-network.js";
import { formatMoney } from "../../core/charging/money.js";
import { FieldError } from "../runner/scenario-error.js";
import { registerStep } from "../runner/step-registry.js";
import { compileRegex, elapsed, handsetOf, requireUniquePick } from "./handset-common.js";

export interface UssdParams {
  /** The dialled string, e.g. "*100#" or "*146*375291000002#". */
  readonly code: string;
  /** Answers to the menu's questions, in order. */
  readonly inputs?: readonly string[];
  /** Regular expression(s) the replies must match. */
  readonly expect?: string | readonly string[];
}

declare module "../runner/scenario-types.js" {
  interface StepParamsByName {
    "handset.ussd": UssdParams;
  }
}

/** CBS data coding 15: GSM 7-bit, language unspecified (TS 23.038 §5). */
const DCS_GSM7 = 15;

registerStep({
  name: "handset.ussd",
  summary: "dials a USSD code, answers the menu inputs in order, matches the replies",
  requires: ["handsets"],
  schema: {
    type: "object",
    additionalProperties: false,
    required: ["code"],
    properties: {
      code: { type: "string", pattern: "^[*#][0-9*#]*#$" },
      inputs: { type: "array", items: { type: "string", minLength: 1, maxLength: 160 } },
      expect: {
        anyOf: [
          { type: "string", minLength: 1 },
          { type: "array", minItems: 1, items: { type: "string", minLength: 1 } },
        ],
      },
    },
  },
  metrics: [
    {
      name: "handset.ussd.dialogues",
      kind: "counter",
      tags: ["code", "outcome"],
      description: "USSD dialogues by code and outcome (completed, released, refused, timeout, …)",
    },
    {
      name: "handset.ussd.latency",
      kind: "trend",
      unit: "ms",
      tags: ["code"],
      description: "a whole USSD dialogue (code and every input) from the intended start",
    },
  ],
  compile(p, c) {
    requireUniquePick(c);
    const inputs = p.inputs ?? [];
    const list = p.expect === undefined ? [] : typeof p.expect === "string" ? [p.expect] : p.expect;
    const patterns = list.map((e, i) => {
      const path = typeof p.expect === "string" ? [...c.path, "expect"] : [...c.path, "expect", i];
      compileRegex(fill(e, { msisdn: "375291000000", balance: "0.00" }), path);
      return e;
    });
    const needsBalance = list.some((e) => e.includes("{balance}"));
    if (needsBalance && !c.ports.has("admin")) throw new FieldError(c.path, "{balance} needs an admin API");
    const lastOnly = typeof p.expect === "string";
    const checkName = `${c.flow}: ${p.code} replies ~ ${list.map((e) => `/${e}/`).join(" ")}`;
    if (patterns.length > 0) c.declareCheck(checkName);
    const dialogues = c.metrics.counter("handset.ussd.dialogues");
    const latency = c.metrics.trend("handset.ussd.latency").series({ code: p.code });
    return async (ctx) => {
      const h = handsetOf(ctx, "handset.ussd");
      ctx.last = { step: "handset.ussd" };
      const replies: string[] = [];
      let result: UssdResult = await h.network.ussd({ text: p.code, dcs: DCS_GSM7 });
      for (let i = 0; ; i++) {
        if (result.ok && (result.status === "notify" || result.status === "request"))
          replies.push(result.message.text);
        const input = inputs[i];
        if (!result.ok || result.status !== "request" || input === undefined) break;
        result = await h.network.ussd({ text: input, dcs: DCS_GSM7 });
      }
      let outcome: string;
      if (!result.ok) outcome = result.cause === "timeout" ? "timeout" : "refused";
      else if (result.status === "request") {
        await h.network.cancelUssd();
        outcome = "released";
      } else if (result.status === "notify" || result.status === "terminated") outcome = "completed";
      else outcome = result.status;
      latency.record(elapsed(ctx));
      ctx.intendedAt = ctx.now();
      dialogues.add({ code: p.code, outcome });
      ctx.last.outcome = outcome;
      const last = replies[replies.length - 1];
      if (last !== undefined) ctx.last.reply = last;
      if (patterns.length === 0) return;
      const account = needsBalance ? await ctx.ports.admin?.account(ctx.subscriber.msisdn) : undefined;
      const values = {
        msisdn: ctx.subscriber.msisdn,
        balance: account === undefined ? "?" : formatMoney(account.balance),
      };
      const problems: string[] = [];
      patterns.forEach((text, i) => {
        const re = new RegExp(fill(text, values), "u");
        const reply = lastOnly ? last : replies[i];
        const which = lastOnly ? "the last reply" : `reply ${i + 1}`;
        if (reply === undefined) problems.push(`no ${which} (outcome ${outcome})`);
        else if (!re.test(reply))
          problems.push(`${which} ${JSON.stringify(reply)} does not match /${re.source}/`);
      });
      ctx.check(checkName, problems.length === 0, problems.join("; "), false);
    };
  },
});

/** `{msisdn}` and `{balance}` in an expected reply: the subscriber's number and balance, as literals. */
function fill(pattern: string, values: { readonly msisdn: string; readonly balance: string }): string {
  const literal = (v: string) => v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return pattern
    .replaceAll("{msisdn}", literal(values.msisdn))
    .replaceAll("{balance}", literal(values.balance));
}
