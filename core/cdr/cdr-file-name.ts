/**
 * CDR file names: `cdr-<UTC yyyymmddThhmmssZ>-<first sequence, 12 digits>.pb`, e.g.
 * cdr-20260101T000000Z-000000000001.pb. The time is when the writer opened the file; the number
 * is the sequence of its first record, so the names sort in write order (as text, while the
 * sequence has at most 12 digits and the clock does not go back) and readers order files by
 * that number.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";

const NAME_RE = /^cdr-(\d{8}T\d{6}Z)-(\d{12,16})\.pb$/;

export interface CdrFileInfo {
  readonly name: string;
  readonly path: string;
  /** The sequence of the file's first record, from its name. */
  readonly firstSequence: number;
}

export function cdrFileName(openedAt: number, firstSequence: number): string {
  const year = new Date(openedAt).getUTCFullYear();
  if (!(year >= 0 && year <= 9999)) throw new RangeError(`cannot name a CDR file opened at ${openedAt}`);
  const stamp = new Date(openedAt)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
  return `cdr-${stamp}-${String(firstSequence).padStart(12, "0")}.pb`;
}

/** The sequence in a CDR file name, or undefined for a name that is not one. */
export function parseCdrFileName(name: string): number | undefined {
  const m = NAME_RE.exec(name);
  return m === null ? undefined : Number(m[2]);
}

/** The CDR files in `dir`, oldest first; other files are ignored. */
export async function listCdrFiles(dir: string): Promise<CdrFileInfo[]> {
  const files: CdrFileInfo[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const firstSequence = entry.isFile() || entry.isSymbolicLink() ? parseCdrFileName(entry.name) : undefined;
    if (firstSequence !== undefined)
      files.push({ name: entry.name, path: join(dir, entry.name), firstSequence });
  }
  return files.sort((a, b) => a.firstSequence - b.firstSequence || (a.name < b.name ? -1 : 1));
}
