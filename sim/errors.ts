/**
 * Every error the SIM layer raises for bad input. Codes are stable: tests,
 * the CLI and the AT layer match on `code`, never on the message text.
 */
export type SimErrorCode =
  | "SIM_BAD_DIGITS" // a field that must be decimal digits is not
  | "SIM_BAD_LENGTH" // a field has the wrong number of digits, bytes or characters
  | "SIM_BAD_CHECK_DIGIT" // Luhn check digit does not match
  | "SIM_BAD_PREFIX" // a fixed prefix (MII 89, country code, MCC/MNC, network code) is wrong
  | "SIM_BAD_HEX" // a hex string is malformed
  | "SIM_BAD_ROW" // a batch file row cannot be imported
  | "SIM_BAD_CARD_FILE" // a stored card file cannot be read back
  | "SIM_DUPLICATE"; // a batch holds the same identity twice

export class SimInputError extends Error {
  override readonly name = "SimInputError";
  constructor(
    readonly code: SimErrorCode,
    /** The field (or argument) the problem is in, e.g. "iccid", "--k", "row 17". */
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}
