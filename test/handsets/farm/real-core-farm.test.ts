// A farm against the real core (CoreNode with the network edge), using the network team's test
// core (test/network/harness.ts): attach with AKA for every handset over one in-process link.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createInProcessLink } from "../../../core/network/link/in-process-link.js";
import { FarmCards } from "../../../handsets/farm/farm-card.js";
import { HandsetFarm } from "../../../handsets/farm/handset-farm.js";
import { CompactCardStore } from "../../../sim/compact-card-store.js";
import { makeImei } from "../../../sim/imei.js";
import { startCore, type TestCore } from "../../network/harness.js";

const PLAN = "business-unlim-1";
let core: TestCore;

beforeEach(async () => {
  core = await startCore();
});

afterEach(async () => {
  await core.stop();
});

describe("HandsetFarm against the core's network edge", () => {
  it("20 handsets attach; one blocked account is denied with #8", async () => {
    const store = new CompactCardStore();
    for (let n = 1; n <= 20; n++) {
      const s = await core.subscriber(n, PLAN, 1000);
      if (n === 20) s.account.state = "blocked";
      // The harness's cards share one ICCID: give each its own (the store keeps identities unique).
      store.add(
        { ...s.card, iccid: `89375010000000${String(n).padStart(4, "0")}` + "0" },
        makeImei("35693803", n),
      );
    }
    const farm = new HandsetFarm({
      cards: new FarmCards(store),
      connection: createInProcessLink(core.node.network!.edge),
      clock: core.clock,
    });
    await farm.powerOnAll();
    expect(farm.counters.attached).toBe(19);
    expect(farm.counters.rejectCauses).toEqual({ "not-allowed": 1 });
    expect(farm.stateOf(19)).toBe("denied");
    expect(farm.rejectCauseOf(19)).toBe(8);
  });
});
