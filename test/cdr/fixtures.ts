/** Records, a settable clock and a scratch directory for the CDR tests. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChargingRecord } from "../../core/charging/model.js";

export const T0 = Date.UTC(2026, 0, 15, 10, 30, 0);

export function sampleRecord(n: number, overrides: Partial<ChargingRecord> = {}): ChargingRecord {
  return {
    id: `cdr-${n}`,
    accountId: `acc-${n % 3}`,
    msisdn: "375291234567",
    sessionId: `pgw.telsim.local;1;${n}`,
    kind: "data",
    ratingGroup: 10,
    destination: undefined,
    startedAt: T0 + n * 1000,
    endedAt: T0 + n * 1000 + 500,
    units: 1_048_576 * n,
    charge: 25 * n,
    fromBuckets: { "data-main": 1024 * n },
    balanceAfter: 10_000 - 25 * n,
    throttled: false,
    ...overrides,
  };
}

/** A clock the test moves by hand. */
export class ManualClock {
  constructor(public time = T0) {}
  now(): number {
    return this.time;
  }
}

export function scratchDir(prefix = "telsim-cdr-"): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Every record of an async iterable, in order. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
