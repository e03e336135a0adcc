/**
 * What the Gy steps share: the Gy metrics, the timing of one CCR/CCA exchange (response time from
 * the flow's intended start, service time from the actual send), reading a grant out of a CCA, and
 * picking a called number for a destination class.
 */
import type { CreditControlAnswer, MsccAnswer } from "../../core/diameter/gy/gy-types.js";
import { ResultCode } from "../../core/diameter/result-codes.js";
import type { FlowContext } from "../runner/flow-context.js";
import { StepError } from "../runner/flow-context.js";
import type { MetricDecl } from "../runner/metrics/metric-catalogue.js";
import type { CounterSeries, MetricSet, TrendSeries } from "../runner/metrics/metric-set.js";
import type { CcOutcome, SubscriberRef } from "../runner/ports.js";
import { FieldError, type FieldPath } from "../runner/scenario-error.js";
import { uniform01 } from "../runner/distribution.js";

export const GY_METRICS: readonly MetricDecl[] = [
  { name: "gy.ccr", kind: "counter", tags: ["type", "service"], description: "CCRs sent" },
  {
    name: "gy.cca",
    kind: "counter",
    tags: ["type", "service", "result"],
    description:
      "CCAs by Result-Code (the MSCC's when present); result=no-answer for Tx expiry or a lost connection",
  },
  {
    name: "gy.ccr.latency",
    kind: "trend",
    unit: "ms",
    tags: ["type", "service"],
    description: "response time: CCA received − intended start of the request",
  },
  {
    name: "gy.ccr.service",
    kind: "trend",
    unit: "ms",
    tags: ["type", "service"],
    description: "service time: CCA received − CCR actually sent",
  },
];

export type CcType = "initial" | "update" | "termination" | "event";
export type GyService = "data" | "voice" | "sms";

interface TypeSeries {
  readonly ccr: CounterSeries;
  readonly latency: TrendSeries;
  readonly service: TrendSeries;
  readonly cca: Map<string, CounterSeries>;
}

/** The Result-Code that tells what happened: the command's when it failed, else the MSCC's. */
export function effectiveResult(a: CreditControlAnswer): number {
  if (a.resultCode < 2000 || a.resultCode >= 3000) return a.resultCode;
  return a.mscc[0]?.resultCode ?? a.resultCode;
}

export function isSuccess(code: number | undefined): boolean {
  return code !== undefined && code >= 2000 && code < 3000;
}

/** Times and counts exchanges of one service; series resolved once per step. */
export class GyMeter {
  private readonly byType = new Map<CcType, TypeSeries>();

  constructor(
    private readonly metrics: MetricSet,
    private readonly service: GyService,
  ) {}

  private series(type: CcType): TypeSeries {
    let s = this.byType.get(type);
    if (s === undefined) {
      const tags = { type, service: this.service };
      s = {
        ccr: this.metrics.counter("gy.ccr").series(tags),
        latency: this.metrics.trend("gy.ccr.latency").series(tags),
        service: this.metrics.trend("gy.ccr.service").series(tags),
        cca: new Map(),
      };
      this.byType.set(type, s);
    }
    return s;
  }

  /** Sends through `send`, records, moves the flow's intended time to now, and returns the outcome. */
  async exchange(ctx: FlowContext, type: CcType, send: () => Promise<CcOutcome>): Promise<CcOutcome> {
    const s = this.series(type);
    const intended = ctx.intendedAt;
    const sent = ctx.realNow();
    s.ccr.add();
    let outcome: CcOutcome;
    try {
      outcome = await send();
    } catch (e) {
      outcome = { kind: "failed", action: "terminate", reason: e instanceof Error ? e.message : String(e) };
    }
    const serviceMs = ctx.realNow() - sent;
    // On the virtual clock the exchange takes no scenario time; its real duration is what there is.
    s.latency.record(ctx.virtual ? serviceMs : ctx.now() - intended);
    s.service.record(serviceMs);
    const result = outcome.kind === "answer" ? String(effectiveResult(outcome.answer)) : "no-answer";
    let cca = s.cca.get(result);
    if (cca === undefined) {
      cca = this.metrics.counter("gy.cca").series({ type, service: this.service, result });
      s.cca.set(result, cca);
    }
    cca.add();
    ctx.intendedAt = ctx.now();
    if (outcome.kind === "answer") ctx.last.resultCode = effectiveResult(outcome.answer);
    else delete ctx.last.resultCode;
    return outcome;
  }
}

/** The answer, or a StepError naming the request that got none. */
export function answerOf(outcome: CcOutcome, what: string): CreditControlAnswer {
  if (outcome.kind === "answer") return outcome.answer;
  throw new StepError(`${what}: no answer (${outcome.reason})`);
}

