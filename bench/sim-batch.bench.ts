/**
 * SIM batch figures for 1,000,000 cards:
 *  - generation of 1M profiles straight into the CompactCardStore (seconds);
 *  - RSS of the store holding 1M cards (MB, bytes/card; total process RSS and growth);
 *  - CSV export of the 1M cards from the store to a file, and CSV import back (seconds);
 *  - `telsim sim generate --count 1000000 --out FILE` end to end (seconds);
 *  - micro: store.get, findByImsi, generateRow.
 * The 1M measurements run in a child process started with --expose-gc, so the RSS is that of
 * a process holding the store and nothing else. Everything is bounded (child timeout 300 s).
 *
 * Run: npm run bench -- sim-batch   (or: npx tsc -p tsconfig.build.json && node dist/bench/run.js sim-batch)
 */
import { execFile } from "node:child_process";
import { createReadStream } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CsvBatchReader, csvChunks } from "../sim/batch-csv.js";
import { generateRow, generateRows, planBatch } from "../sim/batch-generate.js";
import { addingRowsTo, CompactCardStore } from "../sim/compact-card-store.js";
import { runMicro } from "./micro.js";

const CARDS = 1_000_000;
const CHILD_FLAG = "--sim-batch-child";
const CHILD_TIMEOUT_MS = 300_000;
const here = dirname(fileURLToPath(import.meta.url));

interface ChildFigures {
  generateSeconds: number;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  allocatedBytes: number;
  exportSeconds: number;
  csvBytes: number;
  importSeconds: number;
}

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "telsim-sim-batch-"));
  try {
    const child = await runNode(["--expose-gc", fileURLToPath(import.meta.url), CHILD_FLAG, dir]);
    const figures = JSON.parse(child.stdout) as ChildFigures;
    const growth = figures.rssAfterBytes - figures.rssBeforeBytes;
    const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
    const line = (text: string) => process.stdout.write(`sim-batch | ${text}\n`);
    line(
      `generate ${CARDS.toLocaleString("en-US")} profiles into CompactCardStore: ${figures.generateSeconds.toFixed(2)} s`,
    );
    line(
      `store RSS for ${CARDS.toLocaleString("en-US")} cards: process ${mb(figures.rssAfterBytes)} MB ` +
        `(${Math.round(figures.rssAfterBytes / CARDS)} bytes/card incl. node), growth ${mb(growth)} MB ` +
        `(${Math.round(growth / CARDS)} bytes/card), typed arrays ${Math.round(figures.allocatedBytes / CARDS)} bytes/card`,
    );
    line(
      `CSV export of ${CARDS.toLocaleString("en-US")} rows from the store: ${figures.exportSeconds.toFixed(2)} s (${mb(figures.csvBytes)} MB)`,
    );
    line(
      `CSV import of ${CARDS.toLocaleString("en-US")} rows into a store: ${figures.importSeconds.toFixed(2)} s`,
    );

    const cli = join(here, "..", "cli", "telsim.js");
    const started = performance.now();
    await runNode([
      cli,
      "sim",
      "generate",
      "--count",
      String(CARDS),
      "--seed",
      "bench",
      "--out",
      join(dir, "cli.csv"),
    ]);
    line(
      `telsim sim generate --count ${CARDS} --out FILE: ${((performance.now() - started) / 1000).toFixed(2)} s end to end`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  await micro();
}

async function micro(): Promise<void> {
  const plan = planBatch({ seed: "micro" });
  const store = new CompactCardStore({ capacity: 100_000 });
  store.addRows(generateRows({ count: 100_000, seed: "micro" }));
  const imsis = Array.from({ length: 1024 }, (_, i) => store.get(i * 97).imsi);
  let i = 0;
  await runMicro("sim-batch", [
    { name: "generateRow", fn: () => void generateRow(plan, i++ % 1_000_000) },
    { name: "store.get (100k cards)", fn: () => void store.get(i++ % 100_000) },
    { name: "store.findByImsi (100k cards)", fn: () => void store.findByImsi(imsis[i++ & 1023]!) },
  ]);
}

function runNode(args: string[]): Promise<{ stdout: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      args,
      { timeout: CHILD_TIMEOUT_MS, maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${args.join(" ")} failed: ${error.message}\n${stderr}`));
        else resolve({ stdout });
      },
    );
  });
}

/** The child: measures with nothing else in the process. */
async function child(dir: string): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("run the child with --expose-gc");
  gc();
  const rssBeforeBytes = process.memoryUsage().rss;
  let started = performance.now();
  const store = new CompactCardStore({ capacity: CARDS });
  store.addRows(generateRows({ count: CARDS, seed: "bench" }));
  const generateSeconds = (performance.now() - started) / 1000;
  gc();
  const rssAfterBytes = process.memoryUsage().rss;

  const file = join(dir, "store.csv");
  started = performance.now();
  const handle = await open(file, "w");
  let csvBytes = 0;
  for (const chunk of csvChunks(store.rows())) {
    await handle.write(chunk);
    csvBytes += chunk.length;
  }
  await handle.close();
  const exportSeconds = (performance.now() - started) / 1000;

  started = performance.now();
  const imported = new CompactCardStore({ capacity: CARDS });
  const reader = new CsvBatchReader(addingRowsTo(imported));
  for await (const chunk of createReadStream(file, { encoding: "utf8" })) reader.push(chunk as string);
  if (reader.end() !== CARDS || imported.size !== CARDS) throw new Error("import lost rows");
  const importSeconds = (performance.now() - started) / 1000;

  const figures: ChildFigures = {
    generateSeconds,
    rssBeforeBytes,
    rssAfterBytes,
    allocatedBytes: store.allocatedBytes,
    exportSeconds,
    csvBytes,
    importSeconds,
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === CHILD_FLAG) {
  await child(process.argv[3] ?? tmpdir());
}
