/**
 * What the PIN and PUK steps share: their metric and the outcome word of a PIN command, from the
 * card's status word (TS 102 221 §11.1.9-11.1.13) and the SIM status after it.
 */
import type { SimStatus } from "../../handsets/device/sim-status.js";
import type { PinCommandOutcome } from "../../handsets/sim-access.js";
import type { LastResult } from "../runner/flow-context.js";
import type { ScenarioHandset } from "../runner/handset-port.js";
import type { MetricDecl } from "../runner/metrics/metric-catalogue.js";

export const SIM_METRICS: readonly MetricDecl[] = [
  {
    name: "handset.sim.ops",
    kind: "counter",
    tags: ["op", "outcome"],
    description: "PIN entries and PUK unblocks by outcome (ok, wrong-pin, wrong-puk, puk-required, …)",
  },
];

/** `op` pin: ok, wrong-pin, puk-required, permanently-blocked; puk: ok, wrong-puk, permanently-blocked. */
export function simOutcomeWord(op: "pin" | "puk", answer: PinCommandOutcome, after: SimStatus): string {
  switch (answer.kind) {
    case "ok":
      return "ok";
    case "wrong-code":
      // The third wrong PIN blocks PIN1; the tenth wrong PUK blocks the card for good.
      if (after === "permanently-blocked") return after;
      if (op === "pin") return after === "puk-required" ? after : "wrong-pin";
      return "wrong-puk";
    case "blocked":
      return after === "ready" ? "error" : after;
    default:
      return "error";
  }
}

/** A code of the same length that is not `code` (each digit plus one). */
export function wrongCode(code: string): string {
  return [...code].map((d) => String((Number(d) + 1) % 10)).join("");
}

/** PIN1 and PUK1 presentations left, as the card keeps them (what +CPINR reads). */
export function noteTries(last: LastResult, h: ScenarioHandset): void {
  const card = h.sim.card;
  last.pinTriesLeft = card.pin1.triesLeft;
  last.pukTriesLeft = card.puk1.triesLeft;
}