export interface Grant {
  readonly code: number;
  /** Units granted (octets, seconds, messages); 0 when none. */
  readonly units: number;
  /** The OCS will grant no more after this (Final-Unit-Indication). */
  readonly final: boolean;
  /** QoS maximum bandwidth DL, kbit/s, when the grant is throttled. */
  readonly bandwidthKbps: number | undefined;
  /** Validity-Time, seconds: usage must be reported by then (RFC 4006 §8.33). */
  readonly validityS: number | undefined;
}

export function grantOf(answer: CreditControlAnswer, ratingGroup: number, unit: "octets" | "seconds"): Grant {
  const m: MsccAnswer | undefined = answer.mscc.find((x) => x.ratingGroup === ratingGroup) ?? answer.mscc[0];
  const code = isSuccess(answer.resultCode) ? (m?.resultCode ?? answer.resultCode) : answer.resultCode;
  const g = m?.granted;
  const units =
    g === undefined
      ? 0
      : unit === "octets"
        ? (g.totalOctets ?? (g.inputOctets ?? 0) + (g.outputOctets ?? 0))
        : (g.time ?? 0);
  const bw = m?.maxBandwidthDl;
  return {
    code,
    units,
    final: m?.finalUnitIndication !== undefined,
    bandwidthKbps: bw === undefined ? undefined : bw / 1000,
    validityS: m?.validityTime ?? answer.validityTime,
  };
}

export const RESULT_NOT_APPLICABLE = ResultCode.CREDIT_CONTROL_NOT_APPLICABLE;

// ---- Called numbers -----------------------------------------------------------------------------

export const DESTINATIONS = ["on-net", "off-net", "international", "favorite", "cug"] as const;
export type Destination = (typeof DESTINATIONS)[number];
export type DestinationParam = Destination | Readonly<Partial<Record<Destination, number>>>;

export const destinationSchema = {
  anyOf: [
    { enum: DESTINATIONS },
    {
      type: "object",
      additionalProperties: false,
      minProperties: 1,
      properties: Object.fromEntries(DESTINATIONS.map((d) => [d, { type: "number", minimum: 0 }])),
    },
  ],
} as const;

export type DestinationPicker = (ctx: FlowContext) => {
  readonly destination: Destination;
  readonly number: string;
};

function digits(ctx: FlowContext, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += String(ctx.rng.nextInt(10));
  return s;
}

/** A number the core classifies as `d` for this caller; StepError when the population has none. */
export function calledNumber(ctx: FlowContext, d: Destination): string {
  const sub: SubscriberRef = ctx.subscriber;
  switch (d) {
    case "on-net": {
      const peer = ctx.population.onNetPeer(ctx.rng, sub);
      if (peer === undefined)
        throw new StepError(
          "no on-net peer: the population needs another subscriber outside the caller's CUG",
        );
      return peer.msisdn;
    }
    case "off-net":
      // life:) numbers (375 25): Belarusian, never in a generated population (37529…) or favorites (37533…).
      return `37525${digits(ctx, 7)}`;
    case "international":
      return `4930${digits(ctx, 8)}`;
    case "favorite": {
      if (sub.favorites.length === 0)
        throw new StepError(`${sub.msisdn} has no favorite numbers (population favorites)`);
      return sub.favorites[ctx.rng.nextInt(sub.favorites.length)] as string;
    }
    case "cug": {
      const peer = ctx.population.cugPeer(ctx.rng, sub);
      if (peer === undefined)
        throw new StepError(`${sub.msisdn} has no other member in its closed user group`);
      return peer.msisdn;
    }
  }
}

export function compileDestination(
  param: DestinationParam | undefined,
  to: string | undefined,
  path: FieldPath,
): DestinationPicker {
  if (to !== undefined) {
    const destination: Destination = typeof param === "string" ? param : "off-net";
    return () => ({ destination, number: to });
  }
  if (param === undefined || typeof param === "string") {
    const destination = param ?? "on-net";
    return (ctx) => ({ destination, number: calledNumber(ctx, destination) });
  }
  const entries = Object.entries(param) as [Destination, number][];
  const total = entries.reduce((s, [, w]) => s + w, 0);
  if (total <= 0) throw new FieldError([...path, "destination"], "the weights must not all be 0");
  return (ctx) => {
    let r = uniform01(ctx.rng) * total;
    let destination = entries[entries.length - 1]?.[0] ?? "on-net";
    for (const [d, w] of entries) {
      r -= w;
      if (r < 0) {
        destination = d;
        break;
      }
    }
    return { destination, number: calledNumber(ctx, destination) };
  };
}
