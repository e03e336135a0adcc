/** Builds requests and answers (RFC 6733 §3, §6.2, §7.2). */
import type { Avp } from "./avp.js";
import { avp } from "./avp-build.js";
import type { DiameterProtocolError } from "./errors.js";
import { CommandFlag, DIAMETER_VERSION, type DiameterMessage } from "./message.js";
import { isProtocolError } from "./result-codes.js";

export interface RequestHeader {
  readonly commandCode: number;
  readonly applicationId: number;
  readonly hopByHop: number;
  readonly endToEnd: number;
  readonly proxiable?: boolean;
  readonly retransmit?: boolean;
}

export function makeRequest(h: RequestHeader, avps: readonly Avp[]): DiameterMessage {
  return {
    version: DIAMETER_VERSION,
    flags:
      CommandFlag.Request |
      (h.proxiable === true ? CommandFlag.Proxiable : 0) |
      (h.retransmit === true ? CommandFlag.Retransmit : 0),
    commandCode: h.commandCode,
    applicationId: h.applicationId,
    hopByHop: h.hopByHop >>> 0,
    endToEnd: h.endToEnd >>> 0,
    avps,
  };
}

/** The header fields an answer copies from its request. */
export interface AnsweredHeader {
  readonly flags: number;
  readonly commandCode: number;
  readonly applicationId: number;
  readonly hopByHop: number;
  readonly endToEnd: number;
}

/** An answer to `request`: same command, application, hop-by-hop and end-to-end ids; P copied, T never set. */
export function makeAnswer(request: AnsweredHeader, avps: readonly Avp[], error = false): DiameterMessage {
  return {
    version: DIAMETER_VERSION,
    flags: (request.flags & CommandFlag.Proxiable) | (error ? CommandFlag.Error : 0),
    commandCode: request.commandCode,
    applicationId: request.applicationId,
    hopByHop: request.hopByHop,
    endToEnd: request.endToEnd,
    avps,
  };
}

export interface LocalIdentity {
  readonly originHost: string;
  readonly originRealm: string;
}

/**
 * The answer to a request that failed with a protocol error (RFC 6733 §7.2): Session-Id when
 * known, Origin-Host, Origin-Realm, Result-Code, Error-Message, Failed-AVP. The E bit is set
 * for 3xxx codes only; other failures use the command's normal answer layout.
 */
export function makeErrorAnswer(
  request: AnsweredHeader,
  error: DiameterProtocolError,
  self: LocalIdentity,
  sessionId?: string,
): DiameterMessage {
  const avps: Avp[] = [];
  if (sessionId !== undefined) avps.push(avp("Session-Id", sessionId));
  avps.push(avp("Origin-Host", self.originHost), avp("Origin-Realm", self.originRealm));
  avps.push(avp("Result-Code", error.resultCode));
  avps.push(avp("Error-Message", error.message.slice(0, 200)));
  if (error.failedAvp !== undefined) avps.push(avp("Failed-AVP", [error.failedAvp]));
  return makeAnswer(request, avps, isProtocolError(error.resultCode));
}

/**
 * Finds a top-level Session-Id in raw message bytes without a full decode, so even an answer
 * to an undecodable request can carry it. Returns undefined when it cannot be found safely.
 */
export function peekSessionId(buf: Uint8Array): string | undefined {
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 28) return undefined;
  const end = Math.min(b.length, b.readUIntBE(1, 3));
  let offset = 20;
  while (offset + 8 <= end) {
    const code = b.readUInt32BE(offset);
    const flags = b[offset + 4] as number;
    const length = b.readUIntBE(offset + 5, 3);
    const headerLength = (flags & 0x80) !== 0 ? 12 : 8;
    if (length < headerLength || offset + length > end) return undefined;
    if (code === 263 && headerLength === 8) {
      const text = b.toString("utf8", offset + 8, offset + length);
      return text.includes("\uFFFD") ? undefined : text;
    }
    offset += (length + 3) & ~3;
  }
  return undefined;
}
