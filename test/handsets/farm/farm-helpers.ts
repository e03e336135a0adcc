import { VirtualClock } from "../../../core/clock/virtual-clock.js";
import { createInProcessLink } from "../../../core/network/link/in-process-link.js";
import { FarmCards } from "../../../handsets/farm/farm-card.js";
import { generatedSims } from "../../../handsets/farm/farm-sims.js";
import { HandsetFarm } from "../../../handsets/farm/handset-farm.js";
import { StubCore, type StubCoreOptions, stubSubscriberOf } from "../../../handsets/farm/stub-core.js";
import type { CompactCardStore } from "../../../sim/compact-card-store.js";
import { SeededRandom } from "../../../sim/random.js";

/** A stub core that knows every card of `store`. */
export function stubCoreFor(store: CompactCardStore, extra: Partial<StubCoreOptions> = {}): StubCore {
  const random = SeededRandom.from("stub-core");
  return new StubCore({
    subscriber: (imsi) => {
      const index = store.findByImsi(imsi);
      return index === undefined ? undefined : stubSubscriberOf(store.get(index));
    },
    randomBytes: (n) => random.fillBytes(new Uint8Array(n)),
    ...extra,
  });
}

export function inProcessFarm(
  count: number,
  extra: Partial<StubCoreOptions> = {},
): { farm: HandsetFarm; core: StubCore; clock: VirtualClock; store: CompactCardStore } {
  const store = generatedSims({ count, seed: `farm-${count}` });
  // The core's own copy of the subscriptions (the farm's cards change as they are used).
  const coreStore = generatedSims({ count, seed: `farm-${count}` });
  const core = stubCoreFor(coreStore, extra);
  const clock = new VirtualClock();
  const farm = new HandsetFarm({ cards: new FarmCards(store), connection: createInProcessLink(core), clock });
  return { farm, core, clock, store };
}

/** Lets queued link frames travel (the in-process link delivers in microtasks). */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}
