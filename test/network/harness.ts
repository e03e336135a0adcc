/**
 * The handset side of the network tests: a tiny farm over one link connection (in-process or
 * WebSocket) whose handsets carry real SIM cards (sim/aka-usim.ts answers the challenges), and
 * an in-process core (CoreNode, memory store, virtual clock) with the network edge switched on.
 */
import { expect } from "vitest";
import { MemoryLogger } from "../../core/diameter/logger.js";
import { VirtualClock } from "../../core/clock/virtual-clock.js";
import type { Account } from "../../core/charging/model.js";
import type { LinkConnection } from "../../core/network/link/link-connection.js";
import type {
  CoreToHandset,
  HandsetToCore,
  LinkFrame,
  LinkMessage,
} from "../../core/network/link/link-messages.js";
import type { NetworkOptions } from "../../core/network/network-node.js";
import { CoreNode } from "../../core/node.js";
import { usimAuthenticateCard } from "../../sim/aka-usim.js";
import type { SimCard } from "../../sim/card.js";
import { SQN_SLOTS } from "../../sim/card.js";
import { computeOpc } from "../../sim/milenage.js";
import { SeededRandom } from "../../sim/random.js";

export const IMEI = "356938035643809";

/** Polls `check` until it returns a value (real time, bounded). */
export async function waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

export function settle(ms = 5): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Frames of one link connection, kept per handset until a test takes them. */
export class TestFarm {
  private readonly inbox: LinkFrame[] = [];
  private nextCorrelation = 1;

  constructor(readonly link: LinkConnection) {
    link.onFrame((f) => this.inbox.push(f));
  }

  send(handset: number, message: HandsetToCore | LinkMessage, correlation = this.nextCorrelation++): number {
    this.link.send({ handset, correlation, message });
    return correlation;
  }

  /** Takes the first frame for `handset` that matches (waiting for it if needed). */
  async take<T extends LinkMessage["type"]>(
    handset: number,
    type: T,
    match: (f: LinkFrame) => boolean = () => true,
    timeoutMs = 3000,
  ): Promise<{ frame: LinkFrame; message: Extract<LinkMessage, { type: T }> }> {
    const frame = await waitFor(
      `${type} for handset ${handset}`,
      () => {
        const i = this.inbox.findIndex((f) => f.handset === handset && f.message.type === type && match(f));
        if (i < 0) return undefined;
        const [f] = this.inbox.splice(i, 1);
        return f;
      },
      timeoutMs,
    );
    return { frame, message: frame.message as Extract<LinkMessage, { type: T }> };
  }

  /** Frames for `handset` not yet taken. */
  pending(handset: number): LinkFrame[] {
    return this.inbox.filter((f) => f.handset === handset);
  }

  clear(): void {
    this.inbox.length = 0;
  }
}

export function makeCard(imsi: string, msisdn: string, seed: string): SimCard {
  const random = SeededRandom.from(seed);
  const k = random.fillBytes(new Uint8Array(16));
  const op = random.fillBytes(new Uint8Array(16));
  const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
  return {
    iccid: "8937501000000000018",
    imsi,
    mncLength: 2,
    msisdn,
    k: hex(k),
    opc: hex(computeOpc(k, op)),
    pin1: { value: "1234", enabled: false, triesLeft: 3, verified: false },
    pin2: { value: "5678", enabled: true, triesLeft: 3, verified: false },
    puk1: { value: "12345678", triesLeft: 10 },
    puk2: { value: "87654321", triesLeft: 10 },
    sqn: new Array<number>(SQN_SLOTS).fill(0),
  };
}

export type AttachResult = Extract<CoreToHandset, { type: "attach-accept" | "attach-reject" }>;

