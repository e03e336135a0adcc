/** A Diameter message (RFC 6733 §3): header fields plus the AVPs in order. */
import type { Avp } from "./avp.js";

export const CommandFlag = { Request: 0x80, Proxiable: 0x40, Error: 0x20, Retransmit: 0x10 } as const;
/** Bits 3..0 of the command flags are reserved (RFC 6733 §3). */
export const COMMAND_RESERVED_BITS = 0x0f;
export const HEADER_LENGTH = 20;
export const DIAMETER_VERSION = 1;
/** Largest message we accept: the 24-bit length field allows 16 MiB. */
export const MAX_MESSAGE_LENGTH = 0xffffff;

export interface DiameterMessage {
  readonly version: number;
  readonly flags: number;
  readonly commandCode: number;
  readonly applicationId: number;
  readonly hopByHop: number;
  readonly endToEnd: number;
  readonly avps: readonly Avp[];
}

export const isRequest = (m: { flags: number }): boolean => (m.flags & CommandFlag.Request) !== 0;
export const isRetransmit = (m: { flags: number }): boolean => (m.flags & CommandFlag.Retransmit) !== 0;
export const isError = (m: { flags: number }): boolean => (m.flags & CommandFlag.Error) !== 0;
