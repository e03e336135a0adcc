/**
 * One ESME connection: the thin adapter between an SmppSession and the SMSC's domain. It keeps the
 * bind state (SMPP 3.4 §2.3: OPEN → BOUND_TX / BOUND_RX / BOUND_TRX → CLOSED), counts requests
 * received and not answered (the inbound window), applies injection rules, hands each request to
 * its owner and encodes the answer. The session layer already answers enquire_link and unbind and
 * sends generic_nack for undecodable PDUs.
 *
 *   OPEN ─bind ok→ BOUND ─unbind / close→ CLOSED
 *     │ submit/query/… → ESME_RINVBNDSTS      BOUND ─bind→ ESME_RALYBND
 *     └ bind refused → stays OPEN (may try again)
 */
import type { Clock } from "../clock/clock.js";
import type { Logger } from "../diameter/logger.js";
import { CommandStatus } from "../smpp/command-status.js";
import type {
  BindMode,
  OutboundPdu,
  BindReceiver,
  BindTransceiver,
  BindTransmitter,
  CancelSm,
  DataSm,
  QuerySm,
  ReplaceSm,
  RequestPdu,
  SubmitMulti,
  SubmitSm,
} from "../smpp/pdu-types.js";
import type { InboundRequest, ResponseFields, SmppSession } from "../smpp/smpp-session.js";
import { RESPONSE_COMMAND } from "../smpp/pdu-types.js";
import type { BindRegistry } from "./bind-registry.js";
import type { DeliveryEngine } from "./delivery-engine.js";
import type { EsmeOutbox } from "./esme-outbox.js";
import type { InjectionAction, InjectionRules } from "./injection-rules.js";
import type { MessageCommands } from "./message-commands.js";
import type { EsmeAccount, SmscConfig } from "./smsc-config.js";
import {
  type BindCounters,
  type BindStats,
  RateMeter,
  type SmscCounters,
  newBindCounters,
} from "./smsc-stats.js";
import { isPromise } from "./sms-charger.js";
import type { SubmitResult, SubmitService, Submitter } from "./submit-service.js";
import { TokenBucket } from "./token-bucket.js";
import type { UssdAnswer, UssdOverSmpp } from "./ussd-over-smpp.js";

/** What every connection shares: the SMSC's parts. */
export interface EsmeSessionHost {
  readonly config: SmscConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly binds: BindRegistry;
  readonly injection: InjectionRules;
  readonly submit: SubmitService;
  readonly commands: MessageCommands;
  readonly engine: DeliveryEngine;
  readonly outbox: EsmeOutbox;
  readonly counters: SmscCounters;
  readonly ussd: UssdOverSmpp | undefined;
  bound(session: EsmeSession): void;
  closed(session: EsmeSession): void;
}

interface Bound extends Submitter {
  readonly mode: BindMode;
  readonly boundAt: number;
  readonly meter: RateMeter;
}

const MODE_OF = {
  bind_transmitter: "transmitter",
  bind_receiver: "receiver",
  bind_transceiver: "transceiver",
} as const satisfies Record<string, BindMode>;

type BindPdu = BindTransmitter | BindReceiver | BindTransceiver;

/** A transmit request that a bound transmitter or transceiver may send. */
type TransmitPdu = SubmitSm | SubmitMulti | DataSm | QuerySm | CancelSm | ReplaceSm;

export class EsmeSession {
  private bind: Bound | undefined;
  private unanswered = 0;
  private paused = false;
  private ended = false;

  constructor(
    readonly id: number,
    private readonly host: EsmeSessionHost,
    readonly session: SmppSession,
  ) {
    session.on("request", (pdu) => this.onRequest(pdu));
    session.on("malformed", () => host.counters.malformedPdus++);
    session.on("fault", (e) => host.logger.debug(`smsc session ${id}: ${e.message}`));
    session.on("close", () => this.onClose());
  }

  get systemId(): string | undefined {
    return this.bind?.account.systemId;
  }

  get mode(): BindMode | undefined {
    return this.bind?.mode;
  }

  stats(): BindStats | undefined {
    const b = this.bind;
    if (b === undefined) return undefined;
    const c = b.counters;
    return {
      id: this.id,
      systemId: b.account.systemId,
      mode: b.mode,
      remote: this.session.label,
      boundAt: b.boundAt,
      tps: b.meter.rate(this.host.clock.now()),
      tpsLimit: b.account.tps,
      window: { size: b.account.window, inUse: this.unanswered },
      outboundInFlight: this.session.inFlightCount,
      throttled: {
        tps: c.refused.tps ?? 0,
        window: c.refused.window ?? 0,
        dailyQuota: c.refused["daily-quota"] ?? 0,
        queueFull: c.refused["queue-full"] ?? 0,
      },
      submitted: c.submitted,
      accepted: c.accepted,
      refused: { ...c.refused },
      injected: c.injected,
      delivered: c.delivered,
    };
  }

