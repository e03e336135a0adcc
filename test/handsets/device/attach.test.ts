import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../../core/clock/virtual-clock.js";
import { createInProcessLink } from "../../../core/network/link/in-process-link.js";
import { Handset } from "../../../handsets/device/handset.js";
import { SingleHandsetLink } from "../../../handsets/device/handset-port.js";
import { StubCore, type StubSubscriber, stubSubscriberOf } from "../../../handsets/farm/stub-core.js";
import { SimAccess } from "../../../handsets/sim-access.js";
import { CardSession } from "../../../sim/apdu.js";
import { generateBatch } from "../../../sim/batch-generate.js";
import type { SimCard } from "../../../sim/card.js";
import { SeededRandom } from "../../../sim/random.js";

const rows = generateBatch({ count: 3, seed: "device-attach", testCard: true });
const cardAt = (i: number): SimCard => structuredClone(rows[i]!.card);
const imei = rows[0]!.imei;

function coreFor(
  cards: readonly SimCard[],
  patch: (s: StubSubscriber, imsi: string) => StubSubscriber | undefined = (s) => s,
): StubCore {
  const random = SeededRandom.from("core");
  const byImsi = new Map(cards.map((c) => [c.imsi, stubSubscriberOf(c)]));
  return new StubCore({
    subscriber: (imsi) => {
      const s = byImsi.get(imsi);
      return s === undefined ? undefined : patch(s, imsi);
    },
    randomBytes: (n) => random.fillBytes(new Uint8Array(n)),
  });
}

function handsetOn(core: StubCore, card: SimCard | undefined): Handset {
  const clock = new VirtualClock();
  const port = new SingleHandsetLink(createInProcessLink(core), 7);
  return new Handset({ imei, clock, port, ...(card === undefined ? {} : { card: new CardSession(card) }) });
}

function unlocked(card: SimCard): SimCard {
  return { ...card, pin1: { ...card.pin1, enabled: false } };
}

