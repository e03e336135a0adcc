/**
 * Fuzzing the codec: 100,000 random and mutated messages into decodeMessage (and validateMessage
 * on the ones that decode). Nothing may escape but a DiameterProtocolError carrying an RFC 6733
 * Result-Code; the error answer the server would send must encode; a message that decodes must
 * survive encode → decode unchanged. Then random chunkings of good and bad streams into the
 * MessageFramer: messages or DiameterFramingError, nothing else. Seeded: a failure prints the
 * seed, case number and input so it reproduces.
 */
import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { decodeMessage, MAX_GROUPED_DEPTH } from "../../../core/diameter/decoder.js";
import { gyDictionary } from "../../../core/diameter/dictionary/dictionary.js";
import { encodeMessage } from "../../../core/diameter/encoder.js";
import { DiameterFramingError, DiameterProtocolError } from "../../../core/diameter/errors.js";
import { MessageFramer } from "../../../core/diameter/framer.js";
import { makeErrorAnswer, peekSessionId } from "../../../core/diameter/message-build.js";
import { ResultCode } from "../../../core/diameter/result-codes.js";
import { validateMessage } from "../../../core/diameter/validate.js";
import { canonicalInput, FIXTURE_BYTES, fuzzInput, Rng } from "./fuzz-inputs.js";

const SEED = 0x7e15_1d00;
const CASES = 100_000;
const RFC_RESULT_CODES = new Set<number>(Object.values(ResultCode));
const SELF = { originHost: "ocs.telsim.local", originRealm: "telsim.local" };

interface Outcome {
  /** Result-Code of the decode or validation error, or 2001 for a clean message. */
  readonly code: number;
  readonly problem?: string;
}

