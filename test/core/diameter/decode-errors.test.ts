import { describe, expect, it } from "vitest";
import type { Avp } from "../../../core/diameter/avp.js";
import { avp } from "../../../core/diameter/avp-build.js";
import { decodeMessage } from "../../../core/diameter/decoder.js";
import { gyDictionary } from "../../../core/diameter/dictionary/dictionary.js";
import { encodeAvp, encodeMessage } from "../../../core/diameter/encoder.js";
import { DiameterProtocolError } from "../../../core/diameter/errors.js";
import type { DiameterMessage } from "../../../core/diameter/message.js";
import { makeErrorAnswer, peekSessionId } from "../../../core/diameter/message-build.js";
import { ResultCode } from "../../../core/diameter/result-codes.js";
import { validateMessage } from "../../../core/diameter/validate.js";
import { ccrUpdate, SESSION } from "./fixtures.js";

function decodeError(bytes: Buffer): DiameterProtocolError {
  const r = decodeMessage(bytes, gyDictionary);
  if (r.ok) throw new Error("expected a decode error");
  return r.error;
}

function withAvps(avps: readonly Avp[]): DiameterMessage {
  return { ...ccrUpdate, avps };
}

/** The CCR-U bytes with `extra` appended as raw AVP bytes (length fixed up). */
function withRawAvp(extra: Buffer): Buffer {
  const base = encodeMessage(ccrUpdate);
  const out = Buffer.concat([base, extra]);
  out.writeUIntBE(out.length, 1, 3);
  return out;
}

describe("decode errors map to RFC 6733 Result-Codes with Failed-AVP", () => {
  it("5001 AVP_UNSUPPORTED for an unknown AVP with the M bit, Failed-AVP = that AVP", () => {
    const unknown: Avp = {
      code: 77777,
      vendorId: 0,
      flags: 0x40,
      type: "Unknown",
      value: Uint8Array.of(1, 2, 3, 4),
    };
    const err = decodeError(withRawAvp(encodeAvp(unknown)));
    expect(err.resultCode).toBe(ResultCode.AVP_UNSUPPORTED);
    expect(err.failedAvp).toEqual(unknown);
  });

  it("accepts the same unknown AVP without the M bit", () => {
    const unknown: Avp = {
      code: 77777,
      vendorId: 0,
      flags: 0,
      type: "Unknown",
      value: Uint8Array.of(1, 2, 3, 4),
    };
    expect(decodeMessage(withRawAvp(encodeAvp(unknown)), gyDictionary).ok).toBe(true);
  });

  it("5004 INVALID_AVP_VALUE for an undefined value of a mandatory Enumerated AVP", () => {
    const raw = encodeAvp(avp("CC-Request-Type", 2));
    raw.writeUInt32BE(99, 8);
    const err = decodeError(withRawAvp(raw));
    expect(err.resultCode).toBe(ResultCode.INVALID_AVP_VALUE);
    expect(err.failedAvp?.code).toBe(416);
  });

  it("5004 for a UTF8String that is not UTF-8", () => {
    const raw = encodeAvp(avp("Subscription-Id-Data", "ab"));
    raw[8] = 0xff;
    const err = decodeError(withRawAvp(raw));
    expect(err.resultCode).toBe(ResultCode.INVALID_AVP_VALUE);
  });

  it("5014 INVALID_AVP_LENGTH for an Unsigned32 of 3 octets and for an AVP running past the message", () => {
    const short = Buffer.from("000001b04000000b00000100", "hex"); // Rating-Group, length 11
    expect(decodeError(withRawAvp(short)).resultCode).toBe(ResultCode.INVALID_AVP_LENGTH);
    const overrun = Buffer.from("000001c040000040000000ff", "hex"); // Validity-Time claiming 64 octets
    const err = decodeError(withRawAvp(overrun));
    expect(err.resultCode).toBe(ResultCode.INVALID_AVP_LENGTH);
    expect(err.failedAvp?.code).toBe(448);
  });

  it("3009 INVALID_AVP_BITS for reserved AVP flag bits and for M on an AVP that must not have it", () => {
    const reserved = encodeAvp(avp("Rating-Group", 1));
    reserved[4] = 0x41;
    expect(decodeError(withRawAvp(reserved)).resultCode).toBe(ResultCode.INVALID_AVP_BITS);
    const productName = encodeAvp(avp("Product-Name", "x"));
    productName[4] = 0x40;
    expect(decodeError(withRawAvp(productName)).resultCode).toBe(ResultCode.INVALID_AVP_BITS);
  });

  it("3008 INVALID_HDR_BITS for reserved command flags and for E in a request", () => {
    const bytes = encodeMessage(ccrUpdate);
    bytes[4] = 0xc1;
    expect(decodeError(bytes).resultCode).toBe(ResultCode.INVALID_HDR_BITS);
    bytes[4] = 0xe0;
    expect(decodeError(bytes).resultCode).toBe(ResultCode.INVALID_HDR_BITS);
  });

  it("5011 UNSUPPORTED_VERSION and 5015 INVALID_MESSAGE_LENGTH", () => {
    const bytes = encodeMessage(ccrUpdate);
    bytes[0] = 2;
    expect(decodeError(bytes).resultCode).toBe(ResultCode.UNSUPPORTED_VERSION);
    expect(decodeError(encodeMessage(ccrUpdate).subarray(0, 40)).resultCode).toBe(
      ResultCode.INVALID_MESSAGE_LENGTH,
    );
    expect(decodeMessage(Buffer.alloc(7), gyDictionary).ok).toBe(false);
  });

  it("errors inside grouped AVPs are found too", () => {
    const bad: Avp = { code: 77777, vendorId: 0, flags: 0x40, type: "Unknown", value: Uint8Array.of(0) };
    const m = withAvps([
      ...ccrUpdate.avps,
      avp("Multiple-Services-Credit-Control", [avp("Rating-Group", 1), bad]),
    ]);
    expect(decodeError(encodeMessage(m)).resultCode).toBe(ResultCode.AVP_UNSUPPORTED);
  });
});

