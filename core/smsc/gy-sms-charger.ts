/**
 * SmsCharger over Diameter Gy: one CCR-EVENT per message (RFC 4006 §6.3 immediate event charging,
 * Requested-Action DIRECT_DEBITING), rating group 3, Service-Context-Id 32274@3gpp.org (TS 32.274,
 * SMS charging), SMS-Information with the recipient, the data coding scheme and SM-Message-Type
 * SUBMISSION (TS 32.299 §7.2.157). Requested-Service-Unit holds the segments as
 * CC-Service-Specific-Units, so a long message is charged per segment in one all-or-nothing request.
 *
 * The CCR is built here as one plain object and sent with GyClient.send (what GyClient.event does,
 * without its object spreads, which cost microseconds per message at SMSC rates).
 */
import { type Clock, realClock } from "../clock/clock.js";
import type { GyClient } from "../diameter/gy/gy-client.js";
import { SERVICE_CONTEXT } from "../diameter/gy/gy-enums.js";
import type { CreditControlRequest, Mutable } from "../diameter/gy/gy-types.js";
import { ResultCode } from "../diameter/result-codes.js";
import { CHARGED, type SmsChargeRequest, type SmsChargeResult, type SmsCharger } from "./sms-charger.js";

/**
 * What the charger needs of a Gy client: GyClient (Diameter to any OCS), or InProcessGy
 * (core/ocs/in-process-gy.ts: the OCS of the same process, without framing).
 */
export type GyEventSender = Pick<GyClient, "send" | "requestBase" | "defaultFailureHandling"> & {
  readonly options: { readonly identity: { readonly originHost: string } };
};

export interface GySmsChargerOptions {
  /** Default 3 (SMS in the shipped catalog). */
  readonly ratingGroup?: number;
  readonly serviceContextId?: string;
  /** For Event-Timestamp; default real time. */
  readonly clock?: Clock;
}

export class GySmsCharger implements SmsCharger {
  private readonly ratingGroup: number;
  private readonly serviceContextId: string;
  private readonly clock: Clock;
  private readonly sessionPrefix: string;
  private readonly base: ReturnType<GyClient["requestBase"]>;
  private counter = 0;

  constructor(
    private readonly client: GyEventSender,
    options: GySmsChargerOptions = {},
  ) {
    this.ratingGroup = options.ratingGroup ?? 3;
    this.serviceContextId = options.serviceContextId ?? SERVICE_CONTEXT.sms;
    this.clock = options.clock ?? realClock;
    this.base = client.requestBase();
    // RFC 6733 §8.8: <DiameterIdentity>;<high 32 bits>;<low 32 bits>[;<optional value>]
    this.sessionPrefix = `${client.options.identity.originHost};${Math.floor(this.clock.now() / 1000) >>> 0};sms-`;
  }

  async charge(request: SmsChargeRequest): Promise<SmsChargeResult> {
    const base = this.base;
    this.counter = (this.counter + 1) % 0x100000000;
    const ccr: Mutable<CreditControlRequest> = {
      sessionId: this.sessionPrefix + this.counter,
      originHost: base.originHost,
      originRealm: base.originRealm,
      destinationRealm: base.destinationRealm,
      serviceContextId: this.serviceContextId,
      requestType: "EVENT",
      requestNumber: 0,
      subscriptionIds: [{ type: "E164", data: request.payer }],
      requestedAction: "DIRECT_DEBITING",
      mscc: [{ ratingGroup: this.ratingGroup, requested: { serviceSpecificUnits: request.segments } }],
      eventTimestamp: new Date(this.clock.now()),
      sms: {
        recipient: request.recipient,
        dataCodingScheme: request.dataCodingScheme,
        messageType: "SUBMISSION",
      },
    };
    if (base.destinationHost !== undefined) ccr.destinationHost = base.destinationHost;
    try {
      const outcome = await this.client.send(ccr, this.client.defaultFailureHandling);
      if (outcome.kind === "failed")
        // RFC 4006 §5.7: CONTINUE grants the service without credit control
        return outcome.action === "continue" ? CHARGED : { kind: "unavailable", reason: outcome.reason };
      const answer = outcome.answer;
      const result =
        answer.resultCode !== ResultCode.SUCCESS
          ? answer.resultCode
          : (answer.mscc[0]?.resultCode ?? answer.resultCode);
      // 4011: credit control does not apply to this subscriber; the message goes free (RFC 4006 §9.1)
      if (result === ResultCode.SUCCESS || result === ResultCode.CREDIT_CONTROL_NOT_APPLICABLE)
        return CHARGED;
      return { kind: "refused", resultCode: result };
    } catch (e) {
      return { kind: "unavailable", reason: e instanceof Error ? e.message : String(e) };
    }
  }
}
