/**
 * The Gy client of a charging trigger function (RFC 4006 §5, §7): sessions with CCR-I/U/T,
 * events, the Tx timer, Credit-Control-Failure-Handling, failover to a second OCS with the
 * T flag, and RAR / ASR from the server. Works against any OCS: it only needs host, port and
 * realm.
 */
import { type Clock, realClock } from "../../clock/clock.js";
import type { Avp } from "../avp.js";
import { avp } from "../avp-build.js";
import { stringOf } from "../avp-read.js";
import type { NodeIdentity } from "../capabilities.js";
import { DiameterClient, type ReconnectOptions } from "../client.js";
import { CommandCode } from "../dictionary/commands.js";
import { gyDictionary } from "../dictionary/dictionary.js";
import { DiameterError } from "../errors.js";
import { type Logger, stderrLogger } from "../logger.js";
import type { DiameterMessage } from "../message.js";
import { makeAnswer } from "../message-build.js";
import { ResultCode } from "../result-codes.js";
import { ccrRequest } from "./gy-build.js";
import { SERVICE_CONTEXT } from "./gy-enums.js";
import { parseCca } from "./gy-parse.js";
import { GySession, type GySessionOptions } from "./gy-session.js";
import type { CcFailureHandling, CreditControlAnswer, CreditControlRequest } from "./gy-types.js";

export interface GyEndpoint {
  readonly host: string;
  readonly port: number;
}

export interface GyClientOptions {
  readonly primary: GyEndpoint;
  /** An alternative OCS for failover (RFC 4006 §5.7). */
  readonly secondary?: GyEndpoint;
  readonly identity: NodeIdentity;
  readonly destinationRealm: string;
  readonly destinationHost?: string;
  readonly serviceContextId?: string;
  /** Tx (RFC 4006 §13): how long to wait for an answer before failure handling. Default 10 s. */
  readonly txMs?: number;
  /** Used until an answer carries Credit-Control-Failure-Handling. Default TERMINATE. */
  readonly ccFailureHandling?: CcFailureHandling;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly watchdogMs?: number;
  readonly reconnect?: ReconnectOptions | false;
  readonly connectTimeoutMs?: number;
  /** A RAR arrived for a session (already answered with RAA 2001). Default: CCR-U with FORCED_REAUTHORISATION. */
  readonly onReAuth?: (session: GySession, ratingGroup: number | undefined) => void;
  /** An ASR arrived (already answered with ASA 2001). Default: CCR-T with cause DIAMETER_ADMINISTRATIVE. */
  readonly onAbort?: (session: GySession) => void;
}

/** What a CCR came to: an answer (maybe from the alternative server), or a failure handled per CCFH. */
export type CcOutcome =
  | { readonly kind: "answer"; readonly answer: CreditControlAnswer; readonly failover: boolean }
  | {
      readonly kind: "failed";
      /** RFC 4006 §5.7: TERMINATE ends the service; CONTINUE grants it without credit control. */
      readonly action: "terminate" | "continue";
      readonly reason: string;
    };

/** Result-Codes after which the request goes to the alternative server (RFC 4006 §5.7, RFC 6733 §6.1.8). */
const FAILOVER_RESULT_CODES: ReadonlySet<number> = new Set([
  ResultCode.UNABLE_TO_DELIVER,
  ResultCode.TOO_BUSY,
  ResultCode.LOOP_DETECTED,
]);

const SESSION_ID = gyDictionary.avpByName("Session-Id");
const RATING_GROUP = gyDictionary.avpByName("Rating-Group");

export class GyClient {
  private readonly clients: DiameterClient[];
  private readonly sessions = new Map<string, GySession>();
  private readonly clock: Clock;
  private readonly logger: Logger;
  private sessionCounter = 0;
  private readonly bootSeconds: number;

