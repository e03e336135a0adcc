/**
 * A farm of N handsets sharing ONE link connection. Handset i (0-based, the card at index i of
 * the compact store) is handset number i + 1 on the connection. Per-handset state is a column of
 * typed arrays (state code of device-state.ts, the open procedure's correlation, the data
 * session's grant and rate, …) and one timer slot in a typed-array heap, so a million handsets
 * cost tens of bytes each on top of their cards.
 *
 * Behaviours (what the scenario runner drives): power on with PIN entry and attach (AKA on the
 * card), calls of a given duration, SMS, USSD menu walks, data sessions consuming at a target
 * rate (at most the throttled rate while a grant carries one, reporting usage every
 * Validity-Time or when the grant runs out), PIN change, PIN lockout and PUK unblock.
 */
import { HANDSET_CORRELATION_LAST } from "../../core/network/link/link-messages.js";
import type { Clock, TimerHandle } from "../../core/clock/clock.js";
import type { LinkConnection } from "../../core/network/link/link-connection.js";
import {
  type CoreToHandset,
  type HandsetToCore,
  isCoreToHandset,
  type LinkFrame,
} from "../../core/network/link/link-messages.js";
import {
  EVENT_CODE,
  type HandsetEvent,
  HANDSET_STATES,
  type HandsetState,
  nextStateCode,
  NO_TRANSITION,
  STATE_CODE,
} from "../device/device-state.js";
import { encodeSmsSubmit } from "../sms/sms-submit.js";
import { ATTACH_GUARD_MS } from "../device/handset.js";
import { FarmCards, type PinResult } from "./farm-card.js";
import { type FarmCounters, newCounters } from "./farm-counters.js";
import { TimerHeap } from "./timer-heap.js";

export interface HandsetFarmOptions {
  readonly cards: FarmCards;
  readonly connection: LinkConnection;
  readonly clock: Clock;
  /** Attaches in flight at once (default 5000). */
  readonly attachWindow?: number;
  readonly attachGuardMs?: number;
}

/** What a handset's timer is for. */
const TIMER_NONE = 0;
const TIMER_ATTACH_GUARD = 1;
const TIMER_CALL_END = 2;
const TIMER_DATA_REPORT = 3;
const TIMER_USSD_REPLY = 4;

const S = STATE_CODE;
const MAX_AUTH_ROUNDS = 3;
/** Validity-Time used when a grant has none (seconds). */
const DEFAULT_REPORT_INTERVAL_S = 60;

export class HandsetFarm {
  readonly size: number;
  readonly counters: FarmCounters = newCounters();
  readonly #cards: FarmCards;
  readonly #connection: LinkConnection;
  readonly #clock: Clock;
  readonly #guardMs: number;
  readonly #window: number;

  readonly #state: Uint8Array;
  readonly #correlation: Uint32Array;
  readonly #authRounds: Uint8Array;
  readonly #rejectCause: Uint8Array;
  /** The call id or data session id of the open call / session. */
  readonly #serviceId: Uint32Array;
  readonly #timerKind: Uint8Array;
  readonly #timers: TimerHeap;
  /** Data: target rate (bytes/s), throttled rate (kbit/s, 0: none), Validity-Time (s). */
  readonly #rate: Uint32Array;
  readonly #throttleKbps: Uint32Array;
  readonly #validity: Uint32Array;
  readonly #grantLeft: Float64Array;
  readonly #lastReport: Float64Array;
  /** Data session end time, or call duration before it connects (ms). */
  readonly #until: Float64Array;
  readonly #ussdSteps: Uint8Array;

  #nextCorrelation = 0;
  #clockTimer: TimerHandle | undefined;
  #clockTimerDue = Infinity;
  #attachCursor = 0;
  #attachEnd = 0;
  #attachInFlight = 0;
  #attachDone: (() => void) | undefined;

