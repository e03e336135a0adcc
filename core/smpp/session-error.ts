/**
 * Errors of SMPP sessions, clients and servers, with stable codes. Requests reject with these;
 * everything else is reported through the session's or server's "fault" event, never thrown
 * into the event loop.
 */
import { formatCommandStatus } from "./command-status.js";

export type SmppSessionErrorCode =
  | "TIMEOUT" // no response within the request's timeout
  | "CLOSED" // the session closed before the response came
  | "WINDOW_FULL" // the send window and its queue are full (or the policy refuses to queue)
  | "ENCODE" // the PDU could not be encoded
  | "UNEXPECTED_RESPONSE" // a response of another command carried the request's sequence number
  | "MALFORMED_RESPONSE" // the response to a request could not be decoded
  | "SOCKET" // the socket reported an error
  | "FRAMING" // the byte stream cannot be split into PDUs any more
  | "HANDLER" // an event listener threw
  | "ENQUIRE_LINK" // the peer did not answer a keep-alive enquire_link
  | "CONNECT" // connecting failed or timed out
  | "BIND" // the bind was refused
  | "LISTEN"; // the server could not listen

export class SmppSessionError extends Error {
  override readonly name = "SmppSessionError";
  constructor(
    readonly code: SmppSessionErrorCode,
    message: string,
    /** The command_status of a refused bind, when there is one. */
    readonly commandStatus?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A refused bind: code "BIND" and the peer's command_status. */
export function bindRefused(command: string, status: number): SmppSessionError {
  return new SmppSessionError("BIND", `${command} refused: ${formatCommandStatus(status)}`, status);
}
