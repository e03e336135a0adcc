/**
 * SMPP command_status values: SMPP 3.4 §5.1.3 plus the SMPP 5.0 §4.7.6 additions. One table,
 * stable names, lookup both ways. Where 5.0 renamed a 3.4 code (the TLV errors 0xC0..0xC4), the
 * 3.4 name is primary and the 5.0 name is an alias; the npm `smpp` package uses the 5.0 names.
 */

export const COMMAND_STATUS_TABLE = [
  [0x00, "ESME_ROK", "No error"],
  [0x01, "ESME_RINVMSGLEN", "Message length is invalid"],
  [0x02, "ESME_RINVCMDLEN", "Command length is invalid"],
  [0x03, "ESME_RINVCMDID", "Invalid command ID"],
  [0x04, "ESME_RINVBNDSTS", "Incorrect bind status for given command"],
  [0x05, "ESME_RALYBND", "ESME already in bound state"],
  [0x06, "ESME_RINVPRTFLG", "Invalid priority flag"],
  [0x07, "ESME_RINVREGDLVFLG", "Invalid registered delivery flag"],
  [0x08, "ESME_RSYSERR", "System error"],
  [0x0a, "ESME_RINVSRCADR", "Invalid source address"],
  [0x0b, "ESME_RINVDSTADR", "Invalid destination address"],
  [0x0c, "ESME_RINVMSGID", "Message ID is invalid"],
  [0x0d, "ESME_RBINDFAIL", "Bind failed"],
  [0x0e, "ESME_RINVPASWD", "Invalid password"],
  [0x0f, "ESME_RINVSYSID", "Invalid system ID"],
  [0x11, "ESME_RCANCELFAIL", "cancel_sm failed"],
  [0x13, "ESME_RREPLACEFAIL", "replace_sm failed"],
  [0x14, "ESME_RMSGQFUL", "Message queue full"],
  [0x15, "ESME_RINVSERTYP", "Invalid service type"],
  [0x33, "ESME_RINVNUMDESTS", "Invalid number of destinations"],
  [0x34, "ESME_RINVDLNAME", "Invalid distribution list name"],
  [0x40, "ESME_RINVDESTFLAG", "Destination flag is invalid (submit_multi)"],
  [0x42, "ESME_RINVSUBREP", "Invalid 'submit with replace' request (replace_if_present_flag set)"],
  [0x43, "ESME_RINVESMCLASS", "Invalid esm_class field data"],
  [0x44, "ESME_RCNTSUBDL", "Cannot submit to distribution list"],
  [0x45, "ESME_RSUBMITFAIL", "submit_sm or submit_multi failed"],
  [0x48, "ESME_RINVSRCTON", "Invalid source address TON"],
  [0x49, "ESME_RINVSRCNPI", "Invalid source address NPI"],
  [0x50, "ESME_RINVDSTTON", "Invalid destination address TON"],
  [0x51, "ESME_RINVDSTNPI", "Invalid destination address NPI"],
  [0x53, "ESME_RINVSYSTYP", "Invalid system_type field"],
  [0x54, "ESME_RINVREPFLAG", "Invalid replace_if_present flag"],
  [0x55, "ESME_RINVNUMMSGS", "Invalid number of messages"],
  [0x58, "ESME_RTHROTTLED", "Throttling error (ESME has exceeded allowed message limits)"],
  [0x61, "ESME_RINVSCHED", "Invalid scheduled delivery time"],
  [0x62, "ESME_RINVEXPIRY", "Invalid message validity period (expiry time)"],
  [0x63, "ESME_RINVDFTMSGID", "Predefined message invalid or not found"],
  [0x64, "ESME_RX_T_APPN", "ESME receiver temporary application error"],
  [0x65, "ESME_RX_P_APPN", "ESME receiver permanent application error"],
  [0x66, "ESME_RX_R_APPN", "ESME receiver reject message error"],
  [0x67, "ESME_RQUERYFAIL", "query_sm request failed"],
  [0xc0, "ESME_RINVOPTPARSTREAM", "Error in the optional part (TLVs) of the PDU body"],
  [0xc1, "ESME_ROPTPARNOTALLWD", "Optional parameter (TLV) not allowed"],
  [0xc2, "ESME_RINVPARLEN", "Invalid parameter length"],
  [0xc3, "ESME_RMISSINGOPTPARAM", "Expected optional parameter (TLV) missing"],
  [0xc4, "ESME_RINVOPTPARAMVAL", "Invalid optional parameter (TLV) value"],
  [0xfe, "ESME_RDELIVERYFAILURE", "Delivery failure (data_sm_resp)"],
  [0xff, "ESME_RUNKNOWNERR", "Unknown error"],
  [0x100, "ESME_RSERTYPUNAUTH", "ESME not authorised to use the specified service_type"],
  [0x101, "ESME_RPROHIBITED", "ESME prohibited from using the specified operation"],
  [0x102, "ESME_RSERTYPUNAVAIL", "Specified service_type is unavailable"],
  [0x103, "ESME_RSERTYPDENIED", "Specified service_type is denied"],
  [0x104, "ESME_RINVDCS", "Invalid data coding scheme"],
  [0x105, "ESME_RINVSRCADDRSUBUNIT", "Source address sub-unit is invalid"],
  [0x106, "ESME_RINVDSTADDRSUBUNIT", "Destination address sub-unit is invalid"],
  [0x107, "ESME_RINVBCASTFREQINT", "Broadcast frequency interval is invalid"],
  [0x108, "ESME_RINVBCASTALIAS_NAME", "Broadcast alias name is invalid"],
  [0x109, "ESME_RINVBCASTAREAFMT", "Broadcast area format is invalid"],
  [0x10a, "ESME_RINVNUMBCAST_AREAS", "Number of broadcast areas is invalid"],
  [0x10b, "ESME_RINVBCASTCNTTYPE", "Broadcast content type is invalid"],
  [0x10c, "ESME_RINVBCASTMSGCLASS", "Broadcast message class is invalid"],
  [0x10d, "ESME_RBCASTFAIL", "broadcast_sm operation failed"],
  [0x10e, "ESME_RBCASTQUERYFAIL", "query_broadcast_sm operation failed"],
  [0x10f, "ESME_RBCASTCANCELFAIL", "cancel_broadcast_sm operation failed"],
  [0x110, "ESME_RINVBCAST_REP", "Number of repeated broadcasts is invalid"],
  [0x111, "ESME_RINVBCASTSRVGRP", "Broadcast service group is invalid"],
  [0x112, "ESME_RINVBCASTCHANIND", "Broadcast channel indicator is invalid"],
] as const;

