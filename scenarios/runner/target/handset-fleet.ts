/**
 * The handsets of a run on the embedded core: one `LinkNetwork` per subscriber (the handset state
 * machine, its card session and the link procedures for calls, USSD and SMS), each on its own
 * in-process link connection to the network edge, created when a flow first uses it. Incoming
 * SMS are answered with RP-ACK by the handset and kept (their texts, a bounded number) so that
 * `handset.sms` can wait for delivery at the recipient. An incoming call is answered after
 * ANSWER_AFTER_MS of ringing when the handset is not in a call already (its user picks up), so
 * on-net `handset.call`s connect; the caller hangs up. Data sessions go over the same link
 * (handset-data.ts).
 */
import type { LinkAcceptor } from "../../../core/network/link/link-connection.js";
import { createInProcessLink } from "../../../core/network/link/in-process-link.js";
import { isInService } from "../../../handsets/device/device-state.js";
import type { Handset } from "../../../handsets/device/handset.js";
import type { SeededRandom } from "../../../sim/random.js";
import { LinkNetwork } from "../../../handsets/network/link-network.js";
import { SimAccess } from "../../../handsets/sim-access.js";
import { CardSession } from "../../../sim/apdu.js";
import type { CallReleaseReason } from "../../../core/network/link/link-messages.js";
import type { NetworkEvent, NetworkListener } from "../../../handsets/network/handset-network.js";
import type { CallRelease, HandsetsPort, ScenarioHandset } from "../handset-port.js";
import { DataTee, LinkDataSessions } from "./handset-data.js";
import type { SubscriberRecord } from "../population.js";
import type { SubscriberRef } from "../ports.js";
import { scenarioImei, scenarioSimCard } from "./scenario-sims.js";

/** Received texts kept per handset for delivery checks. */
const INBOX_LIMIT = 64;
/** A link procedure without an answer ends as a timeout after this long. */
const REQUEST_TIMEOUT_MS = 10_000;
/** An incoming call rings this long before the handset's user answers it. */
const ANSWER_AFTER_MS = 300;
/** LinkNetwork's failure report of an abnormal release: "call released: #17 busy". */
const RELEASE_REPORT = /^call released: #(\d+) ([a-z-]+)$/;

interface SmsWaiter {
  readonly tag: string;
  readonly resolve: (delivered: boolean) => void;
}

class FleetHandset implements ScenarioHandset {
  readonly device: Handset;
  readonly sim: SimAccess;
  readonly network: LinkNetwork;
  readonly data: LinkDataSessions;
  pin: string;
  readonly puk: string;
  lastRelease: CallRelease | undefined;
  private readonly inbox: string[] = [];
  private readonly waiters = new Set<SmsWaiter>();
  private readonly listeners = new Set<NetworkListener>();
  private answerTimer: NodeJS.Timeout | undefined;

  constructor(
    edge: LinkAcceptor,
    record: SubscriberRecord,
    readonly imei: string,
  ) {
    const session = new CardSession(scenarioSimCard(record));
    this.sim = new SimAccess(session);
    const tee = new DataTee(createInProcessLink(edge));
    this.network = new LinkNetwork(tee, session, {
      imei,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
    });
    this.device = this.network.handset;
    this.data = new LinkDataSessions(tee, REQUEST_TIMEOUT_MS, (open) => {
      this.device.apply(open ? "data-started" : "data-ended");
    });
    this.pin = record.sim.pin;
    this.puk = record.sim.puk;
    this.network.onFailure((report) => {
      const m = RELEASE_REPORT.exec(report);
      if (m !== null) this.lastRelease = { reason: m[2] as CallReleaseReason, cause: Number(m[1]) };
    });
    this.network.listen((event) => this.event(event));
  }

  private event(event: NetworkEvent): void {
    if (event.kind === "sms" && event.sms.deliver.content.kind === "text") {
      this.received(event.sms.deliver.content.text);
    } else if (event.kind === "ring" && this.answerTimer === undefined) {
      this.answerTimer = setTimeout(() => {
        this.answerTimer = undefined;
        if (this.device.state !== "in-call") void this.network.answer();
      }, ANSWER_AFTER_MS);
      this.answerTimer.unref();
    }
    for (const l of this.listeners) l(event);
  }

  onNetworkEvent(listener: NetworkListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  clearRelease(): void {
    this.lastRelease = undefined;
  }

  private received(text: string): void {
    for (const w of this.waiters) {
      if (!text.includes(w.tag)) continue;
      this.waiters.delete(w);
      w.resolve(true);
      return;
    }
    this.inbox.push(text);
    if (this.inbox.length > INBOX_LIMIT) this.inbox.shift();
  }

  awaitSms(tag: string, timeoutMs: number): Promise<boolean> {
    const i = this.inbox.findIndex((t) => t.includes(tag));
    if (i >= 0) {
      this.inbox.splice(i, 1);
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        resolve(false);
      }, timeoutMs);
      timer.unref();
      const waiter: SmsWaiter = {
        tag,
        resolve: (delivered) => {
          clearTimeout(timer);
          resolve(delivered);
        },
      };
      this.waiters.add(waiter);
    });
  }

  close(): void {
    if (this.answerTimer !== undefined) clearTimeout(this.answerTimer);
    this.listeners.clear();
    for (const w of this.waiters) w.resolve(false);
    this.waiters.clear();
    this.network.close();
  }
}

export class HandsetFleet implements HandsetsPort {
  private readonly handsets = new Map<number, FleetHandset>();
  private readonly byNumber: Map<string, SubscriberRecord>;

  constructor(
    private readonly edge: LinkAcceptor,
    private readonly subscribers: readonly SubscriberRecord[],
  ) {
    this.byNumber = new Map(subscribers.map((s) => [s.msisdn, s]));
  }

  registeredPeer(rng: SeededRandom, caller: SubscriberRef): SubscriberRef | undefined {
    const ok = (s: SubscriberRecord | undefined): s is SubscriberRecord =>
      s !== undefined &&
      s.index !== caller.index &&
      (caller.cug === undefined || s.cug !== caller.cug) &&
      isInService(this.handsets.get(s.index)?.device.state ?? "off");
    const live = [...this.handsets.keys()];
    for (let i = 0; i < 8 && live.length > 0; i++) {
      const s = this.subscribers[live[rng.nextInt(live.length)] as number];
      if (ok(s)) return s;
    }
    return live.map((i) => this.subscribers[i]).find(ok);
  }

  ofNumber(msisdn: string): ScenarioHandset | undefined {
    const s = this.byNumber.get(msisdn.replace(/^\+/, ""));
    return s === undefined ? undefined : this.of(s);
  }

  of(subscriber: SubscriberRef): ScenarioHandset {
    let h = this.handsets.get(subscriber.index);
    if (h === undefined) {
      const record = this.subscribers[subscriber.index];
      if (record === undefined) throw new Error(`no subscriber #${subscriber.index} in the population`);
      h = new FleetHandset(this.edge, record, scenarioImei(subscriber.index));
      this.handsets.set(subscriber.index, h);
    }
    return h;
  }

  close(): void {
    for (const h of this.handsets.values()) h.close();
    this.handsets.clear();
  }
}
