/**
 * `telsim gy --host H --port P ccr ...`: sends one CCR to any OCS and prints the CCA as JSON.
 * Exit codes: 0 answer with a 2xxx Result-Code; 1 answer with another Result-Code; 2 bad options;
 * 3 OCS unreachable, capabilities exchange refused, or no answer within the timeout.
 */
import { type Command, InvalidArgumentError, Option } from "commander";
import { GyClient } from "../core/diameter/gy/gy-client.js";
import { SERVICE_CONTEXT } from "../core/diameter/gy/gy-enums.js";
import { gyResponder } from "../core/diameter/gy/gy-responder.js";
import type {
  CcRequestType,
  CreditControlRequest,
  MsccRequest,
  RequestedAction,
  ServiceUnits,
  SubscriptionId,
} from "../core/diameter/gy/gy-types.js";
import { silentLogger, stderrLogger } from "../core/diameter/logger.js";
import { resultCodeName } from "../core/diameter/result-codes.js";
import { DiameterServer } from "../core/diameter/server.js";
import { CliError, ExitCode } from "./cli-error.js";

function nonNegativeInt(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
      throw new InvalidArgumentError(`${name} must be a non-negative integer, got "${value}"`);
    }
    return Number(value);
  };
}

const port = (value: string): number => {
  const n = nonNegativeInt("--port")(value);
  if (n < 1 || n > 65535) throw new InvalidArgumentError(`--port must be 1-65535, got ${value}`);
  return n;
};

const REQUEST_TYPES: Record<string, CcRequestType> = {
  initial: "INITIAL",
  update: "UPDATE",
  terminate: "TERMINATION",
  event: "EVENT",
};

const ACTIONS: Record<string, RequestedAction> = {
  "direct-debiting": "DIRECT_DEBITING",
  refund: "REFUND_ACCOUNT",
  "check-balance": "CHECK_BALANCE",
  "price-enquiry": "PRICE_ENQUIRY",
};

interface GyOptions {
  host: string;
  port: number;
  originHost: string;
  originRealm: string;
  destinationRealm: string;
  destinationHost?: string;
  timeout: number;
}

interface CcrOptions {
  type: string;
  msisdn?: string;
  imsi?: string;
  rg: number;
  serviceId?: number;
  octets?: number;
  seconds?: number;
  units?: number;
  used?: number;
  session?: string;
  requestNumber?: number;
  action?: string;
  serviceContext?: string;
  reportingReason?: string;
}

export function registerGyCommand(program: Command): void {
  const gy = program
    .command("gy")
    .description("poke any OCS over Diameter Gy")
    .requiredOption("--host <host>", "OCS address", "127.0.0.1")
    .requiredOption("--port <port>", "OCS Diameter port", port, 3868)
    .option("--origin-host <fqdn>", "our Origin-Host", "gy-cli.telsim.local")
    .option("--origin-realm <realm>", "our Origin-Realm", "telsim.local")
    .option("--destination-realm <realm>", "Destination-Realm", "telsim.local")
    .option("--destination-host <fqdn>", "Destination-Host")
    .option("--timeout <ms>", "connect and answer timeout in ms (Tx)", nonNegativeInt("--timeout"), 5000);

  gy.command("ccr")
    .description("send one Credit-Control-Request and print the answer as JSON")
    .addOption(
      new Option("--type <type>", "CC-Request-Type")
        .choices(Object.keys(REQUEST_TYPES))
        .makeOptionMandatory(),
    )
    .option("--msisdn <digits>", "Subscription-Id END_USER_E164")
    .option("--imsi <digits>", "Subscription-Id END_USER_IMSI")
    .option("--rg <n>", "Rating-Group", nonNegativeInt("--rg"), 1)
    .option("--service-id <n>", "Service-Identifier", nonNegativeInt("--service-id"))
    .option("--octets <n>", "request CC-Total-Octets", nonNegativeInt("--octets"))
    .option("--seconds <n>", "request CC-Time", nonNegativeInt("--seconds"))
    .option("--units <n>", "request CC-Service-Specific-Units", nonNegativeInt("--units"))
    .option(
      "--used <n>",
      "report this many used units (of the requested kind; octets by default)",
      nonNegativeInt("--used"),
    )
    .option("--session <id>", "Session-Id (default: a new one)")
    .option("--request-number <n>", "CC-Request-Number (default 0)", nonNegativeInt("--request-number"))
    .addOption(new Option("--action <action>", "Requested-Action of an event").choices(Object.keys(ACTIONS)))
    .option("--service-context <id>", "Service-Context-Id (default 32251@3gpp.org; SMS 32274@3gpp.org)")
    .action(async (opts: CcrOptions, cmd: Command) => {
      const g = cmd.parent?.opts<GyOptions>();
      if (g === undefined) throw new CliError(ExitCode.invalidInput, "gy options missing");
      await runCcr(g, opts);
    });
}

