import { describe, expect, it } from "vitest";
import { makeSqn } from "../../../sim/sqn.js";
import { inProcessFarm, settle } from "./farm-helpers.js";

describe("HandsetFarm over the in-process link (stub core)", () => {
  it("10,000 handsets power on, enter their PIN and attach with AKA", async () => {
    const { farm, core } = inProcessFarm(10_000);
    await farm.powerOnAll({ enterPin: true });
    expect(farm.counters.attached).toBe(10_000);
    expect(farm.census()).toEqual({ registered: 10_000 });
    expect(core.registeredCount).toBe(10_000);
    expect(core.counters.accepted).toBe(10_000);
  });

  it("without the PIN the SIMs stay locked and nothing reaches the core", async () => {
    const { farm, core } = inProcessFarm(50);
    await farm.powerOnAll({ enterPin: false });
    expect(farm.census()).toEqual({ "sim-locked": 50 });
    await settle();
    expect(core.counters.frames).toBe(0);
    expect(farm.enterPin(3, "1234")).toBe("wrong-code");
    expect(farm.enterPin(3, "0000")).toBe("ok");
    await settle();
    expect(farm.stateOf(3)).toBe("registered");
  });

  it("PIN lockout, PUK unblock (then attach) and PIN change", async () => {
    const { farm } = inProcessFarm(5);
    await farm.powerOnAll({ enterPin: false });
    farm.lockOut(0);
    expect(farm.counters.pinLockouts).toBe(1);
    expect(farm.enterPin(0, "0000")).toBe("blocked");
    expect(farm.unblock(0, "4321")).toBe("ok");
    await settle();
    expect(farm.stateOf(0)).toBe("registered");
    expect(farm.changePin(0, "4321", "5678")).toBe("ok");
    farm.powerOff(0);
    farm.powerOn(0, false);
    expect(farm.stateOf(0)).toBe("sim-locked");
    expect(farm.enterPin(0, "5678")).toBe("ok");
    await settle();
    expect(farm.stateOf(0)).toBe("registered");
  });

  it("calls of a set duration, SMS and a USSD menu walk", async () => {
    const { farm, core, clock } = inProcessFarm(10);
    await farm.powerOnAll();
    expect(farm.call(0, "375291111111", 90_000)).toBe(true);
    await settle();
    expect(farm.stateOf(0)).toBe("in-call");
    expect(farm.counters.callsConnected).toBe(1);
    clock.advance(89_000);
    await settle();
    expect(farm.stateOf(0)).toBe("in-call");
    clock.advance(1_000);
    await settle();
    expect(farm.stateOf(0)).toBe("registered");
    expect(farm.counters.callsEnded).toBe(1);

    expect(farm.sendSms(1, "375291111111", "hello")).toBe(true);
    await settle();
    expect(farm.counters.smsDelivered).toBe(1);
    expect(core.counters.sms).toBe(1);

    expect(farm.ussdWalk(2, "*100#", 1, 2_000)).toBe(true);
    await settle();
    expect(farm.stateOf(2)).toBe("in-ussd");
    clock.advance(2_000);
    await settle();
    expect(farm.counters.ussdReplies).toBe(1);
    expect(farm.counters.ussdCompleted).toBe(1);
    expect(farm.stateOf(2)).toBe("registered");
  });

  it("a data session reports usage every Validity-Time and slows to the throttled rate", async () => {
    // 100 kB/s target; grants of 10 MB valid 30 s; after 5 MB the core throttles to 64 kbit/s.
    const { farm, core, clock } = inProcessFarm(3, {
      grantOctets: 10_000_000,
      validityTime: 30,
      quotaOctets: 5_000_000,
      throttleKbps: 64,
    });
    await farm.powerOnAll();
    expect(farm.startData(0, 100_000)).toBe(true);
    await settle();
    expect(farm.stateOf(0)).toBe("in-data");
    clock.advance(30_000);
    await settle();
    expect(core.counters.usageReports).toBe(1);
    expect(farm.counters.octetsReported).toBe(3_000_000);
    expect(farm.dataRate(0)).toBe(100_000);
    clock.advance(30_000);
    await settle();
    // 6 MB used: the next grant carries the throttle; the handset now consumes 8,000 B/s.
    expect(farm.counters.throttledGrants).toBe(1);
    expect(farm.dataRate(0)).toBe(8_000);
    clock.advance(30_000);
    await settle();
    expect(farm.counters.octetsReported).toBe(6_000_000 + 240_000);
    farm.stopData(0);
    await settle();
    expect(farm.stateOf(0)).toBe("registered");
    expect(farm.counters.dataEnded).toBe(1);
  });

  it("a card ahead of the HLR answers with AUTS; the handset still attaches after resynchronisation", async () => {
    const { farm, core, store } = inProcessFarm(3);
    const card = store.get(1);
    card.sqn[1] = makeSqn(500, 1);
    store.update(1, card);
    await farm.powerOnAll();
    expect(farm.counters.attached).toBe(3);
    expect(farm.counters.syncFailures).toBe(1);
    expect(core.counters.resynchronisations).toBe(1);
  });
});