  constructor(options: HandsetFarmOptions) {
    this.#cards = options.cards;
    this.#connection = options.connection;
    this.#clock = options.clock;
    this.#guardMs = options.attachGuardMs ?? ATTACH_GUARD_MS;
    this.#window = options.attachWindow ?? 5000;
    const n = (this.size = options.cards.size);
    this.#state = new Uint8Array(n);
    this.#correlation = new Uint32Array(n);
    this.#authRounds = new Uint8Array(n);
    this.#rejectCause = new Uint8Array(n);
    this.#serviceId = new Uint32Array(n);
    this.#timerKind = new Uint8Array(n);
    this.#timers = new TimerHeap(n);
    this.#rate = new Uint32Array(n);
    this.#throttleKbps = new Uint32Array(n);
    this.#validity = new Uint32Array(n);
    this.#grantLeft = new Float64Array(n);
    this.#lastReport = new Float64Array(n);
    this.#until = new Float64Array(n);
    this.#ussdSteps = new Uint8Array(n);
    this.#connection.onFrame((frame) => this.#receive(frame));
  }

  /** Bytes of the per-handset columns (not counting the cards). */
  get stateBytes(): number {
    return this.size * (1 + 4 + 1 + 1 + 4 + 1 + 4 + 4 + 4 + 8 + 8 + 8 + 1 + 16);
  }

