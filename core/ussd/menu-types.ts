/**
 * The built-in self-service menus are data plus small handlers: a table of entries (menu-table.ts),
 * each a dialled code and a start handler; a handler answers with a final text or a question
 * whose answer goes to the next handler. Texts are written once, in Russian; the subscriber's
 * language setting decides whether they go in Cyrillic or transliterated (menu-text.ts).
 */
import type { CatalogPackage } from "../charging/catalog.js";
import type { ChargingEngine } from "../charging/engine.js";
import type { Account, Plan } from "../charging/model.js";
import type { CardRedeemer } from "../charging/topups.js";
import type { SelfCareProfile, SelfCareProfiles } from "./self-care-profiles.js";
import type { UnconfirmedPayments } from "./unconfirmed-payments.js";

/** The part of the tariff catalog the menus read (core/charging/catalog.ts Catalog fits). */
export interface MenuCatalog {
  plans(): readonly Plan[];
  findPlan(id: string): Plan | undefined;
  packagesFor(planId: string): readonly CatalogPackage[];
  readonly defaults: { readonly pause: { readonly planFeePercent: number } };
}

/** The SIM secrets the network holds (PUK1 opens the Personal Account, seeds *141*3*6#). */
export interface SimSecrets {
  puk1Of(msisdn: string): string | undefined;
}

/** An SMS the menus ask the SMSC to send ("call me back", seeds *131*number#). */
export interface SmsRequest {
  readonly kind: "call-me-back";
  /** The originator: the subscriber who asked, so the recipient can call straight back. */
  readonly from: string;
  readonly to: string;
  readonly text: string;
}

export interface MenuEvents {
  sms?(request: SmsRequest): void;
  /** The account's terms changed (Pause, tariff, top-up): live Gy sessions need a RAR (or ASR). */
  sessions?(account: Account, what: "reauth" | "abort"): void;
  error?(error: unknown): void;
}

export interface MenuContext {
  readonly engine: ChargingEngine;
  readonly catalog: MenuCatalog;
  readonly profiles: SelfCareProfiles;
  readonly unconfirmed: UnconfirmedPayments;
  /** The same redeemer as the admin API's, so one code can never be used twice at once. */
  readonly cards: CardRedeemer;
  readonly sims: SimSecrets;
  readonly events: MenuEvents;
  /** Plans whose subscribers' favorite numbers may check their balance (seeds: "Privetik", *101*). */
  readonly privetikPlans: readonly string[];
}

/** One dialogue's view of the subscriber. */
export interface MenuCall {
  readonly ctx: MenuContext;
  readonly msisdn: string;
  readonly account: Account;
  readonly profile: SelfCareProfile;
  /** The dialled parameters after the entry's own path: `*131*375291234567#` → ["375291234567"]. */
  readonly params: readonly string[];
}

export type Awaitable<T> = T | Promise<T>;

export type MenuStep =
  | { readonly kind: "end"; /** Russian. */ readonly text: string }
  | { readonly kind: "ask"; readonly text: string; readonly next: ReplyHandler };

export type ReplyHandler = (call: MenuCall, input: string) => Awaitable<MenuStep>;
export type StartHandler = (call: MenuCall) => Awaitable<MenuStep>;

export interface MenuEntry {
  /** How it is dialled, parameters in angle brackets: "*131*<number>#". */
  readonly code: string;
  /** The service code and the fixed parameters: `*141*3*6#` → ["141", "3", "6"]. */
  readonly path: readonly string[];
  /** How many parameters may follow the path. */
  readonly params: { readonly min: number; readonly max: number };
  /** What it does, in English (the README's table). */
  readonly does: string;
  /** A short Russian name for the USSD help list. */
  readonly help: string;
  /** Whether the code is the operator's (the seeds) or chosen here. */
  readonly from: "seeds" | "chosen";
  readonly start: StartHandler;
}

export function end(text: string): MenuStep {
  return { kind: "end", text };
}

export function ask(text: string, next: ReplyHandler): MenuStep {
  return { kind: "ask", text, next };
}
