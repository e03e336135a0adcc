/**
 * The USSD dialogue manager: the one owner of every live dialogue's state. Per TS 24.090:
 * - mobile-initiated (§4): the MS sends a PSSR with the dialled string; the application answers
 *   with the final PSSR response, or first with USSR requests (user input expected) and USSN
 *   notifications, each answered by the MS, until it sends the final response;
 * - network-initiated (§5): the application opens with a USSR or a USSN; the MS answers; the
 *   application continues or releases (RELEASE COMPLETE).
 * One dialogue per MSISDN at a time: a second one, from either side, is refused as busy (TS 23.090
 * §6.2.1, "USSD-Busy"). Three timers on the injected clock end a dialogue, each with its reason:
 * application response, user response, and the whole dialogue. Either side may release at any
 * time. Messages go out through the sink after the state has changed, in order, so a sink may
 * call back into the manager (the built-in menus answer synchronously).
 */
import type { Clock } from "../clock/clock.js";
import { DeadlineQueues } from "./deadline-queue.js";
import {
  type ActionOutcome,
  type ApplicationAction,
  DEFAULT_DIALOGUE_TIMERS,
  type DialogueInfo,
  type DialogueOrigin,
  type DialogueState,
  type DialogueSummary,
  type DialogueTimers,
  type EndReason,
  type HandsetAction,
  type NetworkOpening,
  type OpenOutcome,
  type OpenRefusal,
  type ToApplication,
  type ToHandset,
  type UssdPayload,
} from "./dialogue-types.js";
import { type ApplicationRef, applicationName, sameApplication } from "./routing.js";
import { type SessionInfo, SessionNumbers } from "./session-info.js";
import { refusal, type UssdRefusal } from "./ussd-errors.js";
import { dcsOf, describeUssdSize, ussdTextProblem, ussdTextSize } from "./ussd-text.js";

export interface DialogueSink {
  toHandset(message: ToHandset): void;
  toApplication(message: ToApplication): void;
  /** Every dialogue that ended, once (metrics, records). */
  ended?(summary: DialogueSummary): void;
  /** A sink callback threw; the manager carried on. */
  error?(error: unknown): void;
}

export interface DialogueManagerOptions {
  readonly clock: Clock;
  readonly sink: DialogueSink;
  readonly timers?: Partial<DialogueTimers>;
}

interface Dialogue extends DialogueInfo {
  state: DialogueState;
  units: number;
  /** Bumped on every change of what the dialogue waits for: older wait timers are then dead. */
  wait: number;
}

const APPLICATION_TIMER = 0;
const USER_TIMER = 1;
const DIALOGUE_TIMER = 2;
type TimerKind = typeof APPLICATION_TIMER | typeof USER_TIMER | typeof DIALOGUE_TIMER;

interface TimerEntry {
  readonly at: number;
  readonly dialogue: Dialogue;
  readonly kind: TimerKind;
  readonly wait: number;
}

const TIMEOUT_OF: Record<TimerKind, EndReason> = {
  [APPLICATION_TIMER]: "application-timeout",
  [USER_TIMER]: "user-timeout",
  [DIALOGUE_TIMER]: "dialogue-timeout",
};

type ApplicationBody =
  | { readonly kind: "begin" | "reply"; readonly text: string }
  | { readonly kind: "ack" }
  | { readonly kind: "end"; readonly reason: EndReason };

type Outgoing =
  | { readonly to: "handset"; readonly message: ToHandset }
  | { readonly to: "application"; readonly message: ToApplication }
  | { readonly to: "ended"; readonly summary: DialogueSummary };

/** The text as a USSD payload, or why it cannot be one. */
function payloadOf(text: string): UssdPayload | UssdRefusal {
  const size = ussdTextSize(text);
  const problem = ussdTextProblem(text, size);
  if (problem === "empty") return refusal("USSD_TEXT_EMPTY", "a USSD string needs at least one character");
  if (problem === "too-long") {
    return refusal("USSD_TEXT_TOO_LONG", `the text takes ${describeUssdSize(text)}: it does not fit`);
  }
  return { text, encoding: size.encoding, dcs: dcsOf(size.encoding) };
}