  stateOf(index: number): HandsetState {
    return HANDSET_STATES[this.#state[index] ?? 0] ?? "off";
  }

  rejectCauseOf(index: number): number {
    return this.#rejectCause[index] ?? 0;
  }

  /** How many handsets are in each state. */
  census(): Partial<Record<HandsetState, number>> {
    const counts = new Uint32Array(HANDSET_STATES.length);
    for (let i = 0; i < this.size; i++) counts[this.#state[i] ?? 0]!++;
    const out: Partial<Record<HandsetState, number>> = {};
    HANDSET_STATES.forEach((s, code) => {
      if ((counts[code] ?? 0) > 0) out[s] = counts[code] ?? 0;
    });
    return out;
  }

  // ------------------------------------------------------------------ power, SIM, attach

  /**
   * Powers on handsets [from, to): the SIM check, PIN entry with the card's own PIN when
   * `enterPin`, then attach for every handset whose SIM is ready, at most `attachWindow` at once.
   * Resolves when every attach has ended (accepted, rejected or timed out).
   */
  powerOnAll(options: { enterPin?: boolean; from?: number; to?: number } = {}): Promise<void> {
    const from = options.from ?? 0;
    const to = Math.min(options.to ?? this.size, this.size);
    for (let i = from; i < to; i++) this.powerOn(i, options.enterPin ?? true, false);
    return this.#attachRange(from, to);
  }

  /** Powers one handset on; with `attach`, starts its attach at once when the SIM is ready. */
  powerOn(index: number, enterPin: boolean, attach = true): HandsetState {
    if (!this.#apply(index, "power-on")) return this.stateOf(index);
    this.counters.poweredOn++;
    this.#simCheck(index, this.#cards.powerOnCheck(index, enterPin));
    if (attach && this.#state[index] === S.searching) this.#startAttach(index);
    return this.stateOf(index);
  }

  powerOff(index: number): void {
    if (this.#state[index] === S.off) return;
    this.#endServices(index);
    if (this.#inService(index)) this.#send(index, this.#newCorrelation(), { type: "detach-request" });
    this.#cards.powerOff(index);
    this.#cancelTimer(index);
    this.#apply(index, "power-off");
  }

  /** Enters PIN1 (AT+CPIN); a SIM that becomes ready starts the attach. */
  enterPin(index: number, code: string): PinResult {
    const result = this.#cards.verifyPin(index, code);
    this.#afterPinCommand(index);
    return result;
  }

  /** `**04*OLD*NEW*NEW#`: changes PIN1 on the card. */
  changePin(index: number, oldCode: string, newCode: string): PinResult {
    const result = this.#cards.changePin(index, oldCode, newCode);
    if (result === "ok") this.counters.pinChanges++;
    this.#afterPinCommand(index);
    return result;
  }

  /** Presents a wrong PIN until the card blocks PIN1 (at most 3 presentations, TS 102 221 §9.5). */
  lockOut(index: number): void {
    const right = this.#cards.identity(index).pin1;
    const wrong = right === "0000" ? "1111" : "0000";
    for (let tries = 0; tries < 3 && this.#cards.simStatus(index) !== "puk-required"; tries++) {
      this.#cards.verifyPin(index, wrong);
    }
    if (this.#cards.simStatus(index) === "puk-required") this.counters.pinLockouts++;
    this.#afterPinCommand(index);
  }

  /** `**05*PUK*NEW*NEW#`: unblocks PIN1 with the card's PUK (or `puk`). */
  unblock(index: number, newPin: string, puk = this.#cards.identity(index).puk1): PinResult {
    const result = this.#cards.unblockPin(index, puk, newPin);
    if (result === "ok") this.counters.pukUnblocks++;
    this.#afterPinCommand(index);
    return result;
  }

  // ------------------------------------------------------------------ services

  /** A voice call to `called` released by the handset `durationMs` after it connects. */
  call(index: number, called: string, durationMs: number): boolean {
    if (this.#state[index] !== S.registered) return false;
    this.counters.callsStarted++;
    this.#until[index] = durationMs;
    this.#correlation[index] = this.#newCorrelation();
    this.#send(index, this.#correlation[index]!, {
      type: "call-setup",
      called,
      clir: "default",
      emergency: false,
    });
    this.#apply(index, "call-started");
    return true;
  }

  sendSms(index: number, destination: string, text: string): boolean {
    if (!this.#inService(index)) return false;
    this.counters.smsSent++;
    const tpdu = encodeSmsSubmit({
      rejectDuplicates: false,
      replyPath: false,
      statusReportRequest: false,
      messageReference: this.counters.smsSent & 0xff,
      destination,
      destinationType: 0x91,
      protocolIdentifier: 0,
      dataCoding: 0,
      content: { kind: "text", text },
    });
    this.#send(index, this.#newCorrelation(), { type: "sms-submit", tpdu });
    return true;
  }

  /**
   * A USSD menu walk: dials `code` (e.g. *100#) and answers each menu the network sends with
   * "1" after `thinkMs`, for at most `steps` replies (TS 24.090 mobile-initiated dialogue).
   */
  ussdWalk(index: number, code: string, steps: number, thinkMs = 1000): boolean {
    if (this.#state[index] !== S.registered) return false;
    this.counters.ussdDialogues++;
    this.#ussdSteps[index] = Math.min(steps, 255);
    this.#until[index] = thinkMs;
    this.#correlation[index] = this.#newCorrelation();
    this.#apply(index, "ussd-started");
    this.#send(index, this.#correlation[index]!, { type: "ussd-begin", text: code, dcs: 15 });
    return true;
  }

  /** A data session consuming `bytesPerSecond` for `durationMs` (Infinity: until stopData). */
  startData(index: number, bytesPerSecond: number, durationMs = Infinity, apn = "internet"): boolean {
    if (this.#state[index] !== S.registered) return false;
    this.counters.dataSessions++;
    this.#rate[index] = Math.max(1, Math.round(bytesPerSecond));
    this.#throttleKbps[index] = 0;
    this.#grantLeft[index] = 0;
    this.#until[index] = this.#clock.now() + durationMs;
    this.#correlation[index] = this.#newCorrelation();
    this.#apply(index, "data-started");
    this.#send(index, this.#correlation[index]!, { type: "data-start", apn });
    return true;
  }

  stopData(index: number): void {
    if (this.#state[index] !== S["in-data"] || this.#serviceId[index] === 0) return;
    const octets = this.#usedSinceReport(index, this.#clock.now());
    this.counters.octetsReported += octets;
    this.#send(index, this.#correlation[index]!, {
      type: "data-stop",
      sessionId: this.#serviceId[index]!,
      octets,
    });
    this.#cancelTimer(index);
  }

  /** The current rate a data session consumes at (bytes/s): the target, or less while throttled. */
  dataRate(index: number): number {
    const rate = this.#rate[index] ?? 0;
    const throttle = this.#throttleKbps[index] ?? 0;
    // The throttled QoS (kbit/s) caps the rate (TS 23.203 MBR after the quota).
    return throttle > 0 ? Math.min(rate, (throttle * 1000) / 8) : rate;
  }

  // ------------------------------------------------------------------ internals

  #attachRange(from: number, to: number): Promise<void> {
    this.#attachCursor = from;
    this.#attachEnd = to;
    return new Promise((resolve) => {
      this.#attachDone = resolve;
      this.#pumpAttaches();
    });
  }

  #pumpAttaches(): void {
    while (this.#attachInFlight < this.#window && this.#attachCursor < this.#attachEnd) {
      const i = this.#attachCursor++;
      if (this.#state[i] === S.searching) this.#startAttach(i);
    }
    if (
      this.#attachInFlight === 0 &&
      this.#attachCursor >= this.#attachEnd &&
      this.#attachDone !== undefined
    ) {
      const done = this.#attachDone;
      this.#attachDone = undefined;
      done();
    }
  }

  #startAttach(index: number): void {
    const { imsi, imei } = this.#cards.identity(index);
    this.counters.attachRequests++;
    this.#attachInFlight++;
    this.#authRounds[index] = 0;
    this.#correlation[index] = this.#newCorrelation();
    this.#setTimer(index, TIMER_ATTACH_GUARD, this.#clock.now() + this.#guardMs);
    this.#send(index, this.#correlation[index]!, { type: "attach-request", imsi, imei });
  }

  #attachEnded(index: number): void {
    this.#cancelTimer(index);
    this.#correlation[index] = 0;
    this.#attachInFlight--;
    this.#pumpAttaches();
  }

  #afterPinCommand(index: number): void {
    const state = this.#state[index];
    if (state !== S["sim-locked"] && state !== S["sim-check"]) return;
    this.#simCheck(index);
    if (this.#state[index] === S.searching) this.#startAttach(index);
  }

  #simCheck(index: number, status = this.#cards.simStatus(index)): void {
    if (status === "ready") this.#apply(index, "sim-ready");
    else if (status === "absent") this.#apply(index, "sim-absent");
    else {
      this.#apply(index, "sim-locked");
      this.counters.simLocked++;
    }
  }

  #receive(frame: LinkFrame): void {
    const index = frame.handset - 1;
    if (index < 0 || index >= this.size) return;
    const m = frame.message;
    if (m.type === "error") {
      this.counters.errors++;
      return;
    }
    if (!isCoreToHandset(m)) return;
    const solicited = frame.correlation !== 0 && frame.correlation === this.#correlation[index];
    this.#handle(index, m, solicited, frame.correlation);
  }

  #handle(index: number, m: CoreToHandset, solicited: boolean, correlation: number): void {
    const state = this.#state[index];
    switch (m.type) {
      case "auth-request": {
        if (!solicited || state !== S.searching || ++this.#authRounds[index]! > MAX_AUTH_ROUNDS) return;
        const answer = this.#cards.authenticate(index, m.rand, m.autn);
        if (answer.type === "card-refused") return;
        if (answer.type === "auth-failure") {
          if (answer.cause === "mac-failure") this.counters.macFailures++;
          else this.counters.syncFailures++;
        }
        this.#send(index, correlation, answer);
        return;
      }
      case "attach-accept":
        if (!solicited) return;
        this.counters.attached++;
        this.#rejectCause[index] = 0;
        this.#apply(index, "attach-accepted");
        this.#attachEnded(index);
        return;
      case "attach-reject":
        if (!solicited) return;
        this.counters.rejected++;
        this.counters.rejectCauses[m.reason] = (this.counters.rejectCauses[m.reason] ?? 0) + 1;
        this.#rejectCause[index] = m.cause;
        this.#apply(index, "attach-rejected");
        this.#attachEnded(index);
        return;
      case "network-detach":
        this.#endServices(index);
        this.#rejectCause[index] = m.cause;
        this.#apply(index, "network-detach");
        return;
      case "call-connected":
        if (state !== S["in-call"]) return;
        this.counters.callsConnected++;
        this.#serviceId[index] = m.callId;
        this.#setTimer(index, TIMER_CALL_END, this.#clock.now() + (this.#until[index] ?? 0));
        return;
      case "call-alerting":
        this.#serviceId[index] = m.callId;
        return;
      case "call-released":
        if (state !== S["in-call"]) return;
        if (m.reason === "normal") this.counters.callsEnded++;
        else this.counters.callsFailed++;
        this.#cancelTimer(index);
        this.#serviceId[index] = 0;
        this.#apply(index, "call-ended");
        return;
      case "call-incoming":
        // The farm's handsets reject incoming calls unless a behaviour answers them.
        this.#send(index, correlation, { type: "call-hangup", callId: m.callId });
        return;
      case "sms-submit-result":
        if (m.result.ok) this.counters.smsDelivered++;
        else this.counters.smsFailed++;
        return;
      case "sms-deliver":
      case "sms-status-report":
        this.counters.smsReceived++;
        this.#send(index, correlation, { type: "sms-deliver-result", ok: true });
        return;
      case "ussd":
        if (state !== S["in-ussd"]) return;
        if (m.status === "request" && (this.#ussdSteps[index] ?? 0) > 0) {
          this.#setTimer(index, TIMER_USSD_REPLY, this.#clock.now() + (this.#until[index] ?? 0));
          return;
        }
        if (m.status === "request") this.#send(index, correlation, { type: "ussd-release" });
        this.counters.ussdCompleted++;
        this.#apply(index, "ussd-ended");
        return;
      case "data-grant":
        if (state !== S["in-data"]) return;
        this.#grant(index, m.sessionId, m.octets, m.validityTime, m.throttleKbps);
        return;
      case "data-ended":
        if (state !== S["in-data"]) return;
        this.counters.dataEnded++;
        this.#cancelTimer(index);
        this.#serviceId[index] = 0;
        this.#apply(index, "data-ended");
        return;
      case "refused":
        this.counters.refused++;
        this.#cancelTimer(index);
        if (state === S["in-call"]) this.#apply(index, "call-ended");
        else if (state === S["in-data"]) this.#apply(index, "data-ended");
        else if (state === S["in-ussd"]) this.#apply(index, "ussd-ended");
        return;
      default:
        return;
    }
  }

  /** A new grant: schedule the next usage report (Validity-Time, or when the grant runs out). */
  #grant(index: number, sessionId: number, octets: number, validity: number, throttleKbps: number): void {
    const now = this.#clock.now();
    if (this.#serviceId[index] === 0) this.#lastReport[index] = now;
    this.#serviceId[index] = sessionId;
    this.#grantLeft[index] = octets;
    this.#validity[index] = validity > 0 ? validity : DEFAULT_REPORT_INTERVAL_S;
    if (throttleKbps > 0 && this.#throttleKbps[index] === 0) this.counters.throttledGrants++;
    this.#throttleKbps[index] = throttleKbps;
    const rate = this.dataRate(index);
    const exhaustMs = octets > 0 ? (octets / rate) * 1000 : Infinity;
    const due = Math.min(
      now + Math.max(1, Math.min(this.#validity[index]! * 1000, exhaustMs)),
      this.#until[index] ?? Infinity,
    );
    this.#setTimer(index, TIMER_DATA_REPORT, due);
  }

  #usedSinceReport(index: number, now: number): number {
    const elapsed = Math.max(0, now - (this.#lastReport[index] ?? now));
    this.#lastReport[index] = now;
    return Math.floor((this.dataRate(index) * elapsed) / 1000);
  }

  #fire(index: number, kind: number): void {
    const now = this.#clock.now();
    switch (kind) {
      case TIMER_ATTACH_GUARD:
        if (this.#state[index] !== S.searching || this.#correlation[index] === 0) return;
        this.counters.attachTimeouts++;
        this.#attachEnded(index);
        return;
      case TIMER_CALL_END:
        if (this.#state[index] === S["in-call"]) {
          this.#send(index, this.#correlation[index]!, {
            type: "call-hangup",
            callId: this.#serviceId[index]!,
          });
        }
        return;
      case TIMER_USSD_REPLY:
        if (this.#state[index] !== S["in-ussd"]) return;
        this.#ussdSteps[index]!--;
        this.counters.ussdReplies++;
        this.#send(index, this.#correlation[index]!, { type: "ussd-reply", text: "1", dcs: 15 });
        return;
      case TIMER_DATA_REPORT: {
        if (this.#state[index] !== S["in-data"]) return;
        if (now >= (this.#until[index] ?? Infinity)) {
          this.stopData(index);
          return;
        }
        const octets = this.#usedSinceReport(index, now);
        this.counters.usageReports++;
        this.counters.octetsReported += octets;
        this.#send(index, this.#correlation[index]!, {
          type: "data-usage",
          sessionId: this.#serviceId[index]!,
          octets,
        });
        return;
      }
      default:
        return;
    }
  }

  #endServices(index: number): void {
    const state = this.#state[index];
    if (state === S["in-data"]) this.stopData(index);
    if (state === S["in-call"]) this.#send(index, this.#newCorrelation(), { type: "call-hangup", callId: 0 });
    if (state === S["in-ussd"]) this.#send(index, this.#correlation[index]!, { type: "ussd-release" });
    if (
      state === S.searching &&
      this.#correlation[index] !== 0 &&
      this.#timerKind[index] === TIMER_ATTACH_GUARD
    ) {
      this.#attachEnded(index);
    }
  }

  #inService(index: number): boolean {
    const s = this.#state[index];
    return s === S.registered || s === S["in-call"] || s === S["in-data"] || s === S["in-ussd"];
  }

  #apply(index: number, event: HandsetEvent): boolean {
    const next = nextStateCode(this.#state[index] ?? 0, EVENT_CODE[event]);
    if (next === NO_TRANSITION) return false;
    this.#state[index] = next;
    return true;
  }

  #newCorrelation(): number {
    // the handsets' half of the correlation space (proto/link.proto)
    this.#nextCorrelation = this.#nextCorrelation >= HANDSET_CORRELATION_LAST ? 1 : this.#nextCorrelation + 1;
    return this.#nextCorrelation;
  }

  #send(index: number, correlation: number, message: HandsetToCore): void {
    this.#connection.send({ handset: index + 1, correlation, message });
  }

  #setTimer(index: number, kind: number, due: number): void {
    this.#timerKind[index] = kind;
    this.#timers.set(index, due);
    this.#armClock();
  }

  #cancelTimer(index: number): void {
    this.#timerKind[index] = TIMER_NONE;
    this.#timers.cancel(index);
  }

  /** One clock timer, for the earliest handset timer. */
  #armClock(): void {
    const due = this.#timers.peekDue();
    if (due >= this.#clockTimerDue) return;
    this.#clockTimer?.cancel();
    this.#clockTimerDue = due;
    this.#clockTimer = this.#clock.setTimer(Math.max(0, due - this.#clock.now()), () => this.#onClock());
  }

  #onClock(): void {
    this.#clockTimer = undefined;
    this.#clockTimerDue = Infinity;
    const now = this.#clock.now();
    // Bounded: each pass handles timers due now; new ones land at least 1 ms later.
    for (let budget = this.size; budget > 0; budget--) {
      const index = this.#timers.popDue(now);
      if (index < 0) break;
      const kind = this.#timerKind[index] ?? TIMER_NONE;
      this.#timerKind[index] = TIMER_NONE;
      this.#fire(index, kind);
    }
    if (this.#timers.size > 0) this.#armClock();
  }
}
