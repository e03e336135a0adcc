/**
 * A Diameter server: accepts peers (CER/CEA, allow-list), answers application requests through
 * one handler, with duplicate detection for T-flagged retransmissions and an in-flight limit
 * beyond which it answers 3004 DIAMETER_TOO_BUSY. Binds to 127.0.0.1 unless told otherwise.
 */
import { createServer, type Server } from "node:net";
import { type Clock, realClock } from "../clock/clock.js";
import { stringOf } from "./avp-read.js";
import type { NodeIdentity } from "./capabilities.js";
import { APPLICATION_CREDIT_CONTROL } from "./dictionary/commands.js";
import { type Dictionary, gyDictionary } from "./dictionary/dictionary.js";
import { DuplicateCache, type DuplicateCacheOptions } from "./duplicate-cache.js";
import { encodeMessage } from "./encoder.js";
import { DiameterProtocolError } from "./errors.js";
import type { Logger } from "./logger.js";
import { stderrLogger } from "./logger.js";
import { type DiameterMessage, isRetransmit } from "./message.js";
import { makeErrorAnswer, peekSessionId } from "./message-build.js";
import { DiameterPeer, type OutgoingRequest, type PeerOptions } from "./peer.js";
import { ResultCode } from "./result-codes.js";

const ORIGIN_HOST = gyDictionary.avpByName("Origin-Host");

export type RequestHandler = (
  request: DiameterMessage,
  peer: DiameterPeer,
) => DiameterMessage | Promise<DiameterMessage>;

export interface DiameterServerOptions {
  readonly identity: NodeIdentity;
  readonly handler: RequestHandler;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly applications?: readonly number[];
  readonly dictionary?: Dictionary;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly watchdogMs?: number;
  readonly requestTimeoutMs?: number;
  readonly allowedPeers?: readonly string[];
  /** Requests being processed at once, over all peers, before 3004 (default 10,000). */
  readonly maxInFlight?: number;
  /** false turns duplicate detection off. */
  readonly duplicates?: DuplicateCacheOptions | false;
}

export interface DiameterServerStats {
  requests: number;
  duplicates: number;
  tooBusy: number;
  handlerErrors: number;
}

export class DiameterServer {
  private readonly server: Server;
  private readonly peerSet = new Set<DiameterPeer>();
  private readonly duplicates: DuplicateCache | undefined;
  private readonly peerOptions: PeerOptions;
  private inFlight = 0;
  readonly stats: DiameterServerStats = { requests: 0, duplicates: 0, tooBusy: 0, handlerErrors: 0 };

  constructor(private readonly options: DiameterServerOptions) {
    const clock = options.clock ?? realClock;
    this.peerOptions = {
      identity: options.identity,
      dictionary: options.dictionary ?? gyDictionary,
      applications: options.applications ?? [APPLICATION_CREDIT_CONTROL],
      clock,
      logger: options.logger ?? stderrLogger("diameter-server"),
      ...(options.watchdogMs !== undefined ? { watchdogMs: options.watchdogMs } : {}),
      ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
      ...(options.allowedPeers !== undefined ? { allowedPeers: options.allowedPeers } : {}),
    };
    this.duplicates =
      options.duplicates === false ? undefined : new DuplicateCache(clock, options.duplicates ?? {});
    this.server = createServer((socket) => {
      const peer = new DiameterPeer(socket, "responder", this.peerOptions, {
        onRequest: (request, raw, p) => this.onRequest(request, raw, p),
        onClose: (p) => this.peerSet.delete(p),
      });
      this.peerSet.add(peer);
    });
  }

  listen(): Promise<{ host: string; port: number }> {
    const host = this.options.host ?? "127.0.0.1";
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.options.port ?? 0, host, () => {
        this.server.off("error", reject);
        const address = this.server.address();
        if (address === null || typeof address === "string") throw new Error("unexpected server address");
        resolve({ host, port: address.port });
      });
    });
  }

  get peers(): readonly DiameterPeer[] {
    return [...this.peerSet];
  }

  get requestsInFlight(): number {
    return this.inFlight;
  }

  /** The open peer whose Origin-Host is `originHost` (to send it RAR / ASR). */
  peerByHost(originHost: string): DiameterPeer | undefined {
    for (const p of this.peerSet) if (p.state === "open" && p.originHost === originHost) return p;
    return undefined;
  }

  /** Sends a server-initiated request (RAR, ASR) to a connected peer. */
  request(originHost: string, req: OutgoingRequest): Promise<DiameterMessage> {
    const peer = this.peerByHost(originHost);
    if (peer === undefined) {
      return Promise.reject(
        new DiameterProtocolError(ResultCode.UNABLE_TO_DELIVER, `no open peer ${originHost}`),
      );
    }
    return peer.request(req);
  }

  /** Disconnects every peer (DPR) and stops listening. */
  async close(): Promise<void> {
    await Promise.all([...this.peerSet].map((p) => p.disconnect("REBOOTING")));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onRequest(request: DiameterMessage, raw: Buffer, peer: DiameterPeer): Buffer | Promise<Buffer> {
    this.stats.requests++;
    const originHost = stringOf(request.avps, ORIGIN_HOST) ?? peer.originHost ?? "";
    if (this.duplicates !== undefined && isRetransmit(request)) {
      const stored = this.duplicates.lookup(originHost, request.endToEnd);
      if (stored !== undefined) {
        this.stats.duplicates++;
        return Buffer.isBuffer(stored)
          ? withHopByHop(stored, request.hopByHop)
          : stored.then((answer) => withHopByHop(answer, request.hopByHop));
      }
    }
    const maxInFlight = this.options.maxInFlight ?? 10_000;
    if (this.inFlight >= maxInFlight) {
      this.stats.tooBusy++;
      const error = new DiameterProtocolError(
        ResultCode.TOO_BUSY,
        `more than ${maxInFlight} requests in flight`,
      );
      return encodeMessage(makeErrorAnswer(request, error, this.options.identity, peekSessionId(raw)));
    }
    this.duplicates?.begin(originHost, request.endToEnd);
    this.inFlight++;
    const finish = (answer: DiameterMessage): Buffer => {
      this.inFlight--;
      const bytes = encodeMessage(answer);
      this.duplicates?.complete(originHost, request.endToEnd, bytes);
      return bytes;
    };
    const fail = (e: unknown): Buffer => {
      this.stats.handlerErrors++;
      const error =
        e instanceof DiameterProtocolError
          ? e
          : new DiameterProtocolError(
              ResultCode.UNABLE_TO_COMPLY,
              e instanceof Error ? e.message : String(e),
            );
      if (!(e instanceof DiameterProtocolError))
        this.peerOptions.logger.error(`handler failed: ${error.message}`);
      return finish(makeErrorAnswer(request, error, this.options.identity, peekSessionId(raw)));
    };
    try {
      const answer = this.options.handler(request, peer);
      return answer instanceof Promise ? answer.then(finish, fail) : finish(answer);
    } catch (e) {
      return fail(e);
    }
  }
}

/** A stored answer re-addressed to the hop-by-hop id of the retransmitted request. */
function withHopByHop(answer: Buffer, hopByHop: number): Buffer {
  const copy = Buffer.from(answer);
  copy.writeUInt32BE(hopByHop >>> 0, 12);
  return copy;
}
