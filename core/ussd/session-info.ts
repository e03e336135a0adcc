/**
 * Session identification carried with USSD over SMPP.
 *
 * its_session_info (TLV 0x1383, 2 octets; SMPP 3.4 §5.3.2.43): octet 1 is the session number
 * (0-255); in octet 2, bits 7..1 are the sequence number of the dialogue unit and bit 0 is the
 * end-of-session indicator (1 = this unit ends the session). GSM gateways use it as a session id
 * plus an end flag; we number the units of a dialogue from 0 in both directions.
 *
 * user_message_reference (TLV 0x0204, 2 octets) is a 16-bit reference the gateway allocates per
 * dialogue and the application echoes (some vendors key the session on it alone).
 */
export interface SessionInfo {
  /** 0-255: identifies the dialogue among the MSISDN's dialogues. */
  readonly sessionNumber: number;
  /** 0-127: the dialogue unit's sequence number (wraps). */
  readonly sequence: number;
  readonly endOfSession: boolean;
}

export function encodeItsSessionInfo(info: SessionInfo): Buffer {
  const out = Buffer.alloc(2);
  out[0] = info.sessionNumber & 0xff;
  out[1] = ((info.sequence & 0x7f) << 1) | (info.endOfSession ? 1 : 0);
  return out;
}

/** Undefined unless exactly two octets. */
export function decodeItsSessionInfo(octets: Uint8Array): SessionInfo | undefined {
  if (octets.length !== 2) return undefined;
  const second = octets[1] as number;
  return { sessionNumber: octets[0] as number, sequence: second >> 1, endOfSession: (second & 1) === 1 };
}

/** Cyclic allocator of session numbers and user message references. */
export class SessionNumbers {
  private session = 0;
  private reference = 0;

  nextSessionNumber(): number {
    const n = this.session;
    this.session = (this.session + 1) & 0xff;
    return n;
  }

  nextUserMessageReference(): number {
    const n = this.reference;
    this.reference = (this.reference + 1) & 0xffff;
    return n;
  }
}
