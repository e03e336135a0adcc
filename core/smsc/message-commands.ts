/**
 * query_sm, cancel_sm and replace_sm (SMPP 3.4 §4.8-4.10) against the message store. An ESME sees
 * only its own messages. Statuses:
 * - a message_id that is not an id in the account's format → ESME_RINVMSGID (0x0C);
 * - no such message of this ESME (never, or no longer held, or another source_addr) →
 *   ESME_RQUERYFAIL (0x67) / ESME_RCANCELFAIL (0x11) / ESME_RREPLACEFAIL (0x13);
 * - cancel or replace of a message already final → ESME_RCANCELFAIL / ESME_RREPLACEFAIL.
 * A submit_multi message answers query_sm with ENROUTE while any delivery is pending, else the
 * first delivery's final state.
 */
import type { Clock } from "../clock/clock.js";
import { CommandStatus } from "../smpp/command-status.js";
import {
  MessageState,
  type CancelSm,
  type QuerySm,
  type QuerySmResp,
  type ReplaceSm,
} from "../smpp/pdu-types.js";
import { formatSmppAbsoluteTime, parseSmppTime } from "../smpp/smpp-time.js";
import type { DeliveryEngine } from "./delivery-engine.js";
import { segmentsOf } from "./message-intake.js";
import { parseMessageId } from "./message-id.js";
import type { MessageStore, StoredMessage } from "./message-store.js";
import type { EsmeAccount } from "./smsc-config.js";
import { parseUdh } from "../smpp/udh.js";

export type QueryAnswer = Pick<
  QuerySmResp,
  "command_status" | "message_id" | "final_date" | "message_state" | "error_code"
>;

export class MessageCommands {
  constructor(
    private readonly clock: Clock,
    private readonly store: MessageStore,
    private readonly engine: DeliveryEngine,
    private readonly maxValidityMs: number,
  ) {}

  private find(
    account: EsmeAccount,
    messageId: string,
    sourceAddr: string,
    notFound: number,
  ): { message: StoredMessage } | { status: number } {
    const id = parseMessageId(messageId, account.messageIdFormat);
    if (id === undefined) return { status: CommandStatus.ESME_RINVMSGID };
    this.store.evict(this.clock.now());
    const message = this.store.get(id);
    if (
      message === undefined ||
      message.origin.kind !== "esme" ||
      message.origin.systemId !== account.systemId ||
      // SMPP 3.4 §4.8.1: source_addr must match the original's (empty matches any here)
      (sourceAddr !== "" && message.content.source.addr !== sourceAddr)
    )
      return { status: notFound };
    return { message };
  }

  query(account: EsmeAccount, pdu: QuerySm): QueryAnswer {
    const found = this.find(account, pdu.message_id, pdu.source_addr, CommandStatus.ESME_RQUERYFAIL);
    if ("status" in found)
      return {
        command_status: found.status,
        message_id: pdu.message_id,
        final_date: "",
        message_state: 0,
        error_code: 0,
      };
    const m = found.message;
    const first = m.deliveries[0];
    const pending = m.pending > 0 || first === undefined;
    return {
      command_status: CommandStatus.ESME_ROK,
      message_id: m.messageId,
      final_date: pending ? "" : formatSmppAbsoluteTime(first.doneAt),
      message_state: pending ? MessageState.ENROUTE : first.state,
      // SMPP 3.4 §5.2.21: the network error code, when there was one
      error_code: pending ? 0 : first.error & 0xff,
    };
  }

