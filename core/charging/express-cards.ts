/**
 * Express payment cards (seeds: top-up "with an express payment card", a 14-digit code): a
 * batch is generated from a seed or imported; a code works once. The last digit is a Luhn check
 * digit, so a mistyped code is told apart from an unknown one.
 */
import { appendLuhn, isLuhnValid } from "../../sim/luhn.js";
import { SeededRandom } from "../../sim/random.js";
import type { ExpressCard } from "../store/balance-store.js";
import type { Kopecks } from "./money.js";

export const EXPRESS_CODE_DIGITS = 14;

export type CardCodeProblem = "malformed" | "check-digit" | "unknown" | "used";

export const cardProblemText: Record<CardCodeProblem, string> = {
  malformed: "an express card code is 14 digits",
  "check-digit": "the code's check digit is wrong (mistyped?)",
  unknown: "no express card has this code",
  used: "this express card has already been used",
};

/** Why a code cannot be used before looking it up, or undefined when it is well formed. */
export function checkCardCode(code: string): CardCodeProblem | undefined {
  if (!/^\d{14}$/.test(code)) return "malformed";
  if (!isLuhnValid(code)) return "check-digit";
  return undefined;
}

export function generateCards(
  count: number,
  amount: Kopecks,
  seed: string | number,
  now: number,
): ExpressCard[] {
  const rng = SeededRandom.from(seed);
  const seen = new Set<string>();
  const out: ExpressCard[] = [];
  while (out.length < count) {
    const code = appendLuhn(rng.digits(EXPRESS_CODE_DIGITS - 1));
    if (seen.has(code)) continue;
    seen.add(code);
    out.push({ code, amount, usedBy: undefined, usedAt: undefined, createdAt: now });
  }
  return out;
}
