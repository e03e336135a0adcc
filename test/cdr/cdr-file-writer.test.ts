import { appendFileSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { encodeRecordDelimited } from "../../core/cdr/cdr-codec.js";
import { CdrError } from "../../core/cdr/cdr-errors.js";
import { parseCdrFileName } from "../../core/cdr/cdr-file-name.js";
import { readCdrFiles, type TruncatedTail } from "../../core/cdr/cdr-file-reader.js";
import { CdrFileWriter, type ClosedCdrFile } from "../../core/cdr/cdr-file-writer.js";
import { collect, ManualClock, sampleRecord, scratchDir, T0 } from "./fixtures.js";

let dir: string;
let remove: () => void;
beforeEach(() => {
  ({ dir, remove } = scratchDir());
});
afterEach(() => remove());

const cdrFiles = () =>
  readdirSync(dir)
    .filter((name) => name.endsWith(".pb"))
    .sort();

async function readAll(tails: TruncatedTail[] = []) {
  return collect(readCdrFiles(dir, { onTruncatedTail: (tail) => tails.push(tail) }));
}

describe("CdrFileWriter", () => {
  it("rotates by record count, naming files by time and first sequence", async () => {
    const writer = await CdrFileWriter.open({ dir, clock: new ManualClock(), maxRecords: 3 });
    for (let n = 1; n <= 10; n++) expect(writer.append(sampleRecord(n))).toBe(n);
    await writer.close();
    expect(cdrFiles()).toEqual([
      "cdr-20260115T103000Z-000000000001.pb",
      "cdr-20260115T103000Z-000000000004.pb",
      "cdr-20260115T103000Z-000000000007.pb",
      "cdr-20260115T103000Z-000000000010.pb",
    ]);
    const read = await readAll();
    expect(read.map((r) => r.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(read.map((r) => r.record)).toEqual(Array.from({ length: 10 }, (_, i) => sampleRecord(i + 1)));
  });

  it("rotates by size: no file past maxBytes, no record lost", async () => {
    const closed: ClosedCdrFile[] = [];
    const maxBytes = 400;
    const writer = await CdrFileWriter.open({
      dir,
      clock: new ManualClock(),
      maxBytes,
      writeBehindBytes: 100,
      onFileClosed: (file) => closed.push(file),
    });
    for (let n = 1; n <= 200; n++) writer.append(sampleRecord(n));
    await writer.close();
    const files = cdrFiles();
    expect(files.length).toBeGreaterThan(10);
    for (const name of files) expect(statSync(join(dir, name)).size).toBeLessThanOrEqual(maxBytes);
    expect(closed.map((f) => f.records).reduce((a, b) => a + b)).toBe(200);
    expect(closed.map((f) => statSync(f.path).size)).toEqual(closed.map((f) => f.bytes));
    const read = await readAll();
    expect(read.map((r) => r.sequence)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  it("puts a record larger than maxBytes alone in its own file", async () => {
    const writer = await CdrFileWriter.open({ dir, clock: new ManualClock(), maxBytes: 64 });
    writer.append(sampleRecord(1));
    writer.append(sampleRecord(2, { id: "x".repeat(500) }));
    writer.append(sampleRecord(3));
    await writer.close();
    expect(cdrFiles().map(parseCdrFileName)).toEqual([1, 2, 3]);
    expect((await readAll()).map((r) => r.record.id)).toEqual(["cdr-1", "x".repeat(500), "cdr-3"]);
  });

  it("rotates by age on append and on flush", async () => {
    const clock = new ManualClock();
    const closed: ClosedCdrFile[] = [];
    const writer = await CdrFileWriter.open({
      dir,
      clock,
      maxAgeMs: 60_000,
      onFileClosed: (f) => closed.push(f),
    });
    writer.append(sampleRecord(1));
    clock.time += 30_000;
    writer.append(sampleRecord(2));
    clock.time += 30_000; // the file is now 60 s old
    writer.append(sampleRecord(3));
    await writer.flush();
    expect(closed.map((f) => [f.firstSequence, f.records])).toEqual([[1, 2]]);
    clock.time += 60_000;
    await writer.flush(); // closes the aged file though nothing new came
    expect(closed.map((f) => [f.firstSequence, f.records])).toEqual([
      [1, 2],
      [3, 1],
    ]);
    expect(writer.currentFile).toBeUndefined();
    writer.append(sampleRecord(4));
    await writer.close();
    expect(cdrFiles()).toEqual([
      "cdr-20260115T103000Z-000000000001.pb",
      "cdr-20260115T103100Z-000000000003.pb",
      "cdr-20260115T103200Z-000000000004.pb",
    ]);
  });

  it("has every record on disk when flush resolves", async () => {
    const writer = await CdrFileWriter.open({ dir, clock: new ManualClock(), writeBehindBytes: 1 << 20 });
    for (let n = 1; n <= 5; n++) writer.append(sampleRecord(n));
    await writer.flush();
    expect((await readAll()).length).toBe(5);
    writer.append(sampleRecord(6));
    void writer.flush();
    writer.append(sampleRecord(7));
    await writer.flush();
    expect((await readAll()).map((r) => r.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    await writer.close();
    await writer.close();
    expect(cdrFiles().length).toBe(1);
  });

  it("writes behind once writeBehindBytes pile up, before any flush", async () => {
    const writer = await CdrFileWriter.open({ dir, clock: new ManualClock(), writeBehindBytes: 1000 });
    for (let n = 1; n <= 100; n++) writer.append(sampleRecord(n));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const [name] = cdrFiles();
    expect(statSync(join(dir, name as string)).size).toBeGreaterThan(1000);
    await writer.close();
    expect((await readAll()).length).toBe(100);
  });

  it("refuses a bad record without using up a sequence, and anything after close", async () => {
    const writer = await CdrFileWriter.open({ dir, clock: new ManualClock() });
    writer.append(sampleRecord(1));
    expect(() => writer.append(sampleRecord(2, { units: -5 }))).toThrow(/units: /);
    expect(writer.append(sampleRecord(3))).toBe(2);
    await writer.close();
    expect(() => writer.append(sampleRecord(4))).toThrow(
      expect.objectContaining({ code: "CDR_WRITER_CLOSED" }) as unknown as Error,
    );
    await expect(writer.flush()).rejects.toBeInstanceOf(CdrError);
  });

  it("goes on numbering after a restart, in a new file", async () => {
    const clock = new ManualClock();
    const first = await CdrFileWriter.open({ dir, clock });
    for (let n = 1; n <= 4; n++) first.append(sampleRecord(n));
    await first.close();
    const second = await CdrFileWriter.open({ dir, clock });
    expect(second.recovery).toBeUndefined();
    expect(second.nextSequence).toBe(5);
    second.append(sampleRecord(5));
    await second.close();
    expect(cdrFiles().map(parseCdrFileName)).toEqual([1, 5]);
    expect((await readAll()).map((r) => r.sequence)).toEqual([1, 2, 3, 4, 5]);
  });

  it("cuts a torn tail back after a crash and goes on", async () => {
    const clock = new ManualClock();
    const first = await CdrFileWriter.open({ dir, clock });
    for (let n = 1; n <= 3; n++) first.append(sampleRecord(n));
    await first.close();
    const [name] = cdrFiles();
    const path = join(dir, name as string);
    const size = statSync(path).size;
    const torn = encodeRecordDelimited(4, sampleRecord(4));
    appendFileSync(path, torn.subarray(0, 20)); // the crash: half a record
    const tails: TruncatedTail[] = [];
    expect((await readAll(tails)).length).toBe(3);
    expect(tails).toEqual([
      { file: path, offset: size, bytes: 20, reason: "the last message is incomplete" },
    ]);

    const second = await CdrFileWriter.open({ dir, clock });
    expect(second.recovery).toEqual({ file: path, truncatedAt: size, droppedBytes: 20, removed: false });
    expect(statSync(path).size).toBe(size);
    expect(second.append(sampleRecord(4))).toBe(4);
    await second.close();
    tails.length = 0;
    expect((await readAll(tails)).map((r) => r.sequence)).toEqual([1, 2, 3, 4]);
    expect(tails).toEqual([]);
  });

  it("removes a newest file torn before its first record", async () => {
    const clock = new ManualClock();
    const first = await CdrFileWriter.open({ dir, clock, maxRecords: 2 });
    for (let n = 1; n <= 3; n++) first.append(sampleRecord(n));
    await first.close();
    const newest = join(dir, cdrFiles()[1] as string);
    const bytes = readFileSync(newest);
    writeFileSync(newest, bytes.subarray(0, 10)); // torn inside the header
    const second = await CdrFileWriter.open({ dir, clock });
    expect(second.recovery).toEqual({ file: newest, truncatedAt: 0, droppedBytes: 10, removed: true });
    expect(second.nextSequence).toBe(3);
    expect(cdrFiles().length).toBe(1);
    second.append(sampleRecord(3));
    await second.close();
    expect((await readAll()).map((r) => r.sequence)).toEqual([1, 2, 3]);
  });

  it("refuses to start on a directory whose newest file is corrupt in the middle", async () => {
    const first = await CdrFileWriter.open({ dir, clock: new ManualClock() });
    for (let n = 1; n <= 3; n++) first.append(sampleRecord(n));
    await first.close();
    const path = join(dir, cdrFiles()[0] as string);
    const bytes = readFileSync(path);
    bytes.fill(0xff, 40, 45);
    writeFileSync(path, bytes);
    await expect(CdrFileWriter.open({ dir, clock: new ManualClock() })).rejects.toThrow(/corrupt at offset/);
  });

  it("fails every later call once a write has failed", async () => {
    const writer = await CdrFileWriter.open({ dir, clock: new ManualClock() });
    writer.append(sampleRecord(1));
    // Another writer took the name: "wx" refuses to open it.
    writeFileSync(join(dir, "cdr-20260115T103000Z-000000000001.pb"), "");
    await expect(writer.flush()).rejects.toMatchObject({ code: "CDR_WRITER_FAILED" });
    expect(() => writer.append(sampleRecord(2))).toThrow(/failed/);
    await expect(writer.close()).rejects.toMatchObject({ code: "CDR_WRITER_FAILED" });
  });

  it("checks its options", async () => {
    await expect(CdrFileWriter.open({ dir, clock: new ManualClock(), maxBytes: 0 })).rejects.toThrow(
      /maxBytes/,
    );
    await expect(CdrFileWriter.open({ dir, clock: new ManualClock(), maxRecords: -1 })).rejects.toThrow(
      /maxRecords/,
    );
  });

  it("names files by the clock's UTC time", async () => {
    const writer = await CdrFileWriter.open({
      dir,
      clock: new ManualClock(Date.UTC(2027, 11, 31, 23, 59, 58, 999)),
    });
    writer.append(sampleRecord(1, { startedAt: T0 }));
    await writer.close();
    expect(cdrFiles()).toEqual(["cdr-20271231T235958Z-000000000001.pb"]);
  });
});
