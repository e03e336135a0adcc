import { SimInputError } from "./errors.js";

const HEX_RE = /^[0-9a-fA-F]*$/;

/**
 * Parses a hex string into bytes. `field` names the argument in the error;
 * `bytes`, when given, is the exact length required.
 */
export function parseHex(field: string, text: string, bytes?: number): Uint8Array {
  const clean = text.startsWith("0x") || text.startsWith("0X") ? text.slice(2) : text;
  if (!HEX_RE.test(clean)) {
    throw new SimInputError("SIM_BAD_HEX", field, `"${text}" is not hexadecimal`);
  }
  if (clean.length % 2 !== 0) {
    throw new SimInputError("SIM_BAD_HEX", field, `"${text}" has an odd number of hex digits`);
  }
  if (bytes !== undefined && clean.length !== bytes * 2) {
    throw new SimInputError(
      "SIM_BAD_LENGTH",
      field,
      `expected ${bytes} bytes (${bytes * 2} hex digits), got ${clean.length / 2} bytes`,
    );
  }
  return Uint8Array.from(Buffer.from(clean, "hex"));
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}
