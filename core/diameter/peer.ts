/**
 * A Diameter peer connection (RFC 6733 §5): capabilities exchange, watchdog, disconnect, and
 * request/answer correlation, for both the side that connects (initiator) and the side that
 * accepts (responder). Application requests are validated here (3007, 3001, ABNF) and handed to
 * `onRequest`; its answers go back on the same connection.
 */
import type { Socket } from "node:net";
import type { Clock } from "../clock/clock.js";
import type { Avp } from "./avp.js";
import { avp } from "./avp-build.js";
import {
  advertisedApplications,
  buildCea,
  buildCer,
  commonApplications,
  type NodeIdentity,
  peerIdentityOf,
  resultCodeOf,
} from "./capabilities.js";
import { DiameterConnection } from "./connection.js";
import type { DecodeResult } from "./decoder.js";
import { APPLICATION_COMMON, CommandCode } from "./dictionary/commands.js";
import type { Dictionary } from "./dictionary/dictionary.js";
import { DiameterError, DiameterProtocolError } from "./errors.js";
import { EndToEndIds, HopByHopIds } from "./ids.js";
import type { Logger } from "./logger.js";
import { CommandFlag, type DiameterMessage } from "./message.js";
import { makeAnswer, makeErrorAnswer, makeRequest, peekSessionId } from "./message-build.js";
import { PendingRequests } from "./pending-requests.js";
import { ResultCode } from "./result-codes.js";
import { validateMessage } from "./validate.js";
import { Watchdog, type WatchdogState } from "./watchdog.js";

/** An answer as a message, or already encoded (a stored answer replayed to a duplicate). */
export type AnswerOrBytes = DiameterMessage | Buffer;

export type PeerState = "wait-cea" | "wait-cer" | "open" | "closing" | "closed";

export interface PeerOptions {
  readonly identity: NodeIdentity;
  readonly dictionary: Dictionary;
  /** Auth-Application-Ids we serve or use (4 = credit control). */
  readonly applications: readonly number[];
  readonly clock: Clock;
  readonly logger: Logger;
  /** Tw of RFC 3539 (default 30 s). */
  readonly watchdogMs?: number;
  /** Default per-request timeout (default 5 s). */
  readonly requestTimeoutMs?: number;
  /** How long to wait for CER / CEA (default 10 s). */
  readonly capabilitiesTimeoutMs?: number;
  /** Responder only: allowed Origin-Hosts (3010 UNKNOWN_PEER for others). */
  readonly allowedPeers?: readonly string[];
  readonly maxMessageLength?: number;
}

export interface PeerEvents {
  /** A valid application request; resolve with the answer to send. */
  onRequest?(
    request: DiameterMessage,
    raw: Buffer,
    peer: DiameterPeer,
  ): AnswerOrBytes | Promise<AnswerOrBytes>;
  onOpen?(peer: DiameterPeer): void;
  onClose?(peer: DiameterPeer, reason: string): void;
  onWatchdog?(peer: DiameterPeer, state: WatchdogState): void;
}

/** What a caller gives to send a request: the peer adds the ids (and the T flag on retransmission). */
export interface OutgoingRequest {
  readonly commandCode: number;
  readonly applicationId: number;
  readonly avps: readonly Avp[];
  readonly proxiable?: boolean;
  /** End-to-end id to use (one from nextEndToEnd(), or that of an earlier attempt); a fresh one if absent. */
  readonly endToEnd?: number;
  /** Set the T flag: this is a retransmission after a failover (RFC 6733 §5.5.4). */
  readonly retransmit?: boolean;
  readonly timeoutMs?: number;
}

export class DiameterPeer {
  private stateValue: PeerState;
  private readonly connection: DiameterConnection;
  private readonly pending: PendingRequests;
  private readonly hopByHop = new HopByHopIds();
  private readonly endToEnd: EndToEndIds;
  private watchdog: Watchdog | undefined;
  private capabilitiesTimer: { cancel(): void } | undefined;
  private negotiated: number[] = [];
  private remoteHost: string | undefined;
  private remoteRealm: string | undefined;
  private readonly openWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private closeReason = "";
  private readonly closeWaiters: (() => void)[] = [];

