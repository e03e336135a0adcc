/**
 * Reads CDR files back: `readCdrFile` one file, `readCdrFiles` every file of a directory in
 * sequence order. Files are read in chunks, so a file of any size takes little memory.
 *
 * A crash in the middle of a write leaves the newest file with a torn tail: a partial length
 * prefix, a message shorter than its prefix says, or (on some file systems) zero bytes to the
 * end. In the newest file that ends the read and is reported (those bytes were never flushed,
 * so no peer was told about them); anywhere else, and for any message that is whole but not a
 * valid CDR, the read fails with a CdrCorruptError naming the file and the byte offset.
 */
import { type FileHandle, open } from "node:fs/promises";
import { type CdrEntry, type CdrFileHeader, decodeHeader, decodeRecord } from "./cdr-codec.js";
import { CdrCorruptError, CdrError } from "./cdr-errors.js";
import { listCdrFiles } from "./cdr-file-name.js";
import { scanFrame } from "./cdr-framing.js";

/** A record with where it was read from (the offset of its length prefix). */
export interface CdrRecordRead extends CdrEntry {
  readonly file: string;
  readonly offset: number;
}

export interface TruncatedTail {
  readonly file: string;
  /** Where the torn message starts: every byte before it was read. */
  readonly offset: number;
  /** Bytes from there to the end of the file. */
  readonly bytes: number;
  readonly reason: string;
}

/** What a whole read of one file found. */
export interface CdrFileScan {
  /** Undefined only when the file is torn before the end of its header. */
  readonly header: CdrFileHeader | undefined;
  readonly records: number;
  readonly lastSequence: number | undefined;
  /** The end of the last whole message: where a torn tail starts, else the file size. */
  readonly endOffset: number;
  readonly truncated: TruncatedTail | undefined;
}

export interface ReadCdrFileOptions {
  /** The newest file: a torn tail ends the read instead of failing it. */
  readonly tolerateTruncatedTail?: boolean;
  /** The first sequence the file's name promises; the header must agree. */
  readonly expectedFirstSequence?: number;
  /** Every record's sequence must be above this (the last one of the previous file). */
  readonly afterSequence?: number;
  /** Bytes per read; default 64 KiB. */
  readonly chunkBytes?: number;
}

export interface ReadCdrFilesOptions {
  /** Called when the newest file ends in a torn message (which is skipped). */
  readonly onTruncatedTail?: (tail: TruncatedTail) => void;
  readonly chunkBytes?: number;
}

/** Every record of every CDR file in `dir`, in sequence order. */
export async function* readCdrFiles(
  dir: string,
  options: ReadCdrFilesOptions = {},
): AsyncGenerator<CdrRecordRead, void, undefined> {
  const files = await listCdrFiles(dir);
  let afterSequence = 0;
  for (const [index, file] of files.entries()) {
    const scan = yield* readCdrFile(file.path, {
      tolerateTruncatedTail: index === files.length - 1,
      expectedFirstSequence: file.firstSequence,
      afterSequence,
      ...(options.chunkBytes !== undefined ? { chunkBytes: options.chunkBytes } : {}),
    });
    if (scan.lastSequence !== undefined) afterSequence = scan.lastSequence;
    if (scan.truncated !== undefined) options.onTruncatedTail?.(scan.truncated);
  }
}

/** The records of one file; the generator's return value sums the file up. */
export async function* readCdrFile(
  path: string,
  options: ReadCdrFileOptions = {},
): AsyncGenerator<CdrRecordRead, CdrFileScan, undefined> {
  // The work is done in batches by a plain object: a generator that only hands records on
  // stays cheap to suspend and resume.
  const scanner = new CdrFileScanner(path, options, await open(path, "r"));
  try {
    for (let batch = await scanner.nextBatch(); batch !== undefined; batch = await scanner.nextBatch()) {
      yield* batch;
    }
    return scanner.summary();
  } finally {
    await scanner.close();
  }
}

/** Splits one file into messages chunk by chunk and decodes them, checking the sequence. */
class CdrFileScanner {
  private readonly tolerate: boolean;
  private readonly chunkBytes: number;
  private buffer = Buffer.alloc(0);
  /** File offset of buffer[0]; `pos` indexes into buffer. */
  private base = 0;
  private pos = 0;
  private done = false;
  private header: CdrFileHeader | undefined;
  private records = 0;
  private lastSequence: number | undefined;
  private truncated: TruncatedTail | undefined;
  /** An error found after the records of the current batch: thrown by the next call. */
  private failure: unknown;

  constructor(
    private readonly path: string,
    private readonly options: ReadCdrFileOptions,
    private readonly handle: FileHandle,
  ) {
    this.tolerate = options.tolerateTruncatedTail === true;
    this.chunkBytes = options.chunkBytes ?? 64 * 1024;
  }

  summary(): CdrFileScan {
    return {
      header: this.header,
      records: this.records,
      lastSequence: this.lastSequence,
      endOffset: this.truncated?.offset ?? this.base + this.pos,
      truncated: this.truncated,
    };
  }

