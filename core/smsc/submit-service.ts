/**
 * Accepting messages: from ESMEs (submit_sm, data_sm, submit_multi) and from handsets (MO). The
 * checks run cheapest first: the bind's token bucket, the SMSC's pending-message limit, the
 * message itself, the route, the daily quota; then the charge (BEFORE acceptance: a refused charge
 * means no message); then a StoredMessage with a fresh id. Starting its delivery is the caller's
 * move, after it has answered the submit (so the response leaves before any receipt). Socket-free.
 */
import type { Clock } from "../clock/clock.js";
import { CommandStatus } from "../smpp/command-status.js";
import type { DataSm, SubmitMulti, SubmitSm, UnsuccessSme } from "../smpp/pdu-types.js";
import { DailyQuotas } from "./daily-quota.js";
import type { DeliveryEngine } from "./delivery-engine.js";
import { readMessage, type Intake, type MessageFields } from "./message-intake.js";
import { MessageIdCounter, formatMessageId } from "./message-id.js";
import type {
  Delivery,
  MessageContent,
  MessageOrigin,
  MessageStore,
  StoredMessage,
} from "./message-store.js";
import type { SmppAddress, SmscRouter, Target } from "./routing.js";
import type { EsmeAccount, SmscConfig } from "./smsc-config.js";
import { type BindCounters, type SmscCounters, countRefusal } from "./smsc-stats.js";
import { REFUSAL_STATUS, type RefusalReason, refusalForResultCode } from "./smsc-status.js";
import { type SmsChargeResult, type SmsCharger, isPromise } from "./sms-charger.js";
import type { TokenBucket } from "./token-bucket.js";
import { MessageState } from "../smpp/pdu-types.js";

/** The submitting bind, as the service sees it. */
export interface Submitter {
  readonly account: EsmeAccount;
  readonly bucket: TokenBucket;
  readonly counters: BindCounters;
}

export type SubmitResult =
  | { readonly ok: true; readonly message: StoredMessage; readonly unsuccess: UnsuccessSme[] }
  | { readonly ok: false; readonly status: number; readonly reason: RefusalReason; readonly detail: string };

export interface SubmitServiceOptions {
  readonly clock: Clock;
  readonly config: SmscConfig;
  readonly router: SmscRouter;
  readonly store: MessageStore;
  readonly engine: DeliveryEngine;
  readonly charger: SmsCharger;
  readonly counters: SmscCounters;
}

interface Recipient {
  destination: SmppAddress;
  target: Target;
}

function refused(status: number, reason: RefusalReason, detail: string): SubmitResult {
  return { ok: false, status, reason, detail };
}

export class SubmitService {
  readonly quotas: DailyQuotas;
  private readonly ids = new MessageIdCounter();
  private chargingInFlight = 0;

  constructor(private readonly o: SubmitServiceOptions) {
    this.quotas = new DailyQuotas(o.clock, o.config.utcOffsetMinutes);
  }

  get chargesInFlight(): number {
    return this.chargingInFlight;
  }

  /** submit_sm (SMPP 3.4 §4.4). */
  submitSm(from: Submitter, pdu: SubmitSm): SubmitResult | Promise<SubmitResult> {
    const admitted = this.admit(from);
    if (admitted !== undefined) return admitted;
    return this.submitOne(from, pdu, pdu.dest_addr_ton, pdu.dest_addr_npi, pdu.destination_addr);
  }

