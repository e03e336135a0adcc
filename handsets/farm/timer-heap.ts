/**
 * At most one pending timer per handset, for a million handsets, in typed arrays: a binary
 * min-heap of handset indexes ordered by due time, with each handset's position kept so a timer
 * can be moved or cancelled in O(log n). No closure or object per timer.
 */
export class TimerHeap {
  readonly #due: Float64Array;
  /** Position of each handset in the heap, -1 when it has no timer. */
  readonly #position: Int32Array;
  readonly #heap: Int32Array;
  #size = 0;

  constructor(capacity: number) {
    this.#due = new Float64Array(capacity);
    this.#position = new Int32Array(capacity).fill(-1);
    this.#heap = new Int32Array(capacity);
  }

  get size(): number {
    return this.#size;
  }

  has(handset: number): boolean {
    return (this.#position[handset] ?? -1) >= 0;
  }

  /** Sets (or moves) the handset's timer to `due`. */
  set(handset: number, due: number): void {
    this.#due[handset] = due;
    const at = this.#position[handset] ?? -1;
    if (at >= 0) {
      this.#up(at);
      this.#down(this.#position[handset] ?? 0);
      return;
    }
    this.#heap[this.#size] = handset;
    this.#position[handset] = this.#size;
    this.#size++;
    this.#up(this.#size - 1);
  }

  cancel(handset: number): void {
    const at = this.#position[handset] ?? -1;
    if (at < 0) return;
    this.#removeAt(at);
  }

  /** The earliest due time, or Infinity. */
  peekDue(): number {
    return this.#size === 0 ? Infinity : (this.#due[this.#heap[0] ?? 0] ?? Infinity);
  }

  /** Removes and returns the handset whose timer is due at or before `now`, or -1. */
  popDue(now: number): number {
    if (this.#size === 0) return -1;
    const first = this.#heap[0] ?? -1;
    if ((this.#due[first] ?? Infinity) > now) return -1;
    this.#removeAt(0);
    return first;
  }

  #removeAt(at: number): void {
    const removed = this.#heap[at] ?? 0;
    this.#position[removed] = -1;
    this.#size--;
    if (at === this.#size) return;
    const last = this.#heap[this.#size] ?? 0;
    this.#heap[at] = last;
    this.#position[last] = at;
    this.#up(at);
    this.#down(this.#position[last] ?? 0);
  }

  #less(a: number, b: number): boolean {
    return (this.#due[this.#heap[a] ?? 0] ?? 0) < (this.#due[this.#heap[b] ?? 0] ?? 0);
  }

  #swap(a: number, b: number): void {
    const ha = this.#heap[a] ?? 0;
    const hb = this.#heap[b] ?? 0;
    this.#heap[a] = hb;
    this.#heap[b] = ha;
    this.#position[hb] = a;
    this.#position[ha] = b;
  }

  #up(at: number): void {
    let i = at;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(i, parent)) return;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #down(at: number): void {
    let i = at;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= this.#size) return;
      const right = left + 1;
      const child = right < this.#size && this.#less(right, left) ? right : left;
      if (!this.#less(child, i)) return;
      this.#swap(i, child);
      i = child;
    }
  }
}
