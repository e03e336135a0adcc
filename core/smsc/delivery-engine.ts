/**
 * The delivery engine: the one owner of delivery states. It starts deliveries (at once or at their
 * scheduled time), asks the network edge or the synthetic outcome mode what happened, retries an
 * absent handset or a full memory, expires what outlives its validity, and on every final state
 * sends the receipt the message asked for (SMPP 3.4 §5.2.17). Socket-free: deliver_sm go through
 * the outbox, handsets through MobileTerminating.
 *
 *   ENROUTE ─(delivered)──────────────────────────→ DELIVERED
 *      │ ─(absent / memory full)→ retry … ─(attempts used up)→ UNDELIVERABLE
 *      │ ─(validity over)──────────────────────────→ EXPIRED
 *      │ ─(cancel_sm)──────────────────────────────→ DELETED
 *      └ ─(synthetic mode: the drawn state)────────→ any final state
 */
import type { Clock } from "../clock/clock.js";
import type { Logger } from "../diameter/logger.js";
import { EsmClass, MessageState, type OutboundPdu } from "../smpp/pdu-types.js";
import { DeadlineHeap } from "./deadline-heap.js";
import { RECEIPT_STAT, STATE_CODE, type SyntheticOutcome } from "./delivery-outcomes.js";
import type { EsmeOutbox, OutboxOutcome } from "./esme-outbox.js";
import type { Delivery, DeliveryPhase, StoredMessage, MessageStore } from "./message-store.js";
import type { MobileTerminating, MtDeliveryResult, MtSms } from "./mobile-terminating.js";
import { StoredMtSms } from "./mt-sms.js";
import {
  NetworkError,
  defaultErrorFor,
  intermediateWanted,
  receiptPdu,
  receiptSample,
  receiptWanted,
} from "./receipts.js";
import type { RetryConfig } from "./smsc-config.js";
import type { FinalState } from "./smsc-config.js";
import { isPromise } from "./sms-charger.js";

type Due =
  | { readonly kind: "attempt"; readonly delivery: Delivery; readonly generation: number }
  | {
      readonly kind: "finish";
      readonly delivery: Delivery;
      readonly generation: number;
      readonly state: FinalState;
    }
  | { readonly kind: "expire"; readonly message: StoredMessage; readonly at: number };

export interface EngineOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly store: MessageStore;
  readonly outbox: EsmeOutbox;
  readonly retry: RetryConfig;
  readonly synthetic: SyntheticOutcome | undefined;
  readonly syntheticDelayMs: number;
  readonly utcOffsetMinutes: number;
  mobile: MobileTerminating;
}

export interface EngineCounters {
  /** Final states reached, by message_state name. */
  readonly finalStates: Record<string, number>;
  /** Receipts queued for ESMEs, by their `stat:`. */
  readonly receipts: Record<string, number>;
  receiptsDropped: number;
  intermediateNotifications: number;
  statusReports: number;
  handsetAttempts: number;
}

export class DeliveryEngine {
  private readonly heap: DeadlineHeap<Due>;
  /** Deliveries waiting to retry a handset, by MSISDN (for handsetAttached). */
  private readonly waitingFor = new Map<string, Set<Delivery>>();
  private readonly phases: Record<Exclude<DeliveryPhase, "final">, number> = {
    scheduled: 0,
    attempting: 0,
    retrying: 0,
    outbox: 0,
  };
  readonly counters: EngineCounters = {
    finalStates: {},
    receipts: {},
    receiptsDropped: 0,
    intermediateNotifications: 0,
    statusReports: 0,
    handsetAttempts: 0,
  };
  private concatReference = 0;

  constructor(private readonly o: EngineOptions) {
    this.heap = new DeadlineHeap<Due>(
      o.clock,
      (due) => this.onDue(due),
      (e) => o.logger.error(`smsc engine: ${e instanceof Error ? e.message : String(e)}`),
    );
  }

  /** Pending deliveries per phase. */
  get phaseCounts(): Readonly<Record<Exclude<DeliveryPhase, "final">, number>> {
    return this.phases;
  }

  set mobile(mobile: MobileTerminating) {
    this.o.mobile = mobile;
  }

