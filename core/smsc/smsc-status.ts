/**
 * The answers the SMSC chose where SMPP 3.4 leaves room, in one place. Why a message was refused
 * is a RefusalReason; ESMEs get it as a command_status, handsets as an RP-Cause (TS 24.011
 * §8.2.5.4), which the handset layer shows as `+CMS ERROR: <cause>` (TS 27.005 §3.2.5: 0-127 are
 * the TS 24.011 values).
 *
 * | reason               | when                                          | command_status              | RP-Cause                    |
 * | -------------------- | --------------------------------------------- | --------------------------- | --------------------------- |
 * | tps                  | the bind's token bucket is empty              | 0x58 ESME_RTHROTTLED        | 42 congestion               |
 * | window               | window requests unanswered on the bind        | 0x14 ESME_RMSGQFUL          | 42 congestion               |
 * | daily-quota          | the account's segments for today are used up  | 0x58 ESME_RTHROTTLED        | 42 congestion               |
 * | queue-full           | maxPendingMessages messages not final yet     | 0x14 ESME_RMSGQFUL          | 42 congestion               |
 * | credit-limit         | OCS Result-Code 4012 CREDIT_LIMIT_REACHED      | 0x45 ESME_RSUBMITFAIL       | 21 SM transfer rejected     |
 * | service-denied       | OCS Result-Code 4010 END_USER_SERVICE_DENIED   | 0x400 (vendor): denied      | 10 call barred              |
 * | charging-rejected    | any other OCS refusal (5030 user unknown, …)  | 0x401 (vendor): OCS refused | 29 facility rejected        |
 * | charging-unavailable | no OCS answer (unreachable, Tx expired)       | 0x08 ESME_RSYSERR           | 38 network out of order     |
 * | no-route             | the destination is no handset and no ESME's   | 0x0B ESME_RINVDSTADR        | 1 unassigned number         |
 * | invalid              | the message itself is wrong                   | the specific status         | 96 invalid mandatory info   |
 *
 * Daily quota and TPS share 0x58: the SMPP 3.4 §5.1.3 text of 0x58 is "ESME has exceeded allowed
 * message limits", which is both; the stats count them apart.
 */
import { CommandStatus } from "../smpp/command-status.js";
import { ResultCode } from "../diameter/result-codes.js";

/** Vendor-specific command_status values (SMPP 3.4 §5.1.3: 0x400-0x4FF). */
export const VendorStatus = {
  /** The OCS denied the service to the paying subscriber (Result-Code 4010). */
  CHARGING_DENIED: 0x400,
  /** The OCS refused the charge for another reason (e.g. 5030 USER_UNKNOWN). */
  CHARGING_REJECTED: 0x401,
} as const;

export type RefusalReason =
  | "tps"
  | "window"
  | "daily-quota"
  | "queue-full"
  | "credit-limit"
  | "service-denied"
  | "charging-rejected"
  | "charging-unavailable"
  | "no-route"
  | "invalid";

export const REFUSAL_STATUS: Readonly<Record<RefusalReason, number>> = {
  tps: CommandStatus.ESME_RTHROTTLED,
  window: CommandStatus.ESME_RMSGQFUL,
  "daily-quota": CommandStatus.ESME_RTHROTTLED,
  "queue-full": CommandStatus.ESME_RMSGQFUL,
  "credit-limit": CommandStatus.ESME_RSUBMITFAIL,
  "service-denied": VendorStatus.CHARGING_DENIED,
  "charging-rejected": VendorStatus.CHARGING_REJECTED,
  "charging-unavailable": CommandStatus.ESME_RSYSERR,
  "no-route": CommandStatus.ESME_RINVDSTADR,
  invalid: CommandStatus.ESME_RSUBMITFAIL,
};

/** RP-Cause values (TS 24.011 §8.2.5.4, Table 8.4). */
export const RP_CAUSE: Readonly<Record<RefusalReason, number>> = {
  tps: 42,
  window: 42,
  "daily-quota": 42,
  "queue-full": 42,
  "credit-limit": 21,
  "service-denied": 10,
  "charging-rejected": 29,
  "charging-unavailable": 38,
  "no-route": 1,
  invalid: 96,
};

/** The refusal an OCS Result-Code means. */
export function refusalForResultCode(resultCode: number): RefusalReason {
  if (resultCode === ResultCode.CREDIT_LIMIT_REACHED) return "credit-limit";
  if (resultCode === ResultCode.END_USER_SERVICE_DENIED) return "service-denied";
  return "charging-rejected";
}
