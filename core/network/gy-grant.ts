/**
 * What a charging trigger function (the MSC, the PGW) makes of one CCA for its rating group:
 * a grant to enforce, "no credit control" (4011, or CCFH CONTINUE after a failure), or the end of
 * the service. RFC 4006 §5.1.2: the MSCC's Result-Code, when present, wins over the command's.
 */
import type { CcOutcome } from "../diameter/gy/gy-client.js";
import type { FinalUnitAction, MsccAnswer } from "../diameter/gy/gy-types.js";
import { ResultCode } from "../diameter/result-codes.js";

export interface Grant {
  readonly kind: "granted";
  /** Seconds (voice) or octets (data) granted. */
  readonly units: number;
  /** Seconds; undefined: none. */
  readonly validityTime: number | undefined;
  /** Units left at which to report (Time-/Volume-Quota-Threshold); 0: none. */
  readonly threshold: number;
  /** Set when these are the final units (Final-Unit-Indication). */
  readonly finalUnitAction: FinalUnitAction | undefined;
  readonly redirectUrl: string | undefined;
  /** QoS maximum bandwidth (bit/s) of a throttled grant; undefined: not throttled. */
  readonly maxBandwidth: number | undefined;
}

export type GrantOutcome =
  | Grant
  /** Served without credit control: 4011, or a failure under CCFH CONTINUE. */
  | { readonly kind: "uncontrolled"; readonly resultCode: number }
  /** Refused: 4010, 4012, 5030, … (the service ends). */
  | { readonly kind: "refused"; readonly resultCode: number }
  /** No answer under CCFH TERMINATE / RETRY_AND_TERMINATE. */
  | { readonly kind: "failed"; readonly reason: string };

export function grantOf(outcome: CcOutcome, ratingGroup: number, unit: "time" | "octets"): GrantOutcome {
  if (outcome.kind === "failed") {
    return outcome.action === "continue"
      ? { kind: "uncontrolled", resultCode: 0 }
      : { kind: "failed", reason: outcome.reason };
  }
  const answer = outcome.answer;
  const mscc: MsccAnswer | undefined =
    answer.mscc.find((m) => m.ratingGroup === ratingGroup) ?? answer.mscc[0];
  const resultCode = mscc?.resultCode ?? answer.resultCode;
  if (
    resultCode === ResultCode.CREDIT_CONTROL_NOT_APPLICABLE ||
    answer.resultCode === ResultCode.CREDIT_CONTROL_NOT_APPLICABLE
  ) {
    return { kind: "uncontrolled", resultCode: ResultCode.CREDIT_CONTROL_NOT_APPLICABLE };
  }
  if (resultCode < 2000 || resultCode >= 3000 || answer.resultCode >= 3000) {
    return { kind: "refused", resultCode: resultCode >= 3000 ? resultCode : answer.resultCode };
  }
  const granted = mscc?.granted;
  const units =
    unit === "time"
      ? (granted?.time ?? 0)
      : (granted?.totalOctets ?? (granted?.inputOctets ?? 0) + (granted?.outputOctets ?? 0));
  const threshold = (unit === "time" ? mscc?.timeQuotaThreshold : mscc?.volumeQuotaThreshold) ?? 0;
  const validity = mscc?.validityTime ?? answer.validityTime;
  return {
    kind: "granted",
    units,
    validityTime: validity !== undefined && validity > 0 ? validity : undefined,
    threshold: Math.min(threshold, units),
    finalUnitAction: mscc?.finalUnitIndication?.action,
    redirectUrl: mscc?.finalUnitIndication?.redirectUrl,
    maxBandwidth: mscc?.maxBandwidthDl ?? mscc?.maxBandwidthUl,
  };
}
