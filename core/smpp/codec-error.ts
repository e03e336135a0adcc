/**
 * The one error type the SMPP text and PDU helpers throw. `code` is stable (tests and callers
 * switch on it); `message` is for people.
 */
export type SmppCodecErrorCode =
  | "NOT_GSM7" // a character has no GSM 03.38 default/extension code
  | "NOT_LATIN1" // a character is above U+00FF
  | "BAD_SEPTETS" // a septet value above 0x7F or a septet count the octets cannot hold
  | "BAD_UCS2" // odd length
  | "BAD_DATA_CODING" // a data_coding this project cannot turn into text
  | "BAD_UDH" // a user data header whose lengths do not add up
  | "BAD_CONCAT" // a concatenation request that cannot be satisfied
  | "BAD_ARGUMENT";

export class SmppCodecError extends Error {
  override readonly name = "SmppCodecError";
  constructor(
    readonly code: SmppCodecErrorCode,
    message: string,
  ) {
    super(message);
  }
}
