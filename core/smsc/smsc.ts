/**
 * The SMSC network function: an SMPP 3.4 server for ESMEs (binds, submits, queries, receipts,
 * throttling, error injection), MO SMS from handsets, MT SMS to handsets through the network edge
 * (MobileTerminating), per-message charging (SmsCharger) and plain-data stats. Composes the
 * socket-free parts (bind registry, submit service, message store, delivery engine, outbox) with
 * one socket adapter per connection (esme-session.ts).
 *
 *   const smsc = new Smsc({ config, clock, charger, mobile, rng, logger });
 *   await smsc.listen({ port: 2775 });           // 127.0.0.1 unless told otherwise
 *   await smsc.submitFromHandset("375291234567", { destination: "7000", text: "hi" });
 *   smsc.injection.add({ match: { systemId: "demo" }, action: { kind: "status", status: 0x58 } });
 *   smsc.stats();
 */
import { type Clock, realClock } from "../clock/clock.js";
import { type Logger, stderrLogger } from "../diameter/logger.js";
import type { OutboundPdu } from "../smpp/pdu-types.js";
import { SmppServer } from "../smpp/smpp-server.js";
import type { SmppSession } from "../smpp/smpp-session.js";
import { BindRegistry } from "./bind-registry.js";
import { DeliveryEngine } from "./delivery-engine.js";
import { type Rng, syntheticOutcome } from "./delivery-outcomes.js";
import { EsmeOutbox, type DeliverySession, type OutboxOutcome } from "./esme-outbox.js";
import { EsmeSession, type EsmeSessionHost } from "./esme-session.js";
import {
  type HandsetSms,
  type HandsetSubmitResult,
  dialledAddress,
  handsetFields,
} from "./handset-submission.js";
import { InjectionRules } from "./injection-rules.js";
import { MessageCommands } from "./message-commands.js";
import { MessageStore } from "./message-store.js";
import { ALL_ATTACHED, type MobileTerminating } from "./mobile-terminating.js";
import { SmscRouter } from "./routing.js";
import { DEFAULT_PORT, DEFAULT_SMSC_CONFIG, type SmscConfig } from "./smsc-config.js";
import { type SmscStats, newSmscCounters, type SmscCounters, type BindStats } from "./smsc-stats.js";
import { RP_CAUSE } from "./smsc-status.js";
import { NO_CHARGE, type SmsCharger, isPromise } from "./sms-charger.js";
import { SubmitService, type SubmitResult } from "./submit-service.js";
import type { UssdOverSmpp } from "./ussd-over-smpp.js";

export interface SmscOptions {
  /** Default DEFAULT_SMSC_CONFIG: the demo account, reality mode. */
  readonly config?: SmscConfig;
  /** Expiry, schedules, retries, token buckets, daily quotas and session timers. Default real time. */
  readonly clock?: Clock;
  /** Default NO_CHARGE. */
  readonly charger?: SmsCharger;
  /** Default ALL_ATTACHED. */
  readonly mobile?: MobileTerminating;
  /** For the percentage mode and injection probabilities; use a SeededRandom. Default Math.random. */
  readonly rng?: Rng;
  readonly logger?: Logger;
  /** USSD over SMPP: where submit_sm / data_sm with ussd_service_op go. */
  readonly ussd?: UssdOverSmpp;
  /** Largest PDU accepted from an ESME (default 16 384 octets). */
  readonly maxPduLength?: number;
}

const MATH_RANDOM: Rng = { nextInt: (n) => Math.floor(Math.random() * n) };

/** Two independent draws from one generator: SeededRandom streams when it has them. */
function split(rng: Rng, index: number): Rng {
  const s = rng as Rng & { stream?: (i: number) => Rng };
  return typeof s.stream === "function" ? s.stream(index) : rng;
}

export class Smsc {
  readonly config: SmscConfig;
  /** Error injection: list / add / remove / clear at run time. */
  readonly injection: InjectionRules;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly binds: BindRegistry;
  private readonly store: MessageStore;
  private readonly outbox: EsmeOutbox;
  private readonly engine: DeliveryEngine;
  private readonly submit: SubmitService;
  private readonly counters: SmscCounters = newSmscCounters();
  private readonly sessions = new Map<EsmeSession, DeliverySession | undefined>();
  private readonly host: EsmeSessionHost;
  private server: SmppServer | undefined;
  private nextSessionId = 1;
  private readonly maxPduLength: number | undefined;

