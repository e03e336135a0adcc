/**
 * Appends CDRs to rotating files in one directory (names: cdr-file-name.ts; framing: one
 * CdrFileHeader, then length-delimited ChargingDataRecords, see proto/cdr.proto).
 *
 * `append` encodes and checks the record at once (a bad record throws there, and takes no
 * sequence), assigns it the next sequence and buffers it; bytes go to the file in the
 * background once `writeBehindBytes` pile up, and are durable (written and fsynced, with the
 * directory entry of a new file) when `flush()` or `close()` resolves. Only the writer owns
 * its directory.
 *
 * A file is rotated (fsynced, closed; the next record opens the next file) before a record
 * would take it past `maxBytes` or `maxRecords`, or once it is `maxAgeMs` old on the clock
 * (checked on append and on flush). Every record is assigned to exactly one file when it is
 * appended and the writes run in order, so rotation never drops or reorders one.
 *
 * `CdrFileWriter.open` recovers from a crash: if the newest file ends in a torn message it is
 * cut back to its last whole one (those bytes were never flushed, so never acknowledged), a
 * newest file left with no record is removed, and numbering goes on from the last record.
 */
import { mkdir, open, truncate, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { ChargingRecord } from "../charging/model.js";
import type { Clock } from "../clock/clock.js";
import { encodeHeaderDelimited, encodeRecordDelimited } from "./cdr-codec.js";
import { CdrError } from "./cdr-errors.js";
import { cdrFileName, listCdrFiles } from "./cdr-file-name.js";
import { type CdrFileScan, readCdrFile } from "./cdr-file-reader.js";

type FileHandle = Awaited<ReturnType<typeof open>>;

export interface CdrFileWriterOptions {
  readonly dir: string;
  /** Rotate before a file would grow past this many bytes (a lone larger record still fits). Default 64 MiB. */
  readonly maxBytes?: number;
  /** At most this many records per file. Default: no limit. */
  readonly maxRecords?: number;
  /** Rotate a file this old (by `clock`). Default: no limit. */
  readonly maxAgeMs?: number;
  readonly clock: Pick<Clock, "now">;
  /** Buffered bytes that start a background write before `flush()`. Default 64 KiB. */
  readonly writeBehindBytes?: number;
  /** fsync files and the directory on flush and rotation. Default true; false only for benchmarks. */
  readonly fsync?: boolean;
  /** Called after a rotated or final file is fsynced and closed. */
  readonly onFileClosed?: (file: ClosedCdrFile) => void;
}

export interface ClosedCdrFile {
  readonly path: string;
  readonly firstSequence: number;
  readonly records: number;
  readonly bytes: number;
}

/** What `open` repaired in the newest file after a crash. */
export interface CdrRecovery {
  readonly file: string;
  /** The file was cut back to this size (the end of its last whole message). */
  readonly truncatedAt: number;
  readonly droppedBytes: number;
  /** The file held no whole record and was deleted. */
  readonly removed: boolean;
}

/** One file: its share of the sequence is fixed at append time, its bytes reach disk later. */
interface OutputFile {
  readonly path: string;
  readonly firstSequence: number;
  readonly openedAt: number;
  /** Bytes and records assigned to the file (written or still pending). */
  bytes: number;
  records: number;
  pending: Uint8Array[];
  writeQueued: boolean;
  handle: FileHandle | undefined;
  /** The directory entry of the new file is not yet fsynced. */
  newEntry: boolean;
}

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

export class CdrFileWriter {
  readonly dir: string;
  /** Set when `open` repaired the newest file. */
  readonly recovery: CdrRecovery | undefined;
  private readonly maxBytes: number;
  private readonly maxRecords: number;
  private readonly maxAgeMs: number;
  private readonly writeBehindBytes: number;
  private readonly fsync: boolean;
  private readonly clock: Pick<Clock, "now">;
  private readonly onFileClosed: ((file: ClosedCdrFile) => void) | undefined;
  private sequence: number;
  private current: OutputFile | undefined;
  private pendingBytes = 0;
  /** The I/O queue: every file operation runs after the previous one. */
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown;
  private closed = false;

  private constructor(
    options: CdrFileWriterOptions,
    nextSequence: number,
    recovery: CdrRecovery | undefined,
  ) {
    this.dir = options.dir;
    this.maxBytes = positive(options.maxBytes, "maxBytes") ?? DEFAULT_MAX_BYTES;
    this.maxRecords = positive(options.maxRecords, "maxRecords") ?? Number.POSITIVE_INFINITY;
    this.maxAgeMs = positive(options.maxAgeMs, "maxAgeMs") ?? Number.POSITIVE_INFINITY;
    this.writeBehindBytes = positive(options.writeBehindBytes, "writeBehindBytes") ?? 64 * 1024;
    this.fsync = options.fsync ?? true;
    this.clock = options.clock;
    this.onFileClosed = options.onFileClosed;
    this.sequence = nextSequence;
    this.recovery = recovery;
  }

  /** Creates the directory if needed and recovers its newest file (see the module comment). */
  static async open(options: CdrFileWriterOptions): Promise<CdrFileWriter> {
    for (const name of ["maxBytes", "maxRecords", "maxAgeMs", "writeBehindBytes"] as const) {
      positive(options[name], name);
    }
    await mkdir(options.dir, { recursive: true });
    const { nextSequence, recovery } = await recoverNewest(options.dir, options.fsync ?? true);
    return new CdrFileWriter(options, nextSequence, recovery);
  }

  /** The sequence the next appended record will get. */
  get nextSequence(): number {
    return this.sequence;
  }

  /** The file the next record goes to, if one is open. */
  get currentFile(): string | undefined {
    return this.current?.path;
  }

  /**
   * Buffers one record and returns its sequence. Throws CDR_INVALID_RECORD for a record that
   * cannot be encoded, CDR_WRITER_CLOSED after close, CDR_WRITER_FAILED after a failed write.
   */
  append(record: ChargingRecord): number {
    this.assertOpen();
    const sequence = this.sequence;
    const bytes = encodeRecordDelimited(sequence, record);
    const now = this.clock.now();
    let file = this.current;
    if (
      file !== undefined &&
      (this.tooOld(file, now) || file.records >= this.maxRecords || file.bytes + bytes.length > this.maxBytes)
    ) {
      this.rotate();
      file = undefined;
    }
    file ??= this.startFile(now, sequence);
    file.pending.push(bytes);
    file.bytes += bytes.length;
    file.records++;
    this.sequence++;
    this.pendingBytes += bytes.length;
    if (this.pendingBytes >= this.writeBehindBytes) this.enqueueWrite(file);
    return sequence;
  }

  /** Resolves once every record appended so far is on disk (written and fsynced). */
  async flush(): Promise<void> {
    this.assertOpen();
    const file = this.current;
    if (file !== undefined && this.tooOld(file, this.clock.now())) this.rotate();
    else if (file !== undefined) {
      this.enqueueWrite(file);
      this.enqueue(() => this.sync(file));
    }
    await this.settle();
  }

  /** Flushes and closes the current file; the writer takes nothing more. Idempotent. */
  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      if (this.current !== undefined) this.rotate();
    }
    await this.settle();
  }

  private assertOpen(): void {
    if (this.closed) throw new CdrError("CDR_WRITER_CLOSED", `the CDR writer for ${this.dir} is closed`);
    if (this.failure !== undefined) {
      throw new CdrError(
        "CDR_WRITER_FAILED",
        `an earlier CDR write in ${this.dir} failed: ${messageOf(this.failure)}`,
        {
          cause: this.failure,
        },
      );
    }
  }

  private tooOld(file: OutputFile, now: number): boolean {
    return now - file.openedAt >= this.maxAgeMs;
  }

  private startFile(now: number, firstSequence: number): OutputFile {
    const header = encodeHeaderDelimited(now, firstSequence);
    const file: OutputFile = {
      path: join(this.dir, cdrFileName(now, firstSequence)),
      firstSequence,
      openedAt: now,
      bytes: header.length,
      records: 0,
      pending: [header],
      writeQueued: false,
      handle: undefined,
      newEntry: true,
    };
    this.pendingBytes += header.length;
    this.current = file;
    return file;
  }

  /** Ends the current file: its pending bytes are written, fsynced and the file closed, in order. */
  private rotate(): void {
    const file = this.current;
    if (file === undefined) return;
    this.current = undefined;
    this.enqueueWrite(file);
    this.enqueue(() => this.sync(file));
    this.enqueue(() => this.closeFile(file), { evenAfterFailure: true });
  }

  /** One queued write per file at a time: when it runs it takes every byte pending by then. */
  private enqueueWrite(file: OutputFile): void {
    if (file.writeQueued) return;
    file.writeQueued = true;
    this.enqueue(() => {
      file.writeQueued = false;
      return this.write(file);
    });
  }

  private enqueue(op: () => Promise<void>, { evenAfterFailure = false } = {}): void {
    this.chain = this.chain.then(async () => {
      if (this.failure !== undefined && !evenAfterFailure) return;
      try {
        await op();
      } catch (error) {
        this.failure ??= error;
      }
    });
  }

  /** Waits for the queue; rejects if any write failed. */
  private async settle(): Promise<void> {
    await this.chain;
    if (this.failure !== undefined) {
      throw new CdrError(
        "CDR_WRITER_FAILED",
        `a CDR write in ${this.dir} failed: ${messageOf(this.failure)}`,
        {
          cause: this.failure,
        },
      );
    }
  }

  private async write(file: OutputFile): Promise<void> {
    if (file.pending.length === 0) return;
    const data = Buffer.concat(file.pending);
    file.pending = [];
    this.pendingBytes -= data.length;
    // "wx": a name is never reused, so an existing file means another writer: refuse.
    file.handle ??= await open(file.path, "wx");
    let done = 0;
    while (done < data.length) {
      const { bytesWritten } = await file.handle.write(data, done, data.length - done);
      done += bytesWritten;
    }
  }

  private async sync(file: OutputFile): Promise<void> {
    if (file.handle === undefined || !this.fsync) return;
    await file.handle.sync();
    if (file.newEntry) {
      await syncDirectory(this.dir);
      file.newEntry = false;
    }
  }

  private async closeFile(file: OutputFile): Promise<void> {
    const handle = file.handle;
    if (handle === undefined) return;
    file.handle = undefined;
    await handle.close();
    if (this.failure === undefined) {
      this.onFileClosed?.({
        path: file.path,
        firstSequence: file.firstSequence,
        records: file.records,
        bytes: file.bytes,
      });
    }
  }
}

