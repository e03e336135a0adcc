/**
 * `handset.sms`: the handset sends an SMS-SUBMIT (TS 23.040) through the MSC to the SMSC, which
 * charges it (Gy event) and answers RP-ACK or RP-ERROR with its RP-cause (TS 24.011 §8.2.5.4).
 * With `deliver: 5s` and a recipient in the population, the step then waits that long for the
 * message to reach the recipient's handset; `destination: on-net` then picks a recipient whose
 * handset is registered (any on-net subscriber when none is: the SMSC keeps the message for it).
 *
 *   - handset.sms: { destination: on-net, deliver: 5s }
 *   - check: { outcome: delivered }
 *
 * Outcomes: accepted, delivered, undelivered (accepted, not at the registered recipient in time),
 * stored (accepted, the recipient's handset was not registered: the SMSC keeps it), refused
 * (cause in `check: { cause }`), no-service, timeout.
 */
import type { SmsSubmitResult } from "../../handsets/network/handset-network.js";
import type { SmsSubmit } from "../../handsets/sms/sms-types.js";
import { isInService } from "../../handsets/device/device-state.js";
import { registerStep } from "../runner/step-registry.js";
import { parseDuration } from "../runner/units.js";
import { compileDestination, type DestinationParam, destinationSchema } from "./gy-common.js";
import { elapsed, handsetOf, requireUniquePick } from "./handset-common.js";

export interface HandsetSmsParams {
  readonly destination?: DestinationParam;
  readonly to?: string;
  /** The message (a sequence tag is appended to find it at the recipient). Default "telsim". */
  readonly text?: string;
  /** Wait up to this long for delivery to the recipient's handset. */
  readonly deliver?: string;
}

declare module "../runner/scenario-types.js" {
  interface StepParamsByName {
    "handset.sms": HandsetSmsParams;
  }
}

registerStep({
  name: "handset.sms",
  summary: "an MO SMS through the SMSC (charged); RP-ACK or RP-ERROR, optionally delivery to the recipient",
  requires: ["handsets"],
  schema: {
    type: "object",
    additionalProperties: false,
    properties: {
      destination: destinationSchema,
      to: { type: "string", pattern: "^\\+?\\d{3,15}$" },
      text: { type: "string", minLength: 1, maxLength: 120 },
      deliver: { $ref: "#/$defs/duration" },
    },
  },
  metrics: [
    {
      name: "handset.sms.messages",
      kind: "counter",
      tags: ["destination", "outcome"],
      description: "MO SMS by destination and outcome (accepted, delivered, undelivered, refused, …)",
    },
    {
      name: "handset.sms.latency",
      kind: "trend",
      unit: "ms",
      tags: [],
      description: "SMS-SUBMIT to RP-ACK / RP-ERROR, from the intended start",
    },
    {
      name: "handset.sms.delivery",
      kind: "trend",
      unit: "ms",
      tags: [],
      description: "SMS-SUBMIT to the message at the recipient's handset",
    },
  ],
  compile(p, c) {
    requireUniquePick(c);
    const pick = compileDestination(p.destination, p.to, c.path);
    const deliverMs = p.deliver === undefined ? undefined : parseDuration(p.deliver);
    const text = p.text ?? "telsim";
    const messages = c.metrics.counter("handset.sms.messages");
    const latency = c.metrics.trend("handset.sms.latency").series();
    const delivery = c.metrics.trend("handset.sms.delivery").series();
    let sequence = 0;
    return async (ctx) => {
      const h = handsetOf(ctx, "handset.sms");
      ctx.last = { step: "handset.sms" };
      // An on-net recipient that should receive the message: a handset registered now, if any.
      const live =
        deliverMs !== undefined && p.to === undefined && p.destination === "on-net"
          ? ctx.ports.handsets?.registeredPeer(ctx.rng, ctx.subscriber)
          : undefined;
      const { destination, number } =
        live === undefined ? pick(ctx) : { destination: "on-net" as const, number: live.msisdn };
      const tag = `#${ctx.subscriber.index}.${++sequence}`;
      const submit: SmsSubmit = {
        rejectDuplicates: false,
        replyPath: false,
        statusReportRequest: false,
        messageReference: sequence & 0xff,
        destination: `+${number.replace(/^\+/, "")}`,
        destinationType: 0x91,
        protocolIdentifier: 0,
        dataCoding: 0,
        content: { kind: "text", text: `${text} ${tag}` },
      };
      const started = ctx.intendedAt;
      const result = await h.network.sendSms({ submit, serviceCentre: undefined });
      latency.record(elapsed(ctx));
      ctx.intendedAt = ctx.now();
      let outcome = outcomeOf(result);
      if (!result.ok && result.cause === "rejected") ctx.last.cause = result.code;
      const recipient =
        deliverMs === undefined || !result.ok ? undefined : ctx.ports.handsets?.ofNumber(number);
      if (recipient !== undefined && !isInService(recipient.device.state)) {
        // Nobody to deliver to now: the SMSC keeps the message until the handset registers.
        outcome = "stored";
      } else if (recipient !== undefined && deliverMs !== undefined) {
        const arrived = await recipient.awaitSms(tag, deliverMs);
        if (arrived) delivery.record(ctx.now() - started);
        outcome = arrived ? "delivered" : "undelivered";
        ctx.intendedAt = ctx.now();
      }
      messages.add({ destination, outcome });
      ctx.last.outcome = outcome;
    };
  },
});

function outcomeOf(result: SmsSubmitResult): string {
  if (result.ok) return "accepted";
  return result.cause === "rejected" ? "refused" : result.cause;
}
