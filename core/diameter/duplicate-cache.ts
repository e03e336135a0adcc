/**
 * Duplicate detection (RFC 6733 §5.5.4, §6.1.9): answers are remembered by Origin-Host and
 * End-to-End id for a window, so a request retransmitted with the T flag (after a failover) gets
 * the first answer again instead of being charged twice. A request whose first copy is still
 * being processed waits for that answer.
 */
import type { Clock } from "../clock/clock.js";

interface Entry {
  readonly at: number;
  answer: Buffer | undefined;
  readonly waiters: ((answer: Buffer) => void)[];
}

export interface DuplicateCacheOptions {
  /** How long an answer is kept (default 60 s). */
  readonly windowMs?: number;
  /** Most answers kept; the oldest go first (default 500,000). */
  readonly maxEntries?: number;
}

export class DuplicateCache {
  private readonly entries = new Map<string, Entry>();
  private readonly windowMs: number;
  private readonly maxEntries: number;

  constructor(
    private readonly clock: Clock,
    options: DuplicateCacheOptions = {},
  ) {
    this.windowMs = options.windowMs ?? 60_000;
    this.maxEntries = options.maxEntries ?? 500_000;
  }

  static key(originHost: string, endToEnd: number): string {
    return `${originHost}\u0000${endToEnd}`;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * For a retransmitted request: the stored answer, a promise of the answer still being
   * produced, or undefined when the request was never seen (process it).
   */
  lookup(key: string): Buffer | Promise<Buffer> | undefined {
    const e = this.entries.get(key);
    if (e === undefined || this.clock.now() - e.at > this.windowMs) return undefined;
    if (e.answer !== undefined) return e.answer;
    return new Promise((resolve) => e.waiters.push(resolve));
  }

  /** Marks a request as being processed. */
  begin(key: string): void {
    this.evict();
    this.entries.set(key, { at: this.clock.now(), answer: undefined, waiters: [] });
  }

  /** Stores the answer sent for a request and releases duplicates waiting for it. */
  complete(key: string, answer: Buffer): void {
    const e = this.entries.get(key);
    if (e === undefined) return;
    e.answer = answer;
    for (const w of e.waiters.splice(0)) w(answer);
  }

  private evict(): void {
    const now = this.clock.now();
    // Map iteration is insertion order, so the oldest entries come first.
    for (const [key, e] of this.entries) {
      if (this.entries.size < this.maxEntries && now - e.at <= this.windowMs) break;
      this.entries.delete(key);
    }
  }
}