describe("command ABNF checks", () => {
  it("accepts every valid fixture", () => {
    expect(validateMessage(ccrUpdate, gyDictionary)).toBeUndefined();
  });

  it("5005 MISSING_AVP with an example of the missing AVP in Failed-AVP", () => {
    const err = validateMessage(withAvps(ccrUpdate.avps.filter((a) => a.code !== 415)), gyDictionary);
    expect(err?.resultCode).toBe(ResultCode.MISSING_AVP);
    expect(err?.failedAvp?.code).toBe(415);
    expect(err?.failedAvp?.value).toEqual(new Uint8Array(4));
  });

  it("5009 AVP_OCCURS_TOO_MANY_TIMES with the second occurrence in Failed-AVP", () => {
    const err = validateMessage(withAvps([...ccrUpdate.avps, avp("CC-Request-Number", 9)]), gyDictionary);
    expect(err?.resultCode).toBe(ResultCode.AVP_OCCURS_TOO_MANY_TIMES);
    expect(err?.failedAvp?.value).toBe(9);
  });

  it("5009 inside a grouped AVP (two Rating-Groups in one MSCC)", () => {
    const m = withAvps([
      ...ccrUpdate.avps,
      avp("Multiple-Services-Credit-Control", [avp("Rating-Group", 1), avp("Rating-Group", 2)]),
    ]);
    expect(validateMessage(m, gyDictionary)?.resultCode).toBe(ResultCode.AVP_OCCURS_TOO_MANY_TIMES);
  });

  it("5008 AVP_NOT_ALLOWED for a known AVP in a grouped AVP whose ABNF has no *[AVP]", () => {
    const m = withAvps([
      ...ccrUpdate.avps,
      avp("Subscription-Id", [
        avp("Subscription-Id-Type", 0),
        avp("Subscription-Id-Data", "375291234567"),
        avp("Rating-Group", 1),
      ]),
    ]);
    expect(validateMessage(m, gyDictionary)?.resultCode).toBe(ResultCode.AVP_NOT_ALLOWED);
  });
});

describe("error answers", () => {
  it("carry Session-Id, Result-Code, Failed-AVP and the E bit for 3xxx only", () => {
    const err = new DiameterProtocolError(ResultCode.INVALID_AVP_BITS, "bits", avp("Rating-Group", 1));
    const answer = makeErrorAnswer(ccrUpdate, err, { originHost: "ocs", originRealm: "realm" }, SESSION);
    expect(answer.flags & 0x20).toBe(0x20);
    expect(answer.flags & 0x80).toBe(0);
    expect(answer.hopByHop).toBe(ccrUpdate.hopByHop);
    expect(answer.avps[0]?.value).toBe(SESSION);
    const e5001 = makeErrorAnswer(ccrUpdate, new DiameterProtocolError(5001, "x"), {
      originHost: "o",
      originRealm: "r",
    });
    expect(e5001.flags & 0x20).toBe(0);
  });

  it("peekSessionId finds the Session-Id of a message that does not decode", () => {
    const bytes = encodeMessage(ccrUpdate);
    bytes[4] = 0xc1;
    expect(peekSessionId(bytes)).toBe(SESSION);
    expect(peekSessionId(Buffer.alloc(10))).toBeUndefined();
  });
});
