/**
 * What a dialled string means (3GPP TS 22.030): the typed result of `parseMmi`.
 *
 * Four destinations: the handset itself (IMEI display, SIM PIN procedures, §6.6 / §6.7), the
 * network's supplementary-service procedures (§6.5.2, codes of Annex B, basic services of
 * Annex C), USSD (§6.5.3.2) and ordinary call set-up. Inside a call, a few one- and two-digit
 * strings are call-related procedures (§6.5.5). Anything the handset must refuse locally (new
 * PINs that differ, a field the procedure does not take) is an `error`, never an exception.
 */

/** §6.5.2: `*` activate, `#` deactivate, `*#` interrogate, `**` register, `##` erase. */
export type SsProcedure = "activate" | "deactivate" | "interrogate" | "register" | "erase";

/** Basic service groups of Annex C (the SIB field of CF and barring, SIA of call waiting). */
export type BasicServiceGroup =
  | "all-teleservices"
  | "telephony"
  | "all-data-teleservices"
  | "facsimile"
  | "short-message-services"
  | "voice-group-call"
  | "voice-broadcast"
  | "all-teleservices-except-sms"
  | "all-bearer-services"
  | "all-async-services"
  | "all-sync-services"
  | "all-data-circuit-sync"
  | "all-data-circuit-async"
  | "telephony-and-all-sync"
  | "all-gprs-bearer-services"
  | "plmn-specific-teleservice";

export interface BasicService {
  /** The MMI code as dialled, e.g. "11". */
  readonly code: string;
  readonly group: BasicServiceGroup;
}

/** TS 22.082 call forwarding: 21 CFU, 67 CFB, 61 CFNRy, 62 CFNRc, 002 all, 004 all conditional. */
export type ForwardingCondition =
  "unconditional" | "busy" | "no-reply" | "not-reachable" | "all" | "all-conditional";

/** TS 22.088 call barring programmes (Annex B codes 33 … 353). */
export type BarringProgram =
  | "all-outgoing" // 33 BAOC
  | "outgoing-international" // 331 BOIC
  | "outgoing-international-except-home" // 332 BOIC-exHC
  | "all-incoming" // 35 BAIC
  | "incoming-when-roaming" // 351 BIC-Roam
  | "all-barring-services" // 330
  | "all-outgoing-services" // 333
  | "all-incoming-services"; // 353

interface SsBase {
  /** The service code (SC) as dialled, e.g. "21", "002", "330". */
  readonly serviceCode: string;
  readonly procedure: SsProcedure;
}

/** A supplementary-service procedure for the network edge (TS 24.080 operations). */
export type SsRequest =
  | (SsBase & {
      readonly service: "call-forwarding";
      readonly condition: ForwardingCondition;
      /** SIA: the forwarded-to number, when given. */
      readonly forwardedTo?: string;
      readonly basicService?: BasicService;
      /** SIC: no-reply condition timer in seconds (5-30, CFNRy / all CF / all conditional CF). */
      readonly noReplyTimer?: number;
    })
  | (SsBase & { readonly service: "call-waiting"; readonly basicService?: BasicService })
  | (SsBase & {
      readonly service: "call-barring";
      readonly program: BarringProgram;
      /** SIA: the barring password. */
      readonly password?: string;
      readonly basicService?: BasicService;
    })
  | (SsBase & { readonly service: "clip" | "clir" })
  | (SsBase & {
      /** §6.5.4 registration of a new barring password: `**03*ZZ*OLD*NEW*NEW#`. */
      readonly service: "barring-password";
      /** ZZ: the barring service code the password is for; absent = common to all. */
      readonly barringCode?: string;
      readonly oldPassword: string;
      readonly newPassword: string;
    });

export type PinReference = "pin1" | "pin2";

/** TS 22.030 §6.5.5: call-related procedures entered during a call (digits followed by SEND). */
export type CallControlAction =
  /** 0 SEND: release held calls, or set User Determined User Busy for a waiting call. */
  | { readonly action: "release-held-or-udub" }
  /** 1 SEND: release active calls and accept the other (held or waiting) call. */
  | { readonly action: "release-active-accept-other" }
  /** 1X SEND: release the active call X. */
  | { readonly action: "release-call"; readonly call: number }
  /** 2 SEND: hold active calls and accept the other (held or waiting) call. */
  | { readonly action: "hold-active-accept-other" }
  /** 2X SEND: hold all active calls except call X (private communication). */
  | { readonly action: "private-communication"; readonly call: number }
  /** 3 SEND: add the held call to the conversation (multiparty). */
  | { readonly action: "join-conference" }
  /** 4 SEND: explicit call transfer. */
  | { readonly action: "explicit-call-transfer" }
  /** 4 * DN SEND: deflect the incoming call to DN (call deflection). */
  | { readonly action: "deflect"; readonly number: string }
  /** 5 SEND: activate completion of calls to busy subscriber. */
  | { readonly action: "ccbs" };

export type MmiErrorReason =
  | "empty"
  /** A character no dial string, SS procedure or USSD string may contain. */
  | "invalid-character"
  /** §6.6.2 / §6.6.3: the new PIN entered twice differs. */
  | "pin-mismatch"
  /** The new PIN is not 4 to 8 digits (TS 102 221 §9.5). */
  | "invalid-new-pin"
  /** §6.5.4: the new password entered twice differs. */
  | "password-mismatch"
  /** A field the procedure needs is empty. */
  | "missing-field"
  /** More SI fields than the procedure takes. */
  | "too-many-fields"
  /** A recognised service code with a procedure it does not have (e.g. registration of CW). */
  | "procedure-not-applicable"
  /** A basic service code not listed in Annex C. */
  | "unknown-basic-service"
  /** A no-reply timer outside 5-30 s in steps of 5 s (TS 22.082). */
  | "invalid-timer"
  /** Digits after the final `#` of a procedure that takes none. */
  | "unexpected-dialling-number";

export type MmiString =
  /** §6.7: `*#06#` shows the IMEI; never sent to the network. */
  | { readonly kind: "imei" }
  /** §6.6.2: `**04*OLD*NEW*NEW#` (PIN1) / `**042*…#` (PIN2), handled by the SIM. */
  | {
      readonly kind: "pin-change";
      readonly pin: PinReference;
      readonly oldPin: string;
      readonly newPin: string;
    }
  /** §6.6.3: `**05*PUK*NEW*NEW#` (PIN1) / `**052*…#` (PIN2), handled by the SIM. */
  | {
      readonly kind: "pin-unblock";
      readonly pin: PinReference;
      readonly puk: string;
      readonly newPin: string;
    }
  | { readonly kind: "supplementary-service"; readonly request: SsRequest }
  /** §6.5.3.2: sent to the network as USSD, the string as entered. */
  | { readonly kind: "ussd"; readonly text: string }
  | {
      readonly kind: "call";
      readonly number: string;
      readonly emergency: boolean;
      /** Annex B temporary mode: `*31#N` suppresses, `#31#N` invokes CLIR for this call. */
      readonly clir?: "suppress" | "invoke";
    }
  | { readonly kind: "call-control"; readonly control: CallControlAction }
  | { readonly kind: "error"; readonly reason: MmiErrorReason; readonly detail: string };

export interface MmiContext {
  /** A call is in progress: §6.5.5 procedures apply and short strings never set up a call. */
  readonly inCall?: boolean;
  /** Numbers that set up an emergency call (default 112 and 911, TS 22.101 §10.1.1). */
  readonly emergencyNumbers?: readonly string[];
}
