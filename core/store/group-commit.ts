/**
 * Group commit: items submitted during one event-loop turn (or within a window of a few ms) are
 * handed to `write` together, and every submitter is answered once that write has finished — or
 * rejected with the error it threw. One group is written at a time, in submission order; while
 * a write is under way (an asynchronous writer, e.g. a worker thread waiting for its fsync) new
 * items gather into the next group, which starts as soon as the current one is done. The busier
 * the writer, the bigger the groups.
 *
 * All submitters of a group share one promise: one allocation per group, not per item.
 *
 * ```mermaid
 * stateDiagram-v2
 *   [*] --> Idle
 *   Idle --> Gathering: submit (starts the window: setImmediate or a timer)
 *   Gathering --> Gathering: submit
 *   Gathering --> Writing: window over (or flushNow), no write under way
 *   Writing --> Writing: submit (gathers the next group)
 *   Writing --> Idle: write done, nothing gathered — settle the group
 *   Writing --> Writing: write done, next group due — settle, start the next
 * ```
 */

export interface GroupCommitOptions {
  /**
   * 0 (default): a group is due on setImmediate, after the I/O callbacks of the turn in which its
   * first item came. n > 0: due n ms after its first item (bigger groups, longer waits).
   */
  readonly windowMs?: number;
}

export interface GroupCommitStats {
  /** Groups handed to `write` (including those that failed). */
  readonly flushes: number;
  /** Items in those groups. */
  readonly items: number;
  readonly failedFlushes: number;
  readonly largestGroup: number;
  /** Wall time from handing a group to `write` until it finished, summed, in ms. */
  readonly writeMs: number;
}

/** Writes one group; synchronous (returns) or asynchronous (returns a promise). */
export type GroupWriter<T> = (items: readonly T[]) => void | Promise<void>;

interface Group<T> {
  readonly items: T[];
  readonly promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
  /** Its window is over: write it as soon as the writer is free. */
  due: boolean;
}

function newGroup<T>(): Group<T> {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { items: [], promise, resolve, reject, due: false };
}

export class GroupCommit<T> {
  readonly #write: GroupWriter<T>;
  readonly #windowMs: number;
  #gathering: Group<T> | undefined;
  #writing: Group<T> | undefined;
  #immediate: NodeJS.Immediate | undefined;
  #timer: NodeJS.Timeout | undefined;
  #flushes = 0;
  #items = 0;
  #failedFlushes = 0;
  #largestGroup = 0;
  #writeMs = 0;

  constructor(write: GroupWriter<T>, options: GroupCommitOptions = {}) {
    const windowMs = options.windowMs ?? 0;
    if (!(windowMs >= 0 && Number.isFinite(windowMs)))
      throw new RangeError(`group commit window must be a finite number of ms >= 0, got ${windowMs}`);
    this.#write = write;
    this.#windowMs = windowMs;
  }

  /** Resolves once the group holding `item` has been written. */
  submit(item: T): Promise<void> {
    let group = this.#gathering;
    if (group === undefined) {
      group = newGroup<T>();
      this.#gathering = group;
      if (this.#windowMs === 0) this.#immediate = setImmediate(this.#onWindowEnd);
      else this.#timer = setTimeout(this.#onWindowEnd, this.#windowMs);
    }
    group.items.push(item);
    return group.promise;
  }

  /** Items submitted and not yet written (gathering or being written). */
  get pending(): number {
    return (this.#gathering?.items.length ?? 0) + (this.#writing?.items.length ?? 0);
  }

  /**
   * Ends the gathering group's window now (a synchronous writer writes it before this returns).
   * Resolves once everything submitted so far has been written; rejects if that last group failed.
   */
  flushNow(): Promise<void> {
    const gathering = this.#gathering;
    if (gathering !== undefined) {
      gathering.due = true;
      this.#clearWindow();
      if (this.#writing === undefined) this.#start();
      return gathering.promise;
    }
    return this.#writing?.promise ?? Promise.resolve();
  }

  stats(): GroupCommitStats {
    return {
      flushes: this.#flushes,
      items: this.#items,
      failedFlushes: this.#failedFlushes,
      largestGroup: this.#largestGroup,
      writeMs: this.#writeMs,
    };
  }

  readonly #onWindowEnd = (): void => {
    this.#immediate = undefined;
    this.#timer = undefined;
    const group = this.#gathering;
    if (group === undefined) return;
    group.due = true;
    if (this.#writing === undefined) this.#start();
  };

  #clearWindow(): void {
    if (this.#immediate !== undefined) clearImmediate(this.#immediate);
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#immediate = undefined;
    this.#timer = undefined;
  }

  /** Hands the gathering group to the writer (which is free). */
  #start(): void {
    const group = this.#gathering!;
    this.#gathering = undefined;
    this.#writing = group;
    const count = group.items.length;
    this.#flushes++;
    this.#items += count;
    if (count > this.#largestGroup) this.#largestGroup = count;
    const started = performance.now();
    let result: void | Promise<void>;
    try {
      result = this.#write(group.items);
    } catch (error) {
      this.#settle(group, started, error, true);
      return;
    }
    if (result instanceof Promise)
      result.then(
        () => this.#settle(group, started, undefined, false),
        (error: unknown) => this.#settle(group, started, error, true),
      );
    else this.#settle(group, started, undefined, false);
  }

  #settle(group: Group<T>, started: number, error: unknown, failed: boolean): void {
    this.#writeMs += performance.now() - started;
    this.#writing = undefined;
    if (failed) {
      this.#failedFlushes++;
      group.reject(error);
    } else group.resolve();
    // What gathered meanwhile has waited long enough if its window is over.
    if (this.#gathering?.due === true) this.#start();
  }
}