function refused(p: UssdPayload | UssdRefusal): p is UssdRefusal {
  return "ok" in p;
}

export class DialogueManager {
  readonly timers: DialogueTimers;
  private readonly clock: Clock;
  private readonly sink: DialogueSink;
  private readonly byId = new Map<number, Dialogue>();
  private readonly byMsisdn = new Map<string, Dialogue>();
  private readonly numbers = new SessionNumbers();
  private readonly deadlines: DeadlineQueues<TimerEntry>;
  private readonly outbox: Outgoing[] = [];
  private flushing = false;
  private nextId = 1;

  constructor(options: DialogueManagerOptions) {
    this.clock = options.clock;
    this.sink = options.sink;
    this.timers = { ...DEFAULT_DIALOGUE_TIMERS, ...options.timers };
    for (const [name, ms] of Object.entries(this.timers)) {
      if (!Number.isSafeInteger(ms) || ms <= 0)
        throw new RangeError(`timer ${name} must be a positive integer of ms`);
    }
    this.deadlines = new DeadlineQueues<TimerEntry>(
      this.clock,
      3,
      (e) => e.dialogue.state !== "ended" && (e.kind === DIALOGUE_TIMER || e.wait === e.dialogue.wait),
      (e) => this.timedOut(e),
    );
  }

  /** Live dialogues. */
  get size(): number {
    return this.byId.size;
  }

  dialogue(id: number): DialogueInfo | undefined {
    return this.byId.get(id);
  }

  dialogueOf(msisdn: string): DialogueInfo | undefined {
    return this.byMsisdn.get(msisdn);
  }

  /** The MSISDN's dialogue if its session number matches (its_session_info octet 1). */
  find(msisdn: string, sessionNumber: number): DialogueInfo | undefined {
    const d = this.byMsisdn.get(msisdn);
    return d !== undefined && d.sessionNumber === sessionNumber ? d : undefined;
  }

  /**
   * A PSSR from the MS (TS 24.090 §4): the dialogue goes to `application`. When the application
   * answers at once, the dialogue returned may already have ended (see its state).
   */
  openMobile(
    msisdn: string,
    dialled: string,
    application: ApplicationRef,
    serviceCode: string | undefined,
  ): OpenOutcome {
    const checked = payloadOf(dialled);
    if (refused(checked)) return checked;
    const busy = this.busy(msisdn);
    if (busy !== undefined) return busy;
    const d = this.create(
      msisdn,
      "mobile",
      application,
      serviceCode,
      this.numbers.nextUserMessageReference(),
    );
    this.awaitApplication(d);
    this.toApplication(d, { kind: "begin", text: dialled });
    this.flush();
    return { ok: true, dialogue: d };
  }

  /** A USSR or USSN from an application to an idle MS (TS 24.090 §5). */
  openNetwork(
    msisdn: string,
    application: ApplicationRef,
    first: NetworkOpening,
    userMessageReference?: number,
  ): OpenOutcome {
    const text = payloadOf(first.text);
    if (refused(text)) return text;
    const busy = this.busy(msisdn);
    if (busy !== undefined) return busy;
    const reference = userMessageReference ?? this.numbers.nextUserMessageReference();
    const d = this.create(msisdn, "network", application, undefined, reference & 0xffff);
    this.sendToUser(d, first.kind, text);
    this.flush();
    return { ok: true, dialogue: d };
  }

