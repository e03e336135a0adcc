/**
 * The parse / generate / parse-back check applied to every fixture: encode, decode, compare,
 * and encode again to the same bytes.
 */
import { expect } from "vitest";
import { decodeMessage } from "../../../core/diameter/decoder.js";
import { gyDictionary } from "../../../core/diameter/dictionary/dictionary.js";
import { encodeMessage } from "../../../core/diameter/encoder.js";
import type { DiameterMessage } from "../../../core/diameter/message.js";

export function expectRoundTrip(message: DiameterMessage): Buffer {
  const bytes = encodeMessage(message);
  expect(bytes.length % 4).toBe(0);
  expect(bytes.readUIntBE(1, 3)).toBe(bytes.length);
  const decoded = decodeMessage(bytes, gyDictionary);
  if (!decoded.ok) throw decoded.error;
  expect(decoded.message).toEqual(message);
  expect(encodeMessage(decoded.message).equals(bytes)).toBe(true);
  return bytes;
}
