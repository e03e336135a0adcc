/**
 * deliver_sm towards ESMEs (MO messages and receipts): a queue per system_id, sent over its
 * receiver and transceiver binds (round robin, at most `window` awaiting a response per bind).
 * An error status or a timeout is retried after a delay (the last delay repeats) up to
 * `maxAttempts`; ESME_RX_P_APPN and ESME_RX_R_APPN (SMPP 3.4 §5.1.3: permanent error, reject)
 * end it at once. A deliver_sm in flight when its bind closes goes back to the front of the queue
 * without counting an attempt. While no bind can take them, items wait (bounded per system_id).
 */
import type { Clock } from "../clock/clock.js";
import type { Logger } from "../diameter/logger.js";
import { CommandStatus } from "../smpp/command-status.js";
import type { OutboundPdu, ResponseTo } from "../smpp/pdu-types.js";
import { SmppSessionError } from "../smpp/session-error.js";
import { DeadlineHeap } from "./deadline-heap.js";

/** What the outbox needs of a bound session (SmppSession has it). */
export interface DeliverySession {
  readonly inFlightCount: number;
  readonly isClosed: boolean;
  request(pdu: OutboundPdu<"deliver_sm">, options: { timeoutMs?: number }): Promise<ResponseTo<"deliver_sm">>;
  /** Told of each deliver_sm this session's ESME acknowledged (for its stats). */
  acknowledged?(): void;
}

export type OutboxOutcome =
  | { readonly kind: "delivered" }
  /** A permanent refusal, or attempts used up (`status` of the last answer; undefined after timeouts). */
  | { readonly kind: "failed"; readonly status: number | undefined; readonly reason: string };

export type OutboxKind = "message" | "receipt";

export interface OutboxOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly window: number;
  readonly maxQueued: number;
  readonly delaysMs: readonly number[];
  readonly maxAttempts: number;
  readonly responseTimeoutMs: number;
}

interface Item {
  readonly kind: OutboxKind;
  readonly pdu: OutboundPdu<"deliver_sm">;
  readonly done: ((outcome: OutboxOutcome) => void) | undefined;
  /** False once the item is not wanted any more (its message expired or was cancelled). */
  readonly live: (() => boolean) | undefined;
  attempts: number;
}

interface Lane {
  readonly systemId: string;
  queue: Item[];
  head: number;
  /** Items waiting for a retry delay. */
  delayed: number;
  inFlight: number;
  readonly sessions: DeliverySession[];
  next: number;
  delivered: number;
  retried: number;
  failed: number;
  dropped: number;
}

export interface OutboxLaneStats {
  systemId: string;
  queued: number;
  delayed: number;
  inFlight: number;
  binds: number;
  delivered: number;
  retried: number;
  failed: number;
  dropped: number;
}

const PERMANENT: ReadonlySet<number> = new Set([CommandStatus.ESME_RX_P_APPN, CommandStatus.ESME_RX_R_APPN]);

export class EsmeOutbox {
  private readonly lanes = new Map<string, Lane>();
  private readonly retries: DeadlineHeap<{ lane: Lane; item: Item }>;
  private closed = false;

  constructor(private readonly options: OutboxOptions) {
    this.retries = new DeadlineHeap(
      options.clock,
      ({ lane, item }) => {
        lane.delayed--;
        this.push(lane, item, false);
        this.pump(lane);
      },
      (e) => options.logger.error(`smsc outbox: ${e instanceof Error ? e.message : String(e)}`),
    );
  }

  /** A receiver or transceiver bind of `systemId` can take deliver_sm from now on. */
  attach(systemId: string, session: DeliverySession): void {
    const lane = this.lane(systemId);
    if (!lane.sessions.includes(session)) lane.sessions.push(session);
    this.pump(lane);
  }

  detach(systemId: string, session: DeliverySession): void {
    const lane = this.lanes.get(systemId);
    if (lane === undefined) return;
    const i = lane.sessions.indexOf(session);
    if (i >= 0) lane.sessions.splice(i, 1);
  }

  /** Binds that can take deliver_sm for `systemId`. */
  receivers(systemId: string): number {
    return this.lanes.get(systemId)?.sessions.length ?? 0;
  }

  /**
   * Queues a deliver_sm. False (and nothing queued) when the system_id's queue is full: the
   * caller decides (a message retries later; a receipt is lost and counted).
   */
  enqueue(
    systemId: string,
    kind: OutboxKind,
    pdu: OutboundPdu<"deliver_sm">,
    done?: (outcome: OutboxOutcome) => void,
    live?: () => boolean,
  ): boolean {
    if (this.closed) return false;
    const lane = this.lane(systemId);
    if (lane.queue.length - lane.head + lane.delayed >= this.options.maxQueued) {
      lane.dropped++;
      return false;
    }
    this.push(lane, { kind, pdu, done, live, attempts: 0 }, false);
    this.pump(lane);
    return true;
  }

