/**
 * Reassembles concatenated messages. Segments are keyed by (source, reference); a message that is
 * still incomplete `timeoutMs` after its first segment is dropped and reported. Time comes from
 * the injected clock, so tests and scenarios run it on virtual time.
 */
import type { Clock, TimerHandle } from "../clock/clock.js";

export interface Fragment<T> {
  /** Who sent it, e.g. the source address (plus the bind, if references are per bind). */
  source: string;
  reference: number;
  total: number;
  /** 1-based. */
  sequence: number;
  /** Whatever the caller needs back in order: the PDU, the body, … */
  item: T;
}

export type AddResult<T> =
  | { status: "complete"; source: string; reference: number; items: T[] }
  | { status: "pending"; received: number; total: number }
  | { status: "duplicate" }
  | { status: "invalid"; reason: string };

export interface IncompleteMessage<T> {
  source: string;
  reference: number;
  total: number;
  /** Sequence numbers received, ascending. */
  received: number[];
  /** The items received, in sequence order. */
  items: T[];
  firstAt: number;
  reason: "timeout" | "evicted" | "cleared";
}

export interface ReassemblerOptions<T> {
  clock: Clock;
  /** How long a message may stay incomplete after its first segment. */
  timeoutMs: number;
  /** Called for each message dropped incomplete. */
  onIncomplete?: (message: IncompleteMessage<T>) => void;
  /** The most incomplete messages kept; the oldest is evicted (and reported) beyond it. */
  maxPending?: number;
}

interface Pending<T> {
  source: string;
  reference: number;
  total: number;
  parts: (T | undefined)[];
  received: number;
  firstAt: number;
  timer: TimerHandle;
}

/** `T` is whatever the caller keeps per segment; it must not include undefined. */
export class Reassembler<T> {
  private readonly pending = new Map<string, Pending<T>>();
  private readonly maxPending: number;

  constructor(private readonly options: ReassemblerOptions<T>) {
    this.maxPending = options.maxPending ?? 100_000;
  }

  /** Messages waiting for segments. */
  get size(): number {
    return this.pending.size;
  }

  add(fragment: Fragment<T>): AddResult<T> {
    const { source, reference, total, sequence, item } = fragment;
    if (!Number.isInteger(total) || total < 1 || total > 255)
      return { status: "invalid", reason: `total ${total} is not 1..255` };
    if (!Number.isInteger(sequence) || sequence < 1 || sequence > total)
      return { status: "invalid", reason: `sequence ${sequence} is not 1..${total}` };
    if (total === 1) return { status: "complete", source, reference, items: [item] };
    const key = `${source}\u0000${reference}`;
    let entry = this.pending.get(key);
    if (entry && entry.total !== total)
      return { status: "invalid", reason: `total ${total} differs from ${entry.total} of earlier segments` };
    if (!entry) {
      if (this.pending.size >= this.maxPending) this.evictOldest();
      const created: Pending<T> = {
        source,
        reference,
        total,
        parts: new Array<T | undefined>(total).fill(undefined),
        received: 0,
        firstAt: this.options.clock.now(),
        timer: this.options.clock.setTimer(this.options.timeoutMs, () =>
          this.expire(key, created, "timeout"),
        ),
      };
      entry = created;
      this.pending.set(key, entry);
    }
    if (entry.parts[sequence - 1] !== undefined) return { status: "duplicate" };
    entry.parts[sequence - 1] = item;
    entry.received++;
    if (entry.received < total) return { status: "pending", received: entry.received, total };
    entry.timer.cancel();
    this.pending.delete(key);
    return { status: "complete", source, reference, items: entry.parts as T[] };
  }

  /** Drops everything still pending, cancelling timers, and returns (and reports) it. */
  clear(): IncompleteMessage<T>[] {
    const dropped: IncompleteMessage<T>[] = [];
    for (const [key, entry] of [...this.pending]) dropped.push(this.expire(key, entry, "cleared"));
    return dropped;
  }

  private evictOldest(): void {
    const first = this.pending.entries().next();
    if (!first.done) this.expire(first.value[0], first.value[1], "evicted");
  }

  private expire(
    key: string,
    entry: Pending<T>,
    reason: IncompleteMessage<T>["reason"],
  ): IncompleteMessage<T> {
    entry.timer.cancel();
    this.pending.delete(key);
    const received: number[] = [];
    const items: T[] = [];
    entry.parts.forEach((part, i) => {
      if (part === undefined) return;
      received.push(i + 1);
      items.push(part);
    });
    const message: IncompleteMessage<T> = {
      source: entry.source,
      reference: entry.reference,
      total: entry.total,
      received,
      items,
      firstAt: entry.firstAt,
      reason,
    };
    this.options.onIncomplete?.(message);
    return message;
  }
}
