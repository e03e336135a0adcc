/** A USSD gateway over a charging engine on a virtual clock, with handsets and ESMEs that record what they get. */
import { Catalog } from "../../core/charging/catalog.js";
import type { ChargingConfig } from "../../core/charging/credit-control.js";
import { ChargingEngine } from "../../core/charging/engine.js";
import { generateCards } from "../../core/charging/express-cards.js";
import type { Account, Plan } from "../../core/charging/model.js";
import { CardRedeemer } from "../../core/charging/topups.js";
import { VirtualClock } from "../../core/clock/virtual-clock.js";
import { MemoryBalanceStore } from "../../core/store/memory-store.js";
import type { DialogueSummary, ToApplication, ToHandset } from "../../core/ussd/dialogue-types.js";
import type { MenuCatalog, SmsRequest } from "../../core/ussd/menu-types.js";
import { createUssdCore } from "../../core/ussd/ussd-core.js";
import { DEFAULT_USSD_CONFIG, type UssdConfig } from "../../core/ussd/ussd-config.js";

export const chargingConfig: ChargingConfig = {
  defaultQuota: { voice: 300, sms: 1, mms: 1, data: 10 * 1024 * 1024 },
  maxQuota: { voice: 3600, sms: 10, mms: 10, data: 100 * 1024 * 1024 },
  tccMs: 900_000,
};

/** 22 Nov 2026, 12:00 in Minsk. */
export const START = Date.UTC(2026, 10, 22, 9);

const shipped = Catalog.load();

/** A "Privetik" plan (not in the shipped catalog): one favorite number. */
export const privetikPlan: Plan = {
  ...shipped.plan("business-unlim-1"),
  id: "privetik",
  name: "Privetik",
  favoriteNumbers: 1,
};

const plans: readonly Plan[] = [...shipped.plans(), privetikPlan];

export const catalog: MenuCatalog = {
  plans: () => plans,
  findPlan: (id) => plans.find((p) => p.id === id),
  packagesFor: (id) => shipped.packagesFor(id),
  defaults: shipped.defaults,
};

/** Sample subscribers: smart-1 (archived, 3 favorites), business-unlim-1 (current), web-4 (packages), privetik. */
export const A = "375291000001";
export const B = "375291000002";
export const C = "375441000003";
export const P = "375291000009";

export interface Fixture {
  readonly clock: VirtualClock;
  readonly store: MemoryBalanceStore;
  readonly engine: ChargingEngine;
  readonly core: ReturnType<typeof createUssdCore>;
  readonly handset: Map<string, ToHandset[]>;
  readonly esme: { systemId: string; message: ToApplication }[];
  /** system_ids whose ESME is bound (deliver succeeds). */
  readonly bound: Set<string>;
  readonly sms: SmsRequest[];
  readonly sessions: { account: Account; what: string }[];
  readonly errors: unknown[];
  readonly ended: DialogueSummary[];
  readonly puk: Map<string, string>;
  account(msisdn: string): Account;
  /** Dials and waits for the answer: the last message the handset got. */
  dial(msisdn: string, text: string): Promise<ToHandset>;
  reply(msisdn: string, text: string): Promise<ToHandset>;
  last(msisdn: string): ToHandset | undefined;
  /** Adds express cards of `amount` to the store; returns their codes. */
  cards(count: number, amount: number, seed?: string): Promise<string[]>;
}

/** Lets pending promises (store writes) settle. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export function setup(config: UssdConfig = DEFAULT_USSD_CONFIG): Fixture {
  const clock = new VirtualClock(START);
  const store = new MemoryBalanceStore();
  const engine = new ChargingEngine(
    { plan: (id) => plans.find((p) => p.id === id) },
    store,
    clock,
    chargingConfig,
  );
  const handset = new Map<string, ToHandset[]>();
  const esme: Fixture["esme"] = [];
  const bound = new Set<string>();
  const sms: SmsRequest[] = [];
  const sessions: Fixture["sessions"] = [];
  const errors: unknown[] = [];
  const ended: DialogueSummary[] = [];
  const puk = new Map<string, string>();
  const core = createUssdCore({
    engine,
    catalog,
    cards: new CardRedeemer(engine),
    sims: { puk1Of: (msisdn) => puk.get(msisdn) },
    config,
    handsets: (m) => {
      const list = handset.get(m.msisdn) ?? [];
      list.push(m);
      handset.set(m.msisdn, list);
    },
    external: {
      deliver: (systemId, message) => {
        if (!bound.has(systemId)) return false;
        esme.push({ systemId, message });
        return true;
      },
    },
    events: {
      sms: (r) => sms.push(r),
      sessions: (account, what) => sessions.push({ account, what }),
      error: (e) => errors.push(e),
    },
    ended: (s) => ended.push(s),
  });
  const subscribers: [string, string, number, readonly string[]][] = [
    [A, "smart-1", 1234, []],
    [B, "business-unlim-1", 500, []],
    [C, "web-4", 1000, []],
    [P, "privetik", 350, [A]],
  ];
  for (const [i, [msisdn, planId, balance, favorites]] of subscribers.entries()) {
    engine.createAccount({
      subscribers: [{ msisdn, imsi: `25701000000000${i}` }],
      planId,
      balance,
      favorites,
      allowArchived: true,
    });
  }
  const last = (msisdn: string): ToHandset | undefined => handset.get(msisdn)?.at(-1);
  const f: Fixture = {
    clock,
    store,
    engine,
    core,
    handset,
    esme,
    bound,
    sms,
    sessions,
    errors,
    ended,
    puk,
    account: (msisdn) => {
      const a = engine.byMsisdnOf(msisdn);
      if (a === undefined) throw new Error(`no account ${msisdn}`);
      return a;
    },
    async dial(msisdn, text) {
      const outcome = core.gateway.dial(msisdn, text);
      if (!outcome.ok) throw new Error(`dial refused: ${outcome.error} ${outcome.message}`);
      await settle();
      const m = last(msisdn);
      if (m === undefined) throw new Error("no answer");
      return m;
    },
    async reply(msisdn, text) {
      const outcome = core.gateway.reply(msisdn, text);
      if (!outcome.ok) throw new Error(`reply refused: ${outcome.error} ${outcome.message}`);
      await settle();
      const m = last(msisdn);
      if (m === undefined) throw new Error("no answer");
      return m;
    },
    last,
    async cards(count, amount, seed = "ussd") {
      const batch = generateCards(count, amount, seed, clock.now());
      await store.persist({ accounts: [], records: [], cards: batch });
      return batch.map((c) => c.code);
    },
  };
  return f;
}

/** The text of a handset message ("" for a release). */
export function textOf(m: ToHandset | undefined): string {
  return m === undefined || m.kind === "release" ? "" : m.text;
}