  constructor(
    socket: Socket,
    readonly role: "initiator" | "responder",
    private readonly options: PeerOptions,
    private readonly events: PeerEvents,
    private readonly reopening = false,
  ) {
    this.pending = new PendingRequests(options.clock);
    this.endToEnd = new EndToEndIds(options.clock.now());
    this.connection = new DiameterConnection(
      socket,
      {
        dictionary: options.dictionary,
        ...(options.maxMessageLength !== undefined ? { maxMessageLength: options.maxMessageLength } : {}),
      },
      { onMessage: (r, raw) => this.onMessage(r, raw), onClose: (reason) => this.onClosed(reason) },
    );
    this.stateValue = role === "initiator" ? "wait-cea" : "wait-cer";
    this.capabilitiesTimer = options.clock.setTimer(options.capabilitiesTimeoutMs ?? 10_000, () =>
      this.connection.destroy(`no ${role === "initiator" ? "CEA" : "CER"} within the capabilities timeout`),
    );
    if (role === "initiator") {
      this.connection.send(
        buildCer(options.identity, options.applications, this.hopByHop.take(), this.endToEnd.take()),
      );
    }
  }

  get state(): PeerState {
    return this.stateValue;
  }
  get watchdogState(): WatchdogState | undefined {
    return this.watchdog?.current;
  }
  get originHost(): string | undefined {
    return this.remoteHost;
  }
  get originRealm(): string | undefined {
    return this.remoteRealm;
  }
  get applications(): readonly number[] {
    return this.negotiated;
  }
  get inFlight(): number {
    return this.pending.size;
  }
  get remoteAddress(): string {
    return this.connection.remote;
  }
  get writable(): boolean {
    return this.connection.writable;
  }
  drained(): Promise<void> {
    return this.connection.drained();
  }

  /** Resolves once the capabilities exchange succeeded; rejects if the connection closes first. */
  opened(): Promise<void> {
    if (this.stateValue === "open") return Promise.resolve();
    if (this.stateValue === "closed") {
      return Promise.reject(new DiameterError("DIAMETER_CONNECT_FAILED", this.closeReason));
    }
    return new Promise((resolve, reject) => this.openWaiters.push({ resolve, reject }));
  }

  /** Sends a request and resolves with its answer (or rejects: timeout, peer closed). */
  request(req: OutgoingRequest): Promise<DiameterMessage> {
    if (this.stateValue !== "open") {
      return Promise.reject(
        new DiameterError("DIAMETER_NOT_CONNECTED", `peer ${this.label} is ${this.stateValue}`),
      );
    }
    let hop = this.hopByHop.take();
    while (this.pending.has(hop)) hop = this.hopByHop.take();
    const message = makeRequest(
      {
        commandCode: req.commandCode,
        applicationId: req.applicationId,
        hopByHop: hop,
        endToEnd: req.endToEnd ?? this.endToEnd.take(),
        proxiable: req.proxiable ?? true,
        retransmit: req.retransmit === true,
      },
      req.avps,
    );
    const answer = this.pending.add(
      hop,
      req.timeoutMs ?? this.options.requestTimeoutMs ?? 5000,
      `request ${req.commandCode}`,
    );
    this.connection.send(message);
    return answer;
  }

  /** The end-to-end id of the next request, for callers that must remember it for failover. */
  nextEndToEnd(): number {
    return this.endToEnd.take();
  }

  /** Sends a DPR, waits for the DPA (or 2 s), then closes (RFC 6733 §5.4). */
  async disconnect(cause: "REBOOTING" | "BUSY" | "DO_NOT_WANT_TO_TALK_TO_YOU" = "REBOOTING"): Promise<void> {
    if (this.stateValue === "closed") return;
    if (this.stateValue === "open") {
      this.stateValue = "closing";
      const hop = this.hopByHop.take();
      const dpa = this.pending.add(hop, 2000, "DPR");
      this.connection.send(
        makeRequest(
          {
            commandCode: CommandCode.DisconnectPeer,
            applicationId: APPLICATION_COMMON,
            hopByHop: hop,
            endToEnd: this.endToEnd.take(),
          },
          [
            avp("Origin-Host", this.options.identity.originHost),
            avp("Origin-Realm", this.options.identity.originRealm),
            avp("Disconnect-Cause", cause),
          ],
        ),
      );
      await dpa.catch(() => undefined);
    }
    this.connection.close(`disconnected (${cause})`);
    await new Promise<void>((resolve) => {
      if (this.stateValue === "closed") resolve();
      else this.closeWaiters.push(resolve);
    });
  }

  /** Closes at once without DPR. */
  destroy(reason: string): void {
    this.connection.destroy(reason);
  }

  private get label(): string {
    return this.remoteHost ?? this.connection.remote;
  }

