/**
 * `gy.data`: a data session over Gy (RFC 4006 §5, TS 32.299 §5.2.2): CCR-I asks for quota, the
 * volume is used grant by grant (paced at `rate`, or at the QoS maximum bandwidth of a throttled
 * grant, in scenario time), each used grant reported in a CCR-U asking for more, and the CCR-T
 * reports the last part. Ends early when a grant carries Final-Unit-Indication, an update is
 * refused (4012), the OCS aborts the session (ASR), or the run stops.
 *
 *   - gy.data: { volume: 50MB, rate: 8Mbps }      # paced by the grant
 *   - gy.data: { volume: 20MB, chunks: 4 }        # four usage reports, no pacing
 */
import { SERVICE_CONTEXT } from "../../core/diameter/gy/gy-enums.js";
import type { MsccRequest, ReportingReason } from "../../core/diameter/gy/gy-types.js";
import { StepError } from "../runner/flow-context.js";
import { registerStep } from "../runner/step-registry.js";
import { parseBitrate, parseVolume } from "../runner/units.js";
import { answerOf, GY_METRICS, GyMeter, grantOf, isSuccess } from "./gy-common.js";

export interface GyDataParams {
  /** Total volume to use: "50MB", or octets. */
  readonly volume: string | number;
  /** Consumption speed ("8Mbps"); without it the volume is used at once (unless throttled). */
  readonly rate?: string;
  /** Report usage in this many parts, without pacing. */
  readonly chunks?: number;
  /** Requested-Service-Unit per request ("10MB"); default empty (the OCS decides). */
  readonly request?: string | number;
  readonly ratingGroup?: number;
}

declare module "../runner/scenario-types.js" {
  interface StepParamsByName {
    "gy.data": GyDataParams;
  }
}

/** Bound on requests in one session (a zero-grant loop ends as an error, not a hang). */
const MAX_REQUESTS = 1_000_000;