  /** Counts a deliver_sm this bind acknowledged. */
  countDelivered(): void {
    if (this.bind !== undefined) this.bind.counters.delivered++;
  }

  private onRequest(pdu: InboundRequest): void {
    switch (pdu.command) {
      case "bind_transmitter":
      case "bind_receiver":
      case "bind_transceiver":
        this.onBind(pdu);
        return;
      case "submit_sm":
      case "submit_multi":
      case "data_sm":
      case "query_sm":
      case "cancel_sm":
      case "replace_sm":
        this.onTransmit(pdu);
        return;
      case "enquire_link":
      case "unbind":
        // answered by the session layer; reached only if that was turned off
        this.session.respond(pdu);
        if (pdu.command === "unbind") void this.session.close("unbound by peer");
        return;
      default:
        // deliver_sm goes SMSC → ESME only; outbind and alert_notification have no place here
        this.session.nack(pdu.sequence_number, CommandStatus.ESME_RINVCMDID);
    }
  }

  private inject(
    command: string,
    systemId: string | undefined,
    destination: string | undefined,
  ): InjectionAction | undefined {
    const action = this.host.injection.match({ systemId, command, destination });
    if (action !== undefined && this.bind !== undefined) this.bind.counters.injected++;
    return action;
  }

  /** Answers without processing for "status", "delay with status" and "reset"; true when it did. */
  private preempted(pdu: RequestPdu, action: InjectionAction | undefined): boolean {
    if (action === undefined) return false;
    if (action.kind === "reset") {
      this.session.socket.resetAndDestroy();
      return true;
    }
    if (action.kind === "status") {
      this.session.respond(pdu, { command_status: action.status });
      return true;
    }
    if (action.kind === "delay" && action.status !== undefined) {
      const status = action.status;
      this.unanswered++;
      this.host.clock.setTimer(action.ms, () => {
        this.unanswered--;
        this.session.respond(pdu, { command_status: status });
      });
      return true;
    }
    return false;
  }

  /**
   * Sends (or, per the injection action, delays or drops) the answer of a request counted in the
   * window; `after` runs once the answer is out (or dropped): it starts the accepted message.
   */
  private answer<R extends RequestPdu>(
    pdu: R,
    fields: ResponseFields<R["command"]>,
    action: InjectionAction | undefined,
    after?: () => void,
  ): void {
    if (action !== undefined && action.kind === "delay") {
      this.host.clock.setTimer(action.ms, () => {
        this.unanswered--;
        this.session.respond(pdu, fields);
        after?.();
      });
      return;
    }
    this.unanswered--;
    if (action === undefined || action.kind !== "drop") this.reply(pdu, fields);
    after?.();
    this.backpressure();
  }

  /** session.respond without its object spread: the fields object is ours, so it is completed in place. */
  private reply<R extends RequestPdu>(pdu: R, fields: ResponseFields<R["command"]>): void {
    const out = fields as Record<string, unknown>;
    out.command = RESPONSE_COMMAND[pdu.command];
    out.sequence_number = pdu.sequence_number;
    this.session.send(out as unknown as OutboundPdu);
  }

  /** Stops reading while too many answers wait to be written (a peer that does not read). */
  private backpressure(): void {
    const socket = this.session.socket;
    if (this.paused || socket.writableLength < this.host.config.limits.writeHighWaterBytes) return;
    this.paused = true;
    this.session.pause();
    socket.once("drain", () => {
      this.paused = false;
      this.session.resume();
    });
  }

  private onBind(pdu: BindPdu): void {
    const action = this.inject(pdu.command, pdu.system_id, undefined);
    if (this.preempted(pdu, action)) return;
    const systemId = this.host.config.systemId;
    if (this.bind !== undefined) {
      this.respondNow(pdu, { command_status: CommandStatus.ESME_RALYBND, system_id: systemId }, action);
      return;
    }
    const mode = MODE_OF[pdu.command];
    const decision = this.host.binds.authorize(mode, pdu.system_id, pdu.password);
    if (!decision.ok) {
      this.host.counters.bindsRefused++;
      this.host.logger.info(`smsc: ${pdu.command} from ${this.session.label} refused: ${decision.reason}`);
      this.respondNow(pdu, { command_status: decision.status, system_id: systemId }, action);
      return;
    }
    const account = decision.account;
    this.bind = {
      account,
      mode,
      bucket: new TokenBucket(this.host.clock, account.tps, account.burst),
      counters: newBindCounters(),
      boundAt: this.host.clock.now(),
      meter: new RateMeter(),
    };
    // SMPP 3.4 §4.1.2: sc_interface_version tells the ESME which version the SMSC speaks
    this.respondNow(pdu, { system_id: systemId, sc_interface_version: 0x34 }, action, () =>
      this.host.bound(this),
    );
  }

  /** An answer outside the window (binds). */
  private respondNow<R extends RequestPdu>(
    pdu: R,
    fields: ResponseFields<R["command"]>,
    action: InjectionAction | undefined,
    after?: () => void,
  ): void {
    this.unanswered++;
    this.answer(pdu, fields, action, after);
  }

