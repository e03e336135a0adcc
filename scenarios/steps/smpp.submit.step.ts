/**
 * `smpp.submit`: one submit_sm (SMPP 3.4 §4.4) through an ESME bind, to the flow's subscriber by
 * default (an application-to-person message), or to a destination class or a fixed number. The
 * outcome is the submit_sm_resp's command_status name: ESME_ROK, ESME_RTHROTTLED (0x58, over the
 * account's tps or daily quota), ESME_RMSGQFUL (0x14, the bind's window full), …; or timeout,
 * closed, not-bound when no answer came. With `receipt: 5s` an accepted message's delivery receipt
 * (SMPP 3.4 Appendix B) is awaited that long; its stat (DELIVRD, UNDELIV, EXPIRED, …) is counted
 * in `sms.dlr{stat}` and left for `check: { receipt }` ("none" when it did not come in time).
 *
 *   - smpp.submit: { text: "Your code is 1234", receipt: 5s }
 *   - check: { outcome: [ESME_ROK, ESME_RTHROTTLED] }
 */
import { StepError } from "../runner/flow-context.js";
import { FieldError } from "../runner/scenario-error.js";
import { registerStep } from "../runner/step-registry.js";
import { parseDuration } from "../runner/units.js";
import { compileDestination, type DestinationParam, destinationSchema } from "./gy-common.js";
import { resolveBind, smppOf } from "./smpp-common.js";

export interface SmppSubmitParams {
  /** The bind's name (default the scenario's only bind). */
  readonly bind?: string;
  /** A destination class (on-net, off-net, …) instead of the flow's subscriber. */
  readonly destination?: DestinationParam;
  /** A fixed destination number. */
  readonly to?: string;
  /** source_addr: digits, or an alphanumeric sender (default TELSIM). */
  readonly from?: string;
  /** Default "telsim". */
  readonly text?: string;
  /** registered_delivery (SMPP 3.4 §5.2.17): none, final (a receipt either way), failure. */
  readonly registeredDelivery?: "none" | "final" | "failure";
  /** Wait this long for the receipt of an accepted message (needs registeredDelivery final). */
  readonly receipt?: string;
  /** How long to wait for submit_sm_resp (default 10s). */
  readonly timeout?: string;
}

declare module "../runner/scenario-types.js" {
  interface StepParamsByName {
    "smpp.submit": SmppSubmitParams;
  }
}

const REGISTERED_DELIVERY = { none: 0, final: 1, failure: 2 } as const;

registerStep({
  name: "smpp.submit",
  summary: "submit_sm through an ESME bind; outcome the command_status name, optionally the delivery receipt",
  requires: ["smpp"],
  schema: {
    type: "object",
    additionalProperties: false,
    properties: {
      bind: { type: "string", minLength: 1 },
      destination: destinationSchema,
      to: { type: "string", pattern: "^\\+?\\d{3,15}$" },
      from: { type: "string", pattern: "^[A-Za-z0-9 ]{1,11}$|^\\d{1,20}$" },
      text: { type: "string", minLength: 1, maxLength: 160, pattern: "^[\\x20-\\x7e]+$" },
      registeredDelivery: { enum: ["none", "final", "failure"] },
      receipt: { $ref: "#/$defs/duration" },
      timeout: { $ref: "#/$defs/duration" },
    },
  },
  metrics: [
    {
      name: "smpp.submits",
      kind: "counter",
      tags: ["system", "status"],
      description:
        "submit_sm by system_id and answer: the command_status name (ESME_ROK, ESME_RTHROTTLED, …), timeout, closed",
    },
    {
      name: "smpp.submit.latency",
      kind: "trend",
      unit: "ms",
      tags: [],
      description: "submit_sm to submit_sm_resp, from the intended start",
    },
    {
      name: "sms.dlr",
      kind: "counter",
      tags: ["stat"],
      description: "delivery receipts awaited by smpp.submit, by stat (DELIVRD, UNDELIV, EXPIRED, …)",
    },
    {
      name: "smpp.receipt.latency",
      kind: "trend",
      unit: "ms",
      tags: [],
      description: "submit_sm (intended start) to its delivery receipt",
    },
    {
      name: "smpp.receipts.missing",
      kind: "counter",
      tags: ["system"],
      description: "accepted messages whose awaited receipt did not come in time",
    },
  ],
  compile(p, c) {
    const bind = resolveBind(c, p.bind, "smpp.submit");
    const registered =
      REGISTERED_DELIVERY[p.registeredDelivery ?? (p.receipt !== undefined ? "final" : "none")];
    const receiptMs = p.receipt === undefined ? undefined : parseDuration(p.receipt);
    if (receiptMs !== undefined && registered !== 1)
      throw new FieldError([...c.path, "receipt"], "waiting for a receipt needs registeredDelivery: final");
    if (receiptMs !== undefined && bind.mode === "transmitter")
      throw new FieldError(
        [...c.path, "receipt"],
        `bind "${bind.name}" is a transmitter: receipts come only to receiver or transceiver binds`,
      );
    const timeoutMs = p.timeout === undefined ? 10_000 : parseDuration(p.timeout);
    const pick =
      p.destination !== undefined || p.to !== undefined
        ? compileDestination(p.destination, p.to, c.path)
        : undefined;
    const source = p.from ?? "TELSIM";
    const text = p.text ?? "telsim";
    const submits = c.metrics.counter("smpp.submits");
    const latency = c.metrics.trend("smpp.submit.latency").series();
    const dlr = c.metrics.counter("sms.dlr");
    const receiptLatency = c.metrics.trend("smpp.receipt.latency").series();
    const missing = c.metrics.counter("smpp.receipts.missing");
    return async (ctx) => {
      const port = smppOf(ctx, "smpp.submit");
      ctx.last = { step: "smpp.submit" };
      const number = pick === undefined ? ctx.subscriber.msisdn : pick(ctx).number;
      const started = ctx.intendedAt;
      let answer;
      try {
        answer = await port.submit(
          bind.name,
          { source, destination: number.replace(/^\+/, ""), text, registeredDelivery: registered },
          timeoutMs,
        );
      } catch (e) {
        throw new StepError(`smpp.submit: ${e instanceof Error ? e.message : String(e)}`);
      }
      latency.record(ctx.now() - started);
      ctx.intendedAt = ctx.now();
      submits.add({ system: bind.systemId, status: answer.status });
      ctx.last.outcome = answer.status;
      if (receiptMs === undefined || answer.status !== "ESME_ROK" || answer.messageId === undefined) return;
      const receipt = await port.receipt(bind.name, answer.messageId, receiptMs);
      ctx.intendedAt = ctx.now();
      if (receipt === undefined) {
        missing.add({ system: bind.systemId });
        ctx.last.receipt = "none";
        return;
      }
      receiptLatency.record(ctx.now() - started);
      dlr.add({ stat: receipt.stat });
      ctx.last.receipt = receipt.stat;
    };
  },
});
