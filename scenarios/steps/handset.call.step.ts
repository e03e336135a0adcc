/**
 * `handset.call`: a voice call from the handset through the core's MSC, which charges it over Gy
 * (CCR-I before routing, CCR-U per grant, CCR-T at release; core/network/voice-charging.ts). The
 * called number comes from a destination class: on-net (a handset registered now, which rings and
 * is answered by its user after a moment; busy when it is in a call itself), off-net or
 * international (other networks: the MSC's sinks answer after 2 s), favorite, cug; or `to`. The
 * caller talks for a duration drawn from the distribution and hangs up.
 *
 *   - handset.call: { destination: { on-net: 2, off-net: 1 }, duration: { uniform: [1s, 3s] } }
 *   - check: { outcome: answered }
 *
 * Outcomes: answered (connected, ended by a hang-up), busy, no-answer (not answered within
 * `answer`, or the network's no-answer timer), unreachable (the called handset is not registered),
 * rejected (barred, refused by the OCS — cause 31 when out of credit — or unallocated),
 * released-by-network (connected, then released by the core: credit exhausted, an ASR),
 * no-service, timeout, interrupted. `check: { cause }` sees the Q.850 cause of a release.
 * The caller's charge (kopecks, from the account before and after) goes to `handset.call.charge`.
 */
import { normaliseNumber } from "../../core/charging/destination.js";
import type { CallReleaseReason } from "../../core/network/link/link-messages.js";
import type { NetworkEvent } from "../../handsets/network/handset-network.js";
import { compileDistribution } from "../runner/distribution.js";
import type { FlowContext } from "../runner/flow-context.js";
import type { ScenarioHandset } from "../runner/handset-port.js";
import type { DistributionSpec } from "../runner/scenario-types.js";
import { registerStep } from "../runner/step-registry.js";
import { parseDuration } from "../runner/units.js";
import { compileDestination, type DestinationParam, destinationSchema } from "./gy-common.js";
import { elapsed, handsetOf, requireUniquePick } from "./handset-common.js";

export interface HandsetCallParams {
  /** A class, or classes with weights; default on-net. */
  readonly destination?: DestinationParam;
  readonly to?: string;
  /** How long the caller talks once connected. */
  readonly duration: DistributionSpec;
  /** How long the caller lets it ring before hanging up (default 30s). */
  readonly answer?: string;
}

declare module "../runner/scenario-types.js" {
  interface StepParamsByName {
    "handset.call": HandsetCallParams;
  }
}

/** How long to wait for the caller's reservations to settle before reading the charge. */
const SETTLE_MS = 2_000;

/** The outcome of a release before or during the call (TS 24.008 §10.5.4.11 reasons). */
function releaseOutcome(reason: CallReleaseReason | undefined, connected: boolean): string {
  if (reason === undefined || reason === "normal") return connected ? "answered" : "rejected";
  if (connected) return "released-by-network";
  switch (reason) {
    case "busy":
      return "busy";
    case "no-answer":
      return "no-answer";
    case "not-reachable":
      return "unreachable";
    case "no-service":
      return "no-service";
    case "network-failure":
      return "released-by-network";
    default:
      return "rejected";
  }
}

/** Resolves with the first call-connected or call-ended event of the handset (and a remover). */
function callEvents(h: ScenarioHandset): {
  connected: Promise<void>;
  ended: Promise<NetworkEvent>;
  stop: () => void;
} {
  let onConnected: () => void = () => undefined;
  let onEnded: (e: NetworkEvent) => void = () => undefined;
  const connected = new Promise<void>((r) => (onConnected = r));
  const ended = new Promise<NetworkEvent>((r) => (onEnded = r));
  const stop = h.onNetworkEvent((e) => {
    if (e.kind === "call-connected") onConnected();
    else if (e.kind === "call-ended") onEnded(e);
  });
  return { connected, ended, stop };
}

async function settledBalance(ctx: FlowContext): Promise<number | undefined> {
  const admin = ctx.ports.admin;
  if (admin === undefined) return undefined;
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    const a = await admin.account(ctx.subscriber.msisdn);
    if (a === undefined) return undefined;
    if (a.reservations === 0 || Date.now() > deadline) return a.balance;
    await new Promise((r) => setTimeout(r, 10));
  }
}

