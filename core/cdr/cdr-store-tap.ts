/**
 * Streams the records a BalanceStore persists into rotating CDR files (the export format of
 * `telsim cdr export`). The store stays the durable copy: a record is appended to the files
 * after its batch is durable in the store, and the files are flushed every second and on close.
 */
import type { BalanceStore, PersistBatch } from "../store/balance-store.js";
import type { CdrFileWriter } from "./cdr-file-writer.js";

export function withCdrFiles(store: BalanceStore, writer: CdrFileWriter, flushEveryMs = 1000): BalanceStore {
  let dirty = false;
  let flushing: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    if (!dirty) return flushing;
    dirty = false;
    flushing = flushing.then(() => writer.flush());
    return flushing;
  };
  const timer = setInterval(() => {
    flush().catch(() => undefined);
  }, flushEveryMs);
  timer.unref();
  return {
    loadAccounts: () => store.loadAccounts(),
    records: (q) => store.records(q),
    card: (code) => store.card(code),
    async persist(batch: PersistBatch): Promise<void> {
      await store.persist(batch);
      for (const r of batch.records) writer.append(r);
      if (batch.records.length > 0) dirty = true;
    },
    async close(): Promise<void> {
      clearInterval(timer);
      await flush();
      await writer.close();
      await store.close();
    },
  };
}