  private onMessage(result: DecodeResult, raw: Buffer): void {
    const header = result.ok ? result.message : result.header;
    if (header === undefined) return;
    const request = (header.flags & CommandFlag.Request) !== 0;
    this.watchdog?.received(!request && header.commandCode === CommandCode.DeviceWatchdog);
    if (!result.ok) {
      if (request) {
        this.options.logger.warn(`${this.label}: answering a bad request with ${result.error.message}`);
        this.sendAnswer(makeErrorAnswer(header, result.error, this.options.identity, peekSessionId(raw)));
      } else {
        this.pending.reject(header.hopByHop, result.error);
      }
      return;
    }
    const message = result.message;
    if (!request) {
      if (this.stateValue === "wait-cea" && message.commandCode === CommandCode.CapabilitiesExchange) {
        this.onCea(message);
      } else if (!this.pending.resolve(message.hopByHop, message)) {
        this.options.logger.debug(
          `${this.label}: discarding an answer with unknown hop-by-hop ${message.hopByHop}`,
        );
      }
      return;
    }
    switch (message.commandCode) {
      case CommandCode.CapabilitiesExchange:
        this.onCer(message);
        return;
      case CommandCode.DeviceWatchdog:
        this.sendAnswer(this.baseAnswer(message, ResultCode.SUCCESS));
        return;
      case CommandCode.DisconnectPeer:
        this.sendAnswer(this.baseAnswer(message, ResultCode.SUCCESS));
        this.stateValue = "closing";
        this.connection.close("peer sent DPR");
        return;
    }
    if (this.stateValue !== "open") {
      // RFC 6733 §5.3: nothing but CER before the capabilities exchange.
      this.sendAnswer(
        makeErrorAnswer(
          message,
          new DiameterProtocolError(ResultCode.UNKNOWN_PEER, "capabilities exchange not done"),
          this.options.identity,
          peekSessionId(raw),
        ),
      );
      return;
    }
    this.onApplicationRequest(message, raw);
  }

  private onApplicationRequest(message: DiameterMessage, raw: Buffer): void {
    const failure = this.checkRequest(message);
    if (failure !== undefined) {
      this.sendAnswer(makeErrorAnswer(message, failure, this.options.identity, peekSessionId(raw)));
      return;
    }
    const handler = this.events.onRequest;
    if (handler === undefined) {
      this.sendAnswer(
        makeErrorAnswer(
          message,
          new DiameterProtocolError(ResultCode.COMMAND_UNSUPPORTED, "no handler"),
          this.options.identity,
          peekSessionId(raw),
        ),
      );
      return;
    }
    const fail = (e: unknown): void => {
      const error =
        e instanceof DiameterProtocolError
          ? e
          : new DiameterProtocolError(
              ResultCode.UNABLE_TO_COMPLY,
              e instanceof Error ? e.message : String(e),
            );
      if (!(e instanceof DiameterProtocolError))
        this.options.logger.error(`${this.label}: handler failed: ${error.message}`);
      this.sendAnswer(makeErrorAnswer(message, error, this.options.identity, peekSessionId(raw)));
    };
    try {
      const answer = handler(message, raw, this);
      if (answer instanceof Promise) answer.then((a) => this.sendAnswer(a), fail);
      else this.sendAnswer(answer);
    } catch (e) {
      fail(e);
    }
  }

  /** 3007 for an application not negotiated, 3001 for an unknown command, then the ABNF (5005/5008/5009). */
  private checkRequest(message: DiameterMessage): DiameterProtocolError | undefined {
    if (!this.negotiated.includes(message.applicationId)) {
      return new DiameterProtocolError(
        ResultCode.APPLICATION_UNSUPPORTED,
        `application ${message.applicationId} not supported`,
      );
    }
    const command = this.options.dictionary.command(message.commandCode);
    if (command === undefined || command.applicationId !== message.applicationId) {
      return new DiameterProtocolError(
        ResultCode.COMMAND_UNSUPPORTED,
        `command ${message.commandCode} not supported`,
      );
    }
    return validateMessage(message, this.options.dictionary);
  }

  sendAnswer(answer: AnswerOrBytes): void {
    if (Buffer.isBuffer(answer)) this.connection.sendRaw(answer);
    else this.connection.send(answer);
  }

  private baseAnswer(request: DiameterMessage, resultCode: number): DiameterMessage {
    const avps: Avp[] = [
      avp("Result-Code", resultCode),
      avp("Origin-Host", this.options.identity.originHost),
      avp("Origin-Realm", this.options.identity.originRealm),
    ];
    if (this.options.identity.originStateId !== undefined) {
      avps.push(avp("Origin-State-Id", this.options.identity.originStateId >>> 0));
    }
    return makeAnswer(request, avps);
  }

