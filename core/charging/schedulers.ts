/**
 * Work the core does on its own clock: charging recurring fees as they fall due, and Tcc
 * supervision (RFC 4006 §13: a session silent for longer than Tcc is closed and what it held
 * is released). Both run on the injected clock, so a month passes in seconds of virtual time.
 */
import type { TimerHandle } from "../clock/clock.js";
import { commitUsage, removeReservation } from "./credit-control.js";
import type { ChargingEngine } from "./engine.js";
import { chargeDueFees } from "./fees.js";
import type { Account, ChargingRecord, Reservation } from "./model.js";
import { feeRecord } from "./topups.js";

export interface SchedulerEvents {
  /** A fee took the account below its floor: its sessions must be aborted (ASR). */
  onBlocked?(account: Account): void;
  /** A session's reservation was released by Tcc. */
  onSessionExpired?(account: Account, reservation: Reservation): void;
  onError?(error: unknown): void;
}

/** Every `intervalMs`, charges what fell due. Returns the number of accounts charged. */
export class FeeScheduler {
  private timer: TimerHandle | undefined;
  private stopped = false;

  constructor(
    private readonly engine: ChargingEngine,
    private readonly events: SchedulerEvents = {},
    private readonly intervalMs = 60_000,
  ) {}

  start(): void {
    this.stopped = false;
    this.runNow().catch((e: unknown) => this.events.onError?.(e));
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  private arm(): void {
    if (this.stopped) return;
    this.timer = this.engine.clock.setTimer(this.intervalMs, () => {
      this.runNow().catch((e: unknown) => this.events.onError?.(e));
      this.arm();
    });
  }

  /** Charges every fee due by now; resolves when the changes are durable. */
  runNow(): Promise<number> {
    const now = this.engine.clock.now();
    const changed: Account[] = [];
    const records: ChargingRecord[] = [];
    for (const account of this.engine.accounts()) {
      if (account.nextFeeAt > now) continue;
      const outcome = chargeDueFees(account, this.engine.planOf(account), now);
      if (outcome.charges.length === 0 && !outcome.renewed) continue;
      changed.push(account);
      for (const c of outcome.charges) {
        if (c.charged > 0) records.push(feeRecord(this.engine, account, c.charged, `fee:${c.note}`));
      }
      if (outcome.blocked) this.events.onBlocked?.(account);
    }
    if (changed.length === 0) return Promise.resolve(0);
    return this.engine.persist(changed, records).then(() => changed.length);
  }
}

/** Releases reservations whose session stayed silent past Tcc; the session's record is written. */
export class TccSweeper {
  private timer: TimerHandle | undefined;
  private stopped = false;

  constructor(
    private readonly engine: ChargingEngine,
    private readonly recordOf: (account: Account, r: Reservation, now: number) => ChargingRecord,
    private readonly events: SchedulerEvents = {},
    private readonly intervalMs = 1000,
  ) {}

  start(): void {
    this.stopped = false;
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  private arm(): void {
    if (this.stopped) return;
    this.timer = this.engine.clock.setTimer(this.intervalMs, () => {
      this.sweep().catch((e: unknown) => this.events.onError?.(e));
      this.arm();
    });
  }

  sweep(): Promise<number> {
    const now = this.engine.clock.now();
    const changed = new Set<Account>();
    const records: ChargingRecord[] = [];
    let released = 0;
    for (const account of this.engine.accounts()) {
      if (account.reservations.length === 0) continue;
      for (const r of [...account.reservations]) {
        if (r.expiresAt > now) continue;
        commitUsage(account, this.engine.planOf(account), r, 0, now);
        removeReservation(account, r);
        records.push(this.recordOf(account, r, now));
        if (!account.reservations.some((x) => x.sessionId === r.sessionId))
          this.engine.untrackSession(r.sessionId);
        changed.add(account);
        released++;
        this.events.onSessionExpired?.(account, r);
      }
    }
    if (changed.size === 0) return Promise.resolve(0);
    return this.engine.persist([...changed], records).then(() => released);
  }
}