  /** data_sm from an ESME (SMPP 3.4 §4.7): the text is in message_payload. */
  dataSm(from: Submitter, pdu: DataSm): SubmitResult | Promise<SubmitResult> {
    const admitted = this.admit(from);
    if (admitted !== undefined) return admitted;
    const fields: MessageFields = {
      service_type: pdu.service_type,
      source_addr_ton: pdu.source_addr_ton,
      source_addr_npi: pdu.source_addr_npi,
      source_addr: pdu.source_addr,
      esm_class: pdu.esm_class,
      protocol_id: 0,
      priority_flag: 0,
      schedule_delivery_time: "",
      validity_period: "",
      registered_delivery: pdu.registered_delivery,
      replace_if_present_flag: 0,
      data_coding: pdu.data_coding,
      sm_default_msg_id: 0,
      short_message: Buffer.alloc(0),
    };
    if (pdu.message_payload !== undefined) fields.message_payload = pdu.message_payload;
    if (pdu.sar_msg_ref_num !== undefined) fields.sar_msg_ref_num = pdu.sar_msg_ref_num;
    if (pdu.sar_total_segments !== undefined) fields.sar_total_segments = pdu.sar_total_segments;
    if (pdu.sar_segment_seqnum !== undefined) fields.sar_segment_seqnum = pdu.sar_segment_seqnum;
    if (pdu.qos_time_to_live !== undefined) fields.qos_time_to_live = pdu.qos_time_to_live;
    return this.submitOne(from, fields, pdu.dest_addr_ton, pdu.dest_addr_npi, pdu.destination_addr);
  }

  /**
   * submit_multi (SMPP 3.4 §4.5): one message, a delivery per destination that passes its route,
   * quota and charge; the others are listed in unsuccess_sme. When none passes, the answer is the
   * first destination's status.
   */
  async submitMulti(from: Submitter, pdu: SubmitMulti): Promise<SubmitResult> {
    const admitted = this.admit(from);
    if (admitted !== undefined) return admitted;
    const n = pdu.dest_address.length;
    if (n < 1 || n > 254)
      return this.refuse(
        from,
        CommandStatus.ESME_RINVNUMDESTS,
        "invalid",
        `${n} destinations (1-254 allowed)`,
      );
    const intake = readMessage(pdu, this.times());
    if (!intake.ok) return this.refuse(from, intake.status, "invalid", intake.detail);
    const account = from.account;
    const unsuccess: UnsuccessSme[] = [];
    const firstFailure: { status: number; reason: RefusalReason; detail: string }[] = [];
    const checks = pdu.dest_address.map(async (d): Promise<Recipient | undefined> => {
      if (!("destination_addr" in d)) {
        // no distribution lists are configured (SMPP 3.4 §4.5.1 dest_flag 2)
        unsuccess.push({
          dest_addr_ton: 0,
          dest_addr_npi: 0,
          destination_addr: d.dl_name,
          error_status_code: CommandStatus.ESME_RINVDLNAME,
        });
        firstFailure.push({
          status: CommandStatus.ESME_RINVDLNAME,
          reason: "no-route",
          detail: `no distribution list ${d.dl_name}`,
        });
        return undefined;
      }
      const fail = (status: number, reason: RefusalReason, detail: string): undefined => {
        unsuccess.push({ ...d, error_status_code: status });
        firstFailure.push({ status, reason, detail });
        return undefined;
      };
      const target = this.o.router.route(d.destination_addr);
      if (target === undefined)
        return fail(REFUSAL_STATUS["no-route"], "no-route", `no route to ${d.destination_addr}`);
      const units = intake.content.segments;
      if (!this.quotas.reserve(account.systemId, units, account.dailyQuota))
        return fail(REFUSAL_STATUS["daily-quota"], "daily-quota", "daily quota used up");
      const charge = await this.chargeFor(account.chargingMsisdn, d.destination_addr, intake.content, "mt");
      if (charge !== undefined) {
        this.quotas.release(account.systemId, units);
        return fail(REFUSAL_STATUS[charge.reason], charge.reason, charge.detail);
      }
      return {
        destination: { ton: d.dest_addr_ton, npi: d.dest_addr_npi, addr: d.destination_addr },
        target,
      };
    });
    const recipients = (await Promise.all(checks)).filter((r): r is Recipient => r !== undefined);
    if (recipients.length === 0) {
      const f = firstFailure[0] ?? {
        status: CommandStatus.ESME_RSUBMITFAIL,
        reason: "invalid" as const,
        detail: "no destination",
      };
      return this.refuse(from, f.status, f.reason, f.detail);
    }
    from.counters.accepted += recipients.length;
    this.o.counters.accepted += recipients.length;
    const message = this.build(this.esmeOrigin(account), intake, recipients);
    return { ok: true, message, unsuccess };
  }