  /** Stores an accepted message and starts its deliveries (created in phase "attempting"). */
  start(message: StoredMessage): void {
    this.o.store.add(message);
    this.phases.attempting += message.deliveries.length;
    const now = this.o.clock.now();
    if (message.scheduledAt > now) {
      for (const d of message.deliveries) {
        this.setPhase(d, "scheduled");
        this.heap.add(message.scheduledAt, { kind: "attempt", delivery: d, generation: d.generation });
      }
      this.watchExpiry(message);
      return;
    }
    for (const d of message.deliveries) this.attempt(d);
  }

  /** cancel_sm: a pending delivery becomes DELETED. */
  cancel(d: Delivery): void {
    this.finish(d, MessageState.DELETED, NetworkError.NONE);
  }

  /** replace_sm changed the schedule or validity of a pending message. */
  rescheduled(message: StoredMessage): void {
    const now = this.o.clock.now();
    for (const d of message.deliveries) {
      if (d.doneAt !== 0 || (d.phase !== "scheduled" && d.phase !== "retrying")) continue;
      d.generation++;
      const at = message.scheduledAt > now ? message.scheduledAt : now;
      this.setPhase(d, "scheduled");
      this.heap.add(at, { kind: "attempt", delivery: d, generation: d.generation });
    }
    this.watchExpiry(message);
  }

  /** The network edge says a handset is reachable again (MAP alertServiceCentre): retry now. */
  handsetAttached(msisdn: string): number {
    const waiting = this.waitingFor.get(msisdn);
    if (waiting === undefined) return 0;
    this.waitingFor.delete(msisdn);
    let n = 0;
    for (const d of waiting) {
      if (d.doneAt !== 0 || d.phase !== "retrying") continue;
      d.generation++;
      this.attempt(d);
      n++;
    }
    return n;
  }

  close(): void {
    this.heap.close();
  }

  private onDue(due: Due): void {
    switch (due.kind) {
      case "attempt":
        if (due.delivery.doneAt === 0 && due.delivery.generation === due.generation)
          this.attempt(due.delivery);
        return;
      case "finish":
        if (due.delivery.doneAt === 0 && due.delivery.generation === due.generation)
          this.finish(due.delivery, STATE_CODE[due.state], defaultErrorFor(STATE_CODE[due.state]));
        return;
      case "expire": {
        const m = due.message;
        if (m.expiresAt !== due.at || m.pending === 0) return;
        for (const d of m.deliveries)
          if (d.doneAt === 0)
            this.finish(d, MessageState.EXPIRED, d.error !== 0 ? d.error : NetworkError.ABSENT_SUBSCRIBER);
        return;
      }
    }
  }

  private watchExpiry(m: StoredMessage): void {
    if (m.watchedExpiry === m.expiresAt) return;
    m.watchedExpiry = m.expiresAt;
    this.heap.add(m.expiresAt, { kind: "expire", message: m, at: m.expiresAt });
  }

  /** Moves a delivery to a phase; "final" is not counted (the store counts final messages). */
  private setPhase(d: Delivery, phase: DeliveryPhase): void {
    if (d.phase === phase) return;
    if (d.phase !== "final") this.phases[d.phase]--;
    if (phase !== "final") this.phases[phase]++;
    d.phase = phase;
  }

  private attempt(d: Delivery): void {
    const m = d.message;
    const now = this.o.clock.now();
    if (now >= m.expiresAt) {
      this.finish(d, MessageState.EXPIRED, d.error !== 0 ? d.error : NetworkError.ABSENT_SUBSCRIBER);
      return;
    }
    d.attempts++;
    const target = d.target;
    if (target.kind === "esme") {
      this.toEsme(d, target.systemId);
      return;
    }
    const synthetic = this.o.synthetic;
    if (synthetic !== undefined) {
      const state = synthetic(d.destination.addr);
      if (state === "DELIVERED") this.handToHandset(d, target.msisdn, true);
      if (this.o.syntheticDelayMs > 0) {
        this.setPhase(d, "attempting");
        this.watchExpiry(m);
        this.heap.add(now + this.o.syntheticDelayMs, {
          kind: "finish",
          delivery: d,
          generation: d.generation,
          state,
        });
      } else {
        const code = STATE_CODE[state];
        this.finish(d, code, defaultErrorFor(code));
      }
      return;
    }
    if (!this.o.mobile.isAttached(target.msisdn)) {
      this.temporaryFailure(d, NetworkError.ABSENT_SUBSCRIBER);
      return;
    }
    this.handToHandset(d, target.msisdn, false);
  }

