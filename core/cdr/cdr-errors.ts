/**
 * Every error the CDR files raise, in one place with stable codes. Errors about a file name the
 * file and, where it applies, the byte offset of the bad message.
 */
export type CdrErrorCode =
  | "CDR_INVALID_RECORD" // a ChargingRecord that cannot be written (a value out of range)
  | "CDR_CORRUPT" // a file whose bytes are not a valid CDR file
  | "CDR_UNSUPPORTED_VERSION" // a CDR file of a format version this reader does not know
  | "CDR_SCHEMA" // proto/cdr.proto cannot be found or loaded
  | "CDR_WRITER_CLOSED" // append or flush after close()
  | "CDR_WRITER_FAILED"; // an earlier write failed: the writer accepts nothing more

export class CdrError extends Error {
  override readonly name: string = "CdrError";
  constructor(
    readonly code: CdrErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Bytes that are not a CDR file: names the file and the offset of the message at fault. */
export class CdrCorruptError extends CdrError {
  override readonly name = "CdrCorruptError";
  constructor(
    readonly file: string,
    readonly offset: number,
    reason: string,
    options?: ErrorOptions,
  ) {
    super("CDR_CORRUPT", `${file}: corrupt at offset ${offset}: ${reason}`, options);
  }
}
