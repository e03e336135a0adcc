/**
 * Runs the benchmarks: `npm run bench` (all) or `npm run bench -- milenage` (names containing the word).
 * Each bench/<name>.bench.ts exports `run(): Promise<void>` and prints its own figures.
 */
import { readdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith(".bench.js"))
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort();

process.stdout.write(`telsim benchmarks: node ${process.version}, ${new Date().toISOString()}\n`);
for (const file of files) {
  const mod = (await import(pathToFileURL(`${here}/${file}`).href)) as { run?: () => Promise<void> };
  if (typeof mod.run !== "function") throw new Error(`${file} does not export run()`);
  await mod.run();
}
