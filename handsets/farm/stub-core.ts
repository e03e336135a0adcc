/**
 * A small stand-in core on the link contract, for handset tests and benchmarks while the real
 * network edge (core/network) is built: an AuC with Milenage AKA and resynchronisation (the
 * network side of sim/aka-network.ts), registration, and canned answers for calls, SMS, USSD,
 * supplementary services and data sessions (grants with Validity-Time, a throttled rate after a
 * quota). It charges nothing. Compact enough for a million subscribers: one SQN per IMSI.
 */
import type { LinkAcceptor, LinkConnection } from "../../core/network/link/link-connection.js";
import {
  type CoreToHandset,
  type DataGrant,
  type LinkFrame,
  REJECT_CAUSE,
  type RejectReason,
} from "../../core/network/link/link-messages.js";
import {
  type AuthVector,
  generateAuthVector,
  type RandomBytes,
  resynchronise,
} from "../../sim/aka-network.js";
import { macEquals } from "../../sim/aka-tokens.js";
import { Milenage } from "../../sim/milenage.js";
import { nextNetworkSqn } from "../../sim/sqn.js";

export interface StubSubscriber {
  readonly k: Uint8Array;
  readonly opc: Uint8Array;
  readonly msisdn: string;
  /** A blocked or closed account: rejected with #8 after authentication. */
  readonly barred?: boolean;
}

export interface StubCoreOptions {
  readonly subscriber: (imsi: string) => StubSubscriber | undefined;
  readonly randomBytes: RandomBytes;
  /** Octets per data grant (default 1 MB). */
  readonly grantOctets?: number;
  /** Validity-Time of grants, seconds (default 60). */
  readonly validityTime?: number;
  /** After this many octets in one session, grants carry `throttleKbps` (default: never). */
  readonly quotaOctets?: number;
  readonly throttleKbps?: number;
  /** Replaces the HLR's SQN for an IMSI (to force a resynchronisation in tests). */
  readonly initialSqn?: (imsi: string) => number;
}

const AMF = Uint8Array.of(0x80, 0x00);
const OPERATOR = { longName: "A1", shortName: "A1", plmn: "25701" } as const;

interface PendingAttach {
  readonly imsi: string;
  readonly subscriber: StubSubscriber;
  readonly milenage: Milenage;
  vector: AuthVector;
  rounds: number;
}

interface DataSession {
  used: number;
}

/** Per connection: handset number → what the stub knows of it. */
class StubLink {
  readonly attaching = new Map<number, PendingAttach>();
  readonly registered = new Map<number, string>();
  readonly sessions = new Map<number, DataSession>();
  nextId = 1;
  constructor(readonly connection: LinkConnection) {}
}

export class StubCore implements LinkAcceptor {
  readonly #sqn = new Map<string, number>();
  readonly counters = {
    attaches: 0,
    accepted: 0,
    rejected: 0,
    resynchronisations: 0,
    usageReports: 0,
    calls: 0,
    sms: 0,
    ussd: 0,
    frames: 0,
  };
  readonly links = new Set<StubLink>();

  constructor(private readonly options: StubCoreOptions) {}

  /** Registered handsets over every connection. */
  get registeredCount(): number {
    let n = 0;
    for (const l of this.links) n += l.registered.size;
    return n;
  }

  accept(connection: LinkConnection): void {
    const link = new StubLink(connection);
    this.links.add(link);
    connection.onClose(() => this.links.delete(link));
    connection.onFrame((frame) => this.#receive(link, frame));
  }

  /** Ends a handset's registration from the network side (account blocked). */
  networkDetach(imsi: string, reason: RejectReason = "not-allowed"): boolean {
    for (const link of this.links) {
      for (const [handset, registeredImsi] of link.registered) {
        if (registeredImsi !== imsi) continue;
        link.registered.delete(handset);
        this.#send(link, handset, 0, { type: "network-detach", cause: REJECT_CAUSE[reason], reason });
        return true;
      }
    }
    return false;
  }

  #send(link: StubLink, handset: number, correlation: number, message: CoreToHandset): void {
    link.connection.send({ handset, correlation, message });
  }