export type CommandStatusName = (typeof COMMAND_STATUS_TABLE)[number][1];

/** SMPP 5.0 names for codes SMPP 3.4 named differently. */
export const COMMAND_STATUS_ALIASES = {
  ESME_RINVTLVSTREAM: 0xc0,
  ESME_RTLVNOTALLWD: 0xc1,
  ESME_RINVTLVLEN: 0xc2,
  ESME_RMISSINGTLV: 0xc3,
  ESME_RINVTLVVAL: 0xc4,
} as const;

export type CommandStatusAlias = keyof typeof COMMAND_STATUS_ALIASES;

/** `CommandStatus.ESME_RTHROTTLED === 0x58`, for every name and alias. */
export const CommandStatus = Object.freeze({
  ...(Object.fromEntries(COMMAND_STATUS_TABLE.map(([code, name]) => [name, code])) as Record<
    CommandStatusName,
    number
  >),
  ...COMMAND_STATUS_ALIASES,
});

const BY_CODE = new Map<number, { name: CommandStatusName; description: string }>(
  COMMAND_STATUS_TABLE.map(([code, name, description]) => [code, { name, description }]),
);

/** The range a code falls in when the table has no entry for it (SMPP 3.4 §5.1.3). */
export type CommandStatusRange = "defined" | "reserved" | "smpp-extension" | "vendor-specific";

export interface CommandStatusInfo {
  code: number;
  /** The table name, or e.g. "0x00000409" for a code the table lacks. */
  name: string;
  description: string;
  range: CommandStatusRange;
}

function hex(code: number): string {
  return `0x${(code >>> 0).toString(16).toUpperCase().padStart(8, "0")}`;
}

/** Everything known about a command_status code, including codes outside the table. */
export function describeCommandStatus(code: number): CommandStatusInfo {
  const entry = BY_CODE.get(code);
  if (entry) return { code, name: entry.name, description: entry.description, range: "defined" };
  const c = code >>> 0;
  // SMPP 3.4 §5.1.3: 0x400-0x4FF vendor specific; SMPP 5.0 puts its own additions in 0x100-0x3FF
  if (c >= 0x400 && c <= 0x4ff)
    return { code, name: hex(c), description: "SMSC vendor-specific error", range: "vendor-specific" };
  if (c >= 0x100 && c <= 0x3ff)
    return { code, name: hex(c), description: "Reserved for SMPP extension", range: "smpp-extension" };
  return { code, name: hex(c), description: "Reserved command_status", range: "reserved" };
}

/** The stable name of a code ("ESME_RTHROTTLED"), or its hex form when the table lacks it. */
export function commandStatusName(code: number): string {
  return BY_CODE.get(code)?.name ?? hex(code);
}

const BY_NAME = new Map<string, number>(Object.entries(CommandStatus));

/** The code for a name or alias; undefined for an unknown name. */
export function commandStatusCode(name: string): number | undefined {
  return BY_NAME.get(name);
}

/** "ESME_RTHROTTLED (0x00000058): Throttling error (…)" for logs and error messages. */
export function formatCommandStatus(code: number): string {
  const info = describeCommandStatus(code);
  return info.range === "defined"
    ? `${info.name} (${hex(code)}): ${info.description}`
    : `${info.name}: ${info.description}`;
}