function describeError(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ""}` : String(e);
}

/** The server's path for one input, minus the socket: decode, validate, build and encode the answer. */
function exercise(bytes: Buffer, rejectUnknownMandatory: boolean): Outcome {
  let result: ReturnType<typeof decodeMessage>;
  try {
    result = decodeMessage(bytes, gyDictionary, { rejectUnknownMandatory });
  } catch (e) {
    return { code: 0, problem: `decodeMessage threw ${describeError(e)}` };
  }
  if (!result.ok) {
    const error: unknown = result.error;
    if (!(error instanceof DiameterProtocolError))
      return { code: 0, problem: "failure is not a DiameterProtocolError" };
    if (!RFC_RESULT_CODES.has(error.resultCode)) {
      return { code: error.resultCode, problem: `Result-Code ${error.resultCode} is not an RFC code` };
    }
    if (result.header !== undefined) {
      try {
        encodeMessage(makeErrorAnswer(result.header, error, SELF, peekSessionId(bytes)));
      } catch (e) {
        return { code: error.resultCode, problem: `the error answer does not encode: ${describeError(e)}` };
      }
    }
    return { code: error.resultCode };
  }
  const message = result.message;
  let invalid: DiameterProtocolError | undefined;
  try {
    invalid = validateMessage(message, gyDictionary);
    if (invalid !== undefined) encodeMessage(makeErrorAnswer(message, invalid, SELF, peekSessionId(bytes)));
  } catch (e) {
    return { code: 0, problem: `validation or its answer threw ${describeError(e)}` };
  }
  if (invalid !== undefined && !RFC_RESULT_CODES.has(invalid.resultCode)) {
    return {
      code: invalid.resultCode,
      problem: `validation Result-Code ${invalid.resultCode} is not an RFC code`,
    };
  }
  let again: ReturnType<typeof decodeMessage>;
  try {
    again = decodeMessage(encodeMessage(message), gyDictionary, { rejectUnknownMandatory });
  } catch (e) {
    return { code: 0, problem: `re-encoding threw ${describeError(e)}` };
  }
  if (!again.ok) return { code: 0, problem: `re-encoded message does not decode: ${again.error.message}` };
  if (!isDeepStrictEqual(again.message, message))
    return { code: 0, problem: "re-encoded message decodes differently" };
  return { code: invalid?.resultCode ?? ResultCode.SUCCESS };
}

describe("decoder fuzz (100,000 seeded inputs)", () => {
  it("returns a message or an RFC 6733 error for every input, never throws, and is stable on re-encoding", () => {
    const rng = new Rng(SEED);
    const counts = new Map<number, number>();
    const problems: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const input = fuzzInput(rng);
      const outcome = exercise(input, i % 10 !== 0);
      counts.set(outcome.code, (counts.get(outcome.code) ?? 0) + 1);
      if (outcome.problem !== undefined && problems.length < 5) {
        problems.push(`seed ${SEED} case ${i}: ${outcome.problem}\n  input ${input.toString("hex")}`);
      }
    }
    expect(problems).toEqual([]);
    // The inputs reach every layer: header checks, AVP walk, data types, ABNF, and clean messages.
    for (const code of [
      ResultCode.SUCCESS,
      ResultCode.INVALID_HDR_BITS,
      ResultCode.INVALID_AVP_BITS,
      ResultCode.AVP_UNSUPPORTED,
      ResultCode.INVALID_AVP_VALUE,
      ResultCode.MISSING_AVP,
      ResultCode.AVP_NOT_ALLOWED,
      ResultCode.AVP_OCCURS_TOO_MANY_TIMES,
      ResultCode.UNSUPPORTED_VERSION,
      ResultCode.INVALID_AVP_LENGTH,
      ResultCode.INVALID_MESSAGE_LENGTH,
    ]) {
      expect(counts.get(code) ?? 0, `Result-Code ${code} never produced`).toBeGreaterThan(50);
    }
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(CASES);
  });

  it("re-encodes 20,000 canonical inputs that decode to exactly the bytes received", () => {
    const rng = new Rng(SEED ^ 0xb17e);
    const problems: string[] = [];
    let decoded = 0;
    for (let i = 0; i < 20_000 && problems.length < 5; i++) {
      const input = canonicalInput(rng);
      const r = decodeMessage(input, gyDictionary, { rejectUnknownMandatory: false });
      if (!r.ok) continue;
      decoded++;
      const again = encodeMessage(r.message);
      if (!again.equals(input)) {
        problems.push(`case ${i}: re-encoded ${again.toString("hex")}\n  input ${input.toString("hex")}`);
      }
    }
    expect(problems).toEqual([]);
    expect(decoded).toBeGreaterThan(5000);
  });

  it("answers 5004 for Grouped AVPs nested past the depth limit instead of overflowing the stack", () => {
    const nested = (levels: number): Buffer => {
      const total = 20 + levels * 8;
      const b = Buffer.alloc(total);
      b[0] = 1;
      b.writeUIntBE(total, 1, 3);
      b[4] = 0x80;
      b.writeUIntBE(272, 5, 3);
      b.writeUInt32BE(4, 8);
      for (let i = 0; i < levels; i++) {
        b.writeUInt32BE(456, 20 + i * 8); // Multiple-Services-Credit-Control
        b[20 + i * 8 + 4] = 0x40;
        b.writeUIntBE(total - 20 - i * 8, 20 + i * 8 + 5, 3);
      }
      return b;
    };
    expect(decodeMessage(nested(MAX_GROUPED_DEPTH), gyDictionary).ok).toBe(true);
    for (const levels of [MAX_GROUPED_DEPTH + 1, 5_000, 120_000]) {
      const r = decodeMessage(nested(levels), gyDictionary);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.resultCode).toBe(ResultCode.INVALID_AVP_VALUE);
        expect(r.error.failedAvp?.code).toBe(456);
      }
    }
  });

  it("re-decodes every fixture byte-exactly (the mutation base is sound)", () => {
    for (const bytes of FIXTURE_BYTES) {
      const r = decodeMessage(bytes, gyDictionary);
      expect(r.ok).toBe(true);
      if (r.ok) expect(encodeMessage(r.message).equals(bytes)).toBe(true);
    }
  });
});

describe("framer fuzz", () => {
  /** Splits `stream` into random chunks (1 octet up to 1.5 messages long). */
  function chunks(rng: Rng, stream: Buffer): Buffer[] {
    const out: Buffer[] = [];
    for (let at = 0; at < stream.length;) {
      const n = 1 + rng.int(rng.chance(0.2) ? 8 : 400);
      out.push(stream.subarray(at, at + n));
      at += n;
    }
    return out;
  }

  it("turns 20,000 random chunkings of good, damaged and random streams into messages or a DiameterFramingError", () => {
    const rng = new Rng(SEED ^ 0xf4a3e);
    const problems: string[] = [];
    let framingErrors = 0;
    let intact = 0;
    for (let i = 0; i < 20_000; i++) {
      const kind = rng.int(3); // 0: fixtures only, 1: fixtures and fuzz inputs, 2: random bytes
      const parts: Buffer[] = [];
      for (let k = 1 + rng.int(6); k > 0; k--) {
        parts.push(kind === 0 || (kind === 1 && rng.chance(0.5)) ? rng.pick(FIXTURE_BYTES) : fuzzInput(rng));
      }
      const stream = kind === 2 ? rng.bytes(rng.int(600)) : Buffer.concat(parts);
      const max = rng.chance(0.2) ? 64 + rng.int(400) : undefined;
      const framer = new MessageFramer(max);
      const seen: Buffer[] = [];
      try {
        for (const c of chunks(rng, stream)) {
          framer.push(c, (m) => {
            const length = m.readUIntBE(1, 3);
            if (m.length !== length || length < 20 || length % 4 !== 0 || length > (max ?? 1024 * 1024)) {
              problems.push(`case ${i}: framed message of ${m.length} octets, length field ${length}`);
            }
            seen.push(Buffer.from(m));
          });
        }
      } catch (e) {
        if (e instanceof DiameterFramingError) framingErrors++;
        else problems.push(`case ${i}: framer threw ${describeError(e)}`);
        continue;
      }
      if (kind === 0 && max === undefined) {
        if (!Buffer.concat(seen).equals(stream) || framer.bufferedBytes !== 0) {
          problems.push(`case ${i}: a clean stream was not reassembled`);
        } else intact++;
      }
      if (problems.length >= 5) break;
    }
    expect(problems).toEqual([]);
    expect(framingErrors).toBeGreaterThan(1000);
    expect(intact).toBeGreaterThan(3000);
  });
});
