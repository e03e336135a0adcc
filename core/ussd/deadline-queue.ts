/**
 * Deadlines on the injected clock, for many dialogues at once. Every deadline of one kind has the
 * same duration, so deadlines of a kind arrive in time order: a FIFO per kind keeps them sorted at
 * no cost, and a single clock timer is armed for the earliest one. Cancelling is lazy: a deadline
 * whose owner has moved on is skipped when it comes up, and swept out when a queue grows, so
 * memory stays proportional to the live dialogues.
 */
import type { Clock, TimerHandle } from "../clock/clock.js";

const SWEEP_MIN = 4096;

class Fifo<E> {
  private items: (E | undefined)[] = [];
  private head = 0;
  private sweepAt = SWEEP_MIN;

  get size(): number {
    return this.items.length - this.head;
  }

  peek(): E | undefined {
    return this.items[this.head];
  }

  shift(): E | undefined {
    const e = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= SWEEP_MIN && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return e;
  }

  push(e: E, isLive: (e: E) => boolean): void {
    this.items.push(e);
    if (this.size < this.sweepAt) return;
    const kept: E[] = [];
    for (let i = this.head; i < this.items.length; i++) {
      const item = this.items[i];
      if (item !== undefined && isLive(item)) kept.push(item);
    }
    this.items = kept;
    this.head = 0;
    this.sweepAt = Math.max(SWEEP_MIN, kept.length * 2);
  }
}

export interface Deadline {
  readonly at: number;
}

export class DeadlineQueues<E extends Deadline> {
  private readonly queues: Fifo<E>[];
  private timer: TimerHandle | undefined;
  private armedAt: number | undefined;
  private stopped = false;

  /**
   * `kinds` queues; `isLive` tells whether a deadline still counts; `onDue` runs for each live
   * deadline once the clock reaches it, in time order (ties in queue order).
   */
  constructor(
    private readonly clock: Clock,
    kinds: number,
    private readonly isLive: (e: E) => boolean,
    private readonly onDue: (e: E) => void,
  ) {
    this.queues = Array.from({ length: kinds }, () => new Fifo<E>());
  }

  /** Adds a deadline to queue `kind`; its `at` must not be before the last one pushed there. */
  push(kind: number, entry: E): void {
    if (this.stopped) return;
    const queue = this.queues[kind];
    if (queue === undefined) throw new RangeError(`no deadline queue ${kind}`);
    queue.push(entry, this.isLive);
    if (this.armedAt === undefined || entry.at < this.armedAt) this.arm();
  }

  /** Deadlines held (live or not yet swept). */
  get size(): number {
    let n = 0;
    for (const q of this.queues) n += q.size;
    return n;
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
    this.armedAt = undefined;
  }

  /** The queue whose head is the earliest live deadline, dropping dead heads on the way. */
  private earliest(): Fifo<E> | undefined {
    let best: Fifo<E> | undefined;
    let bestAt = Infinity;
    for (const q of this.queues) {
      let head = q.peek();
      while (head !== undefined && !this.isLive(head)) {
        q.shift();
        head = q.peek();
      }
      if (head !== undefined && head.at < bestAt) {
        best = q;
        bestAt = head.at;
      }
    }
    return best;
  }

  private arm(): void {
    const at = this.earliest()?.peek()?.at;
    if (at === this.armedAt) return;
    this.timer?.cancel();
    this.timer = undefined;
    this.armedAt = at;
    if (at !== undefined) this.timer = this.clock.setTimer(at - this.clock.now(), () => this.fire());
  }

  private fire(): void {
    this.timer = undefined;
    this.armedAt = undefined;
    if (this.stopped) return;
    const now = this.clock.now();
    for (;;) {
      const q = this.earliest();
      const head = q?.peek();
      if (q === undefined || head === undefined || head.at > now) break;
      q.shift();
      this.onDue(head);
    }
    this.arm();
  }
}
