/**
 * The errors the balance stores raise themselves, in one place with stable codes. A failed group
 * commit is not wrapped: every persist() of the group rejects with the very error the
 * transaction threw (an SqliteError, or a TypeError from JSON.stringify) — only the death of the
 * writer thread itself is reported as StoreWriterError.
 */

export type StoreErrorCode =
  | "STORE_CLOSED" // persist or a read after close()
  | "STORE_SCHEMA_TOO_NEW" // the database was written by a newer telsim: refuse rather than corrupt it
  | "STORE_NOT_TELSIM" // the file holds tables but no telsim meta table
  | "STORE_WRITER_FAILED"; // the SQLite writer thread died: this and every later write fail

export class StoreError extends Error {
  override readonly name: string = "StoreError";
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause: unknown },
  ) {
    super(message, options);
  }
}

export class StoreClosedError extends StoreError {
  override readonly name = "StoreClosedError";
  constructor(what: string) {
    super("STORE_CLOSED", `the balance store is closed (${what})`);
  }
}

export class SchemaVersionError extends StoreError {
  override readonly name = "SchemaVersionError";
  constructor(
    readonly file: string,
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      "STORE_SCHEMA_TOO_NEW",
      `${file} has schema version ${found}, newer than the ${supported} this telsim supports: ` +
        "upgrade telsim (the database was left untouched)",
    );
  }
}

export class NotTelsimDatabaseError extends StoreError {
  override readonly name = "NotTelsimDatabaseError";
  constructor(readonly file: string) {
    super("STORE_NOT_TELSIM", `${file} holds tables but no telsim meta table: not a telsim database`);
  }
}

export class StoreWriterError extends StoreError {
  override readonly name = "StoreWriterError";
  constructor(message: string, cause?: unknown) {
    super("STORE_WRITER_FAILED", message, cause === undefined ? undefined : { cause });
  }
}
