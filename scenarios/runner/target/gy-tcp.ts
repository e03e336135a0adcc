/**
 * The Gy port over TCP: telsim's own RFC 4006 client (GyClient) to the embedded core's Diameter
 * listener or to any external OCS. Credit-Control-Failure-Handling is TERMINATE, so a Tx expiry
 * is a failed exchange (counted as result=no-answer), never a silent retry. RAR is answered by the
 * client (the next CCR-U carries the new terms); ASR marks the session so its step ends it.
 */
import { GyClient } from "../../../core/diameter/gy/gy-client.js";
import type { GySession } from "../../../core/diameter/gy/gy-session.js";
import type { MsccRequest } from "../../../core/diameter/gy/gy-types.js";
import type { Logger } from "../../../core/diameter/logger.js";
import type {
  CcOutcome,
  ChargingSession,
  EventRequest,
  GyPort,
  SessionOptions,
  SubscriberRef,
} from "../ports.js";

export interface GyTcpOptions {
  readonly host: string;
  readonly port: number;
  readonly realm: string;
  readonly originHost: string;
  readonly txMs: number;
  readonly logger: Logger;
}

function subscriptionIds(s: SubscriberRef) {
  return [
    { type: "E164" as const, data: s.msisdn },
    { type: "IMSI" as const, data: s.imsi },
  ];
}

async function guarded(call: () => Promise<CcOutcome>): Promise<CcOutcome> {
  try {
    return await call();
  } catch (e) {
    // GySession refuses a request in the wrong state (the session was closed by a failure).
    return { kind: "failed", action: "terminate", reason: e instanceof Error ? e.message : String(e) };
  }
}

class TcpSession implements ChargingSession {
  constructor(
    private readonly s: GySession,
    private readonly aborted: Set<string>,
  ) {}
  get sessionId(): string {
    return this.s.sessionId;
  }
  get abortRequested(): boolean {
    return this.aborted.has(this.s.sessionId);
  }
  initial(mscc: readonly MsccRequest[]): Promise<CcOutcome> {
    return guarded(() => this.s.initial(mscc));
  }
  update(mscc: readonly MsccRequest[]): Promise<CcOutcome> {
    return guarded(() => this.s.update(mscc));
  }
  async terminate(mscc: readonly MsccRequest[], cause = 1): Promise<CcOutcome> {
    const out = await guarded(() => this.s.terminate(mscc, cause));
    this.aborted.delete(this.s.sessionId);
    return out;
  }
}

export class TcpGyPort implements GyPort {
  private readonly client: GyClient;
  private readonly aborted = new Set<string>();
  private readonly tag = Date.now().toString(36);
  private counter = 0;

  constructor(private readonly options: GyTcpOptions) {
    this.client = new GyClient({
      primary: { host: options.host, port: options.port },
      identity: { originHost: options.originHost, originRealm: "scenario.telsim.local" },
      destinationRealm: options.realm,
      txMs: options.txMs,
      ccFailureHandling: "TERMINATE",
      logger: options.logger,
      reconnect: false,
      onReAuth: () => undefined,
      onAbort: (s) => this.aborted.add(s.sessionId),
    });
  }

  connect(): Promise<void> {
    return this.client.connect();
  }

  private nextSessionId(): string {
    this.counter = (this.counter + 1) >>> 0;
    return `${this.options.originHost};${this.tag};${this.counter}`;
  }

  session(subscriber: SubscriberRef, o: SessionOptions): ChargingSession {
    const s = this.client.session({
      sessionId: this.nextSessionId(),
      subscriptionIds: subscriptionIds(subscriber),
      serviceContextId: o.serviceContextId,
      ...(o.calledParty !== undefined ? { calledParty: o.calledParty } : {}),
    });
    return new TcpSession(s, this.aborted);
  }

  event(subscriber: SubscriberRef, r: EventRequest): Promise<CcOutcome> {
    return guarded(() =>
      this.client.event({
        sessionId: this.nextSessionId(),
        subscriptionIds: subscriptionIds(subscriber),
        requestedAction: r.requestedAction,
        mscc: r.mscc,
        serviceContextId: r.serviceContextId,
        ...(r.sms !== undefined ? { sms: r.sms } : {}),
        ...(r.calledParty !== undefined ? { calledParty: r.calledParty } : {}),
      }),
    );
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
