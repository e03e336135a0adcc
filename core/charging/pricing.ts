/**
 * Prices of usage and how much usage money affords (the rating rules of the catalog):
 * voice per started minute, SMS and MMS per message, data per megabyte prorated per octet and
 * rounded up to the kopeck.
 */
import type { DestinationClass, Plan, ServiceKind } from "./model.js";
import type { Kopecks } from "./money.js";

export const OCTETS_PER_MEGABYTE = 1024 * 1024;

/** The rate that applies, in kopecks per billing unit (minute, message, megabyte). */
export function rateFor(plan: Plan, kind: ServiceKind, destination: DestinationClass | undefined): Kopecks {
  switch (kind) {
    case "voice":
      return pick(plan.rates.voicePerMinute, destination);
    case "sms":
      return pick(plan.rates.smsPerMessage, destination);
    case "mms":
      return plan.rates.mmsPerMessage;
    case "data":
      return plan.rates.dataPerMegabyte;
  }
}

function pick(
  table: Readonly<Partial<Record<DestinationClass, Kopecks>>>,
  d: DestinationClass | undefined,
): Kopecks {
  if (d !== undefined) {
    const exact = table[d];
    if (exact !== undefined) return exact;
    if (d === "on-net-3g" && table["on-net"] !== undefined) return table["on-net"];
    if ((d === "favorite" || d === "cug") && table["on-net"] !== undefined) return table["on-net"];
  }
  return table["off-net"] ?? table["on-net"] ?? 0;
}

/** Money for `units` of usage paid from the balance (cumulative within a session). */
export function priceOf(kind: ServiceKind, rate: Kopecks, units: number): Kopecks {
  if (units <= 0 || rate === 0) return 0;
  switch (kind) {
    case "voice":
      return Math.ceil(units / 60) * rate;
    case "sms":
    case "mms":
      return units * rate;
    case "data":
      return Math.ceil((units * rate) / OCTETS_PER_MEGABYTE);
  }
}

/**
 * The most units `money` pays for on top of `alreadyUsed` units (cumulative pricing), in whole
 * billing units for voice (60 s) and messages. Infinity when the rate is zero.
 */
export function affordableUnits(kind: ServiceKind, rate: Kopecks, money: Kopecks, alreadyUsed = 0): number {
  if (rate === 0) return Number.POSITIVE_INFINITY;
  // What was already paid may cover more than was used (the rest of a started minute).
  const paid = priceOf(kind, rate, alreadyUsed);
  const budget = paid + Math.max(0, money);
  switch (kind) {
    case "voice": {
      const minutes = Math.floor(budget / rate);
      return Math.max(0, minutes * 60 - alreadyUsed);
    }
    case "sms":
    case "mms":
      return Math.max(0, Math.floor(budget / rate) - alreadyUsed);
    case "data":
      return Math.max(0, Math.floor((budget * OCTETS_PER_MEGABYTE) / rate) - alreadyUsed);
  }
}
