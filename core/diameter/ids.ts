/** Identifier generators (RFC 6733 §3 hop-by-hop and end-to-end, §8.8 Session-Id). */

/** Hop-by-hop ids: sequential from a random start, wrapping at 2^32. */
export class HopByHopIds {
  private next: number;
  constructor(random: () => number = Math.random) {
    this.next = Math.floor(random() * 0x100000000) >>> 0;
  }
  take(): number {
    const id = this.next;
    this.next = (this.next + 1) >>> 0;
    return id;
  }
}

/**
 * End-to-end ids: the high 12 bits from the low 12 bits of the current time in seconds, the low
 * 20 bits random at start, then incremented (RFC 6733 §3).
 */
export class EndToEndIds {
  private next: number;
  constructor(nowMs: number, random: () => number = Math.random) {
    const seconds = Math.floor(nowMs / 1000) & 0xfff;
    this.next = ((seconds << 20) | Math.floor(random() * 0x100000)) >>> 0;
  }
  take(): number {
    const id = this.next;
    this.next = (this.next + 1) >>> 0;
    return id;
  }
}

/**
 * Session-Ids `<DiameterIdentity>;<high 32 bits>;<low 32 bits>[;<optional>]` (RFC 6733 §8.8):
 * the high part is the boot time in seconds, the low part a counter.
 */
export class SessionIds {
  private low = 0;
  private readonly high: number;
  constructor(
    private readonly originHost: string,
    nowMs: number,
  ) {
    this.high = Math.floor(nowMs / 1000) >>> 0;
  }
  take(optional?: string): string {
    this.low = (this.low + 1) >>> 0;
    const base = `${this.originHost};${this.high};${this.low}`;
    return optional === undefined ? base : `${base};${optional}`;
  }
}