  /** A handset's MO, already turned into fields; no TPS, window or quota. */
  fromHandset(
    origin: Extract<MessageOrigin, { kind: "handset" }>,
    fields: MessageFields,
    destination: SmppAddress,
  ): SubmitResult | Promise<SubmitResult> {
    if (this.o.store.pendingCount >= this.o.config.limits.maxPendingMessages)
      return refused(REFUSAL_STATUS["queue-full"], "queue-full", "the SMSC holds too many pending messages");
    const intake = readMessage(fields, this.times());
    if (!intake.ok) return refused(intake.status, "invalid", intake.detail);
    const target = this.o.router.route(destination.addr);
    if (target === undefined)
      return refused(REFUSAL_STATUS["no-route"], "no-route", `no route to ${destination.addr}`);
    const recipients = [{ destination, target }];
    const charged = this.chargeFor(origin.msisdn, destination.addr, intake.content, "mo");
    const finish = (refusal: ChargeRefusal | undefined): SubmitResult => {
      if (refusal !== undefined)
        return refused(REFUSAL_STATUS[refusal.reason], refusal.reason, refusal.detail);
      this.o.counters.mobileOriginated++;
      return { ok: true, message: this.build(origin, intake, recipients), unsuccess: [] };
    };
    return isPromise(charged) ? charged.then(finish) : finish(charged);
  }

  /** Throttling before anything else: the bind's token bucket, then the SMSC's pending limit. */
  private admit(from: Submitter): SubmitResult | undefined {
    from.counters.submitted++;
    this.o.counters.submitted++;
    if (!from.bucket.take())
      return this.refuse(from, REFUSAL_STATUS.tps, "tps", `above ${from.account.tps} submits per second`);
    if (this.o.store.pendingCount >= this.o.config.limits.maxPendingMessages)
      return this.refuse(
        from,
        REFUSAL_STATUS["queue-full"],
        "queue-full",
        "the SMSC holds too many pending messages",
      );
    return undefined;
  }

  private refuse(from: Submitter, status: number, reason: RefusalReason, detail: string): SubmitResult {
    countRefusal(from.counters, reason);
    countRefusal(this.o.counters, reason);
    return refused(status, reason, detail);
  }

  private times(): { now: number; defaultValidityMs: number; maxValidityMs: number } {
    const c = this.o.config;
    return {
      now: this.o.clock.now(),
      defaultValidityMs: c.defaultValidityMs,
      maxValidityMs: c.maxValidityMs,
    };
  }

  private esmeOrigin(account: EsmeAccount): MessageOrigin {
    return { kind: "esme", systemId: account.systemId, format: account.messageIdFormat };
  }

  private submitOne(
    from: Submitter,
    fields: MessageFields,
    ton: number,
    npi: number,
    addr: string,
  ): SubmitResult | Promise<SubmitResult> {
    const intake = readMessage(fields, this.times());
    if (!intake.ok) return this.refuse(from, intake.status, "invalid", intake.detail);
    if (addr === "")
      return this.refuse(from, CommandStatus.ESME_RINVDSTADR, "invalid", "destination_addr is empty");
    const target = this.o.router.route(addr);
    if (target === undefined)
      return this.refuse(from, REFUSAL_STATUS["no-route"], "no-route", `no route to ${addr}`);
    const account = from.account;
    const units = intake.content.segments;
    if (!this.quotas.reserve(account.systemId, units, account.dailyQuota))
      return this.refuse(
        from,
        REFUSAL_STATUS["daily-quota"],
        "daily-quota",
        `daily quota of ${account.dailyQuota} used up`,
      );
    const recipients = [{ destination: { ton, npi, addr }, target }];
    const charged = this.chargeFor(account.chargingMsisdn, addr, intake.content, "mt");
    const finish = (refusal: ChargeRefusal | undefined): SubmitResult => {
      if (refusal !== undefined) {
        this.quotas.release(account.systemId, units);
        return this.refuse(from, REFUSAL_STATUS[refusal.reason], refusal.reason, refusal.detail);
      }
      from.counters.accepted++;
      this.o.counters.accepted++;
      if (fields.replace_if_present_flag === 1) this.replaceIfPresent(account.systemId, intake.content, addr);
      return { ok: true, message: this.build(this.esmeOrigin(account), intake, recipients), unsuccess: [] };
    };
    return isPromise(charged) ? charged.then(finish) : finish(charged);
  }

