/**
 * Error injection rules: the runtime API (list / add / remove / clear), matching on system_id,
 * destination prefix, command and a seeded probability, and each action over real TCP.
 */
import { afterEach, describe, expect, it } from "vitest";
import { CommandStatus } from "../../core/smpp/command-status.js";
import { SmppSessionError } from "../../core/smpp/session-error.js";
import { connectSmpp, bindSmpp } from "../../core/smpp/smpp-client.js";
import { InjectionRuleError, InjectionRules, parseInjectionRule } from "../../core/smsc/injection-rules.js";
import { InMemoryHandsets } from "../../core/smsc/mobile-terminating.js";
import { SeededRandom } from "../../sim/random.js";
import { type Esme, type Harness, bindEsme, settle, startSmsc, submitSm, until } from "./smsc-harness.js";

let h: Harness;
const esmes: Esme[] = [];
afterEach(async () => {
  for (const e of esmes.splice(0)) await e.close();
  await h?.close();
});

async function esme(options: Parameters<typeof bindEsme>[1] = {}): Promise<Esme> {
  const e = await bindEsme(h.port, options);
  esmes.push(e);
  return e;
}

describe("injection rules: the API", () => {
  it("adds, lists, removes and clears rules; rules are checked and problems listed", () => {
    const rules = new InjectionRules(SeededRandom.from(1));
    const a = rules.add({
      match: { systemId: "demo", command: "submit_sm" },
      action: { kind: "status", status: "ESME_RTHROTTLED" },
    });
    const b = rules.add({
      match: { destinationPrefix: "+37533" },
      action: { kind: "delay", ms: 500 },
      times: 2,
      name: "slow MTS",
    });
    expect(rules.list()).toEqual([
      {
        id: a.id,
        hits: 0,
        match: { systemId: "demo", command: "submit_sm" },
        action: { kind: "status", status: 0x58 },
      },
      {
        id: b.id,
        hits: 0,
        match: { destinationPrefix: "37533" },
        action: { kind: "delay", ms: 500 },
        times: 2,
        name: "slow MTS",
      },
    ]);
    expect(rules.remove(a.id)).toBe(true);
    expect(rules.remove(a.id)).toBe(false);
    expect(rules.clear()).toBe(1);
    expect(rules.list()).toEqual([]);
    expect(() =>
      rules.add({ match: { command: "deliver_sm", probability: 2 }, action: { kind: "explode" } }),
    ).toThrow(InjectionRuleError);
    const parsed = parseInjectionRule({
      match: { command: "deliver_sm", probability: 2 },
      action: { kind: "status", status: "NOPE" },
      times: 0,
    });
    expect(parsed).toEqual({
      ok: false,
      problems: [
        "match.command: must be one of bind_transmitter, bind_receiver, bind_transceiver, submit_sm, submit_multi, data_sm, query_sm, cancel_sm, replace_sm",
        "match.probability: must be a number from 0 to 1",
        'action.status: must be a command_status (a number, "0x58" or a name like "ESME_RTHROTTLED")',
        "times: must be a whole number of at least 1",
      ],
    });
    expect(parseInjectionRule({ action: { kind: "status", status: "0x45" } })).toEqual({
      ok: true,
      rule: { match: {}, action: { kind: "status", status: 0x45 } },
    });
  });

  it("matches on every condition given, first rule first, and removes a rule after `times` hits", () => {
    const rules = new InjectionRules(SeededRandom.from(1));
    rules.add({
      match: { systemId: "acme", destinationPrefix: "37529" },
      action: { kind: "drop" },
      times: 1,
    });
    rules.add({ match: { command: "query_sm" }, action: { kind: "reset" } });
    expect(rules.match({ systemId: "demo", command: "submit_sm", destination: "375291" })).toBeUndefined();
    expect(rules.match({ systemId: "acme", command: "submit_sm", destination: "375331" })).toBeUndefined();
    expect(rules.match({ systemId: "acme", command: "submit_sm", destination: "+375291" })).toEqual({
      kind: "drop",
    });
    expect(rules.match({ systemId: "acme", command: "submit_sm", destination: "375291" })).toBeUndefined();
    expect(rules.match({ systemId: undefined, command: "query_sm", destination: undefined })).toEqual({
      kind: "reset",
    });
    expect(rules.list()).toHaveLength(1);
  });

  it("draws probabilities from the seeded generator: the same hits for the same seed", () => {
    const hits = (seed: string): number[] => {
      const rules = new InjectionRules(SeededRandom.from(seed));
      rules.add({ match: { probability: 0.25 }, action: { kind: "status", status: 8 } });
      const out: number[] = [];
      for (let i = 0; i < 2000; i++)
        if (rules.match({ systemId: "x", command: "submit_sm", destination: "1" })) out.push(i);
      return out;
    };
    const a = hits("seed-a");
    expect(hits("seed-a")).toEqual(a);
    expect(hits("seed-b")).not.toEqual(a);
    expect(a.length).toBeGreaterThan(420);
    expect(a.length).toBeLessThan(580);
  });
});

