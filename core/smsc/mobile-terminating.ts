/**
 * The SMSC's side of the network edge for mobile-terminated SMS: the MSC/HLR (core/network, later)
 * implements MobileTerminating; the SMSC asks it whether a handset is attached and hands it each
 * message. ALL_ATTACHED is the default (every handset attached, every delivery succeeds);
 * InMemoryHandsets is a fake with an inbox per MSISDN for tests and scenarios.
 */
import { decodeText } from "../smpp/text-codec.js";
import type { InformationElement } from "../smpp/udh.js";
import type { FinalState } from "./smsc-config.js";

/** One air-interface segment (TS 23.040 TP-UD): header IEs and the body after them. */
export interface MtSmsPart {
  readonly userDataHeader: readonly InformationElement[];
  /** GSM-7 unpacked (one septet per octet), UCS2 or 8-bit octets, as data_coding says. */
  readonly body: Buffer;
}

/** A message for a handset: what an SMS-DELIVER needs. */
export interface MtSms {
  readonly messageId: string;
  /** The sender: an MSISDN, a short number or an alphanumeric address. */
  readonly originator: string;
  /** Type of number of the originator (SMPP source_addr_ton: 1 international, 5 alphanumeric, …). */
  readonly originatorTon: number;
  readonly destination: string;
  readonly dataCoding: number;
  readonly protocolId: number;
  /** When the SMSC accepted it (TP-SCTS), ms since the epoch. */
  readonly submittedAt: number;
  /** One or more segments (several when the SMSC split a long message itself). */
  readonly parts: readonly MtSmsPart[];
  readonly statusReportRequested: boolean;
}

/** What the network edge reports for one delivery attempt. */
export type MtDeliveryResult = "delivered" | "absent" | "memory-full";

/** A status report for a handset's own message (SMS-STATUS-REPORT, TS 23.040 §9.2.2.3). */
export interface HandsetStatusReport {
  readonly messageId: string;
  /** TP-MR of the submit, when the handset gave one. */
  readonly messageReference?: number;
  readonly recipient: string;
  readonly state: FinalState;
  /** A NetworkError code (receipts.ts). */
  readonly error: number;
  readonly submittedAt: number;
  readonly doneAt: number;
}

export interface MobileTerminating {
  isAttached(msisdn: string): boolean;
  deliver(msisdn: string, sms: MtSms): MtDeliveryResult | Promise<MtDeliveryResult>;
  /** Status reports for messages a handset submitted with statusReportRequest. */
  statusReport?(msisdn: string, report: HandsetStatusReport): void;
}

/** Every handset attached, every delivery succeeds, nothing kept. */
export const ALL_ATTACHED: MobileTerminating = {
  isAttached: () => true,
  deliver: () => "delivered",
};

/** The text of a message (its segments decoded and joined); undefined for binary data. */
export function mtSmsText(sms: MtSms): string | undefined {
  try {
    return sms.parts.map((p) => decodeText(sms.dataCoding, p.body)).join("");
  } catch {
    return undefined;
  }
}

/**
 * A fake network edge: handsets attach and detach, a memory can be full, every delivered message
 * and status report is kept per MSISDN. Handsets not attached explicitly are attached when
 * `attachedByDefault` (the default).
 */
export class InMemoryHandsets implements MobileTerminating {
  private readonly attached = new Set<string>();
  private readonly detached = new Set<string>();
  private readonly full = new Set<string>();
  private readonly inboxes = new Map<string, MtSms[]>();
  private readonly reports = new Map<string, HandsetStatusReport[]>();
  /** Every attempt, in order, with its result. */
  readonly attempts: { msisdn: string; messageId: string; result: MtDeliveryResult }[] = [];

  constructor(private readonly attachedByDefault = true) {}

  attach(msisdn: string): void {
    this.attached.add(msisdn);
    this.detached.delete(msisdn);
  }

  detach(msisdn: string): void {
    this.detached.add(msisdn);
    this.attached.delete(msisdn);
  }

  setMemoryFull(msisdn: string, full: boolean): void {
    if (full) this.full.add(msisdn);
    else this.full.delete(msisdn);
  }

  isAttached(msisdn: string): boolean {
    if (this.detached.has(msisdn)) return false;
    return this.attachedByDefault || this.attached.has(msisdn);
  }

  deliver(msisdn: string, sms: MtSms): MtDeliveryResult {
    const result: MtDeliveryResult = !this.isAttached(msisdn)
      ? "absent"
      : this.full.has(msisdn)
        ? "memory-full"
        : "delivered";
    this.attempts.push({ msisdn, messageId: sms.messageId, result });
    if (result === "delivered") this.listFor(this.inboxes, msisdn).push(sms);
    return result;
  }

  statusReport(msisdn: string, report: HandsetStatusReport): void {
    this.listFor(this.reports, msisdn).push(report);
  }

  /** Messages delivered to a handset, oldest first. */
  inbox(msisdn: string): readonly MtSms[] {
    return this.inboxes.get(msisdn) ?? [];
  }

  statusReports(msisdn: string): readonly HandsetStatusReport[] {
    return this.reports.get(msisdn) ?? [];
  }

  private listFor<V>(map: Map<string, V[]>, key: string): V[] {
    let list = map.get(key);
    if (list === undefined) {
      list = [];
      map.set(key, list);
    }
    return list;
  }
}
