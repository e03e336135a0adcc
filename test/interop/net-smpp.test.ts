/**
 * Interop with an independent ESME: Perl's Net::SMPP (Debian libnet-smpp-perl 1.19) against our
 * SMSC, running inside an in-process core (test/network/harness.ts: memory store, virtual clock,
 * network edge, the SMSC on a free port, SMS charged through Gy against the core's own OCS).
 * The ESME is test/interop/net-smpp-esme.pl, one child process per case, printing one JSON line
 * per event.
 *
 * The harness clock is virtual and nobody advances it here, so the SMSC's timers stand still:
 * deterministic outcomes with no delay (the destination's last digit picks the final state), and a
 * token bucket that never refills during the burst (exactly `burst` submits pass).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInProcessLink } from "../../core/network/link/in-process-link.js";
import type { SmscStats } from "../../core/smsc/smsc-stats.js";
import { DEMO_ACCOUNT, esmeAccount, smscConfig } from "../../core/smsc/smsc-config.js";
import { ussdConfigFrom } from "../../core/ussd/ussd-config.js";
import { attach, startCore, type Subscriber, type TestCore, TestFarm } from "../network/harness.js";
import { availability, findExecutable, stopChild, track, waitUntil } from "./tools.js";

const SCRIPT = fileURLToPath(new URL("./net-smpp-esme.pl", import.meta.url));
/** Seconds the script gives each wait. */
const WAIT_S = 5;
/** The script is killed after this long, whatever it is doing. */
const RUN_MS = 15_000;

/** perl, when it can load Net::SMPP and JSON::PP. */
function netSmppPerl(): string | undefined {
  const perl = findExecutable("perl");
  if (perl === undefined) return undefined;
  const r = spawnSync(perl, ["-MNet::SMPP", "-MJSON::PP", "-e", "1"], { stdio: "ignore", timeout: 10_000 });
  return r.status === 0 ? perl : undefined;
}

const suite = availability("interop with Perl Net::SMPP as the ESME", "Net::SMPP", netSmppPerl());

/** business-unlim-1 (corporate rates): SMS off-net 0.10, so 10 kopecks a message. */
const PLAN = "business-unlim-1";
/** Off-net numbers; the last digit picks the deterministic final state. */
const TO_DELIVERED = "375331234567";
const TO_UNDELIVERABLE = "375331234563";
/** The harness's MSISDN for subscriber 1 (the payer of the demo account). */
const PAYER_MSISDN = "375291000001";
/** START of the harness clock (2026-03-10 10:00 UTC) as receipt dates. */
const RECEIPT_DATE = "2603101000";

const ESME_RINVPASWD = 0x0e;
const ESME_RINVSYSID = 0x0f;
const ESME_RTHROTTLED = 0x58;
const BIND_TRANSCEIVER_RESP = 0x80000009;
const SUBMIT_SM_RESP = 0x80000004;

type EsmeEvent = { readonly event: string } & Readonly<Record<string, unknown>>;

interface EsmeResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  readonly events: readonly EsmeEvent[];
}

function isEvent(v: unknown): v is EsmeEvent {
  return typeof v === "object" && v !== null && typeof (v as { event?: unknown }).event === "string";
}

/** One run of the Perl ESME: its events as they come, and its end (killed after RUN_MS). */
class EsmeRun {
  readonly events: EsmeEvent[] = [];
  private readonly child: ChildProcess;
  private readonly ended: Promise<EsmeResult>;
  private stdout = "";
  private stderr = "";

