/**
 * RecordQuery semantics shared by both stores. balance-store.ts leaves two points open; here they
 * are fixed: `until` is exclusive (records with since <= endedAt < until, so consecutive windows
 * never overlap) and `limit` defaults to 1000, is floored and kept within 0..2^53-1 (Infinity: all). Results are in
 * sequence (insertion) order, oldest first, and start after `afterSequence`.
 */
import type { RecordQuery, StoredRecord } from "./balance-store.js";

export const DEFAULT_RECORD_LIMIT = 1000;

export function queryLimit(query: RecordQuery): number {
  const limit = query.limit ?? DEFAULT_RECORD_LIMIT;
  if (Number.isNaN(limit)) return DEFAULT_RECORD_LIMIT;
  return Math.min(Number.MAX_SAFE_INTEGER, Math.max(0, Math.floor(limit)));
}

/** Every filter but limit (the memory store's scan). */
export function matchesQuery(stored: StoredRecord, query: RecordQuery): boolean {
  const { record, sequence } = stored;
  if (query.afterSequence !== undefined && sequence <= query.afterSequence) return false;
  if (query.accountId !== undefined && record.accountId !== query.accountId) return false;
  if (query.since !== undefined && record.endedAt < query.since) return false;
  if (query.until !== undefined && record.endedAt >= query.until) return false;
  return true;
}