  /**
   * SMPP 3.4 §5.2.18: replace_if_present_flag 1 replaces a pending message with the same source,
   * destination and service_type. The old one ends as DELETED; the new one is accepted as usual.
   */
  private replaceIfPresent(systemId: string, content: MessageContent, destination: string): void {
    for (const m of this.o.store.pending()) {
      if (m.origin.kind !== "esme" || m.origin.systemId !== systemId) continue;
      const c = m.content;
      if (c.source.addr !== content.source.addr || c.serviceType !== content.serviceType) continue;
      for (const d of m.deliveries)
        if (d.doneAt === 0 && d.destination.addr === destination) this.o.engine.cancel(d);
    }
  }

  /** Charges when someone pays; undefined = go ahead. */
  private chargeFor(
    payer: string | undefined,
    recipient: string,
    content: MessageContent,
    direction: "mo" | "mt",
  ): ChargeRefusal | undefined | Promise<ChargeRefusal | undefined> {
    if (payer === undefined) return undefined;
    let result: SmsChargeResult | Promise<SmsChargeResult>;
    try {
      result = this.o.charger.charge({
        payer,
        recipient: recipient.charCodeAt(0) === 0x2b ? recipient.slice(1) : recipient,
        dataCodingScheme: content.dataCoding,
        segments: content.segments,
        direction,
      });
    } catch (e) {
      result = { kind: "unavailable", reason: e instanceof Error ? e.message : String(e) };
    }
    if (!isPromise(result)) return this.afterCharge(result);
    this.chargingInFlight++;
    return result.then(
      (r) => {
        this.chargingInFlight--;
        return this.afterCharge(r);
      },
      (e: unknown) => {
        this.chargingInFlight--;
        return this.afterCharge({ kind: "unavailable", reason: e instanceof Error ? e.message : String(e) });
      },
    );
  }

  private afterCharge(r: SmsChargeResult): ChargeRefusal | undefined {
    const c = this.o.counters;
    switch (r.kind) {
      case "charged":
        c.charged++;
        return undefined;
      case "refused":
        c.chargeRefused++;
        return { reason: refusalForResultCode(r.resultCode), detail: `the OCS answered ${r.resultCode}` };
      case "unavailable":
        c.chargeUnavailable++;
        return { reason: "charging-unavailable", detail: `no charging: ${r.reason}` };
    }
  }

  private build(
    origin: MessageOrigin,
    intake: Extract<Intake, { ok: true }>,
    recipients: Recipient[],
  ): StoredMessage {
    const id = this.ids.next();
    const format = origin.kind === "esme" ? origin.format : this.o.config.handsetMessageIdFormat;
    const deliveries: Delivery[] = [];
    const message: StoredMessage = {
      id,
      messageId: formatMessageId(id, format),
      origin,
      content: intake.content,
      submittedAt: this.o.clock.now(),
      scheduledAt: intake.scheduledAt,
      expiresAt: intake.expiresAt,
      watchedExpiry: 0,
      deliveries,
      pending: recipients.length,
    };
    for (const r of recipients)
      deliveries.push({
        message,
        destination: r.destination,
        target: r.target,
        state: MessageState.ENROUTE,
        error: 0,
        attempts: 0,
        doneAt: 0,
        phase: "attempting",
        generation: 0,
        intermediateSent: false,
      });
    return message;
  }
}

interface ChargeRefusal {
  reason: RefusalReason;
  detail: string;
}