  constructor(perl: string, port: number, args: readonly string[]) {
    this.child = spawn(perl, [SCRIPT, "--port", String(port), "--timeout", String(WAIT_S), ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    track(this.child);
    this.child.stdout?.setEncoding("utf8").on("data", (chunk: string) => this.onStdout(chunk));
    this.child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (this.stderr += chunk));
    const timer = setTimeout(() => this.child.kill("SIGKILL"), RUN_MS);
    this.ended = new Promise((resolve, reject) => {
      this.child.once("error", (e) => {
        clearTimeout(timer);
        reject(e);
      });
      this.child.once("close", (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stderr: this.stderr, events: this.events });
      });
    });
  }

  /** Waits (real time, bounded) for the first event called `name`. */
  async next(name: string, timeoutMs = WAIT_S * 1000): Promise<EsmeEvent> {
    let found: EsmeEvent | undefined;
    await waitUntil(
      () => {
        found = this.events.find((e) => e.event === name);
        return found !== undefined || this.child.exitCode !== null;
      },
      timeoutMs,
      () => `the ESME's ${name} (stderr: ${this.stderr})`,
    );
    if (found === undefined) throw new Error(`the ESME ended without ${name}: ${this.stderr}`);
    return found;
  }

  /** The whole run; fails when the script failed. */
  async finished(): Promise<EsmeResult> {
    const r = await this.ended;
    if (r.code !== 0)
      throw new Error(
        `net-smpp-esme.pl exited with ${r.code ?? r.signal}: ${r.stderr}\nevents: ${JSON.stringify(r.events)}`,
      );
    const unparsed = r.events.filter((e) => e.event === "unparsed");
    if (unparsed.length > 0)
      throw new Error(`net-smpp-esme.pl printed non-JSON: ${JSON.stringify(unparsed)}`);
    return r;
  }

  stop(): Promise<void> {
    return stopChild(this.child, "SIGTERM", 2000);
  }

  private onStdout(chunk: string): void {
    this.stdout += chunk;
    let nl: number;
    while ((nl = this.stdout.indexOf("\n")) >= 0) {
      const line = this.stdout.slice(0, nl).trim();
      this.stdout = this.stdout.slice(nl + 1);
      if (line === "") continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        parsed = undefined;
      }
      // A line that is no event stays visible to the assertions instead of throwing in a stream handler.
      this.events.push(isEvent(parsed) ? parsed : { event: "unparsed", line });
    }
  }
}

const named = (events: readonly EsmeEvent[], name: string): EsmeEvent[] =>
  events.filter((e) => e.event === name);

