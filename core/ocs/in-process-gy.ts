/**
 * A Gy client for a network function in the same process as the OCS: the CCR goes to the OCS as
 * a typed request (GyOcs.answerRequest) instead of over a loopback Diameter connection. Same
 * rules, same records, answered once the charge is persisted; there is no peer to fail over to,
 * so an OCS error is a TERMINATE failure (RFC 4006 §5.7). `telsim core` charges its SMSC's
 * messages this way unless told to use Diameter (tshark then sees them).
 */
import { SERVICE_CONTEXT } from "../diameter/gy/gy-enums.js";
import type { CcOutcome } from "../diameter/gy/gy-client.js";
import type { CcFailureHandling, CreditControlRequest } from "../diameter/gy/gy-types.js";
import type { GyOcs } from "./gy-ocs.js";

export interface InProcessGyOptions {
  readonly originHost: string;
  readonly originRealm: string;
  readonly serviceContextId?: string;
}

export class InProcessGy {
  readonly options: { readonly identity: { readonly originHost: string; readonly originRealm: string } };
  readonly defaultFailureHandling: CcFailureHandling = "TERMINATE";

  constructor(
    private readonly ocs: GyOcs,
    private readonly client: InProcessGyOptions,
  ) {
    this.options = { identity: { originHost: client.originHost, originRealm: client.originRealm } };
  }

  requestBase(): Pick<
    CreditControlRequest,
    "originHost" | "originRealm" | "destinationRealm" | "serviceContextId"
  > & { destinationHost?: string } {
    return {
      originHost: this.client.originHost,
      originRealm: this.client.originRealm,
      destinationRealm: this.ocs.identity.originRealm,
      serviceContextId: this.client.serviceContextId ?? SERVICE_CONTEXT.ps,
    };
  }

  async send(ccr: CreditControlRequest, _handling: CcFailureHandling): Promise<CcOutcome> {
    try {
      return { kind: "answer", answer: await this.ocs.answerRequest(ccr), failover: false };
    } catch (e) {
      return { kind: "failed", action: "terminate", reason: e instanceof Error ? e.message : String(e) };
    }
  }
}