  /** Gives the message to the network edge; `ignoreResult` in synthetic modes. */
  private handToHandset(d: Delivery, msisdn: string, ignoreResult: boolean): void {
    this.counters.handsetAttempts++;
    let result: MtDeliveryResult | Promise<MtDeliveryResult>;
    try {
      result = this.o.mobile.deliver(msisdn, this.mtSms(d, msisdn));
    } catch (e) {
      this.o.logger.warn(`smsc: delivery to ${msisdn} threw: ${e instanceof Error ? e.message : String(e)}`);
      result = "absent";
    }
    if (ignoreResult) {
      if (isPromise(result)) result.catch(() => undefined);
      return;
    }
    if (!isPromise(result)) {
      this.afterHandset(d, result);
      return;
    }
    this.setPhase(d, "attempting");
    this.watchExpiry(d.message);
    const generation = d.generation;
    result.then(
      (r) => {
        if (d.generation === generation) this.afterHandset(d, r);
      },
      (e: unknown) => {
        this.o.logger.warn(
          `smsc: delivery to ${msisdn} failed: ${e instanceof Error ? e.message : String(e)}`,
        );
        if (d.generation === generation) this.afterHandset(d, "absent");
      },
    );
  }

  private afterHandset(d: Delivery, result: MtDeliveryResult): void {
    if (d.doneAt !== 0) return;
    if (result === "delivered") this.finish(d, MessageState.DELIVERED, NetworkError.NONE);
    else
      this.temporaryFailure(
        d,
        result === "memory-full" ? NetworkError.DELIVERY_FAILURE : NetworkError.ABSENT_SUBSCRIBER,
      );
  }

  /** Absent or memory full: wait and retry, until the attempts or the validity run out. */
  private temporaryFailure(d: Delivery, error: number): void {
    d.error = error;
    const retry = this.o.retry;
    if (retry.handsetMaxAttempts > 0 && d.attempts >= retry.handsetMaxAttempts) {
      this.finish(d, MessageState.UNDELIVERABLE, error);
      return;
    }
    const m = d.message;
    const delays = retry.handsetDelaysMs;
    const at = this.o.clock.now() + (delays[Math.min(d.attempts - 1, delays.length - 1)] ?? 60_000);
    this.setPhase(d, "retrying");
    if (d.target.kind === "handset") {
      let set = this.waitingFor.get(d.target.msisdn);
      if (set === undefined) {
        set = new Set();
        this.waitingFor.set(d.target.msisdn, set);
      }
      set.add(d);
    }
    if (at < m.expiresAt) this.heap.add(at, { kind: "attempt", delivery: d, generation: d.generation });
    this.watchExpiry(m);
    if (!d.intermediateSent && intermediateWanted(m.content.registeredDelivery)) {
      d.intermediateSent = true;
      this.counters.intermediateNotifications++;
      this.sendReceipt(d, MessageState.ENROUTE, error, true);
    }
  }

  private toEsme(d: Delivery, systemId: string): void {
    this.setPhase(d, "outbox");
    const generation = d.generation;
    const queued = this.o.outbox.enqueue(
      systemId,
      "message",
      this.deliverSmOf(d),
      (outcome) => this.afterEsme(d, generation, outcome),
      () => d.doneAt === 0 && d.generation === generation,
    );
    if (!queued) this.temporaryFailure(d, NetworkError.SYSTEM_FAILURE);
    else this.watchExpiry(d.message);
  }

  private afterEsme(d: Delivery, generation: number, outcome: OutboxOutcome): void {
    if (d.doneAt !== 0 || d.generation !== generation) return;
    if (outcome.kind === "delivered") this.finish(d, MessageState.DELIVERED, NetworkError.NONE);
    else this.finish(d, MessageState.UNDELIVERABLE, NetworkError.SYSTEM_FAILURE);
  }

