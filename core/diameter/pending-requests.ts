/**
 * Requests waiting for their answers, by hop-by-hop id. One sweep timer enforces every timeout,
 * so a timed-out entry is always removed (no leak) and no timer is created per request.
 */
import type { Clock, TimerHandle } from "../clock/clock.js";
import { DiameterError } from "./errors.js";
import type { DiameterMessage } from "./message.js";

interface Pending {
  readonly deadline: number;
  readonly resolve: (answer: DiameterMessage) => void;
  readonly reject: (error: Error) => void;
  readonly what: string;
}

export class PendingRequests {
  private readonly entries = new Map<number, Pending>();
  private sweeper: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly sweepIntervalMs = 50,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  has(hopByHop: number): boolean {
    return this.entries.has(hopByHop);
  }

  add(hopByHop: number, timeoutMs: number, what: string): Promise<DiameterMessage> {
    return new Promise((resolve, reject) => {
      this.entries.set(hopByHop, { deadline: this.clock.now() + timeoutMs, resolve, reject, what });
      this.arm();
    });
  }

  /** Settles the request an answer belongs to; false when no request has that id (a stray answer). */
  resolve(hopByHop: number, answer: DiameterMessage): boolean {
    const p = this.entries.get(hopByHop);
    if (p === undefined) return false;
    this.entries.delete(hopByHop);
    p.resolve(answer);
    return true;
  }

  reject(hopByHop: number, error: Error): boolean {
    const p = this.entries.get(hopByHop);
    if (p === undefined) return false;
    this.entries.delete(hopByHop);
    p.reject(error);
    return true;
  }

  rejectAll(error: Error): void {
    const all = [...this.entries.values()];
    this.entries.clear();
    for (const p of all) p.reject(error);
    this.sweeper?.cancel();
    this.sweeper = undefined;
  }

  private arm(): void {
    if (this.sweeper !== undefined) return;
    this.sweeper = this.clock.setTimer(this.sweepIntervalMs, () => {
      this.sweeper = undefined;
      this.sweep();
      if (this.entries.size > 0) this.arm();
    });
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const [id, p] of this.entries) {
      if (p.deadline <= now) {
        this.entries.delete(id);
        p.reject(new DiameterError("DIAMETER_TIMEOUT", `no answer to ${p.what} within the timeout`));
      }
    }
  }
}
