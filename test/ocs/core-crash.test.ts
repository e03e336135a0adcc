/**
 * Crash test of the whole core: `telsim core` (the compiled CLI, SQLite in a data folder) is
 * SIGKILLed while two Gy clients load it with voice calls, data sessions and SMS events for
 * four subscribers, then restarted on the same folder. The client's ledger says what was
 * answered (must be there after the restart: the core answers only once a change is durable) and
 * what was in flight (may or may not be). After the restart:
 * - every balance and data bucket lies between "all answered" and "all answered plus everything
 *   in flight", the fees the restarted core charged aside;
 * - every session cut off by the kill is still held (or already released by Tcc), and after Tcc
 *   (5 s in a copy of the shipped catalog) nothing is held any more and each has one record;
 * - the records agree with the ledger session by session, and the balances reconcile with the
 *   records exactly; a cut session's next CCR-U gets 5002.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { GyClient } from "../../core/diameter/gy/gy-client.js";
import { MemoryLogger } from "../../core/diameter/logger.js";
import { api, OPEN_PLAN } from "../admin/helpers.js";
import { freePort, sleep } from "../interop/tools.js";
import { catalogWithTcc, type CoreProcess, startCoreProcess } from "./core-process.js";
import { GyLedger, type Tracked } from "./gy-ledger.js";
import {
  allRecords,
  answered,
  kopecks,
  MB,
  rawUpdate,
  type RecordView,
  subscriberMoney,
} from "./ocs-test-kit.js";

const VALIDITY_S = 2;
const TCC_S = 5;
/** Load before the kill: at least this long and this many answers. */
const LOAD_MS = 1500;
const MIN_ANSWERS = 300;
/** Enough that the load before the kill never runs an account dry, however fast the core answers. */
const INITIAL = 1_000_000; // 10,000.00
/** business-unlim-1 (corporate rate card): off-net minute 0.15, SMS on-net 0.07 / off-net 0.10. */
const OFF_NET = "375331234567";
const MINUTE = 15;
const MAX_SMS = 10;

const SUBSCRIBERS = [1, 2, 3, 4].map((n) => ({
  msisdn: `37529100000${n}`,
  imsi: `25701000000010${n}`,
}));

const idsOf = (s: { msisdn: string; imsi: string }) => [
  { type: "E164" as const, data: s.msisdn },
  { type: "IMSI" as const, data: s.imsi },
];

async function pollUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await sleep(100);
  }
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
const inFlightCharge = (ts: readonly Tracked[]): number => sum(ts.map((t) => t.inFlight?.charge ?? 0));
const inFlightUnits = (ts: readonly Tracked[]): number => sum(ts.map((t) => t.inFlight?.units ?? 0));