  /** What the MS sends within its dialogue. */
  fromHandset(msisdn: string, action: HandsetAction): ActionOutcome {
    const d = this.byMsisdn.get(msisdn);
    if (d === undefined) return refusal("USSD_NO_DIALOGUE", `${msisdn} has no USSD dialogue`);
    switch (action.kind) {
      case "reply": {
        if (d.state !== "awaiting-reply") return this.wrongState(d, "a user reply");
        const checked = payloadOf(action.text);
        if (refused(checked)) return checked;
        this.awaitApplication(d);
        this.toApplication(d, { kind: "reply", text: action.text });
        break;
      }
      case "ack":
        if (d.state !== "awaiting-ack") return this.wrongState(d, "an acknowledgement");
        this.awaitApplication(d);
        this.toApplication(d, { kind: "ack" });
        break;
      case "release":
        // TS 24.090 §4.1/§5.1: the MS may release the transaction at any time.
        this.end(d, "released-by-user", { handset: false, application: true });
        break;
    }
    this.flush();
    return { ok: true };
  }

  /**
   * What the application sends within a dialogue. With `by`, the dialogue must be routed to that
   * application (an ESME cannot act on another one's dialogue).
   */
  fromApplication(dialogueId: number, action: ApplicationAction, by?: ApplicationRef): ActionOutcome {
    const d = this.byId.get(dialogueId);
    if (d === undefined) return refusal("USSD_NO_DIALOGUE", `no USSD dialogue ${dialogueId}`);
    if (by !== undefined && !sameApplication(by, d.application)) {
      return refusal(
        "USSD_NOT_OWNER",
        `dialogue ${dialogueId} belongs to ${applicationName(d.application)}, not ${applicationName(by)}`,
      );
    }
    if (action.kind === "release") {
      // After the MS answered, a release is how a network-initiated dialogue ends (§5.1.1);
      // anything else is an abort.
      const reason: EndReason =
        d.origin === "network" && d.state === "awaiting-application"
          ? "completed"
          : "released-by-application";
      this.end(d, reason, { handset: true, application: false });
      this.flush();
      return { ok: true };
    }
    if (d.state !== "awaiting-application")
      return this.wrongState(d, `a ${action.kind} from the application`);
    const text = payloadOf(action.text);
    if (refused(text)) return text;
    if (action.kind === "respond") {
      // The PSSR result ends the transaction (§4.1.1). In a network-initiated dialogue there is no
      // PSSR to answer; the text is shown the same way and the dialogue released.
      this.unit(d);
      this.outbox.push({
        to: "handset",
        message: { kind: "result", dialogueId: d.id, msisdn: d.msisdn, ...text },
      });
      this.end(d, "completed", { handset: false, application: false });
    } else {
      this.sendToUser(d, action.kind, text);
    }
    this.flush();
    return { ok: true };
  }

  /** Ends a dialogue from the gateway's side, telling the MS and (unless it is the cause) the application. */
  abort(dialogueId: number, reason: EndReason): ActionOutcome {
    const d = this.byId.get(dialogueId);
    if (d === undefined) return refusal("USSD_NO_DIALOGUE", `no USSD dialogue ${dialogueId}`);
    this.end(d, reason, { handset: true, application: reason !== "application-unavailable" });
    this.flush();
    return { ok: true };
  }

  /** Ends every dialogue ("shutdown") and stops the timers. */
  close(): void {
    for (const d of [...this.byId.values()]) this.end(d, "shutdown", { handset: true, application: true });
    this.deadlines.stop();
    this.flush();
  }

  private busy(msisdn: string): OpenRefusal | undefined {
    const current = this.byMsisdn.get(msisdn);
    if (current === undefined) return undefined;
    return {
      ...refusal("USSD_BUSY", `${msisdn} is already in USSD dialogue ${current.id}`),
      busyWith: current,
    };
  }

  private wrongState(d: Dialogue, what: string): UssdRefusal {
    return refusal("USSD_WRONG_STATE", `dialogue ${d.id} is ${d.state}: ${what} is not expected`);
  }