  constructor(options: SmscOptions = {}) {
    const config = (this.config = options.config ?? DEFAULT_SMSC_CONFIG);
    const clock = (this.clock = options.clock ?? realClock);
    const logger = (this.logger = options.logger ?? stderrLogger("telsim-smsc"));
    const rng = options.rng ?? MATH_RANDOM;
    this.maxPduLength = options.maxPduLength;
    this.injection = new InjectionRules(split(rng, 2));
    this.binds = new BindRegistry(config.accounts);
    this.store = new MessageStore(config.limits);
    this.outbox = new EsmeOutbox({
      clock,
      logger,
      window: config.limits.outboundWindow,
      maxQueued: config.limits.outboxMaxQueued,
      delaysMs: config.retry.esmeDelaysMs,
      maxAttempts: config.retry.esmeMaxAttempts,
      responseTimeoutMs: config.retry.esmeResponseTimeoutMs,
    });
    this.engine = new DeliveryEngine({
      clock,
      logger,
      store: this.store,
      outbox: this.outbox,
      retry: config.retry,
      synthetic: syntheticOutcome(config.outcome, split(rng, 1)),
      syntheticDelayMs: config.outcome.mode === "reality" ? 0 : config.outcome.delayMs,
      utcOffsetMinutes: config.utcOffsetMinutes,
      mobile: options.mobile ?? ALL_ATTACHED,
    });
    const router = new SmscRouter(config.routes);
    this.submit = new SubmitService({
      clock,
      config,
      router,
      store: this.store,
      engine: this.engine,
      charger: options.charger ?? NO_CHARGE,
      counters: this.counters,
    });
    this.host = {
      config,
      clock,
      logger,
      binds: this.binds,
      injection: this.injection,
      submit: this.submit,
      commands: new MessageCommands(clock, this.store, this.engine, config.maxValidityMs),
      engine: this.engine,
      outbox: this.outbox,
      counters: this.counters,
      ussd: options.ussd,
      bound: (s) => this.onBound(s),
      closed: (s) => this.onClosed(s),
    };
  }

  /** Starts the SMPP listener (default 127.0.0.1:2775; port 0 picks a free one). */
  async listen(options: { host?: string; port?: number } = {}): Promise<{ host: string; port: number }> {
    if (this.server !== undefined) throw new Error("the SMSC is already listening");
    const server = new SmppServer({
      host: options.host ?? "127.0.0.1",
      port: options.port ?? DEFAULT_PORT,
      session: {
        clock: this.clock,
        window: this.config.limits.outboundWindow,
        requestTimeoutMs: this.config.retry.esmeResponseTimeoutMs,
        ...(this.maxPduLength !== undefined ? { maxPduLength: this.maxPduLength } : {}),
      },
    });
    server.on("session", (s) => this.accept(s));
    server.on("fault", (e) => this.logger.warn(`smsc: ${e.message}`));
    this.server = server;
    try {
      return await server.listen();
    } catch (e) {
      this.server = undefined;
      throw e;
    }
  }

  /** Closes every connection and stops timers. Messages still pending are dropped. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) {
      // a paused connection never reads its peer's FIN, and the sessions' grace timers run on the
      // injected clock (which may stand still): after 2 s of real time, connections are dropped
      for (const s of this.sessions.keys()) s.session.resume();
      const guard = setTimeout(() => {
        for (const s of this.sessions.keys()) s.session.destroy("SMSC closing");
      }, 2000);
      try {
        await server.close();
      } finally {
        clearTimeout(guard);
      }
    }
    this.engine.close();
    this.outbox.close();
  }

  /** The network edge to deliver MT through (it may be created after the SMSC). */
  setMobile(mobile: MobileTerminating): void {
    this.engine.mobile = mobile;
  }

