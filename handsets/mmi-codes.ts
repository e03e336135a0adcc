/**
 * The code tables of TS 22.030 the MMI parser needs: SIM-control codes (§6.6), supplementary
 * service codes (Annex B) and basic service group codes (Annex C).
 */
import type { BarringProgram, BasicServiceGroup, ForwardingCondition, PinReference } from "./mmi-types.js";

/** §6.7: IMEI display. */
export const IMEI_DISPLAY = "*#06#";

/** §6.6.2 change PIN / PIN2, §6.6.3 unblock with PUK / PUK2. */
export const SIM_CONTROL_CODES: ReadonlyMap<
  string,
  { kind: "pin-change" | "pin-unblock"; pin: PinReference }
> = new Map([
  ["04", { kind: "pin-change", pin: "pin1" }],
  ["042", { kind: "pin-change", pin: "pin2" }],
  ["05", { kind: "pin-unblock", pin: "pin1" }],
  ["052", { kind: "pin-unblock", pin: "pin2" }],
]);

/** §6.5.4: registration of a new (barring) password. */
export const PASSWORD_REGISTRATION_CODE = "03";

/** Annex B, TS 22.082. Only these three take the no-reply timer T as SIC. */
export const FORWARDING_CODES: ReadonlyMap<string, { condition: ForwardingCondition; timer: boolean }> =
  new Map([
    ["21", { condition: "unconditional", timer: false }],
    ["67", { condition: "busy", timer: false }],
    ["61", { condition: "no-reply", timer: true }],
    ["62", { condition: "not-reachable", timer: false }],
    ["002", { condition: "all", timer: true }],
    ["004", { condition: "all-conditional", timer: true }],
  ]);

/** Annex B, TS 22.083. */
export const CALL_WAITING_CODE = "43";

/** Annex B, TS 22.088: SIA is the password, SIB the basic service group. */
export const BARRING_CODES: ReadonlyMap<string, BarringProgram> = new Map([
  ["33", "all-outgoing"],
  ["331", "outgoing-international"],
  ["332", "outgoing-international-except-home"],
  ["35", "all-incoming"],
  ["351", "incoming-when-roaming"],
  ["330", "all-barring-services"],
  ["333", "all-outgoing-services"],
  ["353", "all-incoming-services"],
]);

/** Annex B, TS 22.081. */
export const CLIP_CODE = "30";
export const CLIR_CODE = "31";

/** Annex C: basic service group codes (SIb). No code at all means every tele- and bearer service. */
const BASIC_SERVICE_CODES: ReadonlyMap<string, BasicServiceGroup> = new Map<string, BasicServiceGroup>([
  ["10", "all-teleservices"],
  ["11", "telephony"],
  ["12", "all-data-teleservices"],
  ["13", "facsimile"],
  ["16", "short-message-services"],
  ["17", "voice-group-call"],
  ["18", "voice-broadcast"],
  ["19", "all-teleservices-except-sms"],
  ["20", "all-bearer-services"],
  ["21", "all-async-services"],
  ["22", "all-sync-services"],
  ["24", "all-data-circuit-sync"],
  ["25", "all-data-circuit-async"],
  ["26", "telephony-and-all-sync"],
  ["99", "all-gprs-bearer-services"],
]);

/** Annex C, services not defined by 3GPP: PLMN specific teleservices 50 (all) to 65. */
const PLMN_TELESERVICE_FIRST = 50;
const PLMN_TELESERVICE_LAST = 65;

export function basicServiceGroup(code: string): BasicServiceGroup | undefined {
  const known = BASIC_SERVICE_CODES.get(code);
  if (known !== undefined) return known;
  if (!/^[0-9]{2}$/.test(code)) return undefined;
  const value = Number(code);
  return value >= PLMN_TELESERVICE_FIRST && value <= PLMN_TELESERVICE_LAST
    ? "plmn-specific-teleservice"
    : undefined;
}

/** Annex B "T" (TS 22.082 CFNRy): the no-reply condition timer, 5 to 30 seconds in steps of 5. */
export function isValidNoReplyTimer(seconds: number): boolean {
  return Number.isInteger(seconds) && seconds >= 5 && seconds <= 30 && seconds % 5 === 0;
}

/** TS 22.101 §10.1.1: 112 and 911 are emergency numbers on every UE. */
export const DEFAULT_EMERGENCY_NUMBERS: readonly string[] = ["112", "911"];
