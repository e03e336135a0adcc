/**
 * The MMI dial-string parser of 3GPP TS 22.030: one entered string (what precedes SEND) in, its
 * typed meaning out (mmi-types.ts). Total: every string gets a classification, nothing throws.
 *
 * Order of the checks (TS 22.030 §6.5.2, §6.5.3.2 and its figure, §6.5.5, §6.6, §6.7):
 * 1. In a call, the call-related procedures of §6.5.5 (`0`, `1`, `1X`, `2`, `2X`, `3`, `4`,
 *    `4*DN`, `5`).
 * 2. `*#06#`: IMEI display (§6.7).
 * 3. Strings of the §6.5.2 form `<prefix> SC [*SIA [*SIB [*SIC]]] #` with a 2- or 3-digit SC
 *    that the handset recognises: SIM control (§6.6: 04, 042, 05, 052, only with `**`), the
 *    password registration of §6.5.4 (03) and the Annex B services (CF, CW, barring, CLIP,
 *    CLIR). A recognised code used wrongly is a local error, not USSD.
 * 4. §6.5.3.2: anything else ending in `#` is USSD, passed on as entered.
 * 5. §6.5.3.2 short strings, 1 or 2 characters without `#`: USSD, except an emergency number,
 *    and, when no call is in progress, two digits starting with `1`, which set up a call.
 * 6. Everything else is a call set-up.
 */
import { isGsm7 } from "../core/smpp/gsm7.js";
import {
  BARRING_CODES,
  basicServiceGroup,
  CALL_WAITING_CODE,
  CLIP_CODE,
  CLIR_CODE,
  DEFAULT_EMERGENCY_NUMBERS,
  FORWARDING_CODES,
  IMEI_DISPLAY,
  isValidNoReplyTimer,
  PASSWORD_REGISTRATION_CODE,
  SIM_CONTROL_CODES,
} from "./mmi-codes.js";
import type {
  BasicService,
  CallControlAction,
  ForwardingCondition,
  MmiContext,
  MmiErrorReason,
  MmiString,
  SsProcedure,
  SsRequest,
} from "./mmi-types.js";

export type * from "./mmi-types.js";

/** A string of the §6.5.2 form, split into its parts. */
interface ProcedureString {
  readonly procedure: SsProcedure;
  /** The prefix was a single `*`: activation or registration, decided per service (§6.5.2). */
  readonly singleStar: boolean;
  readonly serviceCode: string;
  /** SIA, SIB, SIC, … as entered; empty strings for skipped fields (`*SC**SIB#`). */
  readonly fields: readonly string[];
  /** What follows the final `#` (a called number for CLIR temporary mode). */
  readonly rest: string;
}

/** Longest prefix first, so `**21#` is registration and not activation of `*21#`. */
const PREFIXES: readonly { readonly text: string; readonly procedure: SsProcedure }[] = [
  { text: "*#", procedure: "interrogate" },
  { text: "**", procedure: "register" },
  { text: "##", procedure: "erase" },
  { text: "*", procedure: "activate" },
  { text: "#", procedure: "deactivate" },
];