describe("telsim core killed under Gy load", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  });

  it(
    "loses nothing answered, and after Tcc holds nothing and reconciles with its records",
    { timeout: 60_000 },
    async () => {
      const dir = await mkdtemp(join(tmpdir(), "telsim-core-crash-"));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      const catalogPath = catalogWithTcc(dir, VALIDITY_S, TCC_S);
      const ports = { diameterPort: await freePort(), httpPort: await freePort() };
      const options = { dataDir: join(dir, "data"), catalogPath, ...ports };

      // 1. The first core, four subscribers.
      const first = await startCoreProcess(options);
      cleanups.push(() => first.kill());
      const buckets = new Map<string, number>();
      for (const s of SUBSCRIBERS) {
        const added = await api(first.base, "POST", "/api/subscribers", {
          ...s,
          plan: OPEN_PLAN,
          balance: "10000.00",
        });
        expect(added.status, JSON.stringify(added.json)).toBe(201);
        buckets.set(s.msisdn, added.json.buckets[0].total as number);
      }

      // 2. Load from two Gy clients, then SIGKILL in the middle of it.
      const ledger = new GyLedger({
        offNet: OFF_NET,
        minutePrice: MINUTE,
        maxSmsPrice: MAX_SMS,
        onNet: SUBSCRIBERS.map((s) => s.msisdn),
      });
      const clients = await Promise.all(
        ["pgw-a.crash.local", "pgw-b.crash.local"].map(async (originHost) => {
          const c = new GyClient({
            primary: { host: "127.0.0.1", port: ports.diameterPort },
            identity: { originHost, originRealm: "telsim.local" },
            destinationRealm: "telsim.local",
            logger: new MemoryLogger(),
            reconnect: false,
          });
          await c.connect();
          cleanups.push(() => c.close());
          return c;
        }),
      );
      const [a, b] = clients as [GyClient, GyClient];
      const workers = SUBSCRIBERS.flatMap((s, i) => {
        const ids = idsOf(s);
        const [x, y] = i % 2 === 0 ? [a, b] : [b, a];
        return [
          ledger.voiceWorker(x, ids, s.msisdn),
          ledger.voiceWorker(y, ids, s.msisdn),
          ledger.voiceWorker(x, ids, s.msisdn),
          ledger.dataWorker(y, ids, s.msisdn),
          ledger.dataWorker(x, ids, s.msisdn),
          ledger.smsWorker(y, ids, s.msisdn),
        ];
      });
      const loadStart = Date.now();
      await pollUntil(
        () => Promise.resolve(Date.now() - loadStart >= LOAD_MS && ledger.answeredRequests >= MIN_ANSWERS),
        15_000,
        () =>
          `${MIN_ANSWERS} answers (have ${ledger.answeredRequests}, unexpected: ${ledger.unexpected.slice(0, 3).join("; ")})`,
      );
      // The signal goes out before anything else runs: what answers still arrive are counted.
      const killed = first.kill();
      ledger.killing();
      await killed;
      expect(first.child.signalCode).toBe("SIGKILL");
      await Promise.all(workers);
      await Promise.all(clients.map((c) => c.close()));
      expect(ledger.unexpected, "answers other than 2001 before the kill").toEqual([]);
      const cutOff = ledger.tracked.filter((t) => t.kind !== "sms" && t.opened && !t.terminated);
      // Requests sent before the kill that got no answer: the core may or may not have applied them.
      // (Each worker also ends with one sent after it, which cannot have been applied.)
      const unanswered = ledger.tracked.filter((t) => t.inFlight?.beforeKill === true);
      expect(cutOff.length, "sessions open at the kill").toBeGreaterThan(0);

      // 3. The restarted core: what was answered is there.
      const second: CoreProcess = await startCoreProcess(options);
      cleanups.push(() => second.kill());
      const afterRestart = new Map<string, number>();
      const live = new Set<string>(
        ((await api(second.base, "GET", "/api/sessions")).json.sessions as { sessionId: string }[]).map(
          (s) => s.sessionId,
        ),
      );
      for (const s of SUBSCRIBERS) {
        const mine = ledger.of(s.msisdn);
        const money = await subscriberMoney(second.base, s.msisdn);
        const records = await allRecords(second.base, s.msisdn);
        // The restarted core's fee scheduler charges the first daily instalment at once.
        const fees = sum(records.filter((r) => r.kind === "fee").map((r) => kopecks(r.charge)));
        const answeredMoney = sum(mine.map((t) => t.answeredCharge));
        const ceiling = INITIAL - fees - answeredMoney;
        expect(money.balance, `${s.msisdn}: every answered debit is applied`).toBeLessThanOrEqual(ceiling);
        expect(money.balance, `${s.msisdn}: nothing beyond what was in flight`).toBeGreaterThanOrEqual(
          ceiling - inFlightCharge(mine),
        );
        afterRestart.set(s.msisdn, money.balance);
        const data = mine.filter((t) => t.kind === "data");
        const total = buckets.get(s.msisdn) ?? 0;
        const remaining = money.view.buckets[0].remaining as number;
        const answeredData = sum(data.map((t) => t.answeredUnits));
        expect(remaining, `${s.msisdn}: every answered data report is applied`).toBeLessThanOrEqual(
          total - answeredData,
        );
        expect(remaining).toBeGreaterThanOrEqual(total - answeredData - inFlightUnits(data));
        // A session cut off by the kill still holds its grant, unless Tcc already ended it.
        const recorded = new Set(records.map((r) => r.sessionId));
        for (const t of cutOff.filter((x) => x.msisdn === s.msisdn)) {
          expect(
            live.has(t.sessionId) || recorded.has(t.sessionId),
            `${t.sessionId} kept across the kill`,
          ).toBe(true);
        }
      }

      // 4. After Tcc: nothing held, every cut session recorded.
      await pollUntil(
        async () => (await api(second.base, "GET", "/api/sessions")).json.sessions.length === 0,
        (TCC_S + 5) * 1000,
        () => "Tcc to release the sessions cut off by the kill",
      );
      let recordCount = 0;
      for (const s of SUBSCRIBERS) {
        const mine = ledger.of(s.msisdn);
        const money = await subscriberMoney(second.base, s.msisdn);
        expect(money.held, `${s.msisdn}: nothing held after Tcc`).toBe(0);
        expect(money.view.sessions).toEqual([]);
        expect(money.available).toBe(money.balance + money.creditLimit);
        // Releasing a reservation charges nothing.
        expect(money.balance).toBe(afterRestart.get(s.msisdn));

        const records = await allRecords(second.base, s.msisdn);
        recordCount += records.length;
        // The balance invariant (core/charging/reconcile.ts), now that no session is open.
        expect(INITIAL - sum(records.map((r) => kopecks(r.charge))), `${s.msisdn} reconciles`).toBe(
          money.balance,
        );
        const bySession = new Map<string, RecordView[]>();
        for (const r of records) bySession.set(r.sessionId, [...(bySession.get(r.sessionId) ?? []), r]);
        const known = new Set(mine.map((t) => t.sessionId));
        for (const r of records) {
          if (!known.has(r.sessionId))
            expect(r.kind, `record ${r.sessionId} from no request of ours`).toBe("fee");
        }
        for (const t of mine) {
          const rs = bySession.get(t.sessionId) ?? [];
          const label = `${t.kind} ${t.sessionId} (${JSON.stringify(t)})`;
          if (!t.opened) {
            // Its first request went unanswered: applied or not, never more than one record of nothing used.
            expect(rs.length, label).toBeLessThanOrEqual(1);
            for (const r of rs) {
              if (t.kind === "sms") expect(kopecks(r.charge), label).toBeLessThanOrEqual(MAX_SMS);
              else expect([r.units, r.charge], label).toEqual([0, "0.00"]);
            }
            continue;
          }
          expect(rs.length, label).toBe(1);
          const r = rs[0] as RecordView;
          expect(r.kind, label).toBe(t.kind);
          if (t.terminated) {
            expect(r.units, label).toBe(t.answeredUnits);
            expect(kopecks(r.charge), label).toBe(t.answeredCharge);
          } else {
            expect(r.units, label).toBeGreaterThanOrEqual(t.answeredUnits);
            expect(r.units, label).toBeLessThanOrEqual(t.answeredUnits + (t.inFlight?.units ?? 0));
          }
          if (t.kind === "voice") expect(kopecks(r.charge), label).toBe((r.units / 60) * MINUTE);
          if (t.kind === "data") {
            expect(r.charge, label).toBe("0.00");
            expect(r.fromBuckets.internet ?? 0, label).toBe(r.units);
          }
        }
        const used = sum(records.filter((r) => r.kind === "data").map((r) => r.fromBuckets.internet ?? 0));
        expect(money.view.buckets[0].remaining).toBe((buckets.get(s.msisdn) ?? 0) - used);
      }
      expect(recordCount).toBeGreaterThan(0);

      // 5. The client of a cut session does not know: its next CCR-U finds no session.
      const late = new GyClient({
        primary: { host: "127.0.0.1", port: ports.diameterPort },
        identity: { originHost: "pgw-a.crash.local", originRealm: "telsim.local" },
        destinationRealm: "telsim.local",
        logger: new MemoryLogger(),
        reconnect: false,
      });
      await late.connect();
      cleanups.push(() => late.close());
      const victim = cutOff.find((t) => t.kind === "voice") ?? (cutOff[0] as Tracked);
      const owner = SUBSCRIBERS.find((s) => s.msisdn === victim.msisdn) ?? SUBSCRIBERS[0]!;
      const before = await subscriberMoney(second.base, owner.msisdn);
      const u = answered(
        await rawUpdate(late, victim.sessionId, idsOf(owner), 99, [
          {
            ratingGroup: victim.kind === "voice" ? 2 : 1,
            requested: {},
            used: [{ time: 60, totalOctets: MB }],
          },
        ]),
      );
      expect(u.resultCode).toBe(5002);
      expect((await subscriberMoney(second.base, owner.msisdn)).balance).toBe(before.balance);
      await late.close();

      await second.stop();
      expect(second.child.exitCode, second.stderr()).toBe(0);
      process.stderr.write(
        `core-crash: ${ledger.answeredRequests} answers, ${unanswered.length} requests unanswered at the kill, ` +
          `${cutOff.length} sessions cut off, ${recordCount} records after Tcc\n`,
      );
    },
  );
});
