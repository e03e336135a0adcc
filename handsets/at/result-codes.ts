/**
 * Final result codes and their text: V.250 `OK` / `ERROR` and the call progress codes,
 * `+CME ERROR: <err>` (TS 27.007 §9.2, numeric or verbose per +CMEE) and `+CMS ERROR: <err>`
 * (TS 27.005 §3.2.5, always numeric: +CMEE governs only +CME ERROR).
 */

/** TS 27.007 §9.2.1 <err> values used here. */
export const CmeError = {
  phoneFailure: 0,
  operationNotAllowed: 3,
  operationNotSupported: 4,
  simNotInserted: 10,
  simPinRequired: 11,
  simPukRequired: 12,
  simFailure: 13,
  simBusy: 14,
  simWrong: 15,
  incorrectPassword: 16,
  simPin2Required: 17,
  simPuk2Required: 18,
  textTooLong: 24,
  invalidTextCharacters: 25,
  dialStringTooLong: 26,
  invalidDialCharacters: 27,
  noNetworkService: 30,
  networkTimeout: 31,
  emergencyCallsOnly: 32,
  unknown: 100,
} as const;

/** TS 27.007 §9.2.1: numeric <err> and the verbose text +CMEE=2 shows. */
const CME_VERBOSE: ReadonlyMap<number, string> = new Map([
  [0, "phone failure"],
  [1, "no connection to phone"],
  [2, "phone-adaptor link reserved"],
  [3, "operation not allowed"],
  [4, "operation not supported"],
  [5, "PH-SIM PIN required"],
  [6, "PH-FSIM PIN required"],
  [7, "PH-FSIM PUK required"],
  [10, "SIM not inserted"],
  [11, "SIM PIN required"],
  [12, "SIM PUK required"],
  [13, "SIM failure"],
  [14, "SIM busy"],
  [15, "SIM wrong"],
  [16, "incorrect password"],
  [17, "SIM PIN2 required"],
  [18, "SIM PUK2 required"],
  [20, "memory full"],
  [21, "invalid index"],
  [22, "not found"],
  [23, "memory failure"],
  [24, "text string too long"],
  [25, "invalid characters in text string"],
  [26, "dial string too long"],
  [27, "invalid characters in dial string"],
  [30, "no network service"],
  [31, "network timeout"],
  [32, "network not allowed - emergency calls only"],
  [100, "unknown"],
]);

/** TS 27.005 §3.2.5 <err> values used here (0-255 carry RP / TP causes as they are). */
export const CmsError = {
  meFailure: 300,
  operationNotAllowed: 302,
  operationNotSupported: 303,
  invalidPduModeParameter: 304,
  invalidTextModeParameter: 305,
  simNotInserted: 310,
  simPinRequired: 311,
  simFailure: 313,
  simPukRequired: 316,
  smscAddressUnknown: 330,
  noNetworkService: 331,
  networkTimeout: 332,
  unknown: 500,
} as const;

/** V.250 §5.7 / TS 27.007 §6 call-related final result codes. */
export type CallResultText = "NO CARRIER" | "BUSY" | "NO ANSWER" | "NO DIALTONE";

export type FinalResult =
  | { readonly kind: "ok" }
  /** Plain ERROR: syntax, unknown command, invalid parameter (TS 27.007 §9.1). */
  | { readonly kind: "error" }
  | { readonly kind: "cme"; readonly code: number }
  | { readonly kind: "cms"; readonly code: number }
  | { readonly kind: "call"; readonly text: CallResultText };

export const OK: FinalResult = { kind: "ok" };
export const ERROR: FinalResult = { kind: "error" };

export function cme(code: number): FinalResult {
  return { kind: "cme", code };
}

export function cms(code: number): FinalResult {
  return { kind: "cms", code };
}

/** The text of a final result code; `cmee` is the +CMEE setting (0, 1, 2). */
export function formatFinalResult(result: FinalResult, cmee: number): string {
  switch (result.kind) {
    case "ok":
      return "OK";
    case "error":
      return "ERROR";
    case "call":
      return result.text;
    case "cms":
      return `+CMS ERROR: ${result.code}`;
    case "cme":
      if (cmee === 0) return "ERROR";
      if (cmee === 2) return `+CME ERROR: ${CME_VERBOSE.get(result.code) ?? String(result.code)}`;
      return `+CME ERROR: ${result.code}`;
  }
}