  stats(): OutboxLaneStats[] {
    return [...this.lanes.values()].map((l) => ({
      systemId: l.systemId,
      queued: l.queue.length - l.head,
      delayed: l.delayed,
      inFlight: l.inFlight,
      binds: l.sessions.length,
      delivered: l.delivered,
      retried: l.retried,
      failed: l.failed,
      dropped: l.dropped,
    }));
  }

  /** Items waiting (queued or delayed) over all system_ids. */
  get waiting(): number {
    let n = 0;
    for (const l of this.lanes.values()) n += l.queue.length - l.head + l.delayed;
    return n;
  }

  close(): void {
    this.closed = true;
    this.retries.close();
  }

  private lane(systemId: string): Lane {
    let lane = this.lanes.get(systemId);
    if (lane === undefined) {
      lane = {
        systemId,
        queue: [],
        head: 0,
        delayed: 0,
        inFlight: 0,
        sessions: [],
        next: 0,
        delivered: 0,
        retried: 0,
        failed: 0,
        dropped: 0,
      };
      this.lanes.set(systemId, lane);
    }
    return lane;
  }

  private push(lane: Lane, item: Item, front: boolean): void {
    if (front && lane.head > 0) lane.queue[--lane.head] = item;
    else if (front) lane.queue.unshift(item);
    else lane.queue.push(item);
  }

  /** A bind with room in its window, round robin; undefined when none has. */
  private pick(lane: Lane): DeliverySession | undefined {
    const n = lane.sessions.length;
    for (let k = 0; k < n; k++) {
      const s = lane.sessions[(lane.next + k) % n] as DeliverySession;
      if (!s.isClosed && s.inFlightCount < this.options.window) {
        lane.next = (lane.next + k + 1) % n;
        return s;
      }
    }
    return undefined;
  }

  private pump(lane: Lane): void {
    while (lane.head < lane.queue.length && !this.closed) {
      const session = this.pick(lane);
      if (session === undefined) break;
      const item = lane.queue[lane.head] as Item;
      lane.queue[lane.head] = undefined as unknown as Item;
      lane.head++;
      if (item.live !== undefined && !item.live()) continue;
      this.send(lane, session, item);
    }
    if (lane.head === lane.queue.length) {
      lane.queue = [];
      lane.head = 0;
    } else if (lane.head > 1024 && lane.head * 2 > lane.queue.length) {
      lane.queue = lane.queue.slice(lane.head);
      lane.head = 0;
    }
  }

  private send(lane: Lane, session: DeliverySession, item: Item): void {
    item.attempts++;
    lane.inFlight++;
    session.request(item.pdu, { timeoutMs: this.options.responseTimeoutMs }).then(
      (response) => {
        lane.inFlight--;
        const status = response.command_status;
        if (status === CommandStatus.ESME_ROK) {
          lane.delivered++;
          session.acknowledged?.();
          item.done?.({ kind: "delivered" });
        } else if (PERMANENT.has(status)) {
          this.fail(lane, item, status, `refused with status 0x${status.toString(16)}`);
        } else {
          this.retry(lane, item, status, `answered status 0x${status.toString(16)}`);
        }
        this.pump(lane);
      },
      (error: unknown) => {
        lane.inFlight--;
        if (error instanceof SmppSessionError && error.code === "CLOSED") {
          // the bind went away: not the ESME's refusal, so no attempt is counted; and the bind is
          // not picked again (its close event may come later than this rejection)
          item.attempts--;
          const i = lane.sessions.indexOf(session);
          if (i >= 0) lane.sessions.splice(i, 1);
          this.push(lane, item, true);
        } else {
          this.retry(lane, item, undefined, error instanceof Error ? error.message : String(error));
        }
        this.pump(lane);
      },
    );
  }

  private retry(lane: Lane, item: Item, status: number | undefined, reason: string): void {
    if (item.attempts >= this.options.maxAttempts) {
      this.fail(lane, item, status, `${reason}; gave up after ${item.attempts} attempts`);
      return;
    }
    lane.retried++;
    lane.delayed++;
    const delays = this.options.delaysMs;
    const delay = delays[Math.min(item.attempts - 1, delays.length - 1)] ?? 0;
    this.retries.add(this.options.clock.now() + delay, { lane, item });
  }

  private fail(lane: Lane, item: Item, status: number | undefined, reason: string): void {
    lane.failed++;
    if (item.kind === "receipt")
      this.options.logger.warn(`smsc: receipt for ${lane.systemId} not delivered: ${reason}`);
    item.done?.({ kind: "failed", status, reason });
  }
}