  #receive(link: StubLink, frame: LinkFrame): void {
    this.counters.frames++;
    const { handset, correlation, message } = frame;
    const reply = (m: CoreToHandset): void => this.#send(link, handset, correlation, m);
    switch (message.type) {
      case "attach-request":
        this.#attach(link, handset, message.imsi, reply);
        return;
      case "auth-response": {
        const pending = link.attaching.get(handset);
        if (pending === undefined) return reply({ type: "refused", cause: "not-allowed" });
        link.attaching.delete(handset);
        if (!macEquals(message.res, pending.vector.xres))
          return this.#reject(reply, "authentication-rejected");
        if (pending.subscriber.barred === true) return this.#reject(reply, "not-allowed");
        link.registered.set(handset, pending.imsi);
        this.counters.accepted++;
        return reply({
          type: "attach-accept",
          msisdn: pending.subscriber.msisdn,
          operator: OPERATOR,
          accessTechnology: "e-utran",
          areaCode: 1,
          cellId: 1 + (handset % 1000),
        });
      }
      case "auth-failure": {
        const pending = link.attaching.get(handset);
        if (pending === undefined) return reply({ type: "refused", cause: "not-allowed" });
        if (message.cause === "mac-failure" || pending.rounds >= 2) {
          link.attaching.delete(handset);
          return this.#reject(reply, "authentication-rejected");
        }
        // TS 33.102 §6.3.5: verify MAC-S, reset the SQN to SQN_MS, send a fresh vector.
        const r = resynchronise(
          pending.milenage,
          pending.vector.rand,
          message.auts,
          this.#sqnOf(pending.imsi),
        );
        if (r.kind === "mac-s-failure") {
          link.attaching.delete(handset);
          return this.#reject(reply, "authentication-rejected");
        }
        this.counters.resynchronisations++;
        this.#sqn.set(pending.imsi, r.sqn);
        pending.vector = this.#vector(pending.imsi, pending.milenage);
        pending.rounds++;
        return reply({ type: "auth-request", rand: pending.vector.rand, autn: pending.vector.autn });
      }
      case "detach-request":
        link.registered.delete(handset);
        return reply({ type: "detach-accept" });
      default:
        break;
    }
    if (message.type === "error") return;
    if (!link.registered.has(handset)) {
      if (message.type === "ussd-release" || message.type === "sms-deliver-result") return;
      return reply({ type: "refused", cause: "no-service" });
    }
    switch (message.type) {
      case "call-setup": {
        this.counters.calls++;
        const callId = link.nextId++;
        reply({ type: "call-alerting", callId });
        return reply({ type: "call-connected", callId });
      }
      case "call-hangup":
        return reply({ type: "call-released", callId: message.callId, reason: "normal", cause: 16 });
      case "call-answer":
        return reply({ type: "refused", cause: "not-allowed", detail: "nothing alerting" });
      case "sms-submit":
        this.counters.sms++;
        return reply({ type: "sms-submit-result", result: { ok: true } });
      case "ussd-begin":
        this.counters.ussd++;
        return reply({ type: "ussd", status: "request", text: "1. Balance\n2. Tariff", dcs: 15 });
      case "ussd-reply":
        return reply({ type: "ussd", status: "notify", text: `You chose ${message.text}`, dcs: 15 });
      case "ss-request":
        return reply({ type: "ss-result", result: { ok: true } });
      case "data-start": {
        const sessionId = link.nextId++;
        link.sessions.set(sessionId, { used: 0 });
        return reply(this.#grant(sessionId, 0));
      }
      case "data-usage": {
        const session = link.sessions.get(message.sessionId);
        if (session === undefined) return reply({ type: "refused", cause: "not-allowed" });
        this.counters.usageReports++;
        session.used += message.octets;
        return reply(this.#grant(message.sessionId, session.used));
      }
      case "data-stop":
        link.sessions.delete(message.sessionId);
        return reply({
          type: "data-ended",
          sessionId: message.sessionId,
          reason: "normal",
          resultCode: 2001,
        });
      default:
        return;
    }
  }

  #attach(link: StubLink, handset: number, imsi: string, reply: (m: CoreToHandset) => void): void {
    this.counters.attaches++;
    const subscriber = this.options.subscriber(imsi);
    if (subscriber === undefined) return this.#reject(reply, "imsi-unknown");
    const milenage = new Milenage(subscriber.k, subscriber.opc);
    const vector = this.#vector(imsi, milenage);
    link.attaching.set(handset, { imsi, subscriber, milenage, vector, rounds: 1 });
    reply({ type: "auth-request", rand: vector.rand, autn: vector.autn });
  }

  #sqnOf(imsi: string): number {
    return this.#sqn.get(imsi) ?? this.options.initialSqn?.(imsi) ?? 0;
  }

  #vector(imsi: string, milenage: Milenage): AuthVector {
    const sqn = nextNetworkSqn(this.#sqnOf(imsi));
    this.#sqn.set(imsi, sqn);
    return generateAuthVector(milenage, sqn, AMF, this.options.randomBytes);
  }

  #reject(reply: (m: CoreToHandset) => void, reason: RejectReason): void {
    this.counters.rejected++;
    reply({ type: "attach-reject", cause: REJECT_CAUSE[reason], reason });
  }

  #grant(sessionId: number, used: number): DataGrant {
    const quota = this.options.quotaOctets;
    const throttled = quota !== undefined && used >= quota;
    return {
      type: "data-grant",
      sessionId,
      octets: this.options.grantOctets ?? 1_000_000,
      validityTime: this.options.validityTime ?? 60,
      thresholdOctets: 0,
      restricted: false,
      throttleKbps: throttled ? (this.options.throttleKbps ?? 64) : 0,
    };
  }
}

/** A StubSubscriber from a SimCard-like record (hex K / OPc). */
export function stubSubscriberOf(card: { k: string; opc: string; msisdn: string }): StubSubscriber {
  return { k: Buffer.from(card.k, "hex"), opc: Buffer.from(card.opc, "hex"), msisdn: card.msisdn };
}
