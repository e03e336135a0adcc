/**
 * One voice call as the MSC holds it: the calling leg, what the call is routed to (a registered
 * handset, or a sink standing for another network), its state and its charging legs.
 *
 *   setup ──(routed, charged)──▶ alerting ──(answer)──▶ connected ──(hang-up, OCS)──▶ released
 *     └──────────(refused: barred, busy, not reachable, no credit)──────────────────────┘
 */
import type { TimerHandle } from "../clock/clock.js";
import type { HandsetEndpoint } from "./handset-endpoint.js";
import type { VoiceCharging } from "./voice-charging.js";

export type CallState = "setup" | "alerting" | "connected" | "released";

export interface CallLeg {
  readonly endpoint: HandsetEndpoint;
  /** The correlation this leg's frames carry (the set-up's, or the core's own for the called leg). */
  readonly correlation: number;
}

/** Destinations outside this core's handsets: they answer after a delay. */
export type SinkKind = "off-net" | "international" | "emergency";

export type CallTarget =
  | { readonly kind: "handset"; readonly leg: CallLeg; readonly msisdn: string; readonly waiting: boolean }
  | { readonly kind: "sink"; readonly sink: SinkKind; readonly number: string };

export class Call {
  state: CallState = "setup";
  target: CallTarget | undefined;
  /** Charging legs: the caller's, then one per forwarding subscriber. */
  readonly charging: VoiceCharging[] = [];
  /** Alerting timers (no answer, CFNRy, a sink's answer). */
  timers: TimerHandle[] = [];
  /** Forwardings so far (TS 22.082: a limit stops loops). */
  forwardings = 0;
  connectedAt: number | undefined;

  constructor(
    readonly id: number,
    readonly caller: CallLeg,
    readonly callerMsisdn: string,
    /** The caller's number shown to the called party; undefined when withheld (CLIR). */
    readonly presentedCaller: string | undefined,
    /** Digits dialled, normalised. */
    readonly called: string,
  ) {}

  get callee(): HandsetEndpoint | undefined {
    return this.target?.kind === "handset" ? this.target.leg.endpoint : undefined;
  }

  cancelTimers(): void {
    for (const t of this.timers) t.cancel();
    this.timers = [];
  }
}
