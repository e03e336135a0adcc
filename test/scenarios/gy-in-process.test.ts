/** `core.gy: in-process` on the real clock: the generator's Gy messages reach the core without a socket. */
import { describe, expect, it } from "vitest";
import { count, problemsOf, run } from "./helpers.js";

const scenario = (gy: string): string => `name: in-process
core: { type: embedded, gy: ${gy} }
population:
  groups:
    - { name: g, count: 20, plan: business-unlim-1, balance: "20.00" }
  pick: unique
flows:
  - name: data-and-sms
    steps:
      - gy.data: { volume: 3MB, chunks: 3 }
      - check: { result: 2001, outcome: completed }
      - gy.sms: { destination: off-net }
      - check: { result: 2001 }
load: { model: open, rate: 50/s, duration: 1s, seed: gy, gracefulStop: 5s }
thresholds:
  - gy.cca{result=2001}.ratio == 1
  - invariant: balances-reconcile
  - invariant: no-reservations-left
`;

describe("core.gy", () => {
  it("in-process: every CCR answered, the books balance, nothing left reserved", async () => {
    const r = await run(scenario("in-process"));
    expect(r.problems).toEqual([]);
    expect(r.status).toBe("passed");
    // 50 arrivals: CCR-I, two CCR-U and CCR-T of the data session, then the SMS event.
    expect(count(r, "gy.ccr")).toBe(250);
  });

  it("names the field for a transport it does not know", async () => {
    expect((await problemsOf(scenario("carrier-pigeon"))).join("\n")).toMatch(/core\.gy/);
  });
});