describe("injection rules on a live SMSC", () => {
  it("status: answers with the status at once and does not process the request", async () => {
    const handsets = new InMemoryHandsets();
    h = await startSmsc({}, { mobile: handsets });
    const e = await esme();
    h.smsc.injection.add({
      match: { destinationPrefix: "37533" },
      action: { kind: "status", status: "ESME_RSYSERR" },
    });
    const hit = await e.session.request(submitSm({ destination_addr: "375331234567" }));
    const miss = await e.session.request(submitSm({ destination_addr: "375291234567" }));
    expect([hit.command_status, miss.command_status]).toEqual([CommandStatus.ESME_RSYSERR, 0]);
    expect(handsets.inbox("375331234567")).toHaveLength(0);
    expect(h.smsc.injection.list()[0]?.hits).toBe(1);
    expect(h.smsc.stats().binds[0]?.injected).toBe(1);
  });

  it("status on a bind command refuses the bind", async () => {
    h = await startSmsc();
    h.smsc.injection.add({
      match: { command: "bind_transceiver", systemId: "demo" },
      action: { kind: "status", status: CommandStatus.ESME_RBINDFAIL },
    });
    await expect(bindEsme(h.port)).rejects.toMatchObject({
      code: "BIND",
      commandStatus: CommandStatus.ESME_RBINDFAIL,
    });
    const rx = await esme({ mode: "receiver" });
    expect(rx.session.isClosed).toBe(false);
  });

  it("delay: processes at once, answers after the delay on the SMSC's clock", async () => {
    const handsets = new InMemoryHandsets();
    h = await startSmsc({}, { mobile: handsets });
    const e = await esme();
    h.smsc.injection.add({ match: { command: "submit_sm" }, action: { kind: "delay", ms: 3000 } });
    let answered = false;
    const pending = e.session.request(submitSm({ registered_delivery: 1 })).then((r) => {
      answered = true;
      return r;
    });
    await settle();
    expect(answered).toBe(false);
    expect(h.smsc.stats().binds[0]?.window.inUse).toBe(1);
    // accepted, but its delivery (and receipt) waits for the answer
    expect(handsets.inbox("375291234567")).toHaveLength(0);
    h.clock.advance(3000);
    expect((await pending).command_status).toBe(0);
    await until(() => e.delivered.length === 1, "the receipt after the answer");
  });

  it("delay with a status: answers the status later, without processing", async () => {
    h = await startSmsc();
    const e = await esme();
    h.smsc.injection.add({
      match: {},
      action: { kind: "delay", ms: 1000, status: CommandStatus.ESME_RMSGQFUL },
    });
    const pending = e.session.request(submitSm());
    await settle();
    h.clock.advance(1000);
    expect((await pending).command_status).toBe(CommandStatus.ESME_RMSGQFUL);
    expect(h.smsc.stats().totals.accepted).toBe(0);
  });

  it("drop: the request is processed but never answered, and does not hold the window", async () => {
    const handsets = new InMemoryHandsets();
    h = await startSmsc({}, { mobile: handsets });
    const e = await esme();
    h.smsc.injection.add({ match: { command: "submit_sm" }, action: { kind: "drop" }, times: 1 });
    const dropped = e.session.request(submitSm(), { timeoutMs: 300 });
    await expect(dropped).rejects.toMatchObject({ code: "TIMEOUT" });
    expect(handsets.inbox("375291234567")).toHaveLength(1);
    expect(h.smsc.stats().binds[0]?.window.inUse).toBe(0);
    expect((await e.session.request(submitSm())).command_status).toBe(0);
  });

  it("reset: the connection is reset at once", async () => {
    h = await startSmsc();
    const session = await connectSmpp({ port: h.port });
    await bindSmpp(session, { mode: "transceiver", system_id: "demo", password: "demopass" });
    h.smsc.injection.add({ match: { command: "query_sm" }, action: { kind: "reset" } });
    const q = session.request({ command: "query_sm", message_id: "00000001" });
    await expect(q).rejects.toBeInstanceOf(SmppSessionError);
    await session.whenClosed();
    await until(() => h.smsc.stats().binds.length === 0, "the bind to go");
    const again = await esme();
    expect((await again.session.request(submitSm())).command_status).toBe(0);
  });

  it("probability with a seed: the same requests fail on every run", async () => {
    const failures = async (): Promise<number[]> => {
      h = await startSmsc();
      const e = await bindEsme(h.port);
      h.smsc.injection.add({
        match: { command: "submit_sm", probability: 0.3 },
        action: { kind: "status", status: 0x58 },
      });
      const out: number[] = [];
      for (let i = 0; i < 60; i++)
        if ((await e.session.request(submitSm())).command_status === 0x58) out.push(i);
      await e.close();
      await h.close();
      return out;
    };
    const first = await failures();
    expect(first.length).toBeGreaterThan(5);
    expect(first.length).toBeLessThan(35);
    expect(await failures()).toEqual(first);
  });
});