  private canTransmit(): boolean {
    const mode = this.bind?.mode;
    return mode === "transmitter" || mode === "transceiver";
  }

  private onTransmit(pdu: TransmitPdu): void {
    const bind = this.bind;
    const action =
      this.host.injection.size === 0
        ? undefined
        : this.inject(pdu.command, bind?.account.systemId, destinationOf(pdu));
    if (this.preempted(pdu, action)) return;
    if (bind === undefined || !this.canTransmit()) {
      this.session.respond(pdu, { command_status: CommandStatus.ESME_RINVBNDSTS });
      return;
    }
    // the inbound window: requests received and not answered yet
    if (this.unanswered >= bind.account.window) {
      bind.counters.refused.window = (bind.counters.refused.window ?? 0) + 1;
      this.host.counters.refused.window = (this.host.counters.refused.window ?? 0) + 1;
      this.session.respond(pdu, { command_status: CommandStatus.ESME_RMSGQFUL });
      return;
    }
    this.unanswered++;
    switch (pdu.command) {
      case "submit_sm":
      case "data_sm":
        if (pdu.ussd_service_op !== undefined) this.onUssd(bind, pdu, action);
        else if (pdu.command === "submit_sm") this.settle(pdu, this.host.submit.submitSm(bind, pdu), action);
        else this.settle(pdu, this.host.submit.dataSm(bind, pdu), action);
        return;
      case "submit_multi":
        this.settle(pdu, this.host.submit.submitMulti(bind, pdu), action);
        return;
      case "query_sm":
        bind.counters.otherRequests++;
        this.answer(pdu, this.host.commands.query(bind.account, pdu), action);
        return;
      case "cancel_sm":
        bind.counters.otherRequests++;
        this.answer(pdu, { command_status: this.host.commands.cancel(bind.account, pdu) }, action);
        return;
      case "replace_sm":
        bind.counters.otherRequests++;
        this.answer(pdu, { command_status: this.host.commands.replace(bind.account, pdu) }, action);
        return;
    }
  }

  private settle(
    pdu: SubmitSm | DataSm | SubmitMulti,
    result: SubmitResult | Promise<SubmitResult>,
    action: InjectionAction | undefined,
  ): void {
    if (!isPromise(result)) {
      this.answerSubmit(pdu, result, action);
      return;
    }
    result.then(
      (r) => this.answerSubmit(pdu, r, action),
      (e: unknown) => {
        this.host.logger.error(`smsc: ${pdu.command} failed: ${e instanceof Error ? e.message : String(e)}`);
        this.answer(pdu, { command_status: CommandStatus.ESME_RSYSERR }, action);
      },
    );
  }

  private answerSubmit(
    pdu: SubmitSm | DataSm | SubmitMulti,
    r: SubmitResult,
    action: InjectionAction | undefined,
  ): void {
    if (!r.ok) {
      this.answer(pdu, { command_status: r.status }, action);
      return;
    }
    this.bind?.meter.hit(this.host.clock.now());
    const message = r.message;
    const start = (): void => this.host.engine.start(message);
    if (pdu.command === "submit_multi")
      this.answer(pdu, { message_id: message.messageId, unsuccess_sme: r.unsuccess }, action, start);
    else this.answer(pdu, { message_id: message.messageId }, action, start);
  }

  private onUssd(bind: Bound, pdu: SubmitSm | DataSm, action: InjectionAction | undefined): void {
    const ussd = this.host.ussd;
    if (ussd === undefined) {
      this.answer(pdu, { command_status: CommandStatus.ESME_ROPTPARNOTALLWD }, action);
      return;
    }
    const reply = (a: UssdAnswer): void =>
      this.answer(pdu, { command_status: a.status, message_id: a.messageId ?? "" }, action);
    const fail = (e: unknown): void => {
      this.host.logger.error(
        `smsc: USSD ${pdu.command} failed: ${e instanceof Error ? e.message : String(e)}`,
      );
      this.answer(pdu, { command_status: CommandStatus.ESME_RSYSERR }, action);
    };
    try {
      const r = ussd.fromEsme(bind.account.systemId, pdu);
      if (isPromise(r)) r.then(reply, fail);
      else reply(r);
    } catch (e) {
      fail(e);
    }
  }

  private onClose(): void {
    if (this.ended) return;
    this.ended = true;
    this.host.closed(this);
  }

  /** The account of a bound session. */
  get account(): EsmeAccount | undefined {
    return this.bind?.account;
  }

  get counters(): BindCounters | undefined {
    return this.bind?.counters;
  }
}

/** The destination injection rules look at: the first SME address of a submit_multi. */
function destinationOf(pdu: TransmitPdu): string | undefined {
  if (pdu.command === "submit_multi") {
    const first = pdu.dest_address[0];
    return first !== undefined && "destination_addr" in first ? first.destination_addr : undefined;
  }
  return "destination_addr" in pdu ? pdu.destination_addr : undefined;
}
