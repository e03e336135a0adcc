/**
 * The ESME side: connect to an SMSC over TCP and bind (SMPP 3.4 §4.1). Loopback by default.
 */
import { connect as netConnect } from "node:net";
import { realClock } from "../clock/clock.js";
import { CommandStatus } from "./command-status.js";
import type {
  BindMode,
  BindReceiverResp,
  BindTransceiverResp,
  BindTransmitterResp,
  GenericNack,
} from "./pdu-types.js";
import { SmppSessionError, bindRefused } from "./session-error.js";
import { SmppSession, type SmppSessionOptions } from "./smpp-session.js";

export interface ConnectOptions extends SmppSessionOptions {
  /** Default 127.0.0.1. */
  host?: string;
  port: number;
  /** Default 10 000 ms, on the session clock. */
  connectTimeoutMs?: number;
}

/** Opens a TCP connection and wraps it in a session. Rejects with SmppSessionError CONNECT. */
export function connectSmpp(options: ConnectOptions): Promise<SmppSession> {
  const host = options.host ?? "127.0.0.1";
  const clock = options.clock ?? realClock;
  const timeoutMs = options.connectTimeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port: options.port });
    const timer = clock.setTimer(timeoutMs, () => {
      socket.destroy();
      reject(
        new SmppSessionError(
          "CONNECT",
          `connecting to ${host}:${options.port} timed out after ${timeoutMs} ms`,
        ),
      );
    });
    const onError = (err: Error): void => {
      timer.cancel();
      socket.destroy();
      reject(
        new SmppSessionError(
          "CONNECT",
          `cannot connect to ${host}:${options.port}: ${err.message}`,
          undefined,
          { cause: err },
        ),
      );
    };
    socket.once("error", onError);
    socket.once("connect", () => {
      timer.cancel();
      socket.off("error", onError);
      resolve(new SmppSession(socket, { label: `${host}:${options.port}`, ...options }));
    });
  });
}

export interface BindOptions {
  mode: BindMode;
  system_id: string;
  password: string;
  system_type?: string;
  /** Default 0x34 (SMPP 3.4). */
  interface_version?: number;
  addr_ton?: number;
  addr_npi?: number;
  address_range?: string;
  timeoutMs?: number;
}

export type BindResponse = BindTransmitterResp | BindReceiverResp | BindTransceiverResp;

/**
 * Binds an open session. Resolves with the bind response; rejects with SmppSessionError BIND
 * (carrying the command_status, e.g. ESME_RINVPASWD) when refused, or the request's own errors.
 */
export async function bindSmpp(session: SmppSession, options: BindOptions): Promise<BindResponse> {
  const { mode, timeoutMs, ...fields } = options;
  const request = { interface_version: 0x34, ...fields };
  const response: BindResponse | GenericNack =
    mode === "transmitter"
      ? await session.request({ command: "bind_transmitter", ...request }, timeoutOption(timeoutMs))
      : mode === "receiver"
        ? await session.request({ command: "bind_receiver", ...request }, timeoutOption(timeoutMs))
        : await session.request({ command: "bind_transceiver", ...request }, timeoutOption(timeoutMs));
  if (response.command === "generic_nack" || response.command_status !== CommandStatus.ESME_ROK)
    throw bindRefused(`bind_${mode}`, response.command_status);
  return response;
}

function timeoutOption(timeoutMs: number | undefined): { timeoutMs?: number } {
  return timeoutMs === undefined ? {} : { timeoutMs };
}

/** Connects and binds; the connection is closed again when the bind fails. */
export async function connectAndBind(
  options: ConnectOptions & BindOptions,
): Promise<{ session: SmppSession; response: BindResponse }> {
  const {
    mode,
    system_id,
    password,
    system_type,
    interface_version,
    addr_ton,
    addr_npi,
    address_range,
    timeoutMs,
    ...rest
  } = options;
  const session = await connectSmpp(rest);
  const bind: BindOptions = { mode, system_id, password };
  if (system_type !== undefined) bind.system_type = system_type;
  if (interface_version !== undefined) bind.interface_version = interface_version;
  if (addr_ton !== undefined) bind.addr_ton = addr_ton;
  if (addr_npi !== undefined) bind.addr_npi = addr_npi;
  if (address_range !== undefined) bind.address_range = address_range;
  if (timeoutMs !== undefined) bind.timeoutMs = timeoutMs;
  try {
    return { session, response: await bindSmpp(session, bind) };
  } catch (e) {
    session.destroy("bind failed");
    await session.whenClosed();
    throw e;
  }
}
