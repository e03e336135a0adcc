/**
 * `telsim subscriber add|show|topup --api URL ...`: the admin HTTP API of a running `telsim core`
 * from the command line; prints the JSON answer on stdout. Exit codes: 0 done; 2 bad options or
 * the API refused the request (4xx; its message, naming the field, on stderr); 3 the API is
 * unreachable, did not answer in time, or failed (5xx).
 *
 * The core issues the SIM of a new subscriber (K, OPc, PINs: core/admin/sim-profile.ts); `add
 * --card-out FILE` also writes that SIM as a card file, the card `telsim handset --sim FILE
 * --core URL` attaches with. `import --sims FILE` goes the other way: one subscriber per card of
 * a batch (`telsim sim generate`), keeping the cards' keys, for `telsim farm --sims FILE`.
 */
import { type Command, InvalidArgumentError, Option } from "commander";
import type { IssuedSim } from "../core/admin/sim-profile.js";
import { MoneyFormatError, parseMoney } from "../core/charging/money.js";
import { PIN_MAX_TRIES, PUK_MAX_TRIES, type SimCard, SQN_SLOTS } from "../sim/card.js";
import { saveCardFile, validateCard } from "../sim/card-file.js";
import { SimInputError } from "../sim/errors.js";
import { validateImsi } from "../sim/imsi.js";
import { normaliseMsisdn } from "../sim/msisdn.js";
import { simsFromFile } from "../handsets/farm/farm-sims.js";
import type { CompactCardStore } from "../sim/compact-card-store.js";
import { CliError, ExitCode } from "./cli-error.js";

export const DEFAULT_API = "http://127.0.0.1:8080";
const TIMEOUT_MS = 15_000;

interface ApiFlags {
  api: string;
}

interface AddFlags extends ApiFlags {
  msisdn: string;
  imsi: string;
  plan: string;
  balance: string;
  creditLimit?: string;
  favorite: string[];
  cug?: string;
  allowArchived?: boolean;
  cardOut?: string;
}

interface ImportFlags extends ApiFlags {
  sims: string;
  plan: string;
  balance: string;
  creditLimit?: string;
  allowArchived?: boolean;
  concurrency: number;
}

interface ShowFlags extends ApiFlags {
  msisdn: string;
}

interface TopUpFlags extends ApiFlags {
  msisdn: string;
  amount?: string;
  card?: string;
}

function apiOption(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`--api must be a URL like ${DEFAULT_API}, got "${value}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InvalidArgumentError(`--api must be an http:// or https:// URL, got "${value}"`);
  }
  return url.href.replace(/\/+$/, "");
}

/** Checks a value with a validator that names its field, naming the option instead. */
function checked(option: string, check: (value: string, field: string) => unknown) {
  return (value: string): string => {
    try {
      check(value, option);
    } catch (e) {
      if (e instanceof SimInputError || e instanceof MoneyFormatError)
        throw new InvalidArgumentError(e.message);
      throw e;
    }
    return value;
  };
}

const msisdnOption = (option: string) => checked(option, (v, f) => normaliseMsisdn(v, f));
const imsiOption = checked("--imsi", (v, f) => validateImsi(v, undefined, f));
const moneyOption = (option: string) => checked(option, (v, f) => parseMoney(v, f));

function favoriteOption(value: string, previous: string[]): string[] {
  return [...previous, msisdnOption("--favorite")(value)];
}