  private create(
    msisdn: string,
    origin: DialogueOrigin,
    application: ApplicationRef,
    serviceCode: string | undefined,
    userMessageReference: number,
  ): Dialogue {
    const now = this.clock.now();
    const d: Dialogue = {
      id: this.nextId++,
      msisdn,
      origin,
      application,
      serviceCode,
      sessionNumber: this.numbers.nextSessionNumber(),
      userMessageReference,
      startedAt: now,
      state: "awaiting-application",
      units: 0,
      wait: 0,
    };
    this.byId.set(d.id, d);
    this.byMsisdn.set(msisdn, d);
    this.deadlines.push(DIALOGUE_TIMER, {
      at: now + this.timers.dialogueMs,
      dialogue: d,
      kind: DIALOGUE_TIMER,
      wait: 0,
    });
    return d;
  }

  private awaitApplication(d: Dialogue): void {
    d.state = "awaiting-application";
    this.armWait(d, APPLICATION_TIMER, this.timers.applicationResponseMs);
  }

  private sendToUser(d: Dialogue, kind: "request" | "notify", text: UssdPayload): void {
    d.state = kind === "request" ? "awaiting-reply" : "awaiting-ack";
    // A reply in time stops the user timer; the next USSR starts a fresh one.
    this.armWait(d, USER_TIMER, this.timers.userResponseMs);
    this.unit(d);
    this.outbox.push({ to: "handset", message: { kind, dialogueId: d.id, msisdn: d.msisdn, ...text } });
  }

  private armWait(d: Dialogue, kind: TimerKind, ms: number): void {
    d.wait++;
    this.deadlines.push(kind, { at: this.clock.now() + ms, dialogue: d, kind, wait: d.wait });
  }

  /** The its_session_info of the next unit. */
  private unit(d: Dialogue, endOfSession = false): SessionInfo {
    const info = { sessionNumber: d.sessionNumber, sequence: d.units & 0x7f, endOfSession };
    d.units++;
    return info;
  }

  private toApplication(d: Dialogue, body: ApplicationBody): void {
    // Built field by field: a spread of the union costs a third of a dialogue's time.
    const session = this.unit(d, body.kind === "end");
    const message: ToApplication = Object.assign(
      {
        dialogueId: d.id,
        msisdn: d.msisdn,
        application: d.application,
        serviceCode: d.serviceCode,
        session,
        userMessageReference: d.userMessageReference,
      },
      body,
    );
    this.outbox.push({ to: "application", message });
  }

  private end(d: Dialogue, reason: EndReason, tell: { handset: boolean; application: boolean }): void {
    d.state = "ended";
    this.byId.delete(d.id);
    if (this.byMsisdn.get(d.msisdn) === d) this.byMsisdn.delete(d.msisdn);
    if (tell.handset) {
      this.outbox.push({
        to: "handset",
        message: { kind: "release", dialogueId: d.id, msisdn: d.msisdn, reason },
      });
    }
    if (tell.application) this.toApplication(d, { kind: "end", reason });
    const summary: DialogueSummary = {
      id: d.id,
      msisdn: d.msisdn,
      origin: d.origin,
      application: d.application,
      serviceCode: d.serviceCode,
      sessionNumber: d.sessionNumber,
      userMessageReference: d.userMessageReference,
      startedAt: d.startedAt,
      state: d.state,
      units: d.units,
      endedAt: this.clock.now(),
      reason,
    };
    this.outbox.push({ to: "ended", summary });
  }

  private timedOut(e: TimerEntry): void {
    this.end(e.dialogue, TIMEOUT_OF[e.kind], { handset: true, application: true });
    this.flush();
  }

  /** Delivers queued messages in order; calls made by a sink while this runs only queue theirs. */
  private flush(): void {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (let out = this.outbox.shift(); out !== undefined; out = this.outbox.shift()) {
        try {
          if (out.to === "handset") this.sink.toHandset(out.message);
          else if (out.to === "application") this.sink.toApplication(out.message);
          else this.sink.ended?.(out.summary);
        } catch (error) {
          this.sink.error?.(error);
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
