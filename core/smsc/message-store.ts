/**
 * The message store: owns every message the SMSC accepted and the state of each of its deliveries
 * (one per recipient: submit_multi has several, everything else one). The delivery engine is the
 * only writer of states; query/cancel/replace read and ask the engine. Final messages stay
 * queryable for `finalRetentionMs`, at most `maxFinalMessages` of them (oldest dropped first), so
 * memory stays bounded however long the SMSC runs.
 */
import type { MessageIdFormat } from "./smsc-config.js";
import type { SmppAddress, Target } from "./routing.js";

export type MessageOrigin =
  | { readonly kind: "esme"; readonly systemId: string; readonly format: MessageIdFormat }
  | {
      readonly kind: "handset";
      readonly msisdn: string;
      readonly messageReference: number | undefined;
      readonly statusReport: boolean;
    };

/** What was submitted; replace_sm may swap it while deliveries are pending. */
export interface MessageContent {
  readonly serviceType: string;
  readonly source: SmppAddress;
  readonly esmClass: number;
  readonly protocolId: number;
  readonly priority: number;
  readonly dataCoding: number;
  readonly registeredDelivery: number;
  /** short_message or message_payload as submitted, with the UDH when esm_class has UDHI. */
  readonly userData: Buffer;
  readonly udhi: boolean;
  /** Segments on the air interface: the charged units. */
  readonly segments: number;
  /** sar_* TLVs of a segment the ESME split itself (SMPP 3.4 §5.3.2.22-24). */
  readonly sar: { readonly reference: number; readonly total: number; readonly sequence: number } | undefined;
}

/** Where a delivery stands while it is not final. */
export type DeliveryPhase = "scheduled" | "attempting" | "retrying" | "outbox" | "final";

export interface Delivery {
  readonly message: StoredMessage;
  readonly destination: SmppAddress;
  readonly target: Target;
  /** message_state: ENROUTE until final. */
  state: number;
  /** NetworkError code of the last failure, or of the final state. */
  error: number;
  attempts: number;
  /** When it became final; 0 while pending. */
  doneAt: number;
  phase: DeliveryPhase;
  /** Bumped whenever a scheduled attempt must be forgotten (cancel, replace, final). */
  generation: number;
  intermediateSent: boolean;
}

export interface StoredMessage {
  readonly id: number;
  readonly messageId: string;
  readonly origin: MessageOrigin;
  content: MessageContent;
  readonly submittedAt: number;
  /** When delivery may start; 0 = at once. */
  scheduledAt: number;
  expiresAt: number;
  /** The expiry the engine is watching (0 = none yet). */
  watchedExpiry: number;
  readonly deliveries: Delivery[];
  /** Deliveries not final yet. */
  pending: number;
}

export interface StoreLimits {
  readonly finalRetentionMs: number;
  readonly maxFinalMessages: number;
}

export class MessageStore {
  private readonly byId = new Map<number, StoredMessage>();
  /** Final messages in the order they became final, for eviction. */
  private finals: { message: StoredMessage; at: number }[] = [];
  private finalsHead = 0;
  private pendingMessages = 0;

  constructor(private readonly limits: StoreLimits) {}

  /** Messages held (pending and final). */
  get size(): number {
    return this.byId.size;
  }

  /** Messages with a delivery not final yet. */
  get pendingCount(): number {
    return this.pendingMessages;
  }

  get finalCount(): number {
    return this.finals.length - this.finalsHead;
  }

  add(message: StoredMessage): void {
    this.byId.set(message.id, message);
    this.pendingMessages++;
  }

  get(id: number): StoredMessage | undefined {
    return this.byId.get(id);
  }

  /** The engine reports that the last delivery of a message became final. */
  finalized(message: StoredMessage, now: number): void {
    this.pendingMessages--;
    this.finals.push({ message, at: now });
    this.evict(now);
  }

  /** Drops final messages past their retention or above the limit. */
  evict(now: number): void {
    const { finalRetentionMs, maxFinalMessages } = this.limits;
    while (this.finalsHead < this.finals.length) {
      const head = this.finals[this.finalsHead] as { message: StoredMessage; at: number };
      if (this.finals.length - this.finalsHead <= maxFinalMessages && head.at + finalRetentionMs > now) break;
      this.byId.delete(head.message.id);
      this.finalsHead++;
    }
    if (this.finalsHead > 4096 && this.finalsHead * 2 > this.finals.length) {
      this.finals = this.finals.slice(this.finalsHead);
      this.finalsHead = 0;
    }
  }

  /** Every message with a pending delivery (for cancel_sm by address, replace_if_present). */
  *pending(): IterableIterator<StoredMessage> {
    for (const m of this.byId.values()) if (m.pending > 0) yield m;
  }
}