export function registerSubscriberCommand(program: Command): void {
  const subscriber = program
    .command("subscriber")
    .description("subscribers of a running `telsim core`, through its admin HTTP API");
  const api = (): Option =>
    new Option("--api <url>", "admin API of the core").default(DEFAULT_API).argParser(apiOption);

  subscriber
    .command("add")
    .description("create a subscriber (and its SIM); prints the subscriber and the SIM profile")
    .addOption(api())
    .requiredOption("--msisdn <number>", "MSISDN, 375XXXXXXXXX or +375XXXXXXXXX", msisdnOption("--msisdn"))
    .requiredOption("--imsi <digits>", "IMSI, 6-15 digits", imsiOption)
    .requiredOption("--plan <id>", "tariff plan id from the catalog")
    .requiredOption("--balance <amount>", 'opening balance, like "10.00"', moneyOption("--balance"))
    .option("--credit-limit <amount>", "credit limit instead of the plan's", moneyOption("--credit-limit"))
    .option("--favorite <number>", "a favorite number (repeat for several)", favoriteOption, [])
    .option("--cug <id>", "closed user group")
    .option("--allow-archived", "allow an archived plan (migrating an existing subscriber)")
    .option("--card-out <file>", "also write the issued SIM as a card file (for telsim handset --sim)")
    .action(async (f: AddFlags) => {
      const added = await call(f.api, "POST", "/api/subscribers", {
        msisdn: f.msisdn,
        imsi: f.imsi,
        plan: f.plan,
        balance: f.balance,
        ...(f.creditLimit !== undefined ? { creditLimit: f.creditLimit } : {}),
        ...(f.favorite.length > 0 ? { favorites: f.favorite } : {}),
        ...(f.cug !== undefined ? { cugId: f.cug } : {}),
        ...(f.allowArchived === true ? { allowArchived: true } : {}),
      });
      if (f.cardOut !== undefined) await writeIssuedCard(f.cardOut, added);
    });

  subscriber
    .command("import")
    .description("create a subscriber for every SIM of a batch file, with the card's own keys")
    .addOption(api())
    .requiredOption("--sims <file>", "SIM batch file from telsim sim generate (CSV or JSON)")
    .requiredOption("--plan <id>", "tariff plan id from the catalog")
    .requiredOption("--balance <amount>", 'opening balance of each, like "10.00"', moneyOption("--balance"))
    .option("--credit-limit <amount>", "credit limit instead of the plan's", moneyOption("--credit-limit"))
    .option("--allow-archived", "allow an archived plan")
    .addOption(new Option("--concurrency <n>", "requests in flight").default(16).argParser(concurrencyOption))
    .action((f: ImportFlags) => importSims(f));

  subscriber
    .command("show")
    .description("show a subscriber: balance, buckets, live sessions")
    .addOption(api())
    .requiredOption("--msisdn <number>", "MSISDN", msisdnOption("--msisdn"))
    .action(async (f: ShowFlags) => {
      await call(f.api, "GET", `/api/subscribers/${encodeURIComponent(f.msisdn)}`);
    });

  subscriber
    .command("topup")
    .description("top a subscriber up by an amount or with an express card")
    .addOption(api())
    .requiredOption("--msisdn <number>", "MSISDN", msisdnOption("--msisdn"))
    .addOption(
      new Option("--amount <amount>", 'amount, like "5.00"')
        .argParser(moneyOption("--amount"))
        .conflicts("card"),
    )
    .option("--card <code>", "express card code (14 digits)")
    .action(async (f: TopUpFlags) => {
      if (f.amount === undefined && f.card === undefined) {
        throw new CliError(ExitCode.invalidInput, "give --amount or --card");
      }
      await call(
        f.api,
        "POST",
        `/api/subscribers/${encodeURIComponent(f.msisdn)}/topup`,
        f.amount !== undefined ? { amount: f.amount } : { card: f.card },
      );
    });
}

interface ApiError {
  error?: { code?: string; field?: string | null; message?: string };
}

