/**
 * Decodes one framed Diameter message (RFC 6733 §3, §4). Never throws on bad input: it returns
 * the header (when 20 octets are there) and a DiameterProtocolError that says which Result-Code
 * and Failed-AVP the answer must carry.
 */
import { AVP_RESERVED_BITS, type Avp, AvpFlag } from "./avp.js";
import {
  type DecodeFailure,
  decodeAddress,
  decodeF32,
  decodeF64,
  decodeI32,
  decodeI64,
  decodeOctets,
  decodeTime,
  decodeU32,
  decodeU64,
  decodeUtf8,
  InvalidLength,
  InvalidValue,
} from "./data-types.js";
import type { Dictionary } from "./dictionary/dictionary.js";
import type { AvpDefinition } from "./dictionary/types.js";
import { DiameterProtocolError } from "./errors.js";
import {
  COMMAND_RESERVED_BITS,
  CommandFlag,
  DIAMETER_VERSION,
  type DiameterMessage,
  HEADER_LENGTH,
} from "./message.js";
import { ResultCode } from "./result-codes.js";

export interface MessageHeader {
  readonly version: number;
  readonly length: number;
  readonly flags: number;
  readonly commandCode: number;
  readonly applicationId: number;
  readonly hopByHop: number;
  readonly endToEnd: number;
}

export type DecodeResult =
  | { readonly ok: true; readonly message: DiameterMessage }
  | { readonly ok: false; readonly header: MessageHeader | undefined; readonly error: DiameterProtocolError };

/**
 * Deepest nesting of Grouped AVPs accepted. Gy needs about 5 levels; without a bound a 40 kB
 * message of nested groups overflows the stack (a RangeError, not a Result-Code).
 */
export const MAX_GROUPED_DEPTH = 32;

export interface DecodeOptions {
  /** Reject unknown AVPs that have the M bit (5001). Default true (RFC 6733 §4.1). */
  readonly rejectUnknownMandatory?: boolean;
}

export function decodeHeader(buf: Uint8Array): MessageHeader | undefined {
  if (buf.length < HEADER_LENGTH) return undefined;
  const b = toBuffer(buf);
  return {
    version: b[0] as number,
    length: b.readUIntBE(1, 3),
    flags: b[4] as number,
    commandCode: b.readUIntBE(5, 3),
    applicationId: b.readUInt32BE(8),
    hopByHop: b.readUInt32BE(12),
    endToEnd: b.readUInt32BE(16),
  };
}

