/**
 * Throttling: the per-bind token bucket (ESME_RTHROTTLED 0x58), the per-bind inbound window
 * (ESME_RMSGQFUL 0x14), the per-account daily quota (0x58, reset at midnight), and a sender that
 * ignores all of it while a well-behaved bind is still served.
 */
import { afterEach, describe, expect, it } from "vitest";
import { CommandStatus } from "../../core/smpp/command-status.js";
import { CHARGED, type SmsChargeResult, type SmsCharger } from "../../core/smsc/sms-charger.js";
import { esmeAccount } from "../../core/smsc/smsc-config.js";
import { type Esme, type Harness, T0, bindEsme, startSmsc, submitSm, until } from "./smsc-harness.js";

let h: Harness;
const esmes: Esme[] = [];
afterEach(async () => {
  for (const e of esmes.splice(0)) await e.close();
  await h?.close();
});

async function esme(options: Parameters<typeof bindEsme>[1]): Promise<Esme> {
  const e = await bindEsme(h.port, options);
  esmes.push(e);
  return e;
}

/** Charges only when told to: submits wait in the window meanwhile. */
class GatedCharger implements SmsCharger {
  private waiting: ((r: SmsChargeResult) => void)[] = [];
  get pending(): number {
    return this.waiting.length;
  }
  charge(): Promise<SmsChargeResult> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  releaseAll(): void {
    for (const w of this.waiting.splice(0)) w(CHARGED);
  }
}