  /**
   * An MO SMS from a handset: charged to the handset's account, then routed to an ESME (deliver_sm)
   * or another handset. Resolves with the message id, or the refusal and its RP-Cause.
   */
  async submitFromHandset(msisdn: string, sms: HandsetSms): Promise<HandsetSubmitResult> {
    const built = handsetFields(msisdn, sms);
    if (!built.ok)
      return { accepted: false, reason: "invalid", rpCause: RP_CAUSE.invalid, detail: built.detail };
    const origin = {
      kind: "handset" as const,
      msisdn,
      messageReference: sms.messageReference,
      statusReport: sms.statusReportRequest === true,
    };
    const r = this.submit.fromHandset(origin, built.fields, dialledAddress(sms.destination));
    const result: SubmitResult = isPromise(r) ? await r : r;
    if (!result.ok)
      return {
        accepted: false,
        reason: result.reason,
        rpCause: RP_CAUSE[result.reason],
        detail: result.detail,
      };
    this.engine.start(result.message);
    return { accepted: true, messageId: result.message.messageId, segments: result.message.content.segments };
  }

  /** The network edge says a handset is reachable again: its waiting messages are retried now. */
  handsetAttached(msisdn: string): number {
    return this.engine.handsetAttached(msisdn);
  }

  /**
   * Queues a deliver_sm for a receiver or transceiver bind of `systemId` (used by the USSD hook).
   * Resolves when it was acknowledged, refused or given up.
   */
  deliverToEsme(systemId: string, pdu: OutboundPdu<"deliver_sm">): Promise<OutboxOutcome> {
    return new Promise((resolve) => {
      if (!this.outbox.enqueue(systemId, "message", pdu, resolve))
        resolve({ kind: "failed", status: undefined, reason: `the queue for ${systemId} is full` });
    });
  }

  /** Binds of a system_id that can receive deliver_sm right now. */
  receivers(systemId: string): number {
    return this.outbox.receivers(systemId);
  }

  stats(): SmscStats {
    const now = this.clock.now();
    this.store.evict(now);
    const binds: BindStats[] = [];
    for (const s of this.sessions.keys()) {
      const b = s.stats();
      if (b !== undefined) binds.push(b);
    }
    const phases = this.engine.phaseCounts;
    const c = this.engine.counters;
    return {
      binds,
      accounts: this.binds.allAccounts.map((a) => ({
        systemId: a.systemId,
        binds: this.binds.binds(a.systemId),
        maxBinds: a.maxBinds,
        dailyQuota: a.dailyQuota,
        usedToday: this.submit.quotas.used(a.systemId),
      })),
      queues: {
        pendingMessages: this.store.pendingCount,
        storedMessages: this.store.size,
        scheduled: phases.scheduled,
        attempting: phases.attempting,
        retrying: phases.retrying,
        inOutbox: phases.outbox,
        chargingInFlight: this.submit.chargesInFlight,
        outbox: this.outbox.stats(),
      },
      receipts: { ...c.receipts },
      receiptsDropped: c.receiptsDropped,
      finalStates: { ...c.finalStates },
      totals: { ...this.counters, refused: { ...this.counters.refused } },
    };
  }

  private accept(session: SmppSession): void {
    const s = new EsmeSession(this.nextSessionId++, this.host, session);
    this.sessions.set(s, undefined);
  }

  private onBound(s: EsmeSession): void {
    const systemId = s.systemId;
    if (systemId === undefined) return;
    if (s.mode === "receiver" || s.mode === "transceiver") {
      const session = s.session;
      const port: DeliverySession = {
        get inFlightCount() {
          return session.inFlightCount;
        },
        get isClosed() {
          return session.isClosed;
        },
        request: (pdu, options) => session.request(pdu, options),
        acknowledged: () => s.countDelivered(),
      };
      this.sessions.set(s, port);
      this.outbox.attach(systemId, port);
    }
  }

  private onClosed(s: EsmeSession): void {
    const port = this.sessions.get(s);
    this.sessions.delete(s);
    const systemId = s.systemId;
    if (systemId === undefined) return;
    this.binds.release(systemId);
    if (port !== undefined) this.outbox.detach(systemId, port);
  }
}
