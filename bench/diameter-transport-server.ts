/**
 * Child process of the transport benchmark: our DiameterServer with a trivial handler that
 * answers every CCR with a CCA (Result-Code 2001 and one MSCC with a GSU). Prints
 * `LISTENING <port>` once bound; exits on SIGTERM, when its stdin closes (the parent died), or
 * after a hard lifetime limit so it can never outlive the benchmark.
 */
import type { Avp } from "../core/diameter/avp.js";
import { avp } from "../core/diameter/avp-build.js";
import { APPLICATION_CREDIT_CONTROL } from "../core/diameter/dictionary/commands.js";
import { silentLogger } from "../core/diameter/logger.js";
import type { DiameterMessage } from "../core/diameter/message.js";
import { makeAnswer } from "../core/diameter/message-build.js";
import { DiameterServer } from "../core/diameter/server.js";

const SESSION_ID = 263;
const CC_REQUEST_TYPE = 416;
const CC_REQUEST_NUMBER = 415;
const MAX_LIFETIME_MS = Number(process.env["DIAMETER_BENCH_MAX_LIFETIME_MS"] ?? 300_000);

const resultSuccess = avp("Result-Code", 2001);
const originHost = avp("Origin-Host", "ocs.bench.local");
const originRealm = avp("Origin-Realm", "bench.local");
const authApplication = avp("Auth-Application-Id", APPLICATION_CREDIT_CONTROL);
const grant = avp("Multiple-Services-Credit-Control", [
  avp("Granted-Service-Unit", [avp("CC-Total-Octets", 10_485_760)]),
  avp("Rating-Group", 1),
  avp("Validity-Time", 600),
  avp("Result-Code", 2001),
]);
const fallbackSession = avp("Session-Id", "none");
const fallbackType = avp("CC-Request-Type", "EVENT_REQUEST");
const fallbackNumber = avp("CC-Request-Number", 0);

function pick(avps: readonly Avp[], code: number, fallback: Avp): Avp {
  for (const a of avps) if (a.code === code && a.vendorId === 0) return a;
  return fallback;
}

/** CCA: the request's Session-Id, CC-Request-Type and CC-Request-Number, 2001, a 10 MiB grant. */
function answer(request: DiameterMessage): DiameterMessage {
  return makeAnswer(request, [
    pick(request.avps, SESSION_ID, fallbackSession),
    resultSuccess,
    originHost,
    originRealm,
    authApplication,
    pick(request.avps, CC_REQUEST_TYPE, fallbackType),
    pick(request.avps, CC_REQUEST_NUMBER, fallbackNumber),
    grant,
  ]);
}

const server = new DiameterServer({
  identity: { originHost: "ocs.bench.local", originRealm: "bench.local" },
  handler: answer,
  host: "127.0.0.1",
  port: 0,
  logger: silentLogger,
  maxInFlight: 100_000,
});

const { port } = await server.listen();
process.stdout.write(`LISTENING ${port}\n`);

const stop = (): void => {
  const cpu = process.cpuUsage();
  const stats = {
    ...server.stats,
    cpuUserMs: cpu.user / 1000,
    cpuSystemMs: cpu.system / 1000,
    rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
  };
  process.stdout.write(`STATS ${JSON.stringify(stats)}\n`);
  process.exit(0);
};
process.on("SIGTERM", stop);
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();
setTimeout(stop, MAX_LIFETIME_MS).unref();
