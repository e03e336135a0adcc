/**
 * The OCS of the SMSC benchmark on its own thread (SMSC_BENCH_OCS=worker): a CoreNode with the
 * memory store in a worker thread of the benchmark process, provisioned with the paying account.
 * Posts { port } once listening; on "stop" posts the number of SMS records and the balance drop.
 */
import { parentPort, workerData } from "node:worker_threads";
import { silentLogger } from "../core/diameter/logger.js";
import { CoreNode } from "../core/node.js";

interface OcsWorkerData {
  readonly msisdn: string;
  readonly imsi: string;
  readonly plan: string;
  readonly balance: number;
}

const data = workerData as OcsWorkerData;
const node = await CoreNode.start({
  memory: true,
  diameterPort: 0,
  httpPort: 0,
  logger: silentLogger,
  feeIntervalMs: 3_600_000,
});
const account = node.engine.createAccount({
  subscribers: [{ msisdn: data.msisdn, imsi: data.imsi }],
  planId: data.plan,
  balance: data.balance,
});
await node.engine.persist([account], []);
parentPort?.postMessage({ port: node.diameterAddress.port });
parentPort?.on("message", (m: unknown) => {
  if (m !== "stop") return;
  void (async () => {
    const records = (await node.store.records({ accountId: account.id, limit: 100_000_000 })).filter(
      (r) => r.record.kind === "sms",
    ).length;
    const drop = data.balance - account.balance;
    await node.stop();
    parentPort?.postMessage({ records, drop });
  })();
});
