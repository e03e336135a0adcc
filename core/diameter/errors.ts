/**
 * Every error the Diameter stack raises, in one place with stable codes. Protocol errors carry
 * the RFC 6733 Result-Code and the Failed-AVP content the answer must hold (§7.5); transport
 * errors say why a request got no answer.
 */
import type { Avp } from "./avp.js";
import { resultCodeName } from "./result-codes.js";

export type DiameterErrorCode =
  | "DIAMETER_PROTOCOL" // a message breaks the protocol: answer with resultCode (+ Failed-AVP)
  | "DIAMETER_FRAMING_LOST" // the byte stream cannot be split into messages any more: close the peer
  | "DIAMETER_TIMEOUT" // no answer within the request timeout
  | "DIAMETER_PEER_CLOSED" // the connection closed with the request outstanding
  | "DIAMETER_NOT_CONNECTED" // no open peer to send the request to
  | "DIAMETER_CONNECT_FAILED"; // the TCP connection or the capabilities exchange failed

export class DiameterError extends Error {
  override readonly name: string = "DiameterError";
  constructor(
    readonly code: DiameterErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A message that must be answered with an error Result-Code (RFC 6733 §7). */
export class DiameterProtocolError extends DiameterError {
  override readonly name = "DiameterProtocolError";
  constructor(
    readonly resultCode: number,
    message: string,
    /** What goes into Failed-AVP (an offending AVP, or an example of a missing one). */
    readonly failedAvp?: Avp,
  ) {
    super("DIAMETER_PROTOCOL", `${resultCodeName(resultCode)} (${resultCode}): ${message}`);
  }
}

export class DiameterFramingError extends DiameterError {
  override readonly name = "DiameterFramingError";
  constructor(message: string) {
    super("DIAMETER_FRAMING_LOST", message);
  }
}