interface StubOptions {
  port: number;
  host: string;
  originHost: string;
  originRealm: string;
  resultCode: number;
  grantOctets?: number;
  grantSeconds?: number;
  grantUnits?: number;
  validityTime?: number;
  duration?: number;
}

export function registerGyStubCommand(program: Command): void {
  program
    .command("gy-stub-ocs")
    .description("a scripted OCS: answer every CCR with one Result-Code and grant (to exercise a PGW or MSC)")
    .option("--port <port>", "Diameter port to listen on", port, 3868)
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--origin-host <fqdn>", "our Origin-Host", "stub-ocs.telsim.local")
    .option("--origin-realm <realm>", "our Origin-Realm", "telsim.local")
    .option("--result-code <n>", "Result-Code of every answer", nonNegativeInt("--result-code"), 2001)
    .option("--grant-octets <n>", "grant this many octets", nonNegativeInt("--grant-octets"))
    .option("--grant-seconds <n>", "grant this many seconds", nonNegativeInt("--grant-seconds"))
    .option("--grant-units <n>", "grant this many service-specific units", nonNegativeInt("--grant-units"))
    .option("--validity-time <s>", "Validity-Time on every grant", nonNegativeInt("--validity-time"))
    .option("--duration <s>", "stop by itself after this many seconds", nonNegativeInt("--duration"))
    .action(async (o: StubOptions) => {
      const grant: ServiceUnits = {
        ...(o.grantOctets !== undefined ? { totalOctets: o.grantOctets } : {}),
        ...(o.grantSeconds !== undefined ? { time: o.grantSeconds } : {}),
        ...(o.grantUnits !== undefined ? { serviceSpecificUnits: o.grantUnits } : {}),
      };
      let answered = 0;
      const server = new DiameterServer({
        identity: { originHost: o.originHost, originRealm: o.originRealm },
        host: o.host,
        port: o.port,
        logger: stderrLogger("gy-stub-ocs"),
        handler: gyResponder({
          originHost: o.originHost,
          originRealm: o.originRealm,
          resultCode: o.resultCode,
          ...(Object.keys(grant).length > 0 ? { grant } : {}),
          ...(o.validityTime !== undefined ? { validityTime: o.validityTime } : {}),
          onRequest: () => {
            answered++;
          },
        }),
      });
      let address: { host: string; port: number };
      try {
        address = await server.listen();
      } catch (e) {
        throw new CliError(
          ExitCode.aborted,
          `cannot listen on ${o.host}:${o.port}: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
      process.stderr.write(`gy-stub-ocs listening on ${address.host}:${address.port}\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => resolve();
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
        if (o.duration !== undefined) setTimeout(stop, o.duration * 1000);
      });
      await server.close();
      process.stderr.write(`gy-stub-ocs answered ${answered} CCRs\n`);
    });
}

function unitsOf(o: CcrOptions, amount: number | undefined): ServiceUnits {
  if (amount === undefined) return {};
  if (o.seconds !== undefined) return { time: amount };
  if (o.units !== undefined) return { serviceSpecificUnits: amount };
  return { totalOctets: amount };
}