function toBuffer(buf: Uint8Array): Buffer {
  return Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Thrown inside the AVP walk, turned into a DecodeResult at the top. */
class AvpFailure {
  constructor(readonly error: DiameterProtocolError) {}
}

export function decodeMessage(
  input: Uint8Array,
  dict: Dictionary,
  options: DecodeOptions = {},
): DecodeResult {
  const header = decodeHeader(input);
  if (header === undefined) {
    return fail(undefined, ResultCode.INVALID_MESSAGE_LENGTH, `message of ${input.length} octets`);
  }
  if (header.version !== DIAMETER_VERSION) {
    return fail(header, ResultCode.UNSUPPORTED_VERSION, `version ${header.version}`);
  }
  if (header.length !== input.length || header.length % 4 !== 0) {
    return fail(
      header,
      ResultCode.INVALID_MESSAGE_LENGTH,
      `length field ${header.length}, ${input.length} octets`,
    );
  }
  if ((header.flags & COMMAND_RESERVED_BITS) !== 0) {
    return fail(header, ResultCode.INVALID_HDR_BITS, "reserved command flag bits set");
  }
  if ((header.flags & CommandFlag.Request) !== 0 && (header.flags & CommandFlag.Error) !== 0) {
    return fail(header, ResultCode.INVALID_HDR_BITS, "E bit set in a request");
  }
  const walker = new AvpWalker(toBuffer(input), dict, options.rejectUnknownMandatory ?? true);
  try {
    const avps = walker.decodeAvps(HEADER_LENGTH, header.length, 0);
    return {
      ok: true,
      message: {
        version: header.version,
        flags: header.flags,
        commandCode: header.commandCode,
        applicationId: header.applicationId,
        hopByHop: header.hopByHop,
        endToEnd: header.endToEnd,
        avps,
      },
    };
  } catch (e) {
    if (e instanceof AvpFailure) return { ok: false, header, error: e.error };
    throw e;
  }
}

function fail(header: MessageHeader | undefined, resultCode: number, reason: string): DecodeResult {
  return { ok: false, header, error: new DiameterProtocolError(resultCode, reason) };
}

class AvpWalker {
  constructor(
    private readonly buf: Buffer,
    private readonly dict: Dictionary,
    private readonly rejectUnknownMandatory: boolean,
  ) {}

  decodeAvps(start: number, end: number, depth: number): Avp[] {
    const buf = this.buf;
    const avps: Avp[] = [];
    let offset = start;
    while (offset < end) {
      if (end - offset < 8) {
        throw this.failure(ResultCode.INVALID_AVP_LENGTH, `${end - offset} stray octets after the last AVP`);
      }
      const code = u32(buf, offset);
      const flags = buf[offset + 4] as number;
      const length = u24(buf, offset + 5);
      const hasVendor = (flags & AvpFlag.Vendor) !== 0;
      const headerLength = hasVendor ? 12 : 8;
      if (length < headerLength || offset + length > end) {
        const vendorId = hasVendor && end - offset >= 12 ? u32(buf, offset + 8) : 0;
        throw this.failure(
          ResultCode.INVALID_AVP_LENGTH,
          `AVP ${code} length ${length} does not fit`,
          rawAvp(code, vendorId, flags, new Uint8Array(0)),
        );
      }
      const vendorId = hasVendor ? u32(buf, offset + 8) : 0;
      const dataStart = offset + headerLength;
      const dataEnd = offset + length;
      if ((flags & AVP_RESERVED_BITS) !== 0) {
        throw this.failure(
          ResultCode.INVALID_AVP_BITS,
          `AVP ${code} has reserved flag bits set`,
          rawAvp(code, vendorId, flags, decodeOctets(buf, dataStart, dataEnd)),
        );
      }
      const def = this.dict.avp(code, vendorId);
      if (def === undefined) {
        const data = decodeOctets(buf, dataStart, dataEnd);
        if ((flags & AvpFlag.Mandatory) !== 0 && this.rejectUnknownMandatory) {
          throw this.failure(
            ResultCode.AVP_UNSUPPORTED,
            `unknown AVP ${code} (vendor ${vendorId}) with the M bit`,
            rawAvp(code, vendorId, flags, data),
          );
        }
        avps.push(rawAvp(code, vendorId, flags, data));
      } else {
        if ((flags & AvpFlag.Mandatory) !== 0 && def.mandatory === "mustnot") {
          throw this.failure(
            ResultCode.INVALID_AVP_BITS,
            `${def.name} must not have the M bit`,
            rawAvp(code, vendorId, flags, decodeOctets(buf, dataStart, dataEnd)),
          );
        }
        avps.push(this.decodeKnown(def, code, vendorId, flags, dataStart, dataEnd, depth));
      }
      // Each AVP is padded to 32 bits; the padding is not in its length (RFC 6733 §4.1).
      offset = Math.min(end, offset + ((length + 3) & ~3));
    }
    return avps;
  }

  private decodeKnown(
    def: AvpDefinition,
    code: number,
    vendorId: number,
    flags: number,
    start: number,
    end: number,
    depth: number,
  ): Avp {
    const buf = this.buf;
    switch (def.type) {
      case "Grouped":
        if (depth >= MAX_GROUPED_DEPTH) {
          throw this.failure(
            ResultCode.INVALID_AVP_VALUE,
            `${def.name} nested deeper than ${MAX_GROUPED_DEPTH} Grouped levels`,
            rawAvp(code, vendorId, flags, decodeOctets(buf, start, end)),
          );
        }
        return { code, vendorId, flags, type: "Grouped", value: this.decodeAvps(start, end, depth + 1) };
      case "Unsigned32":
        return this.checked(def, code, vendorId, flags, start, end, "Unsigned32", decodeU32(buf, start, end));
      case "Integer32":
        return this.checked(def, code, vendorId, flags, start, end, "Integer32", decodeI32(buf, start, end));
      case "Enumerated": {
        const v = decodeI32(buf, start, end);
        if (
          typeof v === "number" &&
          (flags & AvpFlag.Mandatory) !== 0 &&
          !this.dict.isKnownEnumValue(def, v)
        ) {
          // RFC 6733 §4.3.1: an unrecognised value of a mandatory Enumerated AVP is 5004.
          throw this.failure(
            ResultCode.INVALID_AVP_VALUE,
            `${def.name} value ${v} is not defined`,
            rawAvp(code, vendorId, flags, decodeOctets(buf, start, end)),
          );
        }
        return this.checked(def, code, vendorId, flags, start, end, "Enumerated", v);
      }
      case "Unsigned64":
        return this.checked64(
          def,
          code,
          vendorId,
          flags,
          start,
          end,
          "Unsigned64",
          decodeU64(buf, start, end),
        );
      case "Integer64":
        return this.checked64(
          def,
          code,
          vendorId,
          flags,
          start,
          end,
          "Integer64",
          decodeI64(buf, start, end),
        );
      case "Float32":
        return this.checked(def, code, vendorId, flags, start, end, "Float32", decodeF32(buf, start, end));
      case "Float64":
        return this.checked(def, code, vendorId, flags, start, end, "Float64", decodeF64(buf, start, end));
      case "OctetString":
        return { code, vendorId, flags, type: "OctetString", value: decodeOctets(buf, start, end) };
      case "UTF8String":
      case "DiameterIdentity":
      case "DiameterURI":
      case "IPFilterRule": {
        const v = decodeUtf8(buf, start, end);
        if (typeof v !== "string") throw this.valueFailure(def, code, vendorId, flags, start, end, v);
        return { code, vendorId, flags, type: def.type, value: v };
      }
      case "Time": {
        const v = decodeTime(buf, start, end);
        if (!(v instanceof Date)) throw this.valueFailure(def, code, vendorId, flags, start, end, v);
        return { code, vendorId, flags, type: "Time", value: v };
      }
      case "Address": {
        const v = decodeAddress(buf, start, end);
        if (v instanceof InvalidLength || v instanceof InvalidValue) {
          throw this.valueFailure(def, code, vendorId, flags, start, end, v);
        }
        return { code, vendorId, flags, type: "Address", value: v };
      }
    }
  }

  private checked(
    def: AvpDefinition,
    code: number,
    vendorId: number,
    flags: number,
    start: number,
    end: number,
    type: "Unsigned32" | "Integer32" | "Enumerated" | "Float32" | "Float64",
    v: number | DecodeFailure,
  ): Avp {
    if (typeof v !== "number") throw this.valueFailure(def, code, vendorId, flags, start, end, v);
    return { code, vendorId, flags, type, value: v };
  }

  private checked64(
    def: AvpDefinition,
    code: number,
    vendorId: number,
    flags: number,
    start: number,
    end: number,
    type: "Unsigned64" | "Integer64",
    v: number | bigint | DecodeFailure,
  ): Avp {
    if (typeof v !== "number" && typeof v !== "bigint") {
      throw this.valueFailure(def, code, vendorId, flags, start, end, v);
    }
    return { code, vendorId, flags, type, value: v };
  }

  private valueFailure(
    def: AvpDefinition,
    code: number,
    vendorId: number,
    flags: number,
    start: number,
    end: number,
    why: DecodeFailure,
  ): AvpFailure {
    const resultCode =
      why instanceof InvalidLength ? ResultCode.INVALID_AVP_LENGTH : ResultCode.INVALID_AVP_VALUE;
    return this.failure(
      resultCode,
      `${def.name}: ${why.reason}`,
      rawAvp(code, vendorId, flags, decodeOctets(this.buf, start, end)),
    );
  }

  private failure(resultCode: number, reason: string, failedAvp?: Avp): AvpFailure {
    return new AvpFailure(new DiameterProtocolError(resultCode, reason, failedAvp));
  }
}

/**
 * Big-endian reads for the AVP walk, whose offsets are already checked against the message end:
 * Buffer#readUInt32BE would check them again on every call (a measured hot spot).
 */
function u32(b: Buffer, o: number): number {
  return (
    (b[o] as number) * 0x1000000 +
    (((b[o + 1] as number) << 16) | ((b[o + 2] as number) << 8) | (b[o + 3] as number))
  );
}

function u24(b: Buffer, o: number): number {
  return ((b[o] as number) << 16) | ((b[o + 1] as number) << 8) | (b[o + 2] as number);
}

function rawAvp(code: number, vendorId: number, flags: number, data: Uint8Array): Avp {
  return { code, vendorId, flags, type: "Unknown", value: data };
}