  close(): Promise<void> {
    return this.handle.close();
  }

  /** The records of every whole message in the buffer (reading more as needed); undefined at the end. */
  async nextBatch(): Promise<CdrRecordRead[] | undefined> {
    if (this.failure !== undefined) throw this.failure;
    const batch: CdrRecordRead[] = [];
    while (batch.length === 0 && !this.done) {
      const frame = scanFrame(this.buffer, this.pos);
      const offset = this.base + this.pos;
      if (frame.kind === "incomplete") {
        if (!(await this.readMore())) this.end(offset);
        continue;
      }
      if (frame.kind === "malformed") throw this.corrupt(offset, frame.reason);
      if (frame.end === frame.bodyStart) {
        // Never written (a record always has a sequence): zero fill after a crash, or damage.
        if (!this.tolerate || !(await this.restIsZero())) throw this.corrupt(offset, "an empty message");
        const bytes = this.base + this.pos - offset;
        this.truncated = { file: this.path, offset, bytes, reason: "zero bytes to the end of the file" };
        this.done = true;
        continue;
      }
      this.decodeFrames(batch);
    }
    return batch.length === 0 ? undefined : batch;
  }

  /**
   * Decodes the whole frames from `pos` on into `batch`, stopping before anything unusual. A bad
   * message after good ones fails the next batch, so the good ones are handed on first.
   */
  private decodeFrames(batch: CdrRecordRead[]): void {
    try {
      this.decodeFramesUnchecked(batch);
    } catch (error) {
      if (batch.length === 0) throw error;
      this.failure = error;
    }
  }

  private decodeFramesUnchecked(batch: CdrRecordRead[]): void {
    for (;;) {
      const frame = scanFrame(this.buffer, this.pos);
      if (frame.kind !== "frame" || frame.end === frame.bodyStart) return;
      const offset = this.base + this.pos;
      const body = this.buffer.subarray(frame.bodyStart, frame.end);
      this.pos = frame.end;
      if (this.header === undefined) {
        this.header = this.decoded(() => decodeHeader(body), offset);
        const expected = this.options.expectedFirstSequence;
        if (expected !== undefined && this.header.firstSequence !== expected) {
          throw this.corrupt(
            offset,
            `the header says first sequence ${this.header.firstSequence}, the name ${expected}`,
          );
        }
        continue;
      }
      const entry = this.decoded(() => decodeRecord(body), offset);
      if (this.records === 0 && entry.sequence !== this.header.firstSequence) {
        throw this.corrupt(
          offset,
          `the first record has sequence ${entry.sequence}, the header ${this.header.firstSequence}`,
        );
      }
      const previous = this.lastSequence ?? this.options.afterSequence ?? 0;
      if (entry.sequence <= previous)
        throw this.corrupt(offset, `sequence ${entry.sequence} after ${previous}`);
      this.records++;
      this.lastSequence = entry.sequence;
      batch.push({ sequence: entry.sequence, record: entry.record, file: this.path, offset });
    }
  }

  /** At the end of the file with `offset` the start of what is left. */
  private end(offset: number): void {
    this.done = true;
    const left = this.buffer.length - this.pos;
    if (left === 0 && this.header !== undefined) return;
    const reason =
      left === 0
        ? "the file is empty"
        : `the ${this.header === undefined ? "header" : "last message"} is incomplete`;
    if (!this.tolerate) throw this.corrupt(offset, `${reason} (${left} bytes left)`);
    this.truncated = { file: this.path, offset, bytes: left, reason };
  }

  /** Appends the next chunk to the unread part of the buffer; false at the end of the file. */
  private async readMore(): Promise<boolean> {
    const chunk = Buffer.allocUnsafe(this.chunkBytes);
    const { bytesRead } = await this.handle.read(chunk, 0, this.chunkBytes, null);
    if (bytesRead === 0) return false;
    const unread = this.buffer.subarray(this.pos);
    const read = chunk.subarray(0, bytesRead);
    this.buffer = unread.length === 0 ? read : Buffer.concat([unread, read]);
    this.base += this.pos;
    this.pos = 0;
    return true;
  }

  /** True when nothing but zero bytes is left; reads to the end of the file. */
  private async restIsZero(): Promise<boolean> {
    do {
      if (this.buffer.subarray(this.pos).some((byte) => byte !== 0)) return false;
      this.pos = this.buffer.length;
    } while (await this.readMore());
    return true;
  }

  /** Runs a decoder, giving its errors the file and offset. */
  private decoded<T>(decode: () => T, offset: number): T {
    try {
      return decode();
    } catch (error) {
      if (error instanceof CdrError && error.code === "CDR_UNSUPPORTED_VERSION") {
        throw new CdrError("CDR_UNSUPPORTED_VERSION", `${this.path}: ${error.message}`, { cause: error });
      }
      throw this.corrupt(offset, error instanceof Error ? error.message : String(error), error);
    }
  }

  private corrupt(offset: number, reason: string, cause?: unknown): CdrCorruptError {
    return new CdrCorruptError(this.path, offset, reason, cause === undefined ? undefined : { cause });
  }
}