registerStep({
  name: "handset.call",
  summary: "a voice call through the MSC (charged over Gy): dial, ring, talk for the drawn duration, hang up",
  requires: ["handsets"],
  schema: {
    type: "object",
    additionalProperties: false,
    required: ["duration"],
    properties: {
      destination: destinationSchema,
      to: { type: "string", pattern: "^\\+?\\d{3,15}$" },
      duration: { $ref: "#/$defs/distribution" },
      answer: { $ref: "#/$defs/duration" },
    },
  },
  metrics: [
    {
      name: "handset.call.calls",
      kind: "counter",
      tags: ["destination", "outcome"],
      description:
        "calls by destination and outcome (answered, busy, no-answer, rejected, released-by-network, …)",
    },
    {
      name: "handset.call.setup",
      kind: "trend",
      unit: "ms",
      tags: [],
      description: "dial to connected (alerting and the answer included), from the intended start",
    },
    {
      name: "handset.call.seconds",
      kind: "counter",
      tags: ["destination"],
      description: "seconds talked (connected to release)",
    },
    {
      name: "handset.call.charge",
      kind: "counter",
      tags: ["destination"],
      description: "kopecks charged to the caller (the balance before the call minus after it)",
    },
  ],
  compile(p, c) {
    requireUniquePick(c);
    const pick = compileDestination(p.destination, p.to, c.path);
    const duration = compileDistribution(p.duration, [...c.path, "duration"]);
    const answerMs = p.answer === undefined ? 30_000 : parseDuration(p.answer);
    const calls = c.metrics.counter("handset.call.calls");
    const setup = c.metrics.trend("handset.call.setup").series();
    const seconds = c.metrics.counter("handset.call.seconds");
    const charge = c.metrics.counter("handset.call.charge");
    const onNetDefault = p.to === undefined && (p.destination === undefined || p.destination === "on-net");
    return async (ctx) => {
      const h = handsetOf(ctx, "handset.call");
      ctx.last = { step: "handset.call" };
      // On-net: a handset registered now (it rings and answers), like handset.sms.
      const live = onNetDefault ? ctx.ports.handsets?.registeredPeer(ctx.rng, ctx.subscriber) : undefined;
      const picked = live === undefined ? pick(ctx) : { destination: "on-net" as const, number: live.msisdn };
      const { destination } = picked;
      const talkMs = duration(ctx.rng);
      const before =
        ctx.ports.admin === undefined ? undefined : await ctx.ports.admin.account(ctx.subscriber.msisdn);
      const events = callEvents(h);
      h.clearRelease();
      let outcome: string;
      try {
        const dial = await h.network.dial({ number: `+${normaliseNumber(picked.number)}`, emergency: false });
        if (!dial.ok) {
          outcome =
            dial.cause === "no-service" || dial.cause === "timeout"
              ? dial.cause
              : releaseOutcome(h.lastRelease?.reason, false);
        } else {
          const ringing = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), answerMs).unref());
          const first = await Promise.race([
            events.connected.then(() => "connected" as const),
            events.ended.then(() => "ended" as const),
            ringing,
          ]);
          if (first === "timeout") {
            await h.network.hangUp();
            outcome = "no-answer";
          } else if (first === "ended") {
            outcome = releaseOutcome(h.lastRelease?.reason ?? "normal", false);
          } else {
            setup.record(elapsed(ctx));
            const at = ctx.now();
            const talked = await Promise.race([
              ctx.sleepUntil(at + talkMs).then(() => "done" as const),
              events.ended.then(() => "ended" as const),
            ]);
            if (talked === "done") {
              await h.network.hangUp();
              outcome = ctx.stopping ? "interrupted" : "answered";
            } else outcome = releaseOutcome(h.lastRelease?.reason, true);
            seconds.add({ destination }, Math.round((ctx.now() - at) / 1000));
          }
        }
      } finally {
        events.stop();
      }
      ctx.intendedAt = ctx.now();
      if (h.lastRelease !== undefined) ctx.last.cause = h.lastRelease.cause;
      calls.add({ destination, outcome });
      ctx.last.outcome = outcome;
      if (before !== undefined) {
        const after = await settledBalance(ctx);
        if (after !== undefined && before.balance > after)
          charge.add({ destination }, before.balance - after);
      }
    };
  },
});
