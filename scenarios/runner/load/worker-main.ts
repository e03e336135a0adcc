/**
 * Entry of a generator worker thread. Protocol with the main thread (workers.ts):
 *   main → worker  {type:"init", config, remote}   connect the ports, answer "ready"
 *   main → worker  {type:"go", startEpochMs}       the shared start instant (a barrier, k6-operator style)
 *   worker → main  {type:"interval", index, snapshot}  histograms as compressed base64
 *   worker → main  {type:"event", ...} / {type:"done", result} / {type:"error", message}
 *   main → worker  {type:"abort"}
 */
import { performance } from "node:perf_hooks";
import { parentPort } from "node:worker_threads";
import { silentLogger } from "../../../core/diameter/logger.js";
import { encodeSnapshot } from "../metrics/metric-set.js";
import type { Ports } from "../ports.js";
import { HttpAdminPort } from "../target/admin-http.js";
import { TcpGyPort } from "../target/gy-tcp.js";
import type { RemoteEndpoints } from "../target/target.js";
import type { Generator } from "./generator.js";
import { type HostConfig, type PreparedHost, prepareGeneratorHost } from "./generator-host.js";
import { RealTimeline } from "./timeline.js";

export type ToWorker =
  | { readonly type: "init"; readonly config: HostConfig; readonly remote: RemoteEndpoints }
  | { readonly type: "go"; readonly startEpochMs: number }
  | { readonly type: "abort" };

const port = parentPort;
if (port === null) throw new Error("worker-main.js runs as a worker thread");

let host: PreparedHost | undefined;
let gy: TcpGyPort | undefined;
let generator: Generator | undefined;
let aborted = false;

const fail = (e: unknown): void => {
  port.postMessage({ type: "error", message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
};

port.on("message", (m: ToWorker) => {
  switch (m.type) {
    case "init": {
      const config = m.config;
      gy = new TcpGyPort({
        ...m.remote.gy,
        originHost: `scenario-w${m.config.partition.index + 1}.telsim.local`,
        logger: silentLogger,
      });
      const connected = gy;
      connected
        .connect()
        .then(async () => {
          const ports: Ports = {
            gy: connected,
            admin: m.remote.adminUrl === undefined ? undefined : new HttpAdminPort(m.remote.adminUrl),
          };
          host = await prepareGeneratorHost(config, ports, false);
          port.postMessage({ type: "ready" });
        })
        .catch(fail);
      break;
    }
    case "go": {
      if (host === undefined) return fail(new Error("go before ready"));
      // Align this thread's performance clock on the shared start instant.
      const origin = performance.now() + (m.startEpochMs - (performance.timeOrigin + performance.now()));
      const timeline = new RealTimeline(origin);
      host
        .run(timeline, {
          onInterval: (index, snapshot) =>
            port.postMessage({ type: "interval", index, snapshot: encodeSnapshot(snapshot) }),
          events: (type, data) => port.postMessage({ type: "event", eventType: type, data }),
          onStart: (g) => {
            generator = g;
            if (aborted) g.abort();
          },
        })
        .then(async (result) => {
          await gy?.close();
          port.postMessage({ type: "done", result });
        })
        .catch(fail);
      break;
    }
    case "abort":
      aborted = true;
      generator?.abort();
      break;
  }
});