describe("throttling", () => {
  it("refuses submits beyond the bind's TPS with ESME_RTHROTTLED and refills on the clock", async () => {
    h = await startSmsc({ accounts: [esmeAccount({ systemId: "slow", password: "pw", tps: 5 })] });
    const e = await esme({ system_id: "slow", password: "pw" });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await e.session.request(submitSm())).command_status);
    expect(statuses).toEqual([0, 0, 0, 0, 0, 0x58, 0x58]);
    h.clock.advance(200); // one token
    expect((await e.session.request(submitSm())).command_status).toBe(0);
    expect((await e.session.request(submitSm())).command_status).toBe(CommandStatus.ESME_RTHROTTLED);
    h.clock.advance(1000);
    expect((await e.session.request(submitSm())).command_status).toBe(0);
    const [bind] = h.smsc.stats().binds;
    expect(bind).toMatchObject({
      systemId: "slow",
      tpsLimit: 5,
      throttled: { tps: 3 },
      submitted: 10,
      accepted: 7,
    });
    // query_sm is not a submit: no tokens needed
    expect((await e.session.request({ command: "query_sm", message_id: "00000001" })).command_status).toBe(0);
  });

  it("refuses requests beyond the bind's window with ESME_RMSGQFUL while earlier ones are unanswered", async () => {
    const charger = new GatedCharger();
    h = await startSmsc(
      {
        accounts: [
          esmeAccount({ systemId: "w3", password: "pw", window: 3, chargingMsisdn: "375290000001" }),
        ],
      },
      { charger },
    );
    const e = await esme({ system_id: "w3", password: "pw", window: 10 });
    const answers = Array.from({ length: 5 }, () => e.session.request(submitSm()));
    const early = await Promise.all(answers.slice(3));
    expect(early.map((a) => a.command_status)).toEqual([
      CommandStatus.ESME_RMSGQFUL,
      CommandStatus.ESME_RMSGQFUL,
    ]);
    await until(() => charger.pending === 3, "three charges");
    expect(h.smsc.stats().binds[0]?.window).toEqual({ size: 3, inUse: 3 });
    charger.releaseAll();
    expect((await Promise.all(answers.slice(0, 3))).map((a) => a.command_status)).toEqual([0, 0, 0]);
    expect(h.smsc.stats().binds[0]).toMatchObject({
      window: { size: 3, inUse: 0 },
      throttled: { window: 2 },
    });
  });

  it("enforces the account's daily quota across binds (0x58) and resets it at midnight", async () => {
    h = await startSmsc({
      accounts: [esmeAccount({ systemId: "quota", password: "pw", dailyQuota: 4 })],
      utcOffsetMinutes: 180,
    });
    const a = await esme({ system_id: "quota", password: "pw" });
    const b = await esme({ system_id: "quota", password: "pw" });
    expect((await a.session.request(submitSm())).command_status).toBe(0);
    // a two-segment message uses two of the four
    expect(
      (await b.session.request(submitSm({ short_message: Buffer.from("x".repeat(200)) }))).command_status,
    ).toBe(0);
    expect((await a.session.request(submitSm())).command_status).toBe(0);
    expect((await b.session.request(submitSm())).command_status).toBe(CommandStatus.ESME_RTHROTTLED);
    expect(h.smsc.stats().accounts.find((x) => x.systemId === "quota")).toMatchObject({
      dailyQuota: 4,
      usedToday: 4,
    });
    // local midnight at UTC+3 is 21:00 UTC; the clock stands at 09:30 UTC
    h.clock.advance(Date.UTC(2026, 10, 22, 21, 0, 0) - T0 - 1);
    expect((await a.session.request(submitSm())).command_status).toBe(CommandStatus.ESME_RTHROTTLED);
    h.clock.advance(1);
    expect((await a.session.request(submitSm())).command_status).toBe(0);
    expect(h.smsc.stats().binds.reduce((n, x) => n + x.throttled.dailyQuota, 0)).toBe(2);
  });

  it(
    "survives 20,000 submits from a sender ignoring throttling while serving a well-behaved bind",
    { timeout: 60_000 },
    async () => {
      h = await startSmsc({
        accounts: [
          esmeAccount({ systemId: "flood", password: "pw", tps: 100, window: 100 }),
          esmeAccount({ systemId: "good", password: "pw" }),
        ],
      });
      const flood = await esme({ system_id: "flood", password: "pw", window: 20_000 });
      const good = await esme({ system_id: "good", password: "pw" });
      const heapBefore = process.memoryUsage().heapUsed;
      const started = Date.now();
      const flooding = Promise.all(
        Array.from({ length: 20_000 }, () => flood.session.request(submitSm(), { timeoutMs: 30_000 })),
      );
      const latencies: number[] = [];
      let floodDone = false;
      void flooding.then(() => (floodDone = true));
      for (let i = 0; i < 50 || !floodDone; i++) {
        const t = performance.now();
        const r = await good.session.request(submitSm({ destination_addr: "375299999999" }));
        latencies.push(performance.now() - t);
        expect(r.command_status).toBe(0);
        if (i > 5000) break;
      }
      const answers = await flooding;
      const elapsed = Date.now() - started;
      const byStatus = new Map<number, number>();
      for (const a of answers) byStatus.set(a.command_status, (byStatus.get(a.command_status) ?? 0) + 1);
      // the virtual clock stands still: the bucket's 100 tokens, then nothing
      expect(byStatus.get(0)).toBe(100);
      expect(byStatus.get(CommandStatus.ESME_RTHROTTLED)).toBe(19_900);
      expect(elapsed).toBeLessThan(20_000);
      latencies.sort((x, y) => x - y);
      const median = latencies[Math.floor(latencies.length / 2)] ?? Infinity;
      expect(median).toBeLessThan(100);
      const stats = h.smsc.stats();
      expect(stats.binds.find((b) => b.systemId === "flood")).toMatchObject({
        throttled: { tps: 19_900 },
        window: { inUse: 0 },
      });
      expect(stats.queues.pendingMessages).toBe(0);
      // memory bounded: nothing of the flood is kept beyond the 100 final messages
      expect(stats.queues.storedMessages).toBe(100 + latencies.length);
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(200 * 1024 * 1024);
      const after = await flood.session.request(submitSm());
      expect(after.command_status).toBe(CommandStatus.ESME_RTHROTTLED);
    },
  );
});
