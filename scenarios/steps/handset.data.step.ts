/**
 * `handset.data`: a data session from the handset through the core's PGW, which charges it over
 * Gy (CCR-I at data-start, CCR-U when a grant is used, CCR-T at data-stop; core/network/pgw.ts).
 * The handset uses `volume` grant by grant, paced at `rate` or at the QoS rate of a throttled
 * grant (Business Unlim after its quota), reports each used grant and stops when done.
 *
 *   - handset.data: { volume: 5MB, rate: 16Mbps }
 *   - check: { outcome: [completed, throttled] }
 *
 * Outcomes: completed (all of it at full speed), throttled (all of it, some at the plan's reduced
 * speed), redirected (the final units under REDIRECT / RESTRICT_ACCESS were used: only the top-up
 * site is reachable, the handset stops), cut (the core ended the session: final units used under
 * TERMINATE, credit exhausted, aborted), refused (no session: out of credit, blocked), no-service,
 * timeout, interrupted. `check: { throttled, bandwidth, result }` see the last grant's QoS rate and
 * the Result-Code behind an end.
 */
import type { DataGrant } from "../../core/network/link/link-messages.js";
import type { DataAnswer } from "../runner/handset-port.js";
import { registerStep } from "../runner/step-registry.js";
import { parseBitrate, parseVolume } from "../runner/units.js";
import { elapsed, handsetOf, requireUniquePick } from "./handset-common.js";

export interface HandsetDataParams {
  /** Total volume to use: "50MB", or octets. */
  readonly volume: string | number;
  /** Consumption speed ("8Mbps"); without it each grant is used at once (unless throttled). */
  readonly rate?: string;
  /** Default "internet". */
  readonly apn?: string;
}

declare module "../runner/scenario-types.js" {
  interface StepParamsByName {
    "handset.data": HandsetDataParams;
  }
}

const MAX_REPORTS = 100_000;

/** The outcome when the core ended the session (data-ended reason). */
function endedOutcome(answer: Exclude<DataAnswer, { kind: "grant" }>, started: boolean): string {
  if (answer.kind === "timeout") return "timeout";
  if (answer.kind === "refused") return answer.cause === "no-service" ? "no-service" : "refused";
  return started ? "cut" : "refused";
}

registerStep({
  name: "handset.data",
  summary: "a data session through the PGW (charged over Gy): volume used grant by grant at a rate",
  requires: ["handsets"],
  schema: {
    type: "object",
    additionalProperties: false,
    required: ["volume"],
    properties: {
      volume: { $ref: "#/$defs/volume" },
      rate: { $ref: "#/$defs/bitrate" },
      apn: { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9.-]{0,62}$" },
    },
  },
  metrics: [
    {
      name: "handset.data.sessions",
      kind: "counter",
      tags: ["outcome"],
      description: "data sessions by outcome (completed, throttled, redirected, cut, refused, …)",
    },
    {
      name: "handset.data.octets",
      kind: "counter",
      tags: ["throttled"],
      description: "octets used, at full speed (throttled=false) or throttled (true)",
    },
    {
      name: "handset.data.latency",
      kind: "trend",
      unit: "ms",
      tags: [],
      description: "data-start, usage report or data-stop to the core's answer, from the intended start",
    },
  ],
  compile(p, c) {
    requireUniquePick(c);
    const volume = parseVolume(p.volume);
    const rateBps = p.rate === undefined ? undefined : parseBitrate(p.rate);
    const apn = p.apn ?? "internet";
    const sessions = c.metrics.counter("handset.data.sessions");
    const octets = c.metrics.counter("handset.data.octets");
    const latency = c.metrics.trend("handset.data.latency").series();
    return async (ctx) => {
      const data = handsetOf(ctx, "handset.data").data;
      ctx.last = { step: "handset.data" };
      const exchange = async (call: () => Promise<DataAnswer>): Promise<DataAnswer> => {
        const answer = await call();
        latency.record(elapsed(ctx));
        ctx.intendedAt = ctx.now();
        if (answer.kind === "ended" && answer.ended.resultCode !== 0)
          ctx.last.resultCode = answer.ended.resultCode;
        return answer;
      };
      const first = await exchange(() => data.start(apn));
      if (first.kind !== "grant") {
        const outcome = endedOutcome(first, false);
        sessions.add({ outcome });
        ctx.last.outcome = outcome;
        return;
      }
      const id = first.grant.sessionId;
      let grant: DataGrant = first.grant;
      let remaining = volume;
      let throttled = false;
      let outcome = "completed";
      for (let n = 0; ; n++) {
        const pushed = data.pushed(id);
        if (pushed?.kind === "grant") grant = pushed.grant;
        else if (pushed !== undefined) {
          outcome = endedOutcome(pushed, true);
          break;
        }
        ctx.last.granted = grant.octets;
        ctx.last.throttled = grant.throttleKbps > 0;
        if (grant.throttleKbps > 0) {
          throttled = true;
          ctx.last.bandwidthKbps = grant.throttleKbps;
        }
        if (grant.restricted || grant.octets <= 0 || n >= MAX_REPORTS) {
          // Only the top-up site is reachable (or nothing is granted): the user gives up.
          await exchange(() => data.stop(id, 0));
          outcome = grant.restricted ? "redirected" : "cut";
          break;
        }
        const chunk = Math.min(remaining, grant.octets);
        const bps = Math.min(
          rateBps ?? Infinity,
          grant.throttleKbps > 0 ? grant.throttleKbps * 1000 : Infinity,
        );
        const start = ctx.intendedAt;
        let used = chunk;
        if (Number.isFinite(bps)) {
          const due = start + (chunk * 8 * 1000) / bps;
          await ctx.sleepUntil(due);
          if (ctx.stopping) used = Math.min(chunk, Math.floor(((ctx.now() - start) * bps) / 8000));
          else ctx.intendedAt = due;
        }
        octets.add({ throttled: String(grant.throttleKbps > 0) }, used);
        remaining -= used;
        if (ctx.stopping || remaining <= 0) {
          const end = await exchange(() => data.stop(id, used));
          if (ctx.stopping && remaining > 0) outcome = "interrupted";
          else if (end.kind === "refused" || end.kind === "timeout") outcome = endedOutcome(end, true);
          else outcome = throttled ? "throttled" : "completed";
          break;
        }
        const next = await exchange(() => data.usage(id, used));
        if (next.kind !== "grant") {
          outcome = endedOutcome(next, true);
          break;
        }
        grant = next.grant;
      }
      sessions.add({ outcome });
      ctx.last.outcome = outcome;
    };
  },
});
