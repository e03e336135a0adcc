/**
 * `gy.sms`: an SMS charged as an immediate event (RFC 4006 §6.3, IEC): one CCR-EVENT with
 * DIRECT_DEBITING for one message to a number of the destination class, the recipient in
 * SMS-Information (TS 32.299 §7.2.205). This is the charging side only; an SMS through the SMSC
 * (delivery, receipts) is a handset-level step.
 *
 *   - gy.sms: { destination: off-net }
 */
import { SERVICE_CONTEXT } from "../../core/diameter/gy/gy-enums.js";
import { StepError } from "../runner/flow-context.js";
import type { CounterSeries } from "../runner/metrics/metric-set.js";
import { registerStep } from "../runner/step-registry.js";
import {
  answerOf,
  compileDestination,
  type DestinationParam,
  destinationSchema,
  effectiveResult,
  GY_METRICS,
  GyMeter,
  isSuccess,
} from "./gy-common.js";

export interface GySmsParams {
  readonly destination?: DestinationParam;
  readonly to?: string;
  readonly ratingGroup?: number;
}

declare module "../runner/scenario-types.js" {
  interface StepParamsByName {
    "gy.sms": GySmsParams;
  }
}

registerStep({
  name: "gy.sms",
  summary: "an SMS charged as an immediate event (CCR-EVENT, DIRECT_DEBITING, one message)",
  requires: ["gy"],
  schema: {
    type: "object",
    additionalProperties: false,
    properties: {
      destination: destinationSchema,
      to: { type: "string", pattern: "^\\+?\\d{3,15}$" },
      ratingGroup: { type: "integer", minimum: 0 },
    },
  },
  metrics: [
    ...GY_METRICS,
    {
      name: "gy.sms.messages",
      kind: "counter",
      tags: ["destination", "result"],
      description: "SMS events by destination class and Result-Code",
    },
  ],
  compile(p, c) {
    const pick = compileDestination(p.destination, p.to, c.path);
    const rg = p.ratingGroup ?? 3;
    const meter = new GyMeter(c.metrics, "sms");
    const messages = c.metrics.counter("gy.sms.messages");
    const byKey = new Map<string, CounterSeries>();
    const mscc = [{ ratingGroup: rg, requested: { serviceSpecificUnits: 1 } }];
    return async (ctx) => {
      const gy = ctx.ports.gy;
      if (gy === undefined) throw new StepError("gy.sms: no Gy port");
      ctx.last = { step: "gy.sms" };
      const { destination, number } = pick(ctx);
      const outcome = await meter.exchange(ctx, "event", () =>
        gy.event(ctx.subscriber, {
          serviceContextId: SERVICE_CONTEXT.sms,
          requestedAction: "DIRECT_DEBITING",
          mscc,
          sms: { recipient: number, messageType: "SUBMISSION" },
        }),
      );
      const code = effectiveResult(answerOf(outcome, "CCR-EVENT"));
      const key = `${destination}|${code}`;
      let series = byKey.get(key);
      if (series === undefined) {
        series = messages.series({ destination, result: code });
        byKey.set(key, series);
      }
      series.add();
      ctx.last.outcome = isSuccess(code) ? "completed" : "refused";
    };
  },
});
