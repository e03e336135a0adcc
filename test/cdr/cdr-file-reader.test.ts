import {
  appendFileSync,
  copyFileSync,
  existsSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { encodeHeaderDelimited, encodeRecordDelimited } from "../../core/cdr/cdr-codec.js";
import { CdrCorruptError, CdrError } from "../../core/cdr/cdr-errors.js";
import { cdrFileName } from "../../core/cdr/cdr-file-name.js";
import { readCdrFile, readCdrFiles, type TruncatedTail } from "../../core/cdr/cdr-file-reader.js";
import { CdrFileWriter } from "../../core/cdr/cdr-file-writer.js";
import { cdrSchema } from "../../core/cdr/cdr-schema.js";
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

/** Writes records 1..count, `perFile` to a file; returns the file paths, oldest first. */
async function writeFiles(count: number, perFile: number, clock = new ManualClock()): Promise<string[]> {
  const writer = await CdrFileWriter.open({ dir, clock, maxRecords: perFile });
  for (let n = 1; n <= count; n++) writer.append(sampleRecord(n));
  await writer.close();
  return cdrFiles().map((name) => join(dir, name));
}

async function readError(): Promise<unknown> {
  try {
    await collect(readCdrFiles(dir));
  } catch (error) {
    return error;
  }
  throw new Error("expected the read to fail");
}

/** The offset of each record in a file, from the reader. */
async function offsets(path: string): Promise<number[]> {
  return (await collect(readCdrFile(path))).map((r) => r.offset);
}

describe("readCdrFiles", () => {
  it("reads nothing from an empty directory and ignores other files", async () => {
    writeFileSync(join(dir, "notes.txt"), "hello");
    writeFileSync(join(dir, "cdr-latest.pb"), "not ours");
    expect(await collect(readCdrFiles(dir))).toEqual([]);
  });

  it("reads files in sequence order, whatever the times in their names", async () => {
    const clock = new ManualClock(T0);
    const writer = await CdrFileWriter.open({ dir, clock, maxRecords: 2 });
    for (let n = 1; n <= 6; n++) {
      writer.append(sampleRecord(n));
      clock.time -= 3_600_000; // a clock going back: later files get earlier times
    }
    await writer.close();
    const names = cdrFiles();
    expect(names.length).toBe(3);
    expect(names[0]).toContain("-000000000005.pb"); // sorts first as text
    const read = await collect(readCdrFiles(dir));
    expect(read.map((r) => r.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(read.map((r) => r.file.slice(dir.length + 1))).toEqual([
      names[2],
      names[2],
      names[1],
      names[1],
      names[0],
      names[0],
    ]);
  });

  it("reads across chunk boundaries of any size", async () => {
    await writeFiles(30, 7);
    const whole = await collect(readCdrFiles(dir));
    for (const chunkBytes of [1, 2, 3, 7, 64, 333]) {
      expect(await collect(readCdrFiles(dir, { chunkBytes }))).toEqual(whole);
    }
    expect(whole.map((r) => r.record)).toEqual(Array.from({ length: 30 }, (_, i) => sampleRecord(i + 1)));
  });

  it("stops at a torn last record in the newest file and reports it", async () => {
    const files = await writeFiles(5, 3);
    const newest = files[1] as string;
    const size = statSync(newest).size;
    appendFileSync(newest, encodeRecordDelimited(6, sampleRecord(6)).subarray(0, 30));
    const tails: TruncatedTail[] = [];
    const read = await collect(readCdrFiles(dir, { onTruncatedTail: (t) => tails.push(t), chunkBytes: 16 }));
    expect(read.map((r) => r.sequence)).toEqual([1, 2, 3, 4, 5]);
    expect(tails).toEqual([
      { file: newest, offset: size, bytes: 30, reason: "the last message is incomplete" },
    ]);
  });

  it("treats a torn length prefix and a zero-filled tail in the newest file as torn", async () => {
    const [, newest] = (await writeFiles(4, 2)) as [string, string];
    const size = statSync(newest).size;
    appendFileSync(newest, Buffer.from([0xb5])); // first byte of a two-byte length
    const tails: TruncatedTail[] = [];
    expect((await collect(readCdrFiles(dir, { onTruncatedTail: (t) => tails.push(t) }))).length).toBe(4);
    expect(tails[0]).toMatchObject({ offset: size, bytes: 1 });

    writeFileSync(newest, Buffer.concat([readFileSync(newest).subarray(0, size), Buffer.alloc(5000)]));
    tails.length = 0;
    expect(
      (await collect(readCdrFiles(dir, { onTruncatedTail: (t) => tails.push(t), chunkBytes: 1000 }))).length,
    ).toBe(4);
    expect(tails).toEqual([
      { file: newest, offset: size, bytes: 5000, reason: "zero bytes to the end of the file" },
    ]);
  });

  it("reports an empty newest file as torn", async () => {
    await writeFiles(2, 2);
    const empty = join(dir, cdrFileName(T0 + 1000, 3));
    writeFileSync(empty, "");
    const tails: TruncatedTail[] = [];
    expect((await collect(readCdrFiles(dir, { onTruncatedTail: (t) => tails.push(t) }))).length).toBe(2);
    expect(tails).toEqual([{ file: empty, offset: 0, bytes: 0, reason: "the file is empty" }]);
  });

  it("rejects a torn record in a file that is not the newest, naming file and offset", async () => {
    const [oldest] = (await writeFiles(6, 3)) as [string];
    const bytes = readFileSync(oldest);
    const [, , third] = await offsets(oldest);
    writeFileSync(oldest, bytes.subarray(0, (third as number) + 5));
    const error = await readError();
    expect(error).toBeInstanceOf(CdrCorruptError);
    expect(error).toMatchObject({ file: oldest, offset: third, code: "CDR_CORRUPT" });
    expect((error as Error).message).toBe(
      `${oldest}: corrupt at offset ${third}: the last message is incomplete (5 bytes left)`,
    );
  });

  it("rejects a damaged record in the middle of a file", async () => {
    const [oldest] = (await writeFiles(6, 3)) as [string];
    const [, second] = await offsets(oldest);
    const bytes = readFileSync(oldest);
    bytes.writeUInt8(0x07, (second as number) + 1); // field 0 with wire type 7: not protobuf
    writeFileSync(oldest, bytes);
    const before: number[] = [];
    await expect(
      (async () => {
        for await (const r of readCdrFiles(dir)) before.push(r.sequence);
      })(),
    ).rejects.toBeInstanceOf(CdrCorruptError);
    expect(before).toEqual([1]); // the good record before the damage is handed on first
    const error = await readError();
    expect(error).toMatchObject({ file: oldest, offset: second });
    expect((error as Error).message).toBe(
      `${oldest}: corrupt at offset ${second}: ChargingDataRecord: invalid wire type 7 at offset 1`,
    );
  });

  it("rejects a runaway length prefix and a message that is not a CDR", async () => {
    const [oldest] = (await writeFiles(4, 2)) as [string];
    const [, second] = (await offsets(oldest)) as [number, number];
    const bytes = readFileSync(oldest);
    writeFileSync(
      oldest,
      Buffer.concat([bytes.subarray(0, second), Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f])]),
    );
    expect(await readError()).toMatchObject({
      offset: second,
      message: expect.stringMatching(/length prefix/),
    });

    writeFileSync(
      oldest,
      Buffer.concat([bytes.subarray(0, second), Buffer.from([0x02, 0x30, 0x00]), bytes.subarray(second)]),
    );
    expect(await readError()).toMatchObject({ offset: second, message: expect.stringMatching(/kind 0/) });
  });

  it("rejects an empty message in the middle of the newest file", async () => {
    await writeFiles(2, 2);
    const path = join(dir, cdrFileName(T0, 3));
    writeFileSync(path, Buffer.concat([encodeHeaderDelimited(T0, 3), Buffer.from([0x00, 0x05])]));
    const offset = encodeHeaderDelimited(T0, 3).length;
    expect(await readError()).toMatchObject({
      file: path,
      offset,
      message: expect.stringMatching(/an empty message$/),
    });
  });

  it("rejects a file that is not a CDR file", async () => {
    const stranger = join(dir, cdrFileName(T0, 1));
    writeFileSync(stranger, "PK\u0003\u0004 a zip file, not CDRs at all, as the header shows");
    writeFileSync(join(dir, cdrFileName(T0, 2)), encodeHeaderDelimited(T0, 2));
    expect(await readError()).toMatchObject({ file: stranger, offset: 0, code: "CDR_CORRUPT" });
  });

  it("rejects a newer format version, naming the file", async () => {
    const path = join(dir, cdrFileName(T0, 1));
    const header = cdrSchema()
      .header.encodeDelimited({ format: "telsim-cdr", version: 2, created_at: T0, first_sequence: 1 })
      .finish();
    writeFileSync(path, header);
    const error = await readError();
    expect(error).toBeInstanceOf(CdrError);
    expect(error).toMatchObject({
      code: "CDR_UNSUPPORTED_VERSION",
      message: `${path}: format version 2; this reader knows version 1`,
    });
  });

  it("rejects sequences that do not go up, and a header that disagrees with the name", async () => {
    const [oldest] = (await writeFiles(4, 2)) as [string];
    // A copy of the oldest file under a later name: its records repeat sequences 1 and 2.
    copyFileSync(oldest, join(dir, cdrFileName(T0 + 5000, 5)));
    expect(await readError()).toMatchObject({
      message: expect.stringMatching(/the header says first sequence 1, the name 5/),
    });
  });

  it.skipIf(!existsSync("/proc/self/fd"))("closes its file when the reader stops early", async () => {
    await writeFiles(10, 5);
    const openFds = () => readdirSync("/proc/self/fd").length;
    const before = openFds();
    for await (const r of readCdrFiles(dir)) {
      expect(openFds()).toBe(before + 1);
      if (r.sequence === 2) break;
    }
    expect(openFds()).toBe(before);
  });

  it("lets nothing but CdrError escape from damaged files", async () => {
    const files = await writeFiles(12, 4);
    const originals = files.map((path) => readFileSync(path));
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const outcomes = new Set<string>();
    for (let round = 0; round < 300; round++) {
      const victim = random(files.length);
      const bytes = Buffer.from(originals[victim] as Buffer);
      const damaged =
        round % 3 === 0
          ? bytes.subarray(0, random(bytes.length))
          : bytes.map((byte) => (random(40) === 0 ? random(256) : byte));
      originals.forEach((original, i) => {
        writeFileSync(files[i] as string, i === victim ? damaged : original);
      });
      try {
        await collect(readCdrFiles(dir, { chunkBytes: 1 + random(200) }));
        outcomes.add("read");
      } catch (error) {
        expect(error).toBeInstanceOf(CdrError);
        outcomes.add((error as CdrError).code);
      }
    }
    expect(outcomes).toContain("CDR_CORRUPT");
  });
});
