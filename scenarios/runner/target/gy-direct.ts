/**
 * The Gy port in process (the virtual clock, or `core.gy: in-process`): each CCR is built,
 * encoded to wire bytes, decoded, handed to the embedded core's Gy application (the same handler
 * its Diameter server calls), and the CCA goes back through the codec. No socket, so no Diameter watchdog: jumping
 * the clock by a day cannot make a peer look dead (RFC 3539 §3.4 timers run on that clock).
 */
import type { GyOcs } from "../../../core/ocs/gy-ocs.js";
import { decodeMessage } from "../../../core/diameter/decoder.js";
import { APPLICATION_CREDIT_CONTROL, CommandCode } from "../../../core/diameter/dictionary/commands.js";
import { gyDictionary } from "../../../core/diameter/dictionary/dictionary.js";
import { encodeMessage } from "../../../core/diameter/encoder.js";
import { DiameterProtocolError } from "../../../core/diameter/errors.js";
import { buildCcrAvps } from "../../../core/diameter/gy/gy-build.js";
import { parseCca } from "../../../core/diameter/gy/gy-parse.js";
import type { CreditControlRequest, MsccRequest, Mutable } from "../../../core/diameter/gy/gy-types.js";
import { makeRequest } from "../../../core/diameter/message-build.js";
import type { Timeline } from "../load/timeline.js";
import type {
  CcOutcome,
  ChargingSession,
  EventRequest,
  GyPort,
  SessionOptions,
  SubscriberRef,
} from "../ports.js";

const ORIGIN_HOST = "scenario.telsim.local";
const ORIGIN_REALM = "scenario.telsim.local";

export class DirectGyPort implements GyPort {
  private hopByHop = 0;
  private counter = 0;

  constructor(
    private readonly ocs: GyOcs,
    private readonly realm: string,
    private readonly timeline: Timeline,
  ) {}

  private base(sessionId: string, s: SubscriberRef) {
    return {
      sessionId,
      originHost: ORIGIN_HOST,
      originRealm: ORIGIN_REALM,
      destinationRealm: this.realm,
      subscriptionIds: [
        { type: "E164" as const, data: s.msisdn },
        { type: "IMSI" as const, data: s.imsi },
      ],
    };
  }

  nextSessionId(): string {
    this.counter++;
    return `${ORIGIN_HOST};virtual;${this.counter}`;
  }

  async send(ccr: CreditControlRequest): Promise<CcOutcome> {
    this.timeline.begin();
    try {
      // On the real clock, let the event loop turn first: without a socket, thousands of flows
      // would otherwise chain CCR → CCA → CCR in microtasks and hold back the arrival timers.
      if (!this.timeline.virtual) await new Promise<void>((resolve) => setImmediate(resolve));
      this.hopByHop = (this.hopByHop + 1) >>> 0;
      const request = makeRequest(
        {
          commandCode: CommandCode.CreditControl,
          applicationId: APPLICATION_CREDIT_CONTROL,
          hopByHop: this.hopByHop,
          endToEnd: this.hopByHop,
          proxiable: true,
        },
        buildCcrAvps(ccr),
      );
      const decoded = decodeMessage(encodeMessage(request), gyDictionary);
      if (!decoded.ok) return { kind: "failed", action: "terminate", reason: decoded.error.message };
      let answerMessage;
      try {
        answerMessage = await this.ocs.handle(decoded.message);
      } catch (e) {
        if (e instanceof DiameterProtocolError) {
          return {
            kind: "answer",
            failover: false,
            answer: {
              sessionId: ccr.sessionId,
              resultCode: e.resultCode,
              originHost: "ocs",
              originRealm: this.realm,
              requestType: ccr.requestType,
              requestNumber: ccr.requestNumber,
              mscc: [],
              errorMessage: e.message,
            },
          };
        }
        throw e;
      }
      const back = decodeMessage(encodeMessage(answerMessage), gyDictionary);
      if (!back.ok) return { kind: "failed", action: "terminate", reason: back.error.message };
      return { kind: "answer", answer: parseCca(back.message), failover: false };
    } finally {
      this.timeline.end();
    }
  }

  session(subscriber: SubscriberRef, o: SessionOptions): ChargingSession {
    const base = this.base(this.nextSessionId(), subscriber);
    let number = 0;
    // Plain assignments, no object spread: spreads cost microseconds per CCR on Node 20.
    const exchange = (
      requestType: CreditControlRequest["requestType"],
      mscc: readonly MsccRequest[],
      cause?: number,
    ): Promise<CcOutcome> => {
      const ccr: Mutable<CreditControlRequest> = {
        sessionId: base.sessionId,
        originHost: base.originHost,
        originRealm: base.originRealm,
        destinationRealm: base.destinationRealm,
        subscriptionIds: base.subscriptionIds,
        serviceContextId: o.serviceContextId,
        requestType,
        requestNumber: number++,
        mscc,
      };
      if (o.calledParty !== undefined && requestType === "INITIAL") ccr.calledParty = o.calledParty;
      if (cause !== undefined) ccr.terminationCause = cause;
      return this.send(ccr);
    };
    return {
      sessionId: base.sessionId,
      abortRequested: false,
      initial: (mscc) => exchange("INITIAL", mscc),
      update: (mscc) => exchange("UPDATE", mscc),
      terminate: (mscc, cause = 1) => exchange("TERMINATION", mscc, cause),
    };
  }

  event(subscriber: SubscriberRef, r: EventRequest): Promise<CcOutcome> {
    const base = this.base(this.nextSessionId(), subscriber);
    const ccr: Mutable<CreditControlRequest> = {
      sessionId: base.sessionId,
      originHost: base.originHost,
      originRealm: base.originRealm,
      destinationRealm: base.destinationRealm,
      subscriptionIds: base.subscriptionIds,
      serviceContextId: r.serviceContextId,
      requestType: "EVENT",
      requestNumber: 0,
      requestedAction: r.requestedAction,
      mscc: r.mscc,
    };
    if (r.sms !== undefined) ccr.sms = r.sms;
    if (r.calledParty !== undefined) ccr.calledParty = r.calledParty;
    return this.send(ccr);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