  private onCer(cer: DiameterMessage): void {
    const invalid = validateMessage(cer, this.options.dictionary);
    if (invalid !== undefined) {
      this.sendAnswer(makeErrorAnswer(cer, invalid, this.options.identity));
      this.connection.close(`invalid CER: ${invalid.message}`);
      return;
    }
    const { originHost, originRealm } = peerIdentityOf(cer.avps);
    this.remoteHost = originHost;
    this.remoteRealm = originRealm;
    const allowed = this.options.allowedPeers;
    if (allowed !== undefined && allowed.length > 0 && !allowed.includes(originHost ?? "")) {
      this.sendAnswer(
        buildCea(
          cer,
          this.options.identity,
          this.options.applications,
          ResultCode.UNKNOWN_PEER,
          "peer not allowed",
        ),
      );
      this.connection.close(`unknown peer ${originHost ?? "?"}`);
      return;
    }
    const common = commonApplications(this.options.applications, advertisedApplications(cer.avps));
    if (common.length === 0) {
      this.sendAnswer(
        buildCea(cer, this.options.identity, this.options.applications, ResultCode.NO_COMMON_APPLICATION),
      );
      this.connection.close(`no common application with ${originHost ?? "?"}`);
      return;
    }
    this.sendAnswer(buildCea(cer, this.options.identity, this.options.applications, ResultCode.SUCCESS));
    if (this.stateValue !== "open") this.becomeOpen(common);
  }

  private onCea(cea: DiameterMessage): void {
    const resultCode = resultCodeOf(cea.avps);
    const { originHost, originRealm } = peerIdentityOf(cea.avps);
    this.remoteHost = originHost;
    this.remoteRealm = originRealm;
    if (resultCode !== ResultCode.SUCCESS) {
      this.connection.destroy(`CEA from ${originHost ?? "?"} with Result-Code ${resultCode ?? "none"}`);
      return;
    }
    const common = commonApplications(this.options.applications, advertisedApplications(cea.avps));
    if (common.length === 0) {
      this.connection.destroy(`no common application with ${originHost ?? "?"}`);
      return;
    }
    this.becomeOpen(common);
  }

  private becomeOpen(common: number[]): void {
    this.negotiated = common;
    this.stateValue = "open";
    this.capabilitiesTimer?.cancel();
    this.watchdog = new Watchdog(
      this.options.clock,
      this.options.watchdogMs ?? 30_000,
      {
        sendDwr: () => this.sendDwr(),
        stateChanged: (s) => this.events.onWatchdog?.(this, s),
        closeConnection: (reason) => this.connection.destroy(reason),
      },
      this.reopening,
      () => ((this.options.watchdogMs ?? 30_000) >= 6000 ? (Math.random() * 4 - 2) * 1000 : 0),
    );
    for (const w of this.openWaiters.splice(0)) w.resolve();
    this.events.onOpen?.(this);
  }

  private sendDwr(): void {
    const hop = this.hopByHop.take();
    this.pending.add(hop, (this.options.watchdogMs ?? 30_000) * 2, "DWR").catch(() => undefined);
    const avps: Avp[] = [
      avp("Origin-Host", this.options.identity.originHost),
      avp("Origin-Realm", this.options.identity.originRealm),
    ];
    if (this.options.identity.originStateId !== undefined) {
      avps.push(avp("Origin-State-Id", this.options.identity.originStateId >>> 0));
    }
    this.connection.send(
      makeRequest(
        {
          commandCode: CommandCode.DeviceWatchdog,
          applicationId: APPLICATION_COMMON,
          hopByHop: hop,
          endToEnd: this.endToEnd.take(),
        },
        avps,
      ),
    );
  }

  private onClosed(reason: string): void {
    const wasOpen = this.stateValue === "open" || this.stateValue === "closing";
    this.stateValue = "closed";
    this.closeReason = reason;
    this.capabilitiesTimer?.cancel();
    this.watchdog?.stop();
    this.pending.rejectAll(
      new DiameterError("DIAMETER_PEER_CLOSED", `connection to ${this.label} closed: ${reason}`),
    );
    const failure = new DiameterError("DIAMETER_CONNECT_FAILED", reason);
    for (const w of this.openWaiters.splice(0)) w.reject(failure);
    for (const w of this.closeWaiters.splice(0)) w();
    if (!wasOpen || !reason.startsWith("disconnected"))
      this.options.logger.info(`${this.label}: closed: ${reason}`);
    this.events.onClose?.(this, reason);
  }
}
