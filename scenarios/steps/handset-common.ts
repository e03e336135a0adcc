/**
 * What the handset steps share: the handset of the flow's subscriber, the compile-time checks
 * (one flow per handset at a time; PIN-enabled SIMs where a step needs them), the attach metrics
 * (an attach happens at power-on, after a PIN, or on request) and timing from `intendedAt`.
 */
import type { AttachOutcome } from "../../handsets/device/handset.js";
import { type FlowContext, StepError } from "../runner/flow-context.js";
import type { ScenarioHandset } from "../runner/handset-port.js";
import type { MetricDecl } from "../runner/metrics/metric-catalogue.js";
import type { CounterHandle, MetricSet, TrendSeries } from "../runner/metrics/metric-set.js";
import type { SubscriberRecord } from "../runner/population.js";
import { FieldError, type FieldPath } from "../runner/scenario-error.js";
import type { CompileContext } from "../runner/step-registry.js";

export const ATTACH_METRICS: readonly MetricDecl[] = [
  {
    name: "handset.attach",
    kind: "counter",
    tags: ["result", "cause"],
    description:
      "attach attempts (AKA against the HLR/AuC): accepted, rejected (with the cause), not-attempted",
  },
  {
    name: "handset.attach.latency",
    kind: "trend",
    unit: "ms",
    tags: [],
    description: "attach request to accept or reject, from the intended start",
  },
];

export function compileRegex(text: string, path: FieldPath): RegExp {
  try {
    return new RegExp(text, "u");
  } catch (e) {
    throw new FieldError(path, `not a regular expression: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The subscribers the compiled flow can get (its groups, or everyone). */
export function flowSubscribers(c: CompileContext): readonly SubscriberRecord[] {
  const flow = c.scenario.flows.find((f) => f.name === c.flow);
  const groups = flow?.groups === undefined ? undefined : new Set(flow.groups);
  return c.population.subscribers.filter((s) => groups === undefined || groups.has(s.group));
}

/**
 * A handset is one device: two flow instances driving it at once would interleave PIN entry or
 * USSD dialogues. Handset steps need `pick: unique` (one running flow per subscriber).
 */
export function requireUniquePick(c: CompileContext): void {
  const flow = c.scenario.flows.find((f) => f.name === c.flow);
  const pick = flow?.pick ?? c.scenario.population.pick ?? "sequential";
  if (pick !== "unique") {
    throw new FieldError(
      c.path,
      `handset steps need pick: unique (one running flow per handset), flow "${c.flow}" picks ${pick}`,
    );
  }
}

/** PIN and PUK steps make sense only on cards whose PIN1 is enabled. */
export function requirePinEnabled(c: CompileContext, step: string): void {
  const off = flowSubscribers(c).find((s) => !s.sim.pinEnabled);
  if (off !== undefined) {
    throw new FieldError(
      c.path,
      `${step} needs SIMs with PIN1 enabled: set sim: { pin: enabled } on group "${off.group}"`,
    );
  }
}

export function handsetOf(ctx: FlowContext, step: string): ScenarioHandset {
  const port = ctx.ports.handsets;
  if (port === undefined) throw new StepError(`${step}: no handsets in this run`);
  return port.of(ctx.subscriber);
}

/** Milliseconds since the intended start (real clock: handset steps never run on the virtual one). */
export function elapsed(ctx: FlowContext): number {
  return ctx.now() - ctx.intendedAt;
}

/** Outcome words of an attach, for `check: { outcome }`. */
export function attachOutcomeWord(o: AttachOutcome): string {
  switch (o.kind) {
    case "registered":
      return "registered";
    case "rejected":
      return "rejected";
    case "not-attempted":
      return o.why;
  }
}

export class AttachMeter {
  private readonly attempts: CounterHandle;
  private readonly latency: TrendSeries;

  constructor(metrics: MetricSet) {
    this.attempts = metrics.counter("handset.attach");
    this.latency = metrics.trend("handset.attach.latency").series();
  }

  /** Runs an attach, records it and leaves outcome (and cause) in `ctx.last`. */
  async run(ctx: FlowContext, attach: () => Promise<AttachOutcome>): Promise<AttachOutcome> {
    const outcome = await attach();
    if (outcome.kind === "registered") {
      this.latency.record(elapsed(ctx));
      this.attempts.add({ result: "accepted" });
    } else if (outcome.kind === "rejected") {
      this.latency.record(elapsed(ctx));
      this.attempts.add({ result: "rejected", cause: outcome.cause });
      ctx.last.cause = outcome.cause;
      ctx.event("attach-rejected", {
        msisdn: ctx.subscriber.msisdn,
        cause: outcome.cause,
        reason: outcome.reason,
      });
    } else if (outcome.why !== "sim-not-ready") {
      this.attempts.add({ result: "not-attempted" });
    }
    ctx.intendedAt = ctx.now();
    ctx.last.outcome = attachOutcomeWord(outcome);
    return outcome;
  }
}
