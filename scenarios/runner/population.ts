/**
 * The subscribers of a run: groups of generated numbers (consecutive MSISDN and IMSI ranges) or
 * rows of a CSV file (a header row naming msisdn, imsi and optionally plan, balance, creditLimit,
 * cug; a telsim SIM batch file works as is), and how flows pick them: sequential (round robin),
 * random, or unique (one running flow per subscriber at a time, SIPp's USER mode).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Kopecks } from "../../core/charging/money.js";
import type { SeededRandom } from "../../sim/random.js";
import type { PopulationView, SubscriberRef } from "./ports.js";
import { FieldError } from "./scenario-error.js";
import type { GroupSpec, PickStrategy, PopulationSpec } from "./scenario-types.js";
import { parseAmount } from "./units.js";

export interface SubscriberRecord extends SubscriberRef {
  readonly balance: Kopecks | undefined;
  readonly creditLimit: Kopecks | undefined;
  readonly allowArchived: boolean;
  /** The SIM card of the subscriber's handset (handset steps). */
  readonly sim: SimOptions;
}

export interface SimOptions {
  readonly pinEnabled: boolean;
  readonly pin: string;
  readonly puk: string;
}

/** PIN1 and PUK1 of the 3GPP test UICC (TS 31.121 §4.1.1), the default codes. */
export const DEFAULT_SIM_CODES = { pin: "0000", puk: "11111111" } as const;

export interface PopulationPlan {
  readonly subscribers: readonly SubscriberRecord[];
  readonly groups: readonly string[];
}

/** Defaults: A1 numbers 37529 1000000…, IMSI 257 01 0000000001… (MCC 257, MNC 01). */
const DEFAULT_MSISDN = 375291000000;
const DEFAULT_IMSI = 257010000000001;
const MAX_SUBSCRIBERS = 10_000_000;

function numberRange(
  first: string | undefined,
  fallback: number,
  offset: number,
  path: (string | number)[],
): (i: number) => string {
  const start = first === undefined ? fallback + offset : Number(first);
  if (!Number.isSafeInteger(start)) throw new FieldError(path, `"${first}" is not a number`);
  const width = first?.length ?? String(fallback).length;
  return (i) => String(start + i).padStart(width, "0");
}

