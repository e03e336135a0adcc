/**
 * Destination class of a call or message (the seeds' rating classes). On-net means the called
 * number is a subscriber of this core (with number portability, the prefix says nothing).
 */
import type { Account, DestinationClass } from "./model.js";

/** Digits of a called party: strips "tel:", "sip:", "+" and a trailing "@domain". */
export function normaliseNumber(text: string): string {
  let n = text.trim();
  n = n.replace(/^(tel:|sip:)/i, "");
  const at = n.indexOf("@");
  if (at >= 0) n = n.slice(0, at);
  n = n.replace(/^\+/, "");
  // National format 80 29 … → 375 29 … (Belarus trunk prefix 80).
  if (/^80\d{9}$/.test(n)) n = `375${n.slice(2)}`;
  return n.replace(/[^0-9]/g, "");
}

export interface Directory {
  /** The account a number belongs to, if it is one of ours. */
  accountOf(msisdn: string): Account | undefined;
}

export function classifyDestination(
  caller: Account,
  calledText: string,
  directory: Directory,
  fromUtran = false,
): DestinationClass {
  const called = normaliseNumber(calledText);
  if (caller.favorites.includes(called)) return "favorite";
  const callee = directory.accountOf(called);
  if (callee !== undefined) {
    if (caller.cugId !== undefined && callee.cugId === caller.cugId) return "cug";
    return fromUtran ? "on-net-3g" : "on-net";
  }
  return called.startsWith("375") ? "off-net" : "international";
}
