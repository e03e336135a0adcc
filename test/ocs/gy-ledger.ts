/**
 * Gy load with a ledger of what the client was told: every session and event, what was answered
 * (and so must survive a crash) and what was still in flight when the answers stopped (and so
 * may or may not have been applied). Workers run voice calls, data sessions and SMS events back
 * to back until a request fails (the core went away): they never pause, so a kill always meets
 * a core with work to do.
 */
import type { CcOutcome, GyClient } from "../../core/diameter/gy/gy-client.js";
import type { SubscriptionId } from "../../core/diameter/gy/gy-types.js";
import { MB } from "./ocs-test-kit.js";

export type TrackedKind = "voice" | "data" | "sms";

export interface Tracked {
  readonly kind: TrackedKind;
  readonly sessionId: string;
  readonly msisdn: string;
  /** The CCR-I (or the event) was answered 2001. */
  opened: boolean;
  /** The CCR-T was answered. */
  terminated: boolean;
  /** Units and money of answered commits (CCR-U/T) or of the answered event. */
  answeredUnits: number;
  answeredCharge: number;
  /**
   * The request without an answer when the worker stopped: what it would add if applied, and
   * whether it was sent before the kill (after it, it cannot have been applied).
   */
  inFlight: { readonly units: number; readonly charge: number; readonly beforeKill: boolean } | undefined;
}

export interface LoadSettings {
  /** Off-net number: calls and SMS to it are charged at the off-net price. */
  readonly offNet: string;
  /** Price of a started minute to `offNet` (kopecks). */
  readonly minutePrice: number;
  /** The highest price of one SMS (kopecks), to bound an unanswered event. */
  readonly maxSmsPrice: number;
  /** Other subscribers' numbers (on-net SMS recipients). */
  readonly onNet: readonly string[];
}

export class GyLedger {
  readonly tracked: Tracked[] = [];
  /** Answers other than 2001 (there should be none) and failures while the core was up. */
  readonly unexpected: string[] = [];
  private stopping = false;
  private answers = 0;
  private random: () => number;

  constructor(
    private readonly settings: LoadSettings,
    seed = 1,
  ) {
    // A small seeded generator: the mix of session lengths is the same on every run.
    let state = seed >>> 0 || 1;
    this.random = () => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) / 2 ** 32;
    };
  }

  /** The core is being killed: from now on a failed request is expected. */
  killing(): void {
    this.stopping = true;
  }

  private sending(units: number, charge: number) {
    return { units, charge, beforeKill: !this.stopping };
  }

  of(msisdn: string): Tracked[] {
    return this.tracked.filter((t) => t.msisdn === msisdn);
  }

  /** Requests answered 2001 so far. */
  get answeredRequests(): number {
    return this.answers;
  }

  private track(kind: TrackedKind, sessionId: string, msisdn: string): Tracked {
    const t: Tracked = {
      kind,
      sessionId,
      msisdn,
      opened: false,
      terminated: false,
      answeredUnits: 0,
      answeredCharge: 0,
      inFlight: undefined,
    };
    this.tracked.push(t);
    return t;
  }

  /** The answer, if it came and was 2001; undefined (worker ends) otherwise. */
  private settle(t: Tracked, o: CcOutcome, what: string): number | undefined {
    if (o.kind === "failed") {
      if (!this.stopping) this.unexpected.push(`${t.sessionId} ${what}: ${o.reason}`);
      return undefined;
    }
    t.inFlight = undefined;
    if (o.answer.resultCode !== 2001) {
      this.unexpected.push(`${t.sessionId} ${what}: Result-Code ${o.answer.resultCode}`);
      return undefined;
    }
    this.answers++;
    return o.answer.cost?.minorUnits ?? 0;
  }

  /** Calls to the off-net number: CCR-I for a minute, 1-5 CCR-U of one minute each, CCR-T with one. */
  async voiceWorker(client: GyClient, ids: readonly SubscriptionId[], msisdn: string): Promise<void> {
    const minute = this.settings.minutePrice;
    for (;;) {
      const s = client.session({ subscriptionIds: ids, calledParty: this.settings.offNet });
      const t = this.track("voice", s.sessionId, msisdn);
      t.inFlight = this.sending(0, 0);
      if (
        this.settle(t, await s.initial([{ ratingGroup: 2, requested: { time: 60 } }]), "CCR-I") === undefined
      )
        return;
      t.opened = true;
      const updates = 1 + Math.floor(this.random() * 5);
      for (let i = 0; i < updates; i++) {
        t.inFlight = this.sending(60, minute);
        const o = await s.update([{ ratingGroup: 2, requested: { time: 60 }, used: [{ time: 60 }] }]);
        if (this.settle(t, o, `CCR-U ${i}`) === undefined) return;
        t.answeredUnits += 60;
        t.answeredCharge += minute;
      }
      t.inFlight = this.sending(60, minute);
      if (
        this.settle(t, await s.terminate([{ ratingGroup: 2, used: [{ time: 60 }] }]), "CCR-T") === undefined
      )
        return;
      t.answeredUnits += 60;
      t.answeredCharge += minute;
      t.terminated = true;
    }
  }

  /** Data sessions on the plan's bucket: a megabyte per grant and per report. */
  async dataWorker(client: GyClient, ids: readonly SubscriptionId[], msisdn: string): Promise<void> {
    for (;;) {
      const s = client.session({ subscriptionIds: ids, calledStationId: "internet" });
      const t = this.track("data", s.sessionId, msisdn);
      t.inFlight = this.sending(0, 0);
      const i = await s.initial([{ ratingGroup: 1, requested: { totalOctets: MB } }]);
      if (this.settle(t, i, "CCR-I") === undefined) return;
      t.opened = true;
      const updates = 1 + Math.floor(this.random() * 5);
      for (let k = 0; k < updates; k++) {
        t.inFlight = this.sending(MB, 0);
        const o = await s.update([
          { ratingGroup: 1, requested: { totalOctets: MB }, used: [{ totalOctets: MB }] },
        ]);
        if (this.settle(t, o, `CCR-U ${k}`) === undefined) return;
        t.answeredUnits += MB;
      }
      t.inFlight = this.sending(MB, 0);
      const end = await s.terminate([{ ratingGroup: 1, used: [{ totalOctets: MB }] }]);
      if (this.settle(t, end, "CCR-T") === undefined) return;
      t.answeredUnits += MB;
      t.terminated = true;
    }
  }

  /** SMS as immediate events (DIRECT_DEBITING), to on-net and off-net numbers in turn. */
  async smsWorker(client: GyClient, ids: readonly SubscriptionId[], msisdn: string): Promise<void> {
    let n = 0;
    const recipients = [this.settings.offNet, ...this.settings.onNet.filter((m) => m !== msisdn)];
    for (;;) {
      const sessionId = `${client.options.identity.originHost};sms-${msisdn};${n}`;
      const recipient = recipients[n++ % recipients.length] ?? this.settings.offNet;
      const t = this.track("sms", sessionId, msisdn);
      t.inFlight = this.sending(1, this.settings.maxSmsPrice);
      const o = await client.event({
        sessionId,
        subscriptionIds: ids,
        requestedAction: "DIRECT_DEBITING",
        serviceContextId: "32274@3gpp.org",
        mscc: [{ ratingGroup: 3, requested: { serviceSpecificUnits: 1 } }],
        sms: { recipient },
      });
      const cost = this.settle(t, o, "event");
      if (cost === undefined) return;
      t.opened = true;
      t.terminated = true;
      t.answeredUnits = 1;
      t.answeredCharge = cost;
    }
  }
}