describe("Handset attach with AKA over the in-process link (stub core)", () => {
  it("a PIN-locked SIM does nothing on the network until the PIN is entered", async () => {
    const card = cardAt(0);
    const core = coreFor([card]);
    const handset = handsetOn(core, card);
    const outcome = await handset.powerOn();
    expect(outcome).toEqual({ kind: "not-attempted", why: "sim-not-ready" });
    expect(handset.state).toBe("sim-locked");
    expect(handset.simStatus).toBe("pin-required");
    expect(await handset.attach()).toEqual({ kind: "not-attempted", why: "sim-not-ready" });
    await new Promise((r) => setImmediate(r));
    expect(core.counters.frames).toBe(0);

    expect(new SimAccess(handset.card!).verify("pin1", "0000")).toEqual({ kind: "ok" });
    const attached = await handset.simChanged();
    expect(attached).toEqual({ kind: "registered", msisdn: card.msisdn });
    expect(handset.state).toBe("registered");
    expect(handset.registration()).toMatchObject({ status: "registered-home", operator: { plmn: "25701" } });
    expect(core.counters.accepted).toBe(1);
  });

  it("PUK required: three wrong PINs lock the card; the PUK unblocks and attach follows", async () => {
    const card = cardAt(0);
    const core = coreFor([card]);
    const handset = handsetOn(core, card);
    await handset.powerOn();
    const sim = new SimAccess(handset.card!);
    for (const tries of [2, 1, 0])
      expect(sim.verify("pin1", "9876")).toEqual({ kind: "wrong-code", triesLeft: tries });
    expect(await handset.simChanged()).toEqual({ kind: "not-attempted", why: "sim-not-ready" });
    expect(handset.simStatus).toBe("puk-required");
    expect(handset.state).toBe("sim-locked");
    expect(sim.unblock("pin1", "11111111", "4321")).toEqual({ kind: "ok" });
    expect((await handset.simChanged()).kind).toBe("registered");
  });

  it("a card whose SQN is ahead of the HLR's answers a synch failure with AUTS; the core resynchronises", async () => {
    let card = unlocked(cardAt(0));
    // First attach on one core moves the card's SQN on.
    const first = handsetOn(coreFor([card]), card);
    expect((await first.powerOn()).kind).toBe("registered");
    card = first.card!.powerOff();
    // A second core (a fresh HLR) starts from SQN 0: the card sees a replay (TS 33.102 Annex C.2.2).
    const core = coreFor([card]);
    const handset = handsetOn(core, card);
    expect(await handset.powerOn()).toEqual({ kind: "registered", msisdn: card.msisdn });
    expect(core.counters.resynchronisations).toBe(1);
  });

  it("wrong keys in the network: MAC failure → authentication reject → denied with cause #3", async () => {
    const card = unlocked(cardAt(0));
    const other = cardAt(1);
    const core = coreFor([card], (s) => ({ ...s, k: Buffer.from(other.k, "hex") }));
    const handset = handsetOn(core, card);
    const before = [...card.sqn];
    expect(await handset.powerOn()).toEqual({
      kind: "rejected",
      cause: 3,
      reason: "authentication-rejected",
    });
    expect(handset.state).toBe("denied");
    expect(handset.registration()).toEqual({ status: "denied" });
    expect(handset.rejection).toEqual({ cause: 3, reason: "authentication-rejected" });
    expect(handset.card!.card.sqn).toEqual(before);
  });

  it("unknown IMSI → #2, barred account → #8", async () => {
    const card = unlocked(cardAt(0));
    const unknown = handsetOn(coreFor([]), card);
    expect(await unknown.powerOn()).toEqual({ kind: "rejected", cause: 2, reason: "imsi-unknown" });
    const barred = handsetOn(
      coreFor([card], (s) => ({ ...s, barred: true })),
      card,
    );
    expect(await barred.powerOn()).toEqual({ kind: "rejected", cause: 8, reason: "not-allowed" });
    expect(barred.state).toBe("denied");
  });

  it("SIM swap: removing the card ends the registration; the new card registers as its own subscriber", async () => {
    const a = unlocked(cardAt(0));
    const b = unlocked(cardAt(1));
    const core = coreFor([a, b]);
    const handset = handsetOn(core, a);
    expect((await handset.powerOn()).kind).toBe("registered");
    expect(handset.msisdn).toBe(a.msisdn);
    handset.removeSim();
    expect(handset.state).toBe("no-sim");
    expect(handset.simStatus).toBe("absent");
    expect(handset.registration().status).toBe("not-registered");
    expect(await handset.insertSim(new CardSession(b))).toEqual({ kind: "registered", msisdn: b.msisdn });
    expect(handset.msisdn).toBe(b.msisdn);
  });

  it("power off detaches; power on runs the SIM check again (PIN needed after power-off)", async () => {
    const card = cardAt(2);
    const core = coreFor([card]);
    const handset = handsetOn(core, card);
    await handset.powerOn();
    new SimAccess(handset.card!).verify("pin1", "0000");
    expect((await handset.simChanged()).kind).toBe("registered");
    handset.powerOff();
    expect(handset.state).toBe("off");
    await new Promise((r) => setImmediate(r));
    expect(core.registeredCount).toBe(0);
    await handset.powerOn();
    expect(handset.state).toBe("sim-locked");
  });

  it("a network detach takes the handset back to searching with the cause kept", async () => {
    const card = unlocked(cardAt(0));
    const core = coreFor([card]);
    const handset = handsetOn(core, card);
    await handset.powerOn();
    expect(core.networkDetach(card.imsi)).toBe(true);
    await new Promise((r) => setImmediate(r));
    expect(handset.state).toBe("searching");
    expect(handset.rejection?.cause).toBe(8);
  });

  it("no answer from the network: T3210 runs out and the handset stays searching", async () => {
    const card = unlocked(cardAt(0));
    const clock = new VirtualClock();
    const silent = { accept: () => undefined };
    const handset = new Handset({
      imei,
      clock,
      card: new CardSession(card),
      port: new SingleHandsetLink(createInProcessLink(silent)),
    });
    const attaching = handset.powerOn();
    expect(handset.registration().status).toBe("searching");
    clock.advance(20_000);
    expect(await attaching).toEqual({ kind: "not-attempted", why: "timeout" });
    expect(handset.state).toBe("searching");
  });
});
