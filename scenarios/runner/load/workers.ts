/**
 * Runs the generator in W worker threads (each a stripe of the arrival schedule and its own Gy
 * connection) and merges what they send into the aggregator: histograms decoded and added, so
 * percentiles over all threads are exact. All workers connect first, then start at one instant.
 */
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { Worker } from "node:worker_threads";
import type { Aggregator } from "../metrics/aggregator.js";
import { decodeHistogram } from "../metrics/histogram.js";
import type { MetricSnapshot } from "../metrics/metric-set.js";
import type { RemoteEndpoints } from "../target/target.js";
import type { EventSink } from "./generator.js";
import type { HostConfig, HostResult } from "./generator-host.js";
import type { ToWorker } from "./worker-main.js";

type FromWorker =
  | { readonly type: "ready" }
  | { readonly type: "interval"; readonly index: number; readonly snapshot: MetricSnapshot<string> }
  | { readonly type: "event"; readonly eventType: string; readonly data: Record<string, unknown> }
  | { readonly type: "done"; readonly result: HostResult }
  | { readonly type: "error"; readonly message: string };

/** The compiled worker script (under vitest the sources are .ts; the worker runs the build in dist/). */
export function workerScript(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith(".ts"))
    return join(dirname(here), "..", "..", "..", "dist", "scenarios", "runner", "load", "worker-main.js");
  return join(dirname(here), "worker-main.js");
}

export class WorkerFailed extends Error {
  override readonly name = "WorkerFailed";
}

export interface WorkerRun {
  readonly done: Promise<HostResult>;
  abort(): void;
}

export function runInWorkers(
  base: Omit<HostConfig, "partition">,
  count: number,
  remote: RemoteEndpoints,
  aggregator: Aggregator,
  events: EventSink,
): WorkerRun {
  const workers: Worker[] = [];
  const send = (w: Worker, m: ToWorker): void => w.postMessage(m);
  const done = new Promise<HostResult>((resolve, reject) => {
    let ready = 0;
    let finished = 0;
    let endedAt = 0;
    let maxInFlight = 0;
    let failed = false;
    const failAll = (message: string): void => {
      if (failed) return;
      failed = true;
      for (const w of workers) void w.terminate();
      reject(new WorkerFailed(message));
    };
    for (let i = 0; i < count; i++) {
      const w = new Worker(workerScript());
      workers.push(w);
      w.on("message", (m: FromWorker) => {
        try {
          onMessage(m);
        } catch (e) {
          failAll(
            `merging what generator worker ${i + 1} sent: ${e instanceof Error ? e.message : String(e)}`,
          );
        }
      });
      const onMessage = (m: FromWorker): void => {
        switch (m.type) {
          case "ready":
            if (++ready === count) {
              const startEpochMs = Date.now() + 200;
              for (const x of workers) send(x, { type: "go", startEpochMs });
            }
            break;
          case "interval":
            aggregator.add(m.index, {
              counters: m.snapshot.counters,
              facts: m.snapshot.facts,
              trends: m.snapshot.trends.map((t) => ({ ...t, hist: decodeHistogram(t.hist) })),
            });
            break;
          case "event":
            events(m.eventType, m.data);
            break;
          case "done":
            endedAt = Math.max(endedAt, m.result.endedAt);
            maxInFlight += m.result.maxInFlight;
            if (++finished === count) {
              for (const x of workers) void x.terminate();
              resolve({ endedAt, maxInFlight });
            }
            break;
          case "error":
            failAll(`generator worker ${i + 1}: ${m.message}`);
            break;
        }
      };
      w.on("error", (e) => failAll(`generator worker ${i + 1} crashed: ${e.message}`));
      w.on("exit", (code) => {
        if (finished < count && !failed) failAll(`generator worker ${i + 1} exited (${code})`);
      });
      send(w, { type: "init", config: { ...base, partition: { index: i, count } }, remote });
    }
  });
  return {
    done,
    abort: () => {
      for (const w of workers) send(w, { type: "abort" });
    },
  };
}