  constructor(readonly options: GyClientOptions) {
    this.clock = options.clock ?? realClock;
    this.logger = options.logger ?? stderrLogger("gy-client");
    this.bootSeconds = Math.floor(this.clock.now() / 1000) >>> 0;
    const endpoints = [options.primary, ...(options.secondary !== undefined ? [options.secondary] : [])];
    this.clients = endpoints.map(
      (e) =>
        new DiameterClient({
          host: e.host,
          port: e.port,
          identity: options.identity,
          clock: this.clock,
          logger: this.logger,
          onRequest: (request) => this.onServerRequest(request),
          ...(options.watchdogMs !== undefined ? { watchdogMs: options.watchdogMs } : {}),
          ...(options.reconnect !== undefined ? { reconnect: options.reconnect } : {}),
          ...(options.connectTimeoutMs !== undefined ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
          requestTimeoutMs: (options.txMs ?? 10_000) + 1000,
        }),
    );
  }

  get txMs(): number {
    return this.options.txMs ?? 10_000;
  }

  get defaultFailureHandling(): CcFailureHandling {
    return this.options.ccFailureHandling ?? "TERMINATE";
  }

  /** Connects to the primary (must succeed) and to the secondary (best effort). */
  async connect(): Promise<void> {
    const [primary, ...others] = this.clients;
    if (primary === undefined) throw new Error("no OCS endpoint");
    await primary.connect();
    for (const c of others)
      c.connect().catch((e: unknown) => this.logger.warn(`secondary OCS: ${String(e)}`));
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.close()));
  }

  /** A new session (RFC 6733 §8.8 Session-Id); send its CCR-I with `initial()`. */
  session(options: Omit<GySessionOptions, "sessionId"> & { sessionId?: string }): GySession {
    this.sessionCounter = (this.sessionCounter + 1) >>> 0;
    const sessionId =
      options.sessionId ?? `${this.options.identity.originHost};${this.bootSeconds};${this.sessionCounter}`;
    const session = new GySession(this, { ...options, sessionId });
    this.sessions.set(sessionId, session);
    return session;
  }

  /** @internal Called by sessions when they end. */
  forget(sessionId: string): void {
    this.sessions.delete(sessionId);
  }

  get openSessions(): number {
    return this.sessions.size;
  }

  /**
   * A one-shot event (CCR-EVENT, RFC 4006 §6.3 immediate event charging, and §6.4-6.5 for
   * REFUND_ACCOUNT / CHECK_BALANCE / PRICE_ENQUIRY).
   */
  event(req: {
    readonly subscriptionIds: CreditControlRequest["subscriptionIds"];
    readonly requestedAction: NonNullable<CreditControlRequest["requestedAction"]>;
    readonly mscc: CreditControlRequest["mscc"];
    readonly serviceContextId?: string;
    readonly sms?: CreditControlRequest["sms"];
    readonly calledParty?: string;
    readonly sessionId?: string;
  }): Promise<CcOutcome> {
    this.sessionCounter = (this.sessionCounter + 1) >>> 0;
    const ccr: CreditControlRequest = {
      ...this.requestBase(),
      sessionId:
        req.sessionId ?? `${this.options.identity.originHost};${this.bootSeconds};${this.sessionCounter}`,
      requestType: "EVENT",
      requestNumber: 0,
      subscriptionIds: req.subscriptionIds,
      requestedAction: req.requestedAction,
      mscc: req.mscc,
      eventTimestamp: new Date(this.clock.now()),
      ...(req.serviceContextId !== undefined ? { serviceContextId: req.serviceContextId } : {}),
      ...(req.sms !== undefined ? { sms: req.sms } : {}),
      ...(req.calledParty !== undefined ? { calledParty: req.calledParty } : {}),
    };
    return this.send(ccr, this.defaultFailureHandling);
  }

  /** Base fields every CCR carries. */
  requestBase(): Pick<
    CreditControlRequest,
    "originHost" | "originRealm" | "destinationRealm" | "serviceContextId"
  > & {
    destinationHost?: string;
  } {
    return {
      originHost: this.options.identity.originHost,
      originRealm: this.options.identity.originRealm,
      destinationRealm: this.options.destinationRealm,
      serviceContextId: this.options.serviceContextId ?? SERVICE_CONTEXT.ps,
      ...(this.options.destinationHost !== undefined
        ? { destinationHost: this.options.destinationHost }
        : {}),
    };
  }

  /**
   * Sends one CCR with Tx supervision and failure handling: on Tx expiry, a transport failure
   * or a 3002/3004/3005 answer, CONTINUE and RETRY_AND_TERMINATE retry once on the alternative
   * server with the T flag and the same end-to-end id; TERMINATE gives up at once.
   */
  async send(ccr: CreditControlRequest, handling: CcFailureHandling): Promise<CcOutcome> {
    const order = this.clients.filter((c) => c.available);
    const first = order[0];
    if (first === undefined) {
      return this.failed(
        handling,
        `no OCS connection (${this.clients.map((c) => `${c.target} ${c.state}`).join(", ")})`,
      );
    }
    const endToEnd = first.nextEndToEnd();
    const firstTry = await this.attempt(first, ccr, endToEnd, false);
    if (firstTry.kind === "answer") return { kind: "answer", answer: firstTry.answer, failover: false };
    const alternative =
      handling === "TERMINATE" ? undefined : this.clients.find((c) => c !== first && c.available);
    if (alternative === undefined) return this.failed(handling, firstTry.reason);
    this.logger.info(
      `failing over ${ccr.sessionId} #${ccr.requestNumber} to ${alternative.target}: ${firstTry.reason}`,
    );
    const secondTry = await this.attempt(alternative, ccr, endToEnd, true);
    if (secondTry.kind === "answer") return { kind: "answer", answer: secondTry.answer, failover: true };
    return this.failed(handling, `${firstTry.reason}; alternative: ${secondTry.reason}`);
  }

  private failed(handling: CcFailureHandling, reason: string): CcOutcome {
    return { kind: "failed", action: handling === "CONTINUE" ? "continue" : "terminate", reason };
  }

  private attempt(
    client: DiameterClient,
    ccr: CreditControlRequest,
    endToEnd: number | undefined,
    retransmit: boolean,
  ): Promise<{ kind: "answer"; answer: CreditControlAnswer } | { kind: "failure"; reason: string }> {
    return new Promise((resolve) => {
      let settled = false;
      const tx = this.clock.setTimer(this.txMs, () => {
        if (settled) return;
        settled = true;
        resolve({ kind: "failure", reason: `Tx expired after ${this.txMs} ms` });
      });
      client
        .request({ ...ccrRequest(ccr), ...(endToEnd !== undefined ? { endToEnd } : {}), retransmit })
        .then(
          (message) => {
            const answer = parseCca(message);
            if (FAILOVER_RESULT_CODES.has(answer.resultCode)) {
              return { kind: "failure" as const, reason: `Result-Code ${answer.resultCode}` };
            }
            return { kind: "answer" as const, answer };
          },
          (e: unknown) => ({ kind: "failure" as const, reason: e instanceof Error ? e.message : String(e) }),
        )
        .then((r) => {
          if (settled) return;
          settled = true;
          tx.cancel();
          resolve(r);
        });
    });
  }

  /** RAR → RAA then re-authorisation; ASR → ASA then abort (RFC 4006 §5.5, RFC 6733 §8.5). */
  private onServerRequest(request: DiameterMessage): DiameterMessage {
    const sessionId = stringOf(request.avps, SESSION_ID) ?? "";
    const session = this.sessions.get(sessionId);
    const answer = (resultCode: number): DiameterMessage =>
      makeAnswer(request, [
        avp("Session-Id", sessionId),
        avp("Result-Code", resultCode),
        avp("Origin-Host", this.options.identity.originHost),
        avp("Origin-Realm", this.options.identity.originRealm),
      ] as Avp[]);
    if (request.commandCode !== CommandCode.ReAuth && request.commandCode !== CommandCode.AbortSession) {
      throw new DiameterError("DIAMETER_PROTOCOL", `unexpected command ${request.commandCode}`);
    }
    if (session === undefined || !session.isActive) return answer(ResultCode.UNKNOWN_SESSION_ID);
    if (request.commandCode === CommandCode.ReAuth) {
      const rg = request.avps.find((a) => a.code === RATING_GROUP.code && a.vendorId === 0);
      const ratingGroup = rg?.type === "Unsigned32" ? rg.value : undefined;
      setImmediate(() => {
        if (this.options.onReAuth !== undefined) this.options.onReAuth(session, ratingGroup);
        else
          session.reauthorise(ratingGroup).catch((e: unknown) => this.logger.warn(`re-auth: ${String(e)}`));
      });
    } else {
      setImmediate(() => {
        if (this.options.onAbort !== undefined) this.options.onAbort(session);
        else session.terminate([], 4).catch((e: unknown) => this.logger.warn(`abort: ${String(e)}`));
      });
    }
    return answer(ResultCode.SUCCESS);
  }
}
