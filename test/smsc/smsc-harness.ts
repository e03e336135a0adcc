/**
 * A live SMSC on 127.0.0.1 (free port) and ESMEs that bind to it with the project's own SMPP
 * client. An ESME collects every deliver_sm it gets (receipts and MO) and answers each with the
 * status its `answer` function gives (default ESME_ROK).
 */
import { VirtualClock } from "../../core/clock/virtual-clock.js";
import { MemoryLogger } from "../../core/diameter/logger.js";
import type { BindMode, DeliverSm, OutboundPdu } from "../../core/smpp/pdu-types.js";
import { bindSmpp, connectSmpp } from "../../core/smpp/smpp-client.js";
import type { SmppSession } from "../../core/smpp/smpp-session.js";
import { type SmscConfigInput, esmeAccount, smscConfig } from "../../core/smsc/smsc-config.js";
import { Smsc, type SmscOptions } from "../../core/smsc/smsc.js";
import { SeededRandom } from "../../sim/random.js";

export const T0 = Date.UTC(2026, 10, 22, 9, 30, 0);

export interface Harness {
  smsc: Smsc;
  port: number;
  clock: VirtualClock;
  logger: MemoryLogger;
  close(): Promise<void>;
}

/** Accounts every test can bind with, besides the demo one. */
export const ACCOUNTS = [
  esmeAccount({ systemId: "demo", password: "demopass" }),
  esmeAccount({ systemId: "acme", password: "acmepw", maxBinds: 2 }),
  esmeAccount({ systemId: "decimal", password: "decpw", messageIdFormat: "decimal" }),
  esmeAccount({ systemId: "txonly", password: "txpw", bindModes: ["transmitter"] }),
];

export async function startSmsc(
  config: SmscConfigInput = {},
  options: Omit<SmscOptions, "config" | "clock" | "logger"> = {},
  clock: VirtualClock = new VirtualClock(T0),
): Promise<Harness> {
  const logger = new MemoryLogger();
  const smsc = new Smsc({
    config: smscConfig({ accounts: ACCOUNTS, ...config }),
    clock,
    logger,
    rng: SeededRandom.from("smsc-test"),
    ...options,
  });
  const { port } = await smsc.listen({ port: 0 });
  return { smsc, port, clock, logger, close: () => smsc.close() };
}

export interface Esme {
  session: SmppSession;
  delivered: DeliverSm[];
  /** The status to answer a deliver_sm with; undefined = do not answer. */
  answer: (pdu: DeliverSm) => number | undefined;
  close(): Promise<void>;
}

export async function bindEsme(
  port: number,
  options: { mode?: BindMode; system_id?: string; password?: string; window?: number } = {},
): Promise<Esme> {
  // listen before binding: a deliver_sm may follow the bind_resp in the same read
  const session = await connectSmpp({ port, window: options.window ?? 10, requestTimeoutMs: 5000 });
  const esme: Esme = {
    session,
    delivered: [],
    answer: () => 0,
    close: async () => {
      await session.close();
    },
  };
  session.on("request", (pdu) => {
    if (pdu.command !== "deliver_sm") return;
    esme.delivered.push(pdu);
    const status = esme.answer(pdu);
    if (status !== undefined) session.respond(pdu, { command_status: status });
  });
  try {
    await bindSmpp(session, {
      mode: options.mode ?? "transceiver",
      system_id: options.system_id ?? "demo",
      password: options.password ?? "demopass",
    });
  } catch (e) {
    await session.close();
    throw e;
  }
  return esme;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls (real time) until `check` holds; throws with `what` after `timeoutMs`. */
export async function until(check: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** Lets the sockets carry what is in flight (no new timers fire on a virtual clock meanwhile). */
export function settle(ms = 30): Promise<void> {
  return sleep(ms);
}

export function submitSm(fields: Partial<OutboundPdu<"submit_sm">> = {}): OutboundPdu<"submit_sm"> {
  return {
    command: "submit_sm",
    source_addr_ton: 5,
    source_addr_npi: 0,
    source_addr: "ACME",
    dest_addr_ton: 1,
    dest_addr_npi: 1,
    destination_addr: "375291234567",
    data_coding: 0,
    short_message: Buffer.from("Hello from telsim"),
    ...fields,
  };
}

/** The text of a receipt deliver_sm. */
export function receiptTextOf(pdu: DeliverSm): string {
  return pdu.short_message.toString("latin1");
}
