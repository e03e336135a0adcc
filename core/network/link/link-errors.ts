/**
 * The link's errors, with stable codes. Decoding never throws for bad input: a bad frame becomes
 * a `LinkDecodeFailure` value that the receiver answers with an error frame. `LinkError` is thrown
 * only for programming and set-up mistakes (the schema cannot be loaded, a frame cannot be encoded).
 */
import type { LinkErrorCode } from "./link-messages.js";

export type LinkFaultCode =
  | "LINK_SCHEMA" // proto/link.proto cannot be found or loaded
  | "LINK_ENCODE" // a frame with a value the schema cannot carry
  | "LINK_CLOSED" // the connection is closed
  | "LINK_CONNECT"; // a WebSocket connection could not be opened

export class LinkError extends Error {
  override readonly name = "LinkError";
  constructor(
    readonly code: LinkFaultCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A frame that could not be taken; `handset` and `correlation` when they could be read. */
export interface LinkDecodeFailure {
  readonly kind: "decode-failure";
  readonly code: LinkErrorCode;
  readonly message: string;
  readonly handset: number;
  readonly correlation: number;
}

export function decodeFailure(
  code: LinkErrorCode,
  message: string,
  handset = 0,
  correlation = 0,
): LinkDecodeFailure {
  return { kind: "decode-failure", code, message, handset, correlation };
}