/** Repairs a torn tail of the newest file; returns the sequence to go on from. */
async function recoverNewest(
  dir: string,
  fsync: boolean,
): Promise<{ nextSequence: number; recovery: CdrRecovery | undefined }> {
  const newest = (await listCdrFiles(dir)).at(-1);
  if (newest === undefined) return { nextSequence: 1, recovery: undefined };
  const reader = readCdrFile(newest.path, {
    tolerateTruncatedTail: true,
    expectedFirstSequence: newest.firstSequence,
  });
  let step = await reader.next();
  while (step.done !== true) step = await reader.next();
  const scan: CdrFileScan = step.value;
  if (scan.records === 0) {
    // Torn before its first record was whole: nothing in it was ever flushed.
    await unlink(newest.path);
    if (fsync) await syncDirectory(dir);
    const droppedBytes = scan.endOffset + (scan.truncated?.bytes ?? 0);
    return {
      nextSequence: newest.firstSequence,
      recovery: { file: newest.path, truncatedAt: 0, droppedBytes, removed: true },
    };
  }
  const nextSequence = (scan.lastSequence ?? newest.firstSequence - 1) + 1;
  if (scan.truncated === undefined) return { nextSequence, recovery: undefined };
  await truncate(newest.path, scan.endOffset);
  if (fsync) {
    const handle = await open(newest.path, "r+");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
  return {
    nextSequence,
    recovery: {
      file: newest.path,
      truncatedAt: scan.endOffset,
      droppedBytes: scan.truncated.bytes,
      removed: false,
    },
  };
}

/** fsync a directory so a new entry in it survives a crash (POSIX; a no-op where unsupported). */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, "r");
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EISDIR" && code !== "EPERM" && code !== "EINVAL" && code !== "EBADF") throw error;
  } finally {
    await handle?.close();
  }
}

function positive(value: number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(`CdrFileWriter: ${name} must be a positive number, got ${value}`);
  }
  return value;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