  private finish(d: Delivery, state: number, error: number): void {
    if (d.doneAt !== 0) return;
    const now = this.o.clock.now();
    d.state = state;
    d.error = error;
    d.doneAt = now;
    d.generation++;
    this.setPhase(d, "final");
    if (d.target.kind === "handset") {
      const waiting = this.waitingFor.get(d.target.msisdn);
      if (waiting !== undefined && waiting.delete(d) && waiting.size === 0)
        this.waitingFor.delete(d.target.msisdn);
    }
    const m = d.message;
    m.pending--;
    const name = RECEIPT_STAT[state] ?? "UNKNOWN";
    const finals = this.counters.finalStates;
    finals[name] = (finals[name] ?? 0) + 1;
    if (receiptWanted(m.content.registeredDelivery, state)) this.sendReceipt(d, state, error, false);
    if (m.pending === 0) this.o.store.finalized(m, now);
  }

  private sendReceipt(d: Delivery, state: number, error: number, intermediate: boolean): void {
    const m = d.message;
    const origin = m.origin;
    const now = this.o.clock.now();
    if (origin.kind === "handset") {
      if (intermediate || !origin.statusReport || this.o.mobile.statusReport === undefined) return;
      this.counters.statusReports++;
      const report = {
        messageId: m.messageId,
        recipient: d.destination.addr,
        state: (Object.keys(STATE_CODE) as FinalState[]).find((k) => STATE_CODE[k] === state) ?? "UNKNOWN",
        error,
        submittedAt: m.submittedAt,
        doneAt: now,
        ...(origin.messageReference !== undefined ? { messageReference: origin.messageReference } : {}),
      };
      try {
        this.o.mobile.statusReport(origin.msisdn, report);
      } catch (e) {
        this.o.logger.warn(
          `smsc: status report to ${origin.msisdn} threw: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
      return;
    }
    const pdu = receiptPdu(
      {
        messageId: m.messageId,
        state,
        error,
        submittedAt: m.submittedAt,
        doneAt: now,
        sample: receiptSample(m.content.dataCoding, m.content.userData, m.content.udhi),
        utcOffsetMinutes: this.o.utcOffsetMinutes,
      },
      { source: d.destination, destination: m.content.source },
      intermediate,
    );
    if (!intermediate) {
      const stat = RECEIPT_STAT[state] ?? "UNKNOWN";
      this.counters.receipts[stat] = (this.counters.receipts[stat] ?? 0) + 1;
    }
    if (!this.o.outbox.enqueue(origin.systemId, "receipt", pdu)) this.counters.receiptsDropped++;
  }

  /** The deliver_sm carrying a message to an ESME (MO, or ESME to ESME). */
  private deliverSmOf(d: Delivery): OutboundPdu<"deliver_sm"> {
    const c = d.message.content;
    const pdu: OutboundPdu<"deliver_sm"> = {
      command: "deliver_sm",
      service_type: c.serviceType,
      source_addr_ton: c.source.ton,
      source_addr_npi: c.source.npi,
      source_addr: c.source.addr,
      dest_addr_ton: d.destination.ton,
      dest_addr_npi: d.destination.npi,
      destination_addr: d.destination.addr,
      esm_class: c.udhi ? EsmClass.UDHI : 0,
      protocol_id: c.protocolId,
      priority_flag: c.priority,
      data_coding: c.dataCoding,
    };
    // SMPP 3.4 §5.3.2.32: above 254 octets the text travels in message_payload
    if (c.userData.length > 254) pdu.message_payload = c.userData;
    else pdu.short_message = c.userData;
    if (c.sar !== undefined) {
      pdu.sar_msg_ref_num = c.sar.reference;
      pdu.sar_total_segments = c.sar.total;
      pdu.sar_segment_seqnum = c.sar.sequence;
    }
    return pdu;
  }

  /** The message as the network edge gets it (its segments worked out when read). */
  private mtSms(d: Delivery, msisdn: string): MtSms {
    return new StoredMtSms(d.message, msisdn, this.nextReference);
  }

  private readonly nextReference = (): number => (this.concatReference = (this.concatReference + 1) & 0xff);
}
