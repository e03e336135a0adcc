/**
 * Supplementary services held by the network per subscriber, and the MMI operations on them
 * (TS 24.080; procedures of TS 22.030 §6.5): call forwarding (TS 22.082), call waiting
 * (TS 22.083), call barring with its password (TS 22.088), CLIR/CLIP. In memory, per MSISDN;
 * the MSC reads it when it routes a call.
 *
 * Rules worth knowing:
 * - Registration of a forwarded-to number also activates it (TS 22.082 §1.2); activation without
 *   one needs an earlier registration; erasure removes the number.
 * - 002 (all CF) and 004 (all conditional CF) act on each forwarding they cover.
 * - Barring activation and deactivation need the barring password (default "0000"); the group
 *   codes 330 / 333 / 353 only deactivate (TS 22.030 Annex B: "only for deactivation").
 * - Barring password change: `**03*ZZ*OLD*NEW*NEW#`, 4 digits (TS 22.004 §5.1).
 */
import type { BarringProgram, ForwardingCondition, SsRequest } from "../../handsets/mmi-types.js";
import type { SsOutcome, SsStatusEntry } from "./link/link-messages.js";

export type SingleForwarding = "unconditional" | "busy" | "no-reply" | "not-reachable";
export type SingleBarring =
  | "all-outgoing"
  | "outgoing-international"
  | "outgoing-international-except-home"
  | "all-incoming"
  | "incoming-when-roaming";

export interface Forwarding {
  number: string | undefined;
  active: boolean;
  /** No-reply condition timer, seconds (5-30). */
  noReplyTimer: number | undefined;
}

export interface SubscriberServices {
  readonly forwarding: Map<SingleForwarding, Forwarding>;
  waiting: boolean;
  readonly barring: Set<SingleBarring>;
  barringPassword: string;
  /** CLIR in its default (subscription) mode: the number is withheld unless the caller suppresses it. */
  clirDefault: boolean;
}

const COVERED: Readonly<Record<ForwardingCondition, readonly SingleForwarding[]>> = {
  unconditional: ["unconditional"],
  busy: ["busy"],
  "no-reply": ["no-reply"],
  "not-reachable": ["not-reachable"],
  all: ["unconditional", "busy", "no-reply", "not-reachable"],
  "all-conditional": ["busy", "no-reply", "not-reachable"],
};

const BARRING_GROUPS: Readonly<Record<BarringProgram, readonly SingleBarring[]>> = {
  "all-outgoing": ["all-outgoing"],
  "outgoing-international": ["outgoing-international"],
  "outgoing-international-except-home": ["outgoing-international-except-home"],
  "all-incoming": ["all-incoming"],
  "incoming-when-roaming": ["incoming-when-roaming"],
  "all-barring-services": [
    "all-outgoing",
    "outgoing-international",
    "outgoing-international-except-home",
    "all-incoming",
    "incoming-when-roaming",
  ],
  "all-outgoing-services": ["all-outgoing", "outgoing-international", "outgoing-international-except-home"],
  "all-incoming-services": ["all-incoming", "incoming-when-roaming"],
};

const GROUP_PROGRAMS: ReadonlySet<BarringProgram> = new Set([
  "all-barring-services",
  "all-outgoing-services",
  "all-incoming-services",
]);

/** TS 27.007 <class> 1: voice (the only basic service the MSC carries). */
const VOICE_CLASS = 1;
const DEFAULT_NO_REPLY_TIMER = 20;

export interface SupplementaryOptions {
  readonly defaultBarringPassword?: string;
  /** Call waiting active for a subscriber who never set it. Default false. */
  readonly waitingByDefault?: boolean;
}

export class SupplementaryServices {
  private readonly bySubscriber = new Map<string, SubscriberServices>();

  constructor(private readonly options: SupplementaryOptions = {}) {}

  /** The subscriber's services (created with the defaults on first use). */
  of(msisdn: string): SubscriberServices {
    let s = this.bySubscriber.get(msisdn);
    if (s === undefined) {
      s = {
        forwarding: new Map(),
        waiting: this.options.waitingByDefault ?? false,
        barring: new Set(),
        barringPassword: this.options.defaultBarringPassword ?? "0000",
        clirDefault: false,
      };
      this.bySubscriber.set(msisdn, s);
    }
    return s;
  }

  /** The active forwarding for a condition: its number and no-reply timer. */
  forwardingFor(
    msisdn: string,
    condition: SingleForwarding,
  ): { number: string; noReplyTimer: number } | undefined {
    const f = this.bySubscriber.get(msisdn)?.forwarding.get(condition);
    if (f === undefined || !f.active || f.number === undefined) return undefined;
    return { number: f.number, noReplyTimer: f.noReplyTimer ?? DEFAULT_NO_REPLY_TIMER };
  }

