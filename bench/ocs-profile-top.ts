/**
 * Reads a `.cpuprofile` written by `OCS_BENCH_PROFILE=<dir>` and prints the functions with the
 * most self time, as a share of the busy (non-idle) samples and in µs per CCR, plus the inclusive
 * time of the main stages of a CCR. `requests` is the server's `serverRequestsTotal` from the
 * VERIFY line (OCS_BENCH_JSON), so µs per CCR covers the whole life of the server process.
 *
 *   node dist/bench/ocs-profile-top.js <file.cpuprofile> <requests> [top=25]
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Inclusive stages: a sample counts once for a stage if any frame on its stack matches. */
const STAGES: readonly (readonly [string, string])[] = [
  ["socket data in (everything below it)", "`onData` dist/core/diameter/connection.js"],
  ["decode CCR", "`decodeMessage` dist/core/diameter/decoder.js"],
  ["validate CCR", "`validateMessage` dist/core/diameter/validate.js"],
  ["parse CCR to typed", "`parseCcr` dist/core/diameter/gy/gy-parse.js"],
  ["OCS answer (rate, reserve/commit, persist call)", "`answer` dist/core/ocs/gy-ocs.js"],
  ["  of which sessionMscc", "`sessionMscc` dist/core/ocs/gy-ocs.js"],
  ["store: account/record JSON", "`encodeGroup` dist/core/store/sqlite-group.js"],
  ["build CCA", "`buildCca` dist/core/diameter/gy/gy-build.js"],
  ["  of which makeAvp", "`makeAvp` dist/core/diameter/avp-build.js"],
  ["encode CCA", "`encodeMessage` dist/core/diameter/encoder.js"],
  ["garbage collector", "`(garbage collector)`"],
];

const [file, requestsArg, topArg = "25"] = process.argv.slice(2);
if (file === undefined || requestsArg === undefined) {
  process.stderr.write("usage: node dist/bench/ocs-profile-top.js <file.cpuprofile> <requests> [top]\n");
  process.exit(2);
}
const requests = Number(requestsArg);
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);

function label(n: ProfileNode): string {
  const f = n.callFrame;
  const url = f.url.replace(/^.*\/(dist|node_modules)\//, "$1/");
  return `\`${f.functionName || "(anonymous)"}\`${url !== "" ? ` ${url}:${f.lineNumber + 1}` : ""}`;
}

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
let idle = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i] ?? 0;
  const leaf = byId.get(profile.samples[i]!);
  if (leaf === undefined) continue;
  total += dt;
  const name = label(leaf);
  if (name.startsWith("`(idle)`")) {
    idle += dt;
    continue;
  }
  self.set(name, (self.get(name) ?? 0) + dt);
  const seen = new Set<string>();
  for (let id: number | undefined = leaf.id; id !== undefined; id = parentOf.get(id)) {
    const frame = label(byId.get(id)!);
    for (const [stage, match] of STAGES) {
      if (!seen.has(stage) && frame.startsWith(match)) {
        seen.add(stage);
        inclusive.set(stage, (inclusive.get(stage) ?? 0) + dt);
      }
    }
  }
}
const busy = total - idle;
const pct = (us: number): string => ((100 * us) / busy).toFixed(1);
const perCcr = (us: number): string => (us / requests).toFixed(1);
process.stdout.write(
  `${file}: sampled ${Math.round(total / 1000)} ms, idle ${Math.round(idle / 1000)} ms; ` +
    `${requests} requests: ${perCcr(busy)} µs of busy main thread per CCR (profiler overhead included)\n\n` +
    "| # | function (file:line in dist) | self, % of busy | µs per CCR |\n|---|---|---|---|\n",
);
[...self]
  .sort((a, b) => b[1] - a[1])
  .slice(0, Number(topArg))
  .forEach(([name, us], i) => process.stdout.write(`| ${i + 1} | ${name} | ${pct(us)} | ${perCcr(us)} |\n`));
process.stdout.write("\n| stage (inclusive) | % of busy | µs per CCR |\n|---|---|---|\n");
for (const [stage] of STAGES) {
  const us = inclusive.get(stage) ?? 0;
  process.stdout.write(`| ${stage} | ${pct(us)} | ${perCcr(us)} |\n`);
}
