/**
 * The USSD gateway's errors, in one place. `code` is stable (the SMPP layer maps it to a
 * command_status, handsets to `+CUSD: 4`, tests switch on it); `message` is for people. Refusals
 * of a dialogue action are returned as values (`UssdRefusal`), never thrown; `UssdError` is thrown
 * only for definition mistakes (a menu text that does not fit, a bad routing table).
 */
export type UssdErrorCode =
  | "USSD_TEXT_EMPTY" // a USSD string must have at least one character (MAP USSD-String 1..160 octets)
  | "USSD_TEXT_TOO_LONG" // over 182 GSM-7 septets or 80 UCS2 characters
  | "USSD_BAD_STRING" // a dialled string that is not a TS 22.090 §5.1.2 USSD string
  | "USSD_UNKNOWN_SERVICE" // no route for the service code
  | "USSD_BUSY" // the MSISDN already has a dialogue (TS 24.090: USSD-Busy)
  | "USSD_NO_DIALOGUE" // no live dialogue with that id or MSISDN (ended, timed out, never was)
  | "USSD_WRONG_STATE" // the action is not the one the dialogue waits for
  | "USSD_NOT_OWNER" // an application acting on a dialogue routed to another one
  | "USSD_BAD_ROUTE" // a routing table entry that cannot be used
  | "USSD_BAD_CONFIG" // a USSD section of the core's config that cannot be used
  | "USSD_BAD_INPUT" // a value given to a self-service setter that breaks its rule
  | "USSD_BAD_MENU"; // a built-in menu definition that breaks a rule

export class UssdError extends Error {
  override readonly name = "UssdError";
  constructor(
    readonly code: UssdErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A refused action: nothing changed. */
export interface UssdRefusal {
  readonly ok: false;
  readonly error: UssdErrorCode;
  readonly message: string;
}

export function refusal(error: UssdErrorCode, message: string): UssdRefusal {
  return { ok: false, error, message };
}