async function runCcr(g: GyOptions, o: CcrOptions): Promise<void> {
  const requestType = REQUEST_TYPES[o.type] as CcRequestType;
  const chosen = [o.octets, o.seconds, o.units].filter((x) => x !== undefined);
  if (chosen.length > 1)
    throw new CliError(ExitCode.invalidInput, "give only one of --octets, --seconds, --units");
  if (o.msisdn === undefined && o.imsi === undefined) {
    throw new CliError(ExitCode.invalidInput, "--msisdn or --imsi is required");
  }
  if (o.msisdn !== undefined && !/^\d{5,15}$/.test(o.msisdn)) {
    throw new CliError(ExitCode.invalidInput, `--msisdn must be 5-15 digits, got "${o.msisdn}"`);
  }
  if (o.imsi !== undefined && !/^\d{6,15}$/.test(o.imsi)) {
    throw new CliError(ExitCode.invalidInput, `--imsi must be 6-15 digits, got "${o.imsi}"`);
  }
  if (requestType === "EVENT" && o.action === undefined) o.action = "direct-debiting";
  const subscriptionIds: SubscriptionId[] = [];
  if (o.msisdn !== undefined) subscriptionIds.push({ type: "E164", data: o.msisdn });
  if (o.imsi !== undefined) subscriptionIds.push({ type: "IMSI", data: o.imsi });
  const requested = chosen.length === 0 ? {} : unitsOf(o, chosen[0]);
  const mscc: MsccRequest = {
    ratingGroup: o.rg,
    ...(o.serviceId !== undefined ? { serviceIdentifier: o.serviceId } : {}),
    ...(requestType !== "TERMINATION" ? { requested } : {}),
    ...(o.used !== undefined
      ? {
          used: [
            {
              ...unitsOf(o, o.used),
              ...(requestType === "TERMINATION" ? { reportingReason: "FINAL" as const } : {}),
            },
          ],
        }
      : {}),
  };
  const client = new GyClient({
    primary: { host: g.host, port: g.port },
    identity: { originHost: g.originHost, originRealm: g.originRealm },
    destinationRealm: g.destinationRealm,
    ...(g.destinationHost !== undefined ? { destinationHost: g.destinationHost } : {}),
    txMs: g.timeout,
    connectTimeoutMs: g.timeout,
    reconnect: false,
    logger: silentLogger,
  });
  try {
    await client.connect();
  } catch (e) {
    throw new CliError(
      ExitCode.aborted,
      `cannot reach the OCS at ${g.host}:${g.port}: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  try {
    const base = client.requestBase();
    const ccr: CreditControlRequest = {
      ...base,
      sessionId: o.session ?? `${g.originHost};${Math.floor(Date.now() / 1000)};${process.pid}`,
      requestType,
      requestNumber: o.requestNumber ?? 0,
      subscriptionIds,
      mscc: [mscc],
      eventTimestamp: new Date(),
      ...(o.serviceContext !== undefined
        ? { serviceContextId: o.serviceContext }
        : o.units !== undefined && o.rg === 3
          ? { serviceContextId: SERVICE_CONTEXT.sms }
          : {}),
      ...(o.action !== undefined ? { requestedAction: ACTIONS[o.action] as RequestedAction } : {}),
      ...(requestType === "TERMINATION" ? { terminationCause: 1 } : {}),
    };
    const outcome = await client.send(ccr, "TERMINATE");
    if (outcome.kind === "failed")
      throw new CliError(ExitCode.aborted, `no answer from the OCS: ${outcome.reason}`);
    const a = outcome.answer;
    process.stdout.write(
      `${JSON.stringify(
        {
          resultCode: a.resultCode,
          result: resultCodeName(a.resultCode),
          sessionId: a.sessionId,
          requestType: a.requestType,
          requestNumber: a.requestNumber,
          originHost: a.originHost,
          mscc: a.mscc,
          ...(a.validityTime !== undefined ? { validityTime: a.validityTime } : {}),
          ...(a.cost !== undefined ? { cost: a.cost } : {}),
          ...(a.checkBalanceResult !== undefined ? { checkBalanceResult: a.checkBalanceResult } : {}),
          ...(a.ccFailureHandling !== undefined ? { ccFailureHandling: a.ccFailureHandling } : {}),
          ...(a.errorMessage !== undefined ? { errorMessage: a.errorMessage } : {}),
          ...(a.failedAvpCode !== undefined ? { failedAvpCode: a.failedAvpCode } : {}),
        },
        null,
        2,
      )}\n`,
    );
    if (a.resultCode < 2000 || a.resultCode >= 3000) process.exitCode = ExitCode.failed;
  } finally {
    await client.close();
  }
}
