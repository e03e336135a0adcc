/**
 * What the OCS load benchmark's three processes agree on: how account n's subscriber is numbered,
 * the plan and balances the server provisions, the lines the children print, and the helpers the
 * parent uses to read those lines and to make sure no child outlives it.
 */
import type { ChildProcess } from "node:child_process";

export const MB = 1024 * 1024;

/** A pay-per-MB plan (rates `data-only`: 0.10 BYN per MB); archived, so provisioned as a migration. */
export const BENCH_PLAN = "web-900";
/** Every account starts with this much money (kopecks): enough that no grant ever runs short. */
export const INITIAL_BALANCE = 10_000_000;
/** What is left of the 900 MB allowance after provisioning: the first MB is free, the rest is money. */
export const ALLOWANCE_LEFT_OCTETS = MB;
/** Octets asked for by every CCR-I and CCR-U (the OCS may grant less). */
export const REQUESTED_OCTETS = 10 * MB;

export const ORIGIN_HOST = "pgw.bench.local";
export const ORIGIN_REALM = "bench.local";
export const OCS_REALM = "telsim.local";

/** Account n (0-based): id acc-(n+1), MSISDN 37529xxxxxxx, IMSI 25701xxxxxxxxxx. */
export function accountId(n: number): string {
  return `acc-${n + 1}`;
}
export function msisdnOf(n: number): string {
  return String(375_290_000_000 + n);
}
export function imsiOf(n: number): string {
  return String(257_010_000_000_000 + n);
}
/** The account number back from its id (acc-17 → 16), or -1. */
export function accountNumber(id: string): number {
  const m = /^acc-(\d+)$/.exec(id);
  return m === null ? -1 : Number(m[1]) - 1;
}

/** Server figures between the parent's two MARK lines (the client's measured interval). */
export interface ServerInterval {
  readonly requests: number;
  readonly cpuUserMs: number;
  readonly cpuSystemMs: number;
  readonly wallMs: number;
  /** Event-loop utilisation of the main thread, 0..1. */
  readonly mainLoopUtilisation: number;
  /** CPU ms per thread of the server process (from /proc), busiest first. */
  readonly threads: readonly { readonly name: string; readonly cpuMs: number }[];
  readonly rssMiB: number;
  readonly openSessions: number;
  /** Main-thread GC pauses in the interval, by kind. */
  readonly gcPauses: Readonly<Record<string, { readonly count: number; readonly ms: number }>>;
}

export interface VerifyResult {
  readonly store: string;
  readonly accounts: number;
  readonly accountsWithOpenReservations: number;
  readonly reconcileMismatches: number;
  readonly firstMismatch?: string;
  readonly dataRecords: number;
  readonly otherRecords: number;
  readonly ccrTAnswered: number;
  /** Accounts whose recorded data units differ from the usage the client had answered. */
  readonly usageMismatches: number;
  readonly usageReportedOctets: number;
  readonly usageRecordedOctets: number;
  /** Kopecks taken by the data records, and what left the balances (must be equal). */
  readonly recordedCharges: number;
  readonly balanceDrop: number;
  readonly octetsFromAllowance: number;
  /** CDR files (SQLite runs): records found in the files of <dataDir>/cdr. */
  readonly cdrFileRecords?: number;
  readonly reopenMs?: number;
  /** Requests the server handled in its whole life (warm-up and drain too): for profiles. */
  readonly serverRequestsTotal?: number;
  readonly ok: boolean;
}

/** What the client writes for the verification: usage it was answered 2001 for, per account. */
export interface ClientUsage {
  readonly ccrTAnswered: number;
  /** [account number, octets] for every account with usage. */
  readonly usage: readonly (readonly [number, number])[];
  /** Usage in requests that failed or timed out (the server may or may not have committed it). */
  readonly uncertainOctets: number;
}

/**
 * Calls `onLine(prefix, rest)` for every stdout line of the child that starts with one of the
 * prefixes (followed by a space or the end of the line).
 */
export function watchLines(
  child: ChildProcess,
  prefixes: readonly string[],
  onLine: (prefix: string, rest: string) => void,
): void {
  let buffered = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    buffered += chunk.toString("utf8");
    let newline = buffered.indexOf("\n");
    while (newline >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      for (const prefix of prefixes) {
        if (line === prefix || line.startsWith(`${prefix} `))
          onLine(prefix, line.slice(prefix.length).trim());
      }
      newline = buffered.indexOf("\n");
    }
  });
}

/** The next line with `prefix`; kills the child (SIGKILL) if none comes within `timeoutMs`. */
export function nextLine(child: ChildProcess, prefix: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      child.kill("SIGKILL");
      reject(new Error(`no "${prefix}" line within ${timeoutMs} ms`));
    }, timeoutMs);
    watchLines(child, [prefix], (_p, rest) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(rest);
    });
    child.once("exit", (code, signal) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reject(new Error(`child exited (${code ?? signal}) before printing "${prefix}"`));
    });
  });
}

/** Waits for a child to exit; SIGKILL if it has not within `graceMs`. */
export function exited(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(t);
      resolve();
    });
  });
}

/** A small seeded PRNG (mulberry32): the client's usage figures repeat from run to run. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