/** Writes the `sim` of an added subscriber as a card file: PIN1 enabled, counters full, SQNs 0. */
async function writeIssuedCard(path: string, added: unknown): Promise<void> {
  const sim = (added as { sim?: Partial<IssuedSim> }).sim ?? {};
  let card: SimCard;
  try {
    card = validateCard({
      iccid: sim.iccid,
      imsi: sim.imsi,
      // The core's IMSIs are MCC + 2-digit MNC (257 01), as its ICCIDs assume (sim-profile.ts).
      mncLength: 2,
      msisdn: sim.msisdn,
      k: sim.k,
      opc: sim.opc,
      pin1: { value: sim.pin1, enabled: true, triesLeft: PIN_MAX_TRIES, verified: false },
      pin2: { value: sim.pin2, enabled: true, triesLeft: PIN_MAX_TRIES, verified: false },
      puk1: { value: sim.puk1, triesLeft: PUK_MAX_TRIES },
      puk2: { value: sim.puk2, triesLeft: PUK_MAX_TRIES },
      sqn: new Array<number>(SQN_SLOTS).fill(0),
    });
  } catch (e) {
    if (!(e instanceof SimInputError)) throw e;
    throw new CliError(ExitCode.aborted, `the subscriber was added, but its SIM is not a card: ${e.message}`);
  }
  try {
    await saveCardFile(path, card);
  } catch (e) {
    throw new CliError(
      ExitCode.aborted,
      `the subscriber was added, but --card-out ${path} cannot be written (${e instanceof Error ? e.message : String(e)})`,
    );
  }
}

/** Calls the API, prints its JSON answer and returns it. */
function concurrencyOption(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 256) {
    throw new InvalidArgumentError(`--concurrency must be 1-256, got "${value}"`);
  }
  return n;
}

/**
 * One POST /api/subscribers per card, `concurrency` at a time, each with the card's MSISDN, IMSI,
 * ICCID, K, OPc and PUK1; prints a JSON summary. A refused card (4xx) is listed and the others go
 * on (exit 2 at the end); an unreachable API stops the import (exit 3).
 */
async function importSims(f: ImportFlags): Promise<void> {
  let cards: CompactCardStore;
  try {
    cards = await simsFromFile(f.sims);
  } catch (e) {
    throw new CliError(
      ExitCode.invalidInput,
      `--sims ${f.sims}: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const refused: { msisdn: string; error: string }[] = [];
  let created = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < cards.size) {
      const card = cards.get(next++);
      try {
        await call(
          f.api,
          "POST",
          "/api/subscribers",
          {
            msisdn: card.msisdn,
            imsi: card.imsi,
            plan: f.plan,
            balance: f.balance,
            ...(f.creditLimit !== undefined ? { creditLimit: f.creditLimit } : {}),
            ...(f.allowArchived === true ? { allowArchived: true } : {}),
            sim: { iccid: card.iccid, k: card.k, opc: card.opc, puk1: card.puk1.value },
          },
          false,
        );
        created++;
      } catch (e) {
        if (!(e instanceof CliError) || e.exitCode !== ExitCode.invalidInput) throw e;
        refused.push({ msisdn: card.msisdn, error: e.message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(f.concurrency, Math.max(1, cards.size)) }, worker));
  const summary = { cards: cards.size, created, refused: refused.length, errors: refused.slice(0, 20) };
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  if (refused.length > 0) {
    throw new CliError(
      ExitCode.invalidInput,
      `${refused.length} of ${cards.size} cards refused (first: ${refused[0]?.msisdn}: ${refused[0]?.error})`,
    );
  }
}

async function call(
  api: string,
  method: string,
  path: string,
  body?: unknown,
  print = true,
): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(`${api}${path}`, {
      method,
      signal: AbortSignal.timeout(TIMEOUT_MS),
      ...(body !== undefined
        ? { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }
        : {}),
    });
  } catch (e) {
    const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : "";
    throw new CliError(
      ExitCode.aborted,
      `the admin API at ${api} is unreachable (${e instanceof Error ? e.message : String(e)}${cause})`,
    );
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliError(ExitCode.aborted, `${api}${path} answered ${response.status} without JSON`);
  }
  if (!response.ok) {
    const error = (json as ApiError).error;
    const where = error?.field ? ` (field ${error.field})` : "";
    const message = `${response.status} ${error?.code ?? "ERROR"}${where}: ${error?.message ?? text.trim()}`;
    throw new CliError(response.status < 500 ? ExitCode.invalidInput : ExitCode.aborted, message);
  }
  if (print) process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  return json;
}
