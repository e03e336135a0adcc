/**
 * `gy.call`: a voice call charged over Gy (IMS/MSC charging, TS 32.299): a called number picked
 * for the destination class (on-net: another subscriber of the core outside the caller's CUG;
 * off-net: a 375 25 number; international; one of the caller's favorites; a CUG member), CCR-I
 * for time, the call held for a duration drawn from the distribution, CCR-U per used grant, CCR-T.
 * A 4011 answer (favorite or CUG calls that are free on the plan) means the call goes ahead
 * without credit control.
 *
 *   - gy.call: { destination: { on-net: 3, off-net: 1 }, duration: { exponential: 90s } }
 */
import { SERVICE_CONTEXT } from "../../core/diameter/gy/gy-enums.js";
import type { MsccRequest } from "../../core/diameter/gy/gy-types.js";
import { compileDistribution } from "../runner/distribution.js";
import { StepError } from "../runner/flow-context.js";
import type { DistributionSpec, DurationText } from "../runner/scenario-types.js";
import { registerStep } from "../runner/step-registry.js";
import { parseDuration } from "../runner/units.js";
import {
  answerOf,
  compileDestination,
  type DestinationParam,
  destinationSchema,
  GY_METRICS,
  GyMeter,
  grantOf,
  isSuccess,
  RESULT_NOT_APPLICABLE,
} from "./gy-common.js";

export interface GyCallParams {
  /** A class, or classes with weights; default on-net. */
  readonly destination?: DestinationParam;
  /** A fixed called number (the class is then only a label). */
  readonly to?: string;
  readonly duration: DistributionSpec;
  /** Requested-Service-Unit time per request; default empty (the OCS decides). */
  readonly request?: DurationText;
  readonly ratingGroup?: number;
}

declare module "../runner/scenario-types.js" {
  interface StepParamsByName {
    "gy.call": GyCallParams;
  }
}

const MAX_REQUESTS = 100_000;

registerStep({
  name: "gy.call",
  summary: "a voice call to a destination class: CCR-I, CCR-U per used grant, CCR-T after the drawn duration",
  requires: ["gy"],
  schema: {
    type: "object",
    additionalProperties: false,
    required: ["duration"],
    properties: {
      destination: destinationSchema,
      to: { type: "string", pattern: "^\\+?\\d{3,15}$" },
      duration: { $ref: "#/$defs/distribution" },
      request: { $ref: "#/$defs/duration" },
      ratingGroup: { type: "integer", minimum: 0 },
    },
  },
  metrics: [
    ...GY_METRICS,
    {
      name: "gy.call.calls",
      kind: "counter",
      tags: ["destination", "outcome"],
      description: "calls: completed, free (4011, not credit-controlled), refused, cut, interrupted",
    },
    {
      name: "gy.call.seconds",
      kind: "counter",
      tags: ["destination"],
      description: "call seconds reported used",
    },
  ],
  compile(p, c) {
    const pick = compileDestination(p.destination, p.to, c.path);
    const duration = compileDistribution(p.duration, [...c.path, "duration"]);
    const requested =
      p.request === undefined ? {} : { time: Math.max(1, Math.round(parseDuration(p.request) / 1000)) };
    const rg = p.ratingGroup ?? 2;
    const meter = new GyMeter(c.metrics, "voice");
    const calls = c.metrics.counter("gy.call.calls");
    const seconds = c.metrics.counter("gy.call.seconds");
    const mscc = (used: number | undefined, ask: boolean, final: boolean): MsccRequest[] => [
      {
        ratingGroup: rg,
        ...(ask ? { requested } : {}),
        ...(used !== undefined
          ? { used: [{ time: used, reportingReason: final ? "FINAL" : "QUOTA_EXHAUSTED" }] }
          : {}),
      },
    ];

    return async (ctx) => {
      const gy = ctx.ports.gy;
      if (gy === undefined) throw new StepError("gy.call: no Gy port");
      ctx.last = { step: "gy.call" };
      const { destination, number } = pick(ctx);
      const total = Math.max(1, Math.round(duration(ctx.rng) / 1000));
      const session = gy.session(ctx.subscriber, {
        serviceContextId: SERVICE_CONTEXT.ims,
        calledParty: number,
      });
      const first = answerOf(
        await meter.exchange(ctx, "initial", () => session.initial(mscc(undefined, true, false))),
        "CCR-I",
      );
      let grant = grantOf(first, rg, "seconds");
      if (grant.code === RESULT_NOT_APPLICABLE) {
        // Not credit-controlled (RFC 4006 §9: 4011): the call simply lasts its duration.
        await ctx.sleepUntil(ctx.intendedAt + total * 1000);
        calls.add({ destination, outcome: "free" });
        ctx.last.outcome = "free";
        return;
      }
      if (!isSuccess(grant.code)) {
        calls.add({ destination, outcome: "refused" });
        ctx.last.outcome = "refused";
        return;
      }
      let remaining = total;
      let outcome = "completed";
      for (let n = 0; ; n++) {
        if (n >= MAX_REQUESTS) throw new StepError(`gy.call: more than ${MAX_REQUESTS} requests in one call`);
        ctx.last.granted = grant.units;
        const want = Math.min(grant.units, remaining);
        const start = ctx.intendedAt;
        await ctx.sleepUntil(start + want * 1000);
        let used = want;
        if (ctx.stopping) {
          // Hung up by the stop: the seconds talked so far, and the CCR-T is due now.
          used = Math.max(0, Math.min(want, Math.floor((ctx.now() - start) / 1000)));
          ctx.intendedAt = ctx.now();
        } else ctx.intendedAt = start + want * 1000;
        remaining -= used;
        seconds.add({ destination }, used);
        if (remaining <= 0 || grant.final || grant.units === 0 || ctx.stopping || session.abortRequested) {
          if (remaining > 0) outcome = ctx.stopping ? "interrupted" : "cut";
          answerOf(
            await meter.exchange(ctx, "termination", () => session.terminate(mscc(used, false, true))),
            "CCR-T",
          );
          break;
        }
        const next = answerOf(
          await meter.exchange(ctx, "update", () => session.update(mscc(used, true, false))),
          "CCR-U",
        );
        grant = grantOf(next, rg, "seconds");
        if (!isSuccess(grant.code)) {
          outcome = "cut";
          answerOf(
            await meter.exchange(ctx, "termination", () => session.terminate(mscc(undefined, false, true))),
            "CCR-T",
          );
          ctx.last.resultCode = grant.code;
          break;
        }
      }
      calls.add({ destination, outcome });
      ctx.last.outcome = outcome;
    };
  },
});
