/**
 * Puts the USSD gateway together for a core: the routing table and timers from the config, the
 * dialogue manager, and the built-in menus over the charging engine. What stays outside is I/O:
 * the MSC side receives `handsets` messages, the SMSC delivers `external` ones to ESMEs and sends
 * the SMS the menus ask for.
 */
import type { CardRedeemer } from "../charging/topups.js";
import type { ChargingEngine } from "../charging/engine.js";
import { BuiltinMenus } from "./builtin-menus.js";
import type { DialogueSummary, ToHandset } from "./dialogue-types.js";
import { type ExternalApplications, UssdGateway } from "./gateway.js";
import type { MenuCatalog, MenuContext, MenuEvents, SimSecrets } from "./menu-types.js";
import { SelfCareProfiles } from "./self-care-profiles.js";
import { UnconfirmedPayments, type UnconfirmedEvents } from "./unconfirmed-payments.js";
import { DEFAULT_USSD_CONFIG, type UssdConfig } from "./ussd-config.js";

export interface UssdCoreOptions {
  readonly engine: ChargingEngine;
  readonly catalog: MenuCatalog;
  readonly cards: CardRedeemer;
  readonly sims: SimSecrets;
  readonly config?: UssdConfig;
  readonly handsets: (message: ToHandset) => void;
  readonly external: ExternalApplications;
  /** SMS requests, Gy session notices, errors. */
  readonly events?: MenuEvents & UnconfirmedEvents;
  readonly ended?: (summary: DialogueSummary) => void;
}

export interface UssdCore {
  readonly gateway: UssdGateway;
  readonly menus: BuiltinMenus;
  readonly profiles: SelfCareProfiles;
  readonly unconfirmed: UnconfirmedPayments;
  close(): void;
}

export function createUssdCore(options: UssdCoreOptions): UssdCore {
  const config = options.config ?? DEFAULT_USSD_CONFIG;
  const events = options.events ?? {};
  const profiles = new SelfCareProfiles(config.defaultLanguage);
  const unconfirmed = new UnconfirmedPayments(options.engine, undefined, events);
  const ctx: MenuContext = {
    engine: options.engine,
    catalog: options.catalog,
    profiles,
    unconfirmed,
    cards: options.cards,
    sims: options.sims,
    events,
    privetikPlans: config.privetikPlans,
  };
  let menus: BuiltinMenus | undefined;
  const gateway = new UssdGateway({
    clock: options.engine.clock,
    routes: config.routes,
    timers: config.timers,
    handsets: options.handsets,
    external: options.external,
    builtin: (port) => (menus = new BuiltinMenus(port, ctx)),
    ...(options.ended !== undefined ? { ended: options.ended } : {}),
    ...(events.error !== undefined ? { error: (e: unknown) => events.error?.(e) } : {}),
  });
  if (menus === undefined) throw new Error("the built-in menus were not created");
  const built = menus;
  return {
    gateway,
    menus: built,
    profiles,
    unconfirmed,
    close: () => {
      gateway.close();
      unconfirmed.stop();
    },
  };
}
