/**
 * Where a message goes: to a handset (through MobileTerminating) or to an ESME (deliver_sm to a
 * receiver or transceiver bind of its system_id). ESME routes (short numbers, ranges by prefix)
 * come first, longest prefix winning; then the handset prefixes; anything else has no route.
 */
import type { SmscRoutes } from "./smsc-config.js";

export interface SmppAddress {
  ton: number;
  npi: number;
  addr: string;
}

export type Target =
  | { readonly kind: "handset"; readonly msisdn: string }
  | { readonly kind: "esme"; readonly systemId: string };

const DIGITS = /^\d{1,20}$/;

/** "+375291234567" → "375291234567"; other addresses unchanged. */
export function normalizeAddress(addr: string): string {
  return addr.charCodeAt(0) === 0x2b ? addr.slice(1) : addr;
}

export class SmscRouter {
  private readonly esme: readonly { prefix: string; target: Target }[];
  private readonly handsetPrefixes: readonly string[];

  constructor(routes: SmscRoutes) {
    this.esme = [...routes.esme]
      .sort((a, b) => b.prefix.length - a.prefix.length)
      .map((r) => ({
        prefix: normalizeAddress(r.prefix),
        target: { kind: "esme", systemId: r.systemId } as const,
      }));
    this.handsetPrefixes = routes.handsetPrefixes;
  }

  /** The target of a destination address, or undefined when nothing takes it. */
  route(destination: string): Target | undefined {
    const addr = normalizeAddress(destination);
    for (const r of this.esme) if (addr.startsWith(r.prefix)) return r.target;
    if (!DIGITS.test(addr)) return undefined;
    if (this.handsetPrefixes.length === 0) return { kind: "handset", msisdn: addr };
    for (const p of this.handsetPrefixes) if (addr.startsWith(p)) return { kind: "handset", msisdn: addr };
    return undefined;
  }

  /** ESME system_ids that routes name (for the stats). */
  get esmeTargets(): string[] {
    return [...new Set(this.esme.map((r) => (r.target.kind === "esme" ? r.target.systemId : "")))];
  }
}
