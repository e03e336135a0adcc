/** Which buckets a usage draws on, and in what order (seeds: the bucket that applies and expires first). */
import { windowAt } from "./local-time.js";
import type { Account, Bucket, DestinationClass, ServiceKind } from "./model.js";

/** Units of each bucket held by the account's reservations. */
export function heldByBucket(account: Account): Map<string, number> {
  const held = new Map<string, number>();
  for (const r of account.reservations) {
    for (const [id, units] of Object.entries(r.heldBuckets)) held.set(id, (held.get(id) ?? 0) + units);
  }
  return held;
}

export function bucketApplies(
  b: Bucket,
  kind: ServiceKind,
  destination: DestinationClass | undefined,
  now: number,
): boolean {
  if (b.kind !== kind || now < b.validFrom || now >= b.validUntil) return false;
  if (b.window !== undefined && b.window !== windowAt(now)) return false;
  if (b.classes === undefined || b.classes.length === 0) return true;
  return destination !== undefined && b.classes.includes(destination);
}

/** Buckets that apply and still have free units: by priority, then earliest expiry, then id. */
export function applicableBuckets(
  account: Account,
  kind: ServiceKind,
  destination: DestinationClass | undefined,
  now: number,
): { bucket: Bucket; free: number }[] {
  const held = heldByBucket(account);
  const out: { bucket: Bucket; free: number }[] = [];
  for (const b of account.buckets) {
    if (!bucketApplies(b, kind, destination, now)) continue;
    const free = b.remaining - (held.get(b.id) ?? 0);
    if (free > 0) out.push({ bucket: b, free });
  }
  out.sort(
    (x, y) =>
      x.bucket.priority - y.bucket.priority ||
      x.bucket.validUntil - y.bucket.validUntil ||
      (x.bucket.id < y.bucket.id ? -1 : x.bucket.id > y.bucket.id ? 1 : 0),
  );
  return out;
}

/** Whether any bucket of this kind is valid now (used up or not): "the plan has included data". */
export function hasBucketsOfKind(account: Account, kind: ServiceKind, now: number): boolean {
  return account.buckets.some((b) => b.kind === kind && now >= b.validFrom && now < b.validUntil);
}