describe.runIf(suite.run)(suite.title, () => {
  let perl: string;
  let core: TestCore;
  let port: number;
  let payer: Subscriber;
  let handset: Subscriber;
  const runs: EsmeRun[] = [];

  const esme = async (...args: string[]): Promise<EsmeResult> => {
    const r = new EsmeRun(perl, port, args);
    runs.push(r);
    return r.finished();
  };
  const stats = (): SmscStats => {
    const smsc = core.node.network?.smsc;
    if (smsc === undefined) throw new Error("the core has no SMSC");
    return smsc.stats();
  };

  beforeAll(async () => {
    perl = suite.requireTool();
    core = await startCore({
      smsc: {
        port: 0,
        config: smscConfig({
          accounts: [
            { ...DEMO_ACCOUNT, chargingMsisdn: PAYER_MSISDN },
            esmeAccount({ systemId: "slow", password: "slowpw", tps: 5, burst: 5 }),
            esmeAccount({ systemId: "quizapp", password: "quizpw" }),
          ],
          outcome: { mode: "deterministic", delayMs: 0 },
        }),
      },
      ussd: ussdConfigFrom({ routes: [{ code: "150", esme: "quizapp" }] }),
    });
    const address = core.node.network?.smppAddress;
    if (address === undefined) throw new Error("the SMSC is not listening");
    port = address.port;
    payer = await core.subscriber(1, PLAN, 1000);
    handset = await core.subscriber(2, PLAN, 1000);
    expect(payer.msisdn).toBe(PAYER_MSISDN);
  });

  afterAll(async () => {
    await Promise.all(runs.map((r) => r.stop()));
    await core?.stop();
  });

  it("refuses a wrong password (0x0E) and an unknown system_id (0x0F), then binds demo, enquire_link, unbind", async () => {
    const refusedBefore = stats().totals.bindsRefused;
    const { events } = await esme(
      "binds",
      "--login",
      "demo:wrong",
      "--login",
      "nobody:x",
      "--login",
      "demo:demopass",
    );
    expect(named(events, "bind_resp")).toEqual([
      {
        event: "bind_resp",
        login: "demo",
        status: ESME_RINVPASWD,
        system_id: "",
        cmd: BIND_TRANSCEIVER_RESP,
      },
      {
        event: "bind_resp",
        login: "nobody",
        status: ESME_RINVSYSID,
        system_id: "",
        cmd: BIND_TRANSCEIVER_RESP,
      },
      { event: "bind_resp", login: "demo", status: 0, system_id: "TELSIM", cmd: BIND_TRANSCEIVER_RESP },
    ]);
    expect(named(events, "enquire_link_resp")).toEqual([
      { event: "enquire_link_resp", status: 0, cmd: 0x80000015 },
    ]);
    expect(named(events, "unbind_resp")).toEqual([{ event: "unbind_resp", status: 0, cmd: 0x80000006 }]);
    expect(stats().totals.bindsRefused - refusedBefore).toBe(2);
  });

  it("accepts submit_sm, sends DELIVRD and UNDELIV receipts the ESME answers, and charges the payer", async () => {
    const balanceBefore = payer.account.balance;
    const { events } = await esme(
      "submit",
      "--login",
      "demo:demopass",
      "--source",
      "7000",
      "--rd",
      "1",
      "--text",
      "hello from Net::SMPP",
      "--to",
      TO_DELIVERED,
      "--to",
      TO_UNDELIVERABLE,
    );
    const responses = named(events, "submit_sm_resp");
    expect(responses.map((r) => [r.to, r.status, r.cmd])).toEqual([
      [TO_DELIVERED, 0, SUBMIT_SM_RESP],
      [TO_UNDELIVERABLE, 0, SUBMIT_SM_RESP],
    ]);
    const ids = responses.map((r) => r.message_id);
    for (const id of ids) expect(id).toMatch(/^[0-9A-Fa-f]{8,}$/);
    expect(new Set(ids).size).toBe(2);

    const receipts = named(events, "deliver_sm");
    expect(receipts).toHaveLength(2);
    const receiptFor = (id: unknown): EsmeEvent => {
      const r = receipts.find((x) => x.receipted_message_id === id);
      if (r === undefined) throw new Error(`no receipt for ${String(id)}: ${JSON.stringify(receipts)}`);
      return r;
    };
    const delivered = receiptFor(ids[0]);
    expect(delivered).toMatchObject({
      esm_class: 0x04,
      source_addr: TO_DELIVERED,
      destination_addr: "7000",
      message_state: 2,
      short_message:
        `id:${String(ids[0])} sub:001 dlvrd:001 submit date:${RECEIPT_DATE} done date:${RECEIPT_DATE}` +
        ` stat:DELIVRD err:000 text:hello from Net::SMPP`,
    });
    const undeliverable = receiptFor(ids[1]);
    expect(undeliverable).toMatchObject({
      esm_class: 0x04,
      source_addr: TO_UNDELIVERABLE,
      destination_addr: "7000",
      message_state: 5,
    });
    expect(undeliverable.short_message).toMatch(
      new RegExp(
        `^id:${String(ids[1])} sub:001 dlvrd:000 .* stat:UNDELIV err:032 text:hello from Net::SMPP$`,
      ),
    );
    expect(named(events, "unbind_resp")).toEqual([{ event: "unbind_resp", status: 0, cmd: 0x80000006 }]);

    // The SMSC got a deliver_sm_resp for both receipts: nothing retried, failed or waiting.
    expect(stats().queues.outbox.find((l) => l.systemId === "demo")).toMatchObject({
      delivered: 2,
      retried: 0,
      failed: 0,
      inFlight: 0,
      queued: 0,
    });

    // Both messages went through the OCS at 10 kopecks each, whatever became of them.
    expect(balanceBefore - payer.account.balance).toBe(20);
    const records = await core.node.store.records({ accountId: payer.account.id, limit: 100 });
    expect(
      records.filter((r) => r.record.kind === "sms").map((r) => [r.record.units, r.record.charge]),
    ).toEqual([
      [1, 10],
      [1, 10],
    ]);
  });

  it("throttles a 5 TPS bind: 5 pass, the other 15 of a pipelined burst get 0x58, and the bind stays usable", async () => {
    const before = stats().totals;
    const { events } = await esme(
      "burst",
      "--login",
      "slow:slowpw",
      "--count",
      "20",
      "--to",
      TO_DELIVERED,
      "--text",
      "burst",
    );
    const statuses = named(events, "submit_sm_resp").map((r) => r.status);
    expect(statuses).toEqual([
      ...new Array<number>(5).fill(0),
      ...new Array<number>(15).fill(ESME_RTHROTTLED),
    ]);
    expect(named(events, "enquire_link_resp")).toEqual([
      { event: "enquire_link_resp", status: 0, cmd: 0x80000015 },
    ]);
    expect(named(events, "unbind_resp")).toEqual([{ event: "unbind_resp", status: 0, cmd: 0x80000006 }]);
    const after = stats().totals;
    expect(after.accepted - before.accepted).toBe(5);
    expect((after.refused.tps ?? 0) - (before.refused.tps ?? 0)).toBe(15);
  });

  it("runs a USSD dialogue *150# between a handset and the ESME through ussd_service_op and its_session_info", async () => {
    const farm = new TestFarm(createInProcessLink(core.node.network!.edge));
    expect((await attach(farm, 2, handset.card)).type).toBe("attach-accept");
    const run = new EsmeRun(perl, port, [
      "ussd",
      "--login",
      "quizapp:quizpw",
      "--menu",
      "Pick 1 or 2",
      "--final",
      "You picked %s. Bye",
    ]);
    runs.push(run);
    await run.next("ready");

    const begin = farm.send(2, { type: "ussd-begin", text: "*150#", dcs: 15 });
    expect((await farm.take(2, "ussd", (f) => f.correlation === begin, 8000)).message).toEqual({
      type: "ussd",
      status: "request",
      text: "Pick 1 or 2",
      dcs: 15,
    });
    const reply = farm.send(2, { type: "ussd-reply", text: "1", dcs: 15 });
    expect((await farm.take(2, "ussd", (f) => f.correlation === reply, 8000)).message).toEqual({
      type: "ussd",
      status: "notify",
      text: "You picked 1. Bye",
      dcs: 15,
    });

    const { events } = await run.finished();
    const delivers = named(events, "deliver_sm");
    expect(delivers).toHaveLength(2);
    const [indication, confirm] = delivers;
    expect(indication).toMatchObject({
      service_type: "USSD",
      source_addr: handset.msisdn,
      destination_addr: "*150#",
      data_coding: 0x0f,
      ussd_service_op: 1,
    });
    expect(indication?.its_session_info).toMatch(/^[0-9a-f]{4}$/);
    expect(confirm).toMatchObject({
      service_type: "USSD",
      source_addr: handset.msisdn,
      ussd_service_op: 18,
      short_message: "1",
    });
    expect(confirm?.its_session_info).toMatch(/^[0-9a-f]{4}$/);
    // The same dialogue: the session number (first octet) does not change.
    expect(String(confirm?.its_session_info).slice(0, 2)).toBe(
      String(indication?.its_session_info).slice(0, 2),
    );
    // message_id of a USSD submit: the session number (2 hex digits), then user_message_reference (4)
    const dialogueId =
      String(indication?.its_session_info).slice(0, 2) +
      Number(indication?.user_message_reference).toString(16).padStart(4, "0");
    expect(named(events, "submit_sm_resp").map((r) => [r.ussd_service_op, r.status, r.message_id])).toEqual([
      [2, 0, dialogueId],
      [17, 0, dialogueId],
    ]);
    expect(named(events, "unbind_resp")).toEqual([{ event: "unbind_resp", status: 0, cmd: 0x80000006 }]);
  });
});