const DIAL_NUMBER = /^\+?[0-9*#]+$/;
const DIRECTORY_NUMBER = /^\+?[0-9]+$/;
const PIN_FORMAT = /^[0-9]{4,8}$/;

export function parseMmi(input: string, context: MmiContext = {}): MmiString {
  const text = input;
  if (text.length === 0) return error("empty", "nothing was entered");
  const emergencyNumbers = context.emergencyNumbers ?? DEFAULT_EMERGENCY_NUMBERS;

  if (context.inCall === true) {
    const control = callRelatedProcedure(text);
    if (control !== undefined) return { kind: "call-control", control };
  }
  if (text === IMEI_DISPLAY) return { kind: "imei" };

  const procedure = splitProcedure(text);
  if (procedure !== undefined) {
    const recognised = recogniseProcedure(procedure, text);
    if (recognised !== undefined) return recognised;
  }

  // §6.5.3.2: default-alphabet characters followed by # SEND are USSD, as entered.
  if (text.endsWith("#")) {
    return isGsm7(text)
      ? { kind: "ussd", text }
      : error("invalid-character", "not in the GSM 7-bit alphabet");
  }
  if (emergencyNumbers.includes(text)) return { kind: "call", number: text, emergency: true };
  if (text.length <= 2) {
    // §6.5.3.2 (figure): a short string is USSD unless, out of a call, it is 2 digits starting with 1.
    if (context.inCall !== true && /^1[0-9]$/.test(text)) {
      return { kind: "call", number: text, emergency: false };
    }
    return isGsm7(text)
      ? { kind: "ussd", text }
      : error("invalid-character", "not in the GSM 7-bit alphabet");
  }
  if (!DIAL_NUMBER.test(text)) return error("invalid-character", `"${text}" is not a dialling number`);
  return { kind: "call", number: text, emergency: false };
}

/** §6.5.5: digits entered during a call that control the calls rather than dial. */
function callRelatedProcedure(text: string): CallControlAction | undefined {
  switch (text) {
    case "0":
      return { action: "release-held-or-udub" };
    case "1":
      return { action: "release-active-accept-other" };
    case "2":
      return { action: "hold-active-accept-other" };
    case "3":
      return { action: "join-conference" };
    case "4":
      return { action: "explicit-call-transfer" };
    case "5":
      return { action: "ccbs" };
  }
  const indexed = /^([12])([1-9])$/.exec(text);
  if (indexed !== null) {
    const call = Number(indexed[2]);
    return indexed[1] === "1" ? { action: "release-call", call } : { action: "private-communication", call };
  }
  const deflect = /^4\*(\+?[0-9]+)$/.exec(text);
  if (deflect !== null) return { action: "deflect", number: deflect[1]! };
  return undefined;
}

/** Splits `<prefix> SC (*SI)* # rest`; undefined when the string does not have that form. */
function splitProcedure(text: string): ProcedureString | undefined {
  const prefix = PREFIXES.find((candidate) => text.startsWith(candidate.text));
  if (prefix === undefined) return undefined;
  let at = prefix.text.length;
  const codeStart = at;
  while (at < text.length && isDigit(text.charCodeAt(at))) at++;
  const serviceCode = text.slice(codeStart, at);
  // "According to 22.030 SC is 2 or 3 digits" (§6.5.2).
  if (serviceCode.length < 2 || serviceCode.length > 3) return undefined;
  const fields: string[] = [];
  while (text[at] === "*") {
    const start = ++at;
    while (at < text.length && text[at] !== "*" && text[at] !== "#") at++;
    fields.push(text.slice(start, at));
  }
  if (text[at] !== "#") return undefined;
  return {
    procedure: prefix.procedure,
    singleStar: prefix.text === "*",
    serviceCode,
    fields,
    rest: text.slice(at + 1),
  };
}

/** The meaning of a procedure string whose SC the handset knows; undefined for other codes. */
function recogniseProcedure(p: ProcedureString, text: string): MmiString | undefined {
  const simControl = SIM_CONTROL_CODES.get(p.serviceCode);
  if (simControl !== undefined) return simControlProcedure(p, simControl.kind, simControl.pin);
  const request = supplementaryService(p);
  if (request === undefined) return undefined;
  if ("kind" in request) return request;
  if (p.rest.length === 0) return { kind: "supplementary-service", request };
  // Annex B temporary mode: *31#N suppresses, #31#N invokes CLIR for this one call.
  if (request.service === "clir" && (p.procedure === "activate" || p.procedure === "deactivate")) {
    if (!DIAL_NUMBER.test(p.rest)) return error("invalid-character", `"${p.rest}" is not a dialling number`);
    return {
      kind: "call",
      number: p.rest,
      emergency: false,
      clir: p.procedure === "activate" ? "suppress" : "invoke",
    };
  }
  // A string that still ends in # (e.g. "*#220#00131537201846#") is USSD (TS 22.090 §5.1.2).
  if (text.endsWith("#")) return undefined;
  return error("unexpected-dialling-number", `nothing may follow the # of *${p.serviceCode}`);
}

/** §6.6.2 / §6.6.3: `**04*OLD*NEW*NEW#`, `**05*PUK*NEW*NEW#` and the PIN2 forms. */
function simControlProcedure(
  p: ProcedureString,
  kind: "pin-change" | "pin-unblock",
  pin: "pin1" | "pin2",
): MmiString {
  if (p.procedure !== "register") {
    return error(
      "procedure-not-applicable",
      `SIM control ${p.serviceCode} is entered as **${p.serviceCode}*…#`,
    );
  }
  if (p.rest.length > 0) return error("unexpected-dialling-number", "nothing may follow the final #");
  if (p.fields.length > 3) return error("too-many-fields", "expected OLD*NEW*NEW");
  const [code = "", newPin = "", repeated = ""] = p.fields;
  if (code === "" || newPin === "" || repeated === "") {
    return error("missing-field", kind === "pin-change" ? "expected OLD*NEW*NEW" : "expected PUK*NEW*NEW");
  }
  if (newPin !== repeated) return error("pin-mismatch", "the new PIN was not entered twice the same");
  if (!PIN_FORMAT.test(newPin)) return error("invalid-new-pin", "the new PIN must be 4 to 8 digits");
  return kind === "pin-change"
    ? { kind: "pin-change", pin, oldPin: code, newPin }
    : { kind: "pin-unblock", pin, puk: code, newPin };
}

type Recognised = SsRequest | Extract<MmiString, { kind: "error" }>;

/** Annex B services and §6.5.4 password registration; undefined for codes not in the tables. */
function supplementaryService(p: ProcedureString): Recognised | undefined {
  const forwarding = FORWARDING_CODES.get(p.serviceCode);
  if (forwarding !== undefined) return callForwarding(p, forwarding.condition, forwarding.timer);
  const barring = BARRING_CODES.get(p.serviceCode);
  if (barring !== undefined) {
    const bad = checkShape(p, ["activate", "deactivate", "interrogate"], 2);
    if (bad !== undefined) return bad;
    const [password = "", bs = ""] = p.fields;
    const basicService = parseBasicService(bs);
    if (basicService !== undefined && "kind" in basicService) return basicService;
    return {
      service: "call-barring",
      serviceCode: p.serviceCode,
      procedure: p.procedure,
      program: barring,
      ...(password !== "" ? { password } : {}),
      ...(basicService !== undefined ? { basicService } : {}),
    };
  }
  switch (p.serviceCode) {
    case CALL_WAITING_CODE: {
      const bad = checkShape(p, ["activate", "deactivate", "interrogate"], 1);
      if (bad !== undefined) return bad;
      // For call waiting the basic service group is SIA (Annex B: WAIT takes BS only).
      const basicService = parseBasicService(p.fields[0] ?? "");
      if (basicService !== undefined && "kind" in basicService) return basicService;
      return {
        service: "call-waiting",
        serviceCode: p.serviceCode,
        procedure: p.procedure,
        ...(basicService !== undefined ? { basicService } : {}),
      };
    }
    case CLIP_CODE:
      return (
        checkShape(p, ["interrogate"], 0) ?? {
          service: "clip",
          serviceCode: p.serviceCode,
          procedure: p.procedure,
        }
      );
    case CLIR_CODE:
      return (
        checkShape(p, ["activate", "deactivate", "interrogate"], 0) ?? {
          service: "clir",
          serviceCode: p.serviceCode,
          procedure: p.procedure,
        }
      );
    case PASSWORD_REGISTRATION_CODE:
      return passwordRegistration(p);
    default:
      return undefined;
  }
}

/** TS 22.082 via Annex B: SIA = forwarded-to number, SIB = basic service, SIC = no-reply timer. */
function callForwarding(p: ProcedureString, condition: ForwardingCondition, takesTimer: boolean): Recognised {
  const [forwardedTo = "", bs = "", timer = ""] = p.fields;
  // §6.5.2: a single * is registration when a forwarded-to number is given, activation if not.
  const procedure: SsProcedure = p.singleStar && forwardedTo !== "" ? "register" : p.procedure;
  const bad = checkShape(
    { ...p, procedure },
    ["activate", "deactivate", "interrogate", "register", "erase"],
    3,
  );
  if (bad !== undefined) return bad;
  if (timer !== "" && !takesTimer) {
    return error("too-many-fields", `*${p.serviceCode} takes no no-reply timer`);
  }
  if (forwardedTo !== "" && !DIRECTORY_NUMBER.test(forwardedTo)) {
    return error("invalid-character", `"${forwardedTo}" is not a forwarded-to number`);
  }
  const basicService = parseBasicService(bs);
  if (basicService !== undefined && "kind" in basicService) return basicService;
  let noReplyTimer: number | undefined;
  if (timer !== "") {
    noReplyTimer = /^[0-9]{1,2}$/.test(timer) ? Number(timer) : Number.NaN;
    if (!isValidNoReplyTimer(noReplyTimer))
      return error("invalid-timer", `"${timer}" is not 5-30 s in steps of 5`);
  }
  return {
    service: "call-forwarding",
    serviceCode: p.serviceCode,
    procedure,
    condition,
    ...(forwardedTo !== "" ? { forwardedTo } : {}),
    ...(basicService !== undefined ? { basicService } : {}),
    ...(noReplyTimer !== undefined ? { noReplyTimer } : {}),
  };
}

/** §6.5.4: `**03*ZZ*OLD*NEW*NEW#` (or `*03*`); ZZ empty means the common barring password. */
function passwordRegistration(p: ProcedureString): Recognised {
  if (p.procedure !== "register" && p.procedure !== "activate") {
    return error("procedure-not-applicable", "a new password is registered with **03*ZZ*OLD*NEW*NEW#");
  }
  if (p.fields.length > 4) return error("too-many-fields", "expected ZZ*OLD*NEW*NEW");
  const [barringCode = "", oldPassword = "", newPassword = "", repeated = ""] = p.fields;
  if (barringCode !== "" && !BARRING_CODES.has(barringCode)) {
    return error("procedure-not-applicable", `${barringCode} is not a barring service code`);
  }
  if (oldPassword === "" || newPassword === "" || repeated === "") {
    return error("missing-field", "expected ZZ*OLD*NEW*NEW");
  }
  if (newPassword !== repeated)
    return error("password-mismatch", "the new password was not entered twice the same");
  return {
    service: "barring-password",
    serviceCode: p.serviceCode,
    procedure: "register",
    ...(barringCode !== "" ? { barringCode } : {}),
    oldPassword,
    newPassword,
  };
}

function checkShape(
  p: ProcedureString,
  procedures: readonly SsProcedure[],
  maxFields: number,
): Extract<MmiString, { kind: "error" }> | undefined {
  if (!procedures.includes(p.procedure)) {
    return error("procedure-not-applicable", `service ${p.serviceCode} has no ${p.procedure} procedure`);
  }
  if (p.fields.length > maxFields) {
    return error("too-many-fields", `service ${p.serviceCode} takes at most ${maxFields} SI fields`);
  }
  return undefined;
}

/** Annex C; an empty field means every basic service (no code). */
function parseBasicService(code: string): BasicService | Extract<MmiString, { kind: "error" }> | undefined {
  if (code === "") return undefined;
  const group = basicServiceGroup(code);
  if (group === undefined) return error("unknown-basic-service", `${code} is not a basic service group code`);
  return { code, group };
}

function error(reason: MmiErrorReason, detail: string): Extract<MmiString, { kind: "error" }> {
  return { kind: "error", reason, detail };
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}
