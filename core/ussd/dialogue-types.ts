/**
 * The typed messages of a USSD dialogue (TS 22.090 / TS 24.090), as the dialogue manager sees
 * them. Two sides: the handset (the MS, through the MSC) and the application (the built-in menus
 * or an external ESME over SMPP). The comments give the SMPP ussd_service_op each maps to and the
 * TS 27.007 `+CUSD` status a handset shows.
 */
import type { ApplicationRef } from "./routing.js";
import type { SessionInfo } from "./session-info.js";
import type { UssdEncoding } from "./ussd-text.js";
import type { UssdRefusal } from "./ussd-errors.js";

/** Mobile-initiated (the MS sent a PSSR) or network-initiated (the application sent USSR/USSN). */
export type DialogueOrigin = "mobile" | "network";

/**
 * What the dialogue waits for. The application answers a PSSR, a user reply or a notify ack;
 * the user answers a USSR (reply) or a USSN (ack). One side acts at a time (TS 24.090 §4, §5).
 */
export type DialogueState = "awaiting-application" | "awaiting-reply" | "awaiting-ack" | "ended";

export type EndReason =
  | "completed" // the final PSSR response was sent, or the application released after the user answered
  | "released-by-user" // the MS released (cancel on the handset)
  | "released-by-application" // the application released or aborted while the user was expected to act
  | "application-unavailable" // the external application is not bound, or refused the message
  | "application-error" // the application answered with something unusable (e.g. a text too long)
  | "user-timeout" // no reply to a USSR / USSN within the user response time
  | "application-timeout" // no answer from the application within the application response time
  | "dialogue-timeout" // the whole dialogue took longer than allowed
  | "shutdown"; // the gateway stopped

export const TIMEOUT_REASONS: readonly EndReason[] = [
  "user-timeout",
  "application-timeout",
  "dialogue-timeout",
];

export interface DialogueTimers {
  /** The application must answer within this (default 15 s). */
  readonly applicationResponseMs: number;
  /** The user must answer a USSR or acknowledge a USSN within this (default 60 s). */
  readonly userResponseMs: number;
  /** The whole dialogue, from its first message (default 180 s). */
  readonly dialogueMs: number;
}

export const DEFAULT_DIALOGUE_TIMERS: DialogueTimers = {
  applicationResponseMs: 15_000,
  userResponseMs: 60_000,
  dialogueMs: 180_000,
};

/** A read-only view of a live or ended dialogue. */
export interface DialogueInfo {
  readonly id: number;
  readonly msisdn: string;
  readonly origin: DialogueOrigin;
  readonly application: ApplicationRef;
  /** The service code dialled (mobile-initiated), or undefined. */
  readonly serviceCode: string | undefined;
  readonly sessionNumber: number;
  readonly userMessageReference: number;
  readonly startedAt: number;
  readonly state: DialogueState;
  /** Dialogue units exchanged so far, both directions. */
  readonly units: number;
}

export interface DialogueSummary extends DialogueInfo {
  readonly endedAt: number;
  readonly reason: EndReason;
}

export interface UssdPayload {
  readonly text: string;
  readonly encoding: UssdEncoding;
  /** CBS data coding scheme (TS 23.038 §5): 0x0F or 0x48. */
  readonly dcs: number;
}

interface ToHandsetBase {
  readonly dialogueId: number;
  readonly msisdn: string;
}

/** Network → MS. */
export type ToHandset =
  | (ToHandsetBase & UssdPayload & { readonly kind: "request" }) // USSR: user input expected (+CUSD: 1)
  | (ToHandsetBase & UssdPayload & { readonly kind: "notify" }) // USSN: shown, then acknowledged (+CUSD: 0)
  | (ToHandsetBase & UssdPayload & { readonly kind: "result" }) // PSSR result: final text, released (+CUSD: 0)
  | (ToHandsetBase & { readonly kind: "release"; readonly reason: EndReason }); // released (+CUSD: 2, or 5 on a time-out)

interface ToApplicationBase {
  readonly dialogueId: number;
  readonly msisdn: string;
  readonly application: ApplicationRef;
  readonly serviceCode: string | undefined;
  /** its_session_info of this unit. */
  readonly session: SessionInfo;
  readonly userMessageReference: number;
}

/** Gateway → application. */
export type ToApplication =
  | (ToApplicationBase & { readonly kind: "begin"; /** The dialled string. */ readonly text: string }) // op 1 PSSR indication
  | (ToApplicationBase & { readonly kind: "reply"; readonly text: string }) // op 18 USSR confirm
  | (ToApplicationBase & { readonly kind: "ack" }) // op 19 USSN confirm
  | (ToApplicationBase & { readonly kind: "end"; readonly reason: EndReason }); // release: end bit set (abort)

/** Application → gateway, within a dialogue. */
export type ApplicationAction =
  | { readonly kind: "request"; readonly text: string } // op 2 USSR request
  | { readonly kind: "notify"; readonly text: string } // op 3 USSN request
  | { readonly kind: "respond"; readonly text: string } // op 17 PSSR response: final text
  | { readonly kind: "release" }; // release without text (an abort unless the user has just answered)

/** The first message of a network-initiated dialogue. */
export type NetworkOpening = Extract<ApplicationAction, { kind: "request" | "notify" }>;

/** MS → gateway, within a dialogue. */
export type HandsetAction =
  | { readonly kind: "reply"; readonly text: string } // USSR result (user input)
  | { readonly kind: "ack" } // USSN result
  | { readonly kind: "release" }; // RELEASE COMPLETE from the MS

/** A refused opening; with USSD_BUSY, `busyWith` is the dialogue in the way. */
export type OpenRefusal = UssdRefusal & { readonly busyWith?: DialogueInfo };

export type OpenOutcome = { readonly ok: true; readonly dialogue: DialogueInfo } | OpenRefusal;

export type ActionOutcome = { readonly ok: true } | UssdRefusal;

/** TS 27.007 `+CUSD: <m>` for a message to the handset. */
export function cusdStatusOf(message: ToHandset): 0 | 1 | 2 | 5 {
  switch (message.kind) {
    case "request":
      return 1;
    case "notify":
    case "result":
      return 0;
    case "release":
      return TIMEOUT_REASONS.includes(message.reason) ? 5 : 2;
  }
}