  /**
   * cancel_sm: by message_id (destination_addr, when given, narrows a submit_multi), or with an
   * empty message_id every pending message from source_addr to destination_addr (and service_type,
   * when given) of this ESME (SMPP 3.4 §4.9.1).
   */
  cancel(account: EsmeAccount, pdu: CancelSm): number {
    if (pdu.message_id === "") {
      if (pdu.source_addr === "" || pdu.destination_addr === "") return CommandStatus.ESME_RCANCELFAIL;
      let n = 0;
      for (const m of this.store.pending()) {
        if (m.origin.kind !== "esme" || m.origin.systemId !== account.systemId) continue;
        if (m.content.source.addr !== pdu.source_addr) continue;
        if (pdu.service_type !== "" && m.content.serviceType !== pdu.service_type) continue;
        for (const d of m.deliveries)
          if (d.doneAt === 0 && d.destination.addr === pdu.destination_addr) {
            this.engine.cancel(d);
            n++;
          }
      }
      return n > 0 ? CommandStatus.ESME_ROK : CommandStatus.ESME_RCANCELFAIL;
    }
    const found = this.find(account, pdu.message_id, pdu.source_addr, CommandStatus.ESME_RCANCELFAIL);
    if ("status" in found) return found.status;
    let n = 0;
    for (const d of found.message.deliveries) {
      if (d.doneAt !== 0) continue;
      if (pdu.destination_addr !== "" && d.destination.addr !== pdu.destination_addr) continue;
      this.engine.cancel(d);
      n++;
    }
    return n > 0 ? CommandStatus.ESME_ROK : CommandStatus.ESME_RCANCELFAIL;
  }

  /**
   * replace_sm: new text, schedule, validity and registered_delivery for a message still pending
   * (SMPP 3.4 §4.10.1). Empty times keep the old ones; an empty short_message keeps the old text.
   * It is not charged again.
   */
  replace(account: EsmeAccount, pdu: ReplaceSm): number {
    const found = this.find(account, pdu.message_id, pdu.source_addr, CommandStatus.ESME_RREPLACEFAIL);
    if ("status" in found) return found.status;
    const m = found.message;
    // only while waiting (scheduled, or between attempts): a message on its way cannot change
    if (!m.deliveries.some((d) => d.doneAt === 0 && (d.phase === "scheduled" || d.phase === "retrying")))
      return CommandStatus.ESME_RREPLACEFAIL;
    if (pdu.sm_default_msg_id !== 0) return CommandStatus.ESME_RINVDFTMSGID;
    const now = this.clock.now();
    let expiresAt = m.expiresAt;
    if (pdu.validity_period !== "") {
      const v = parseSmppTime(pdu.validity_period, now);
      if (v.kind === "invalid" || (v.kind !== "none" && v.atMs <= now)) return CommandStatus.ESME_RINVEXPIRY;
      if (v.kind !== "none") expiresAt = Math.min(v.atMs, now + this.maxValidityMs);
    }
    let scheduledAt = m.scheduledAt;
    if (pdu.schedule_delivery_time !== "") {
      const s = parseSmppTime(pdu.schedule_delivery_time, now);
      if (s.kind === "invalid") return CommandStatus.ESME_RINVSCHED;
      if (s.kind !== "none") scheduledAt = s.atMs > now ? s.atMs : 0;
    }
    if (scheduledAt >= expiresAt) return CommandStatus.ESME_RINVSCHED;
    let content = m.content;
    const text =
      pdu.message_payload !== undefined && pdu.message_payload.length > 0
        ? pdu.message_payload
        : pdu.short_message;
    if (text.length > 0) {
      if (content.udhi) {
        try {
          parseUdh(text);
        } catch {
          return CommandStatus.ESME_RINVESMCLASS;
        }
      }
      let segments = content.segments;
      if (!content.udhi && content.sar === undefined) {
        try {
          segments = segmentsOf(text, content.dataCoding);
        } catch {
          return CommandStatus.ESME_RINVMSGLEN;
        }
      }
      content = { ...content, userData: text, segments };
    }
    m.content = { ...content, registeredDelivery: pdu.registered_delivery };
    const timesChanged = scheduledAt !== m.scheduledAt || expiresAt !== m.expiresAt;
    m.scheduledAt = scheduledAt;
    m.expiresAt = expiresAt;
    if (timesChanged) this.engine.rescheduled(m);
    return CommandStatus.ESME_ROK;
  }
}
