/** Lookups over decoded AVP lists, by definition (code + vendor). */
import type { Avp, AvpOfType, DiameterAddress } from "./avp.js";
import type { AvpDefinition } from "./dictionary/types.js";

export function findAvp(avps: readonly Avp[], def: AvpDefinition): Avp | undefined {
  for (const a of avps) if (a.code === def.code && a.vendorId === def.vendorId) return a;
  return undefined;
}

export function findAllAvps(avps: readonly Avp[], def: AvpDefinition): Avp[] {
  const out: Avp[] = [];
  for (const a of avps) if (a.code === def.code && a.vendorId === def.vendorId) out.push(a);
  return out;
}

/** Integer32 / Unsigned32 / Enumerated / Float values. */
export function numberOf(avps: readonly Avp[], def: AvpDefinition): number | undefined {
  const a = findAvp(avps, def);
  if (a === undefined) return undefined;
  if (a.type === "Unsigned32" || a.type === "Integer32" || a.type === "Enumerated") return a.value;
  if (a.type === "Float32" || a.type === "Float64") return a.value;
  if ((a.type === "Unsigned64" || a.type === "Integer64") && typeof a.value === "number") return a.value;
  return undefined;
}

/** Unsigned64 / Integer64 (or a 32-bit integer widened). */
export function bigNumberOf(avps: readonly Avp[], def: AvpDefinition): number | bigint | undefined {
  const a = findAvp(avps, def);
  if (a === undefined) return undefined;
  if (a.type === "Unsigned64" || a.type === "Integer64") return a.value;
  if (a.type === "Unsigned32" || a.type === "Integer32" || a.type === "Enumerated") return a.value;
  return undefined;
}

export function stringOf(avps: readonly Avp[], def: AvpDefinition): string | undefined {
  const a = findAvp(avps, def);
  if (a === undefined) return undefined;
  if (
    a.type === "UTF8String" ||
    a.type === "DiameterIdentity" ||
    a.type === "DiameterURI" ||
    a.type === "IPFilterRule"
  ) {
    return a.value;
  }
  if (a.type === "OctetString") return Buffer.from(a.value).toString("utf8");
  return undefined;
}

export function bytesOf(avps: readonly Avp[], def: AvpDefinition): Uint8Array | undefined {
  const a = findAvp(avps, def);
  return a !== undefined && (a.type === "OctetString" || a.type === "Unknown") ? a.value : undefined;
}

export function timeOf(avps: readonly Avp[], def: AvpDefinition): Date | undefined {
  const a = findAvp(avps, def);
  return a?.type === "Time" ? a.value : undefined;
}

export function addressOf(avps: readonly Avp[], def: AvpDefinition): DiameterAddress | undefined {
  const a = findAvp(avps, def);
  return a?.type === "Address" ? a.value : undefined;
}

export function groupOf(avps: readonly Avp[], def: AvpDefinition): readonly Avp[] | undefined {
  const a = findAvp(avps, def);
  return a?.type === "Grouped" ? a.value : undefined;
}

export function groupsOf(avps: readonly Avp[], def: AvpDefinition): (readonly Avp[])[] {
  const out: (readonly Avp[])[] = [];
  for (const a of avps) {
    if (a.code === def.code && a.vendorId === def.vendorId && a.type === "Grouped") out.push(a.value);
  }
  return out;
}

export function isType<T extends Avp["type"]>(a: Avp, type: T): a is AvpOfType<T> {
  return a.type === type;
}