registerStep({
  name: "gy.data",
  summary: "a data session: CCR-I, CCR-U per used grant (paced at rate or the throttled bandwidth), CCR-T",
  requires: ["gy"],
  schema: {
    type: "object",
    additionalProperties: false,
    required: ["volume"],
    properties: {
      volume: { $ref: "#/$defs/volume" },
      rate: { $ref: "#/$defs/bitrate" },
      chunks: { type: "integer", minimum: 1, maximum: 100_000 },
      request: { $ref: "#/$defs/volume" },
      ratingGroup: { type: "integer", minimum: 0 },
    },
  },
  metrics: [
    ...GY_METRICS,
    {
      name: "gy.data.sessions",
      kind: "counter",
      tags: ["outcome"],
      description: "data sessions: completed, refused, cut, interrupted",
    },
    { name: "gy.data.octets", kind: "counter", tags: ["throttled"], description: "octets reported used" },
    { name: "gy.data.grants", kind: "counter", tags: ["throttled"], description: "data grants received" },
    {
      name: "gy.data.bandwidth",
      kind: "trend",
      unit: "kbps",
      tags: [],
      description: "QoS max bandwidth (DL) of throttled grants, kbit/s",
    },
  ],
  compile(p, c) {
    const volume = parseVolume(p.volume);
    const rateBps = p.rate === undefined ? undefined : parseBitrate(p.rate);
    const chunk = p.chunks === undefined ? undefined : Math.ceil(volume / p.chunks);
    const requested = p.request === undefined ? {} : { totalOctets: parseVolume(p.request) };
    const rg = p.ratingGroup ?? 1;
    const meter = new GyMeter(c.metrics, "data");
    const sessions = c.metrics.counter("gy.data.sessions");
    const octets = c.metrics.counter("gy.data.octets");
    const grants = c.metrics.counter("gy.data.grants");
    const bandwidth = c.metrics.trend("gy.data.bandwidth");
    const mscc = (used: number | undefined, ask: boolean, reason: ReportingReason): MsccRequest[] => [
      {
        ratingGroup: rg,
        ...(ask ? { requested } : {}),
        ...(used !== undefined ? { used: [{ totalOctets: used, reportingReason: reason }] } : {}),
      },
    ];

    return async (ctx) => {
      const gy = ctx.ports.gy;
      if (gy === undefined) throw new StepError("gy.data: no Gy port");
      ctx.last = { step: "gy.data" };
      const session = gy.session(ctx.subscriber, { serviceContextId: SERVICE_CONTEXT.ps });
      const first = answerOf(
        await meter.exchange(ctx, "initial", () => session.initial(mscc(undefined, true, "QUOTA_EXHAUSTED"))),
        "CCR-I",
      );
      let grant = grantOf(first, rg, "octets");
      if (!isSuccess(grant.code)) {
        sessions.add({ outcome: "refused" });
        ctx.last.outcome = "refused";
        return;
      }
      let remaining = volume;
      let outcome = "completed";
      for (let n = 0; ; n++) {
        if (n >= MAX_REQUESTS)
          throw new StepError(`gy.data: more than ${MAX_REQUESTS} requests in one session`);
        const throttled = grant.bandwidthKbps !== undefined;
        grants.add({ throttled });
        ctx.last.throttled = throttled;
        ctx.last.granted = grant.units;
        if (grant.bandwidthKbps !== undefined) {
          ctx.last.bandwidthKbps = grant.bandwidthKbps;
          bandwidth.record(grant.bandwidthKbps);
          ctx.metrics.fact(`throttle-kbps:${ctx.subscriber.msisdn}`, grant.bandwidthKbps);
        } else delete ctx.last.bandwidthKbps;
        const want = Math.min(grant.units, remaining, chunk ?? Number.POSITIVE_INFINITY);
        const bps = Math.min(
          rateBps ?? Number.POSITIVE_INFINITY,
          grant.bandwidthKbps === undefined ? Number.POSITIVE_INFINITY : grant.bandwidthKbps * 1000,
        );
        let used = want;
        let reason: "QUOTA_EXHAUSTED" | "VALIDITY_TIME" = "QUOTA_EXHAUSTED";
        if (Number.isFinite(bps) && want > 0) {
          const start = ctx.intendedAt;
          let span = ((want * 8) / bps) * 1000;
          // RFC 4006 §8.33: when Validity-Time runs out before the grant is used, report then.
          if (grant.validityS !== undefined && grant.validityS > 0 && span > grant.validityS * 1000) {
            used = Math.floor((want * grant.validityS * 1000) / span);
            span = grant.validityS * 1000;
            reason = "VALIDITY_TIME";
          }
          const end = start + span;
          await ctx.sleepUntil(end);
          if (ctx.stopping) {
            // Stopped mid-grant: report what was used by now.
            const elapsed = Math.max(0, Math.min(1, (ctx.now() - start) / span));
            used = Math.floor(used * elapsed);
            // The stop is why the CCR-T goes now: its latency counts from here.
            ctx.intendedAt = ctx.now();
          } else ctx.intendedAt = end;
        }
        remaining -= used;
        octets.add({ throttled }, used);
        const last =
          remaining <= 0 || grant.final || grant.units === 0 || ctx.stopping || session.abortRequested;
        if (last) {
          if (remaining > 0) outcome = ctx.stopping ? "interrupted" : "cut";
          answerOf(
            await meter.exchange(ctx, "termination", () => session.terminate(mscc(used, false, "FINAL"))),
            "CCR-T",
          );
          break;
        }
        const next = answerOf(
          await meter.exchange(ctx, "update", () => session.update(mscc(used, true, reason))),
          "CCR-U",
        );
        grant = grantOf(next, rg, "octets");
        if (!isSuccess(grant.code)) {
          // RFC 4006 §5.6: the rating group is refused; the session still ends with a CCR-T.
          outcome = "cut";
          answerOf(
            await meter.exchange(ctx, "termination", () =>
              session.terminate(mscc(undefined, false, "FINAL")),
            ),
            "CCR-T",
          );
          ctx.last.resultCode = grant.code;
          break;
        }
      }
      sessions.add({ outcome });
      ctx.last.outcome = outcome;
    };
  },
});