  isBarred(msisdn: string, program: SingleBarring): boolean {
    return this.bySubscriber.get(msisdn)?.barring.has(program) === true;
  }

  waitingActive(msisdn: string): boolean {
    return this.bySubscriber.get(msisdn)?.waiting ?? this.options.waitingByDefault ?? false;
  }

  clirDefault(msisdn: string): boolean {
    return this.bySubscriber.get(msisdn)?.clirDefault === true;
  }

  /** Runs one MMI procedure for the subscriber. */
  operate(msisdn: string, request: SsRequest): SsOutcome {
    const s = this.of(msisdn);
    switch (request.service) {
      case "call-forwarding":
        return forwardingOperation(s, request);
      case "call-waiting":
        return waitingOperation(s, request.procedure);
      case "call-barring":
        return barringOperation(s, request.procedure, request.program, request.password);
      case "barring-password":
        if (request.oldPassword !== s.barringPassword) return { ok: false, cause: "wrong-password" };
        if (!/^\d{4}$/.test(request.newPassword)) return { ok: false, cause: "not-allowed" };
        s.barringPassword = request.newPassword;
        return { ok: true };
      case "clip":
        // CLIP is provisioned for every subscriber; it cannot be switched from the handset.
        return request.procedure === "interrogate" ? entries([{ active: true }]) : notAllowed();
      case "clir":
        switch (request.procedure) {
          case "interrogate":
            return entries([{ active: s.clirDefault }]);
          case "activate":
            s.clirDefault = true;
            return { ok: true };
          case "deactivate":
            s.clirDefault = false;
            return { ok: true };
          default:
            return notAllowed();
        }
    }
  }
}

function entries(list: readonly SsStatusEntry[]): SsOutcome {
  return { ok: true, entries: list };
}

function notAllowed(): SsOutcome {
  return { ok: false, cause: "not-allowed" };
}

function forwardingOperation(
  s: SubscriberServices,
  r: Extract<SsRequest, { service: "call-forwarding" }>,
): SsOutcome {
  const conditions = COVERED[r.condition];
  switch (r.procedure) {
    case "interrogate": {
      const list: SsStatusEntry[] = [];
      for (const c of conditions) {
        const f = s.forwarding.get(c);
        if (f?.active !== true || f.number === undefined) continue;
        list.push({
          active: true,
          classes: VOICE_CLASS,
          number: f.number,
          ...(c === "no-reply" ? { noReplyTimer: f.noReplyTimer ?? DEFAULT_NO_REPLY_TIMER } : {}),
        });
      }
      return entries(list.length > 0 ? list : [{ active: false, classes: VOICE_CLASS }]);
    }
    case "register":
    case "activate": {
      const number = r.forwardedTo;
      if (number === undefined) {
        // Activation of what was registered earlier (TS 22.082 §1.3).
        let any = false;
        for (const c of conditions) {
          const f = s.forwarding.get(c);
          if (f?.number !== undefined) {
            f.active = true;
            any = true;
          }
        }
        return any ? { ok: true } : notAllowed();
      }
      for (const c of conditions) {
        s.forwarding.set(c, {
          number,
          active: true,
          noReplyTimer: c === "no-reply" ? (r.noReplyTimer ?? DEFAULT_NO_REPLY_TIMER) : undefined,
        });
      }
      return { ok: true };
    }
    case "deactivate":
      for (const c of conditions) {
        const f = s.forwarding.get(c);
        if (f !== undefined) f.active = false;
      }
      return { ok: true };
    case "erase":
      for (const c of conditions) s.forwarding.delete(c);
      return { ok: true };
  }
}

function waitingOperation(s: SubscriberServices, procedure: SsRequest["procedure"]): SsOutcome {
  switch (procedure) {
    case "interrogate":
      return entries([{ active: s.waiting, ...(s.waiting ? { classes: VOICE_CLASS } : {}) }]);
    case "activate":
      s.waiting = true;
      return { ok: true };
    case "deactivate":
      s.waiting = false;
      return { ok: true };
    default:
      return notAllowed();
  }
}

function barringOperation(
  s: SubscriberServices,
  procedure: SsRequest["procedure"],
  program: BarringProgram,
  password: string | undefined,
): SsOutcome {
  const programs = BARRING_GROUPS[program];
  if (procedure === "interrogate") {
    const active = programs.some((p) => s.barring.has(p));
    return entries([{ active, ...(active ? { classes: VOICE_CLASS } : {}) }]);
  }
  if (procedure !== "activate" && procedure !== "deactivate") return notAllowed();
  if (password !== s.barringPassword) return { ok: false, cause: "wrong-password" };
  if (procedure === "activate") {
    if (GROUP_PROGRAMS.has(program)) return notAllowed();
    for (const p of programs) s.barring.add(p);
  } else {
    for (const p of programs) s.barring.delete(p);
  }
  return { ok: true };
}
