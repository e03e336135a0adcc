/**
 * Where a farm's cards come from: a SIM batch file (`telsim sim generate` CSV or JSON) or a
 * batch generated from a seed, loaded into one compact card store. The generated cards are the
 * 3GPP test cards (PIN 0000, PUK 11111111) unless `testCard` is false.
 */
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { CsvBatchReader } from "../../sim/batch-csv.js";
import { generateRows } from "../../sim/batch-generate.js";
import { parseJsonDocument, readJsonBatch } from "../../sim/batch-json.js";
import { addingRowsTo, CompactCardStore } from "../../sim/compact-card-store.js";

export interface GeneratedSims {
  readonly count: number;
  readonly seed: string | number;
  readonly testCard?: boolean;
}

export function generatedSims(options: GeneratedSims): CompactCardStore {
  const store = new CompactCardStore({ capacity: options.count });
  store.addRows(
    generateRows({ count: options.count, seed: options.seed, testCard: options.testCard ?? true }),
  );
  return store;
}

/** Loads a batch file: JSON when it ends in .json, CSV otherwise (streamed). */
export async function simsFromFile(path: string): Promise<CompactCardStore> {
  const store = new CompactCardStore();
  const onRow = addingRowsTo(store);
  if (path.endsWith(".json")) {
    readJsonBatch(parseJsonDocument(await readFile(path, "utf8")), onRow);
    return store;
  }
  const reader = new CsvBatchReader(onRow);
  for await (const chunk of createReadStream(path, { encoding: "utf8" })) reader.push(String(chunk));
  reader.end();
  return store;
}