/** Runs attach with full AKA for `card` on handset `id`: the USIM answers each challenge. */
export async function attach(farm: TestFarm, id: number, card: SimCard, imei = IMEI): Promise<AttachResult> {
  const c = farm.send(id, { type: "attach-request", imsi: card.imsi, imei });
  // Bounded: the core allows a few authentication rounds, then accepts or rejects.
  for (let round = 0; round < 5; round++) {
    const frame = await waitFor(`attach answer for ${id}`, () => {
      const f = farm
        .pending(id)
        .find(
          (x) =>
            x.correlation === c &&
            (x.message.type === "auth-request" ||
              x.message.type === "attach-accept" ||
              x.message.type === "attach-reject"),
        );
      return f;
    });
    await farm.take(id, frame.message.type, (f) => f === frame);
    const m = frame.message;
    if (m.type === "attach-accept" || m.type === "attach-reject") return m;
    if (m.type !== "auth-request") throw new Error(`unexpected ${m.type}`);
    const r = usimAuthenticateCard(card, m.rand, m.autn);
    if (r.kind === "success") farm.send(id, { type: "auth-response", res: r.res }, c);
    else if (r.kind === "sync-failure")
      farm.send(id, { type: "auth-failure", cause: "sync-failure", auts: r.auts }, c);
    else farm.send(id, { type: "auth-failure", cause: "mac-failure" }, c);
  }
  throw new Error("attach did not finish");
}

export interface Subscriber {
  readonly msisdn: string;
  readonly imsi: string;
  readonly card: SimCard;
  readonly account: Account;
}

export interface TestCore {
  readonly node: CoreNode;
  readonly clock: VirtualClock;
  readonly logger: MemoryLogger;
  /** Creates an account with a SIM on `plan`; `balance` in kopecks. */
  subscriber(
    n: number,
    plan: string,
    balance: number,
    extra?: { favorites?: string[]; cugId?: string; keepBuckets?: boolean },
  ): Promise<Subscriber>;
  /** Advances the virtual clock in steps (default 1 s), letting Gy exchanges finish between steps. */
  advance(ms: number, stepMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Midday, far from the day/night edge and from fees. */
export const START = Date.UTC(2026, 2, 10, 10, 0, 0);

export async function startCore(network: NetworkOptions = {}): Promise<TestCore> {
  const clock = new VirtualClock(START);
  const logger = new MemoryLogger();
  const node = await CoreNode.start({
    memory: true,
    diameterPort: 0,
    httpPort: 0,
    clock,
    logger,
    feeIntervalMs: 86_400_000,
    tccIntervalMs: 86_400_000,
    network: { seed: "network-tests", ...network },
  });
  const engine = node.engine;
  return {
    node,
    clock,
    logger,
    async subscriber(n, plan, balance, extra = {}) {
      const msisdn = `37529${String(1_000_000 + n).slice(-7)}`;
      const imsi = `2570100${String(n).padStart(8, "0")}`;
      const card = makeCard(imsi, msisdn, `card-${n}`);
      const account = engine.createAccount({
        subscribers: [{ msisdn, imsi }],
        planId: plan,
        balance,
        allowArchived: true,
        ...(extra.favorites !== undefined ? { favorites: extra.favorites } : {}),
        ...(extra.cugId !== undefined ? { cugId: extra.cugId } : {}),
      });
      account.sim = { iccid: card.iccid, k: card.k, opc: card.opc, sqn: 0 };
      // Money, not allowances, pays for the calls under test.
      if (extra.keepBuckets !== true) account.buckets = account.buckets.filter((b) => b.kind === "data");
      account.nextFeeAt = START + 365 * 86_400_000;
      await engine.persist([account]);
      return { msisdn, imsi, card, account };
    },
    async advance(ms, stepMs = 1000) {
      for (let left = ms; left > 0; left -= stepMs) {
        clock.advance(Math.min(stepMs, left));
        await settle(3);
      }
    },
    async stop() {
      await node.stop();
    },
  };
}

export function expectDefined<T>(value: T | undefined): T {
  expect(value).toBeDefined();
  return value as T;
}