function csvRows(file: string, path: (string | number)[]): Record<string, string>[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new FieldError(path, `cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "" && !l.startsWith("#"));
  const header = (lines[0] ?? "").split(",").map((h) => h.trim().replace(/^"|"$/g, ""));
  if (!header.includes("msisdn") || !header.includes("imsi")) {
    throw new FieldError(path, `${file}: the header row must name the columns msisdn and imsi`);
  }
  return lines.slice(1).map((line, n) => {
    const cells = line.split(",").map((c) => c.trim().replace(/^"|"$/g, ""));
    if (cells.length < header.length)
      throw new FieldError(path, `${file}: row ${n + 2} has ${cells.length} of ${header.length} columns`);
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ""]));
  });
}

/** Builds the subscriber list (deterministic: no randomness). `dir` resolves CSV paths. */
export function planPopulation(spec: PopulationSpec, dir: string): PopulationPlan {
  const subscribers: SubscriberRecord[] = [];
  const seen = new Map<string, string>();
  let offset = 0;
  spec.groups.forEach((g, gi) => {
    const path: (string | number)[] = ["population", "groups", gi];
    const money = (text: string | undefined, field: string): Kopecks | undefined => {
      if (text === undefined || text === "") return undefined;
      try {
        return parseAmount(text, field);
      } catch {
        throw new FieldError([...path, field], `"${text}" is not an amount like "10.00"`);
      }
    };
    const sim: SimOptions = {
      pinEnabled: g.sim?.pin === "enabled",
      pin: g.sim?.code ?? DEFAULT_SIM_CODES.pin,
      puk: g.sim?.puk ?? DEFAULT_SIM_CODES.puk,
    };
    // An empty CSV cell means "the group's value".
    const given = (v: string | undefined): string | undefined =>
      v === undefined || v.trim() === "" ? undefined : v;
    const add = (
      msisdn: string,
      imsi: string,
      over: Partial<Record<"plan" | "balance" | "creditLimit" | "cug", string>>,
    ) => {
      for (const [kind, value] of [
        ["MSISDN", msisdn],
        ["IMSI", imsi],
      ] as const) {
        const other = seen.get(`${kind}${value}`);
        if (other !== undefined) throw new FieldError(path, `${kind} ${value} is also in group "${other}"`);
        seen.set(`${kind}${value}`, g.name);
      }
      if (!/^\d{5,15}$/.test(msisdn)) throw new FieldError(path, `MSISDN "${msisdn}" is not 5-15 digits`);
      if (!/^\d{6,15}$/.test(imsi)) throw new FieldError(path, `IMSI "${imsi}" is not 6-15 digits`);
      const index = subscribers.length;
      const favorites = Array.from(
        { length: g.favorites ?? 0 },
        (_, j) => `37533${String((index * 7 + j * 104729) % 10_000_000).padStart(7, "0")}`,
      );
      subscribers.push({
        index,
        msisdn,
        imsi,
        group: g.name,
        plan: given(over.plan) ?? g.plan,
        balance: money(given(over.balance) ?? g.balance, "balance"),
        creditLimit: money(given(over.creditLimit) ?? g.creditLimit, "creditLimit"),
        cug: given(over.cug) ?? g.cug,
        favorites,
        allowArchived: g.allowArchived ?? false,
        sim,
      });
    };
    if (g.csv !== undefined) {
      for (const row of csvRows(resolve(dir, g.csv), [...path, "csv"])) {
        add(row.msisdn ?? "", row.imsi ?? "", {
          ...(row.plan !== undefined ? { plan: row.plan } : {}),
          ...(row.balance !== undefined ? { balance: row.balance } : {}),
          ...((row.creditLimit ?? row.credit_limit) !== undefined
            ? { creditLimit: row.creditLimit ?? row.credit_limit ?? "" }
            : {}),
          ...(row.cug !== undefined ? { cug: row.cug } : {}),
        });
      }
    } else {
      const count = g.count ?? 0;
      const msisdn = numberRange(g.msisdn, DEFAULT_MSISDN, offset, [...path, "msisdn"]);
      const imsi = numberRange(g.imsi, DEFAULT_IMSI, offset, [...path, "imsi"]);
      for (let i = 0; i < count; i++) add(msisdn(i), imsi(i), {});
      offset += count;
    }
    if (subscribers.length > MAX_SUBSCRIBERS)
      throw new FieldError(path, `more than ${MAX_SUBSCRIBERS} subscribers`);
  });
  return { subscribers, groups: spec.groups.map((g: GroupSpec) => g.name) };
}

/**
 * Hands subscribers to flow instances. With `unique`, a subscriber leased to a running flow is
 * skipped until released; the search is bounded by the candidate count.
 */
export class SubscriberPool implements PopulationView {
  private readonly leased: Uint8Array;
  private readonly cursors = new Map<string, number>();
  private readonly candidateSets = new Map<string, readonly number[]>();
  private readonly byCug = new Map<string, SubscriberRef[]>();

  constructor(
    private readonly all: readonly SubscriberRef[],
    /** Subscribers this thread may hand out (with unique, each thread gets its own share). */
    private readonly mine: (s: SubscriberRef) => boolean = () => true,
  ) {
    this.leased = new Uint8Array(all.length);
    for (const s of all) {
      if (s.cug === undefined) continue;
      const list = this.byCug.get(s.cug) ?? [];
      list.push(s);
      this.byCug.set(s.cug, list);
    }
  }

  get size(): number {
    return this.all.length;
  }

  /** Candidates for a flow: its groups (all when undefined) within this thread's share. */
  private candidates(groups: readonly string[] | undefined): { key: string; list: readonly number[] } {
    const key = groups === undefined ? "*" : groups.join("\u0000");
    let list = this.candidateSets.get(key);
    if (list === undefined) {
      const wanted = groups === undefined ? undefined : new Set(groups);
      list = this.all
        .filter((s) => (wanted === undefined || wanted.has(s.group)) && this.mine(s))
        .map((s) => s.index);
      this.candidateSets.set(key, list);
    }
    return { key, list };
  }

  acquire(
    groups: readonly string[] | undefined,
    strategy: PickStrategy,
    rng: SeededRandom,
  ): SubscriberRef | undefined {
    const { key, list } = this.candidates(groups);
    const n = list.length;
    if (n === 0) return undefined;
    if (strategy === "random") return this.all[list[rng.nextInt(n)] as number];
    let cursor = this.cursors.get(key) ?? 0;
    if (strategy === "sequential") {
      this.cursors.set(key, (cursor + 1) % n);
      return this.all[list[cursor] as number];
    }
    for (let tried = 0; tried < n; tried++) {
      const index = list[cursor] as number;
      cursor = (cursor + 1) % n;
      if (this.leased[index] === 0) {
        this.leased[index] = 1;
        this.cursors.set(key, cursor);
        return this.all[index];
      }
    }
    this.cursors.set(key, cursor);
    return undefined;
  }

  release(s: SubscriberRef, strategy: PickStrategy): void {
    if (strategy === "unique") this.leased[s.index] = 0;
  }

  onNetPeer(rng: SeededRandom, caller: SubscriberRef): SubscriberRef | undefined {
    const ok = (s: SubscriberRef | undefined): s is SubscriberRef =>
      s !== undefined && s.index !== caller.index && (caller.cug === undefined || s.cug !== caller.cug);
    const n = this.all.length;
    for (let i = 0; i < 8 && n > 0; i++) {
      const s = this.all[rng.nextInt(n)];
      if (ok(s)) return s;
    }
    return this.all.find(ok);
  }

  cugPeer(rng: SeededRandom, caller: SubscriberRef): SubscriberRef | undefined {
    if (caller.cug === undefined) return undefined;
    const members = (this.byCug.get(caller.cug) ?? []).filter((s) => s.index !== caller.index);
    return members.length === 0 ? undefined : members[rng.nextInt(members.length)];
  }
}
