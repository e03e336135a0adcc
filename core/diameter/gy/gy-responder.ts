/**
 * A scripted OCS: answers every CCR with a fixed Result-Code and grant. Useful to exercise a
 * charging trigger function (a PGW, an MSC, our own handsets) without a charging core, the way
 * freeDiameter's test_cc is used; `telsim gy stub-ocs` serves it.
 */
import { DiameterProtocolError } from "../errors.js";
import type { DiameterMessage } from "../message.js";
import type { RequestHandler } from "../server.js";
import { buildCca } from "./gy-build.js";
import { parseCcr } from "./gy-parse.js";
import type { CreditControlRequest, MsccAnswer, ServiceUnits } from "./gy-types.js";

export interface GyResponderOptions {
  readonly originHost: string;
  readonly originRealm: string;
  /** Command-level and MSCC-level Result-Code (default 2001). */
  readonly resultCode?: number;
  /** Granted units per MSCC (default: what was requested, else 10 MB / 600 s / 1 unit by rating group). */
  readonly grant?: ServiceUnits;
  readonly validityTime?: number;
  /** Called for every CCR answered. */
  readonly onRequest?: (ccr: CreditControlRequest) => void;
}

/** What a grant defaults to for the default rating groups (1 data, 2 voice, 3 SMS, 4 MMS). */
function defaultGrant(ratingGroup: number | undefined, requested: ServiceUnits | undefined): ServiceUnits {
  if (requested !== undefined && Object.keys(requested).length > 0) return requested;
  if (ratingGroup === 2) return { time: 600 };
  if (ratingGroup === 3 || ratingGroup === 4) return { serviceSpecificUnits: 1 };
  return { totalOctets: 10 * 1024 * 1024 };
}

export function gyResponder(options: GyResponderOptions): RequestHandler {
  const resultCode = options.resultCode ?? 2001;
  return (message: DiameterMessage) => {
    const ccr = parseCcr(message);
    if (ccr instanceof DiameterProtocolError) throw ccr;
    options.onRequest?.(ccr);
    const success = resultCode >= 2000 && resultCode < 3000;
    const mscc: MsccAnswer[] =
      ccr.requestType === "TERMINATION"
        ? ccr.mscc.map((m) => ({
            ...(m.ratingGroup !== undefined ? { ratingGroup: m.ratingGroup } : {}),
            resultCode,
          }))
        : ccr.mscc.map((m) => ({
            ...(m.ratingGroup !== undefined ? { ratingGroup: m.ratingGroup } : {}),
            ...(m.serviceIdentifier !== undefined ? { serviceIdentifier: m.serviceIdentifier } : {}),
            resultCode,
            ...(success ? { granted: options.grant ?? defaultGrant(m.ratingGroup, m.requested) } : {}),
            ...(success && options.validityTime !== undefined ? { validityTime: options.validityTime } : {}),
          }));
    return buildCca(message, {
      sessionId: ccr.sessionId,
      resultCode,
      originHost: options.originHost,
      originRealm: options.originRealm,
      requestType: ccr.requestType,
      requestNumber: ccr.requestNumber,
      mscc,
    });
  };
}
