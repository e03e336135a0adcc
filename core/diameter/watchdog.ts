/**
 * The transport failure detection of RFC 3539 §3.4 as RFC 6733 §5.5 uses it: DWR after Tw of
 * silence; no answer by the next Tw → SUSPECT (fail over); another Tw → DOWN (close). After a
 * reconnect the peer is in REOPEN until three DWAs have come back.
 */
import type { Clock, TimerHandle } from "../clock/clock.js";

export type WatchdogState = "okay" | "suspect" | "down" | "reopen";

export interface WatchdogActions {
  sendDwr(): void;
  stateChanged(state: WatchdogState): void;
  /** DOWN: the connection must be closed. */
  closeConnection(reason: string): void;
}

/** RFC 3539 §3.4.1: DWAs needed in REOPEN before traffic returns. */
const REOPEN_DWA_COUNT = 3;

export class Watchdog {
  private state: WatchdogState;
  private pendingDwr = false;
  private lastReceived: number;
  private timer: TimerHandle | undefined;
  private reopenDwas = 0;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly twMs: number,
    private readonly actions: WatchdogActions,
    reopen = false,
    private readonly jitter: () => number = () => 0,
  ) {
    this.state = reopen ? "reopen" : "okay";
    this.lastReceived = clock.now();
    if (reopen) this.sendDwr();
    this.arm(this.twMs);
  }

  get current(): WatchdogState {
    return this.state;
  }

  /** Any message from the peer (request or answer). */
  received(isDwa: boolean): void {
    this.lastReceived = this.clock.now();
    if (isDwa) this.pendingDwr = false;
    if (this.state === "suspect") this.setState("okay");
    if (this.state === "reopen" && isDwa) {
      this.reopenDwas++;
      if (this.reopenDwas >= REOPEN_DWA_COUNT) this.setState("okay");
      else this.sendDwr();
    }
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  private arm(ms: number): void {
    if (this.stopped) return;
    // RFC 3539 §3.4.1: Tw jittered by up to ±2 s so peers do not synchronise.
    this.timer = this.clock.setTimer(Math.max(1, ms + this.jitter()), () => this.expired());
  }

  private expired(): void {
    if (this.stopped) return;
    const silentFor = this.clock.now() - this.lastReceived;
    switch (this.state) {
      case "okay":
        if (this.pendingDwr) {
          this.setState("suspect");
        } else if (silentFor < this.twMs) {
          this.arm(this.twMs - silentFor);
          return;
        } else {
          this.sendDwr();
        }
        break;
      case "suspect":
        this.setState("down");
        this.actions.closeConnection(`watchdog: no answer from the peer for ${2 * this.twMs} ms`);
        this.stop();
        return;
      case "reopen":
        if (this.pendingDwr) {
          this.setState("down");
          this.actions.closeConnection("watchdog: no DWA while reopening");
          this.stop();
          return;
        }
        this.sendDwr();
        break;
      case "down":
        return;
    }
    this.arm(this.twMs);
  }

  private sendDwr(): void {
    this.pendingDwr = true;
    this.actions.sendDwr();
  }

  private setState(state: WatchdogState): void {
    if (state === this.state) return;
    this.state = state;
    this.actions.stateChanged(state);
  }
}
