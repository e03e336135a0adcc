/** What the admin routes work with: the node's parts they may read and change, nothing more. */
import type { Catalog } from "../charging/catalog.js";
import type { ChargingEngine } from "../charging/engine.js";
import type { Account } from "../charging/model.js";
import type { CardRedeemer } from "../charging/topups.js";
import type { Logger } from "../diameter/logger.js";
import type { Smsc } from "../smsc/smsc.js";
import type { UssdCore } from "../ussd/ussd-core.js";
import { AdminError, subscriberNotFound } from "./admin-errors.js";
import { msisdnField, pathParam } from "./fields.js";
import type { CoreMetrics } from "./metrics.js";
import type { SimIssuer } from "./sim-profile.js";

export interface AdminContext {
  readonly engine: ChargingEngine;
  readonly catalog: Catalog;
  readonly metrics: CoreMetrics;
  readonly cards: CardRedeemer;
  readonly sims: SimIssuer;
  readonly logger: Logger;
  /** RAR (terms changed) or ASR (must end) to every live session of the account. */
  notifySessions(account: Account, what: "reauth" | "abort"): void;
  /**
   * The SMSC and the USSD core of the network edge, undefined while it does not run (the network
   * starts after the admin server, so these are read on each request, never kept).
   */
  smsc(): Smsc | undefined;
  ussd(): UssdCore | undefined;
}

/** The running SMSC, or a 404 SMSC_NOT_RUNNING. */
export function runningSmsc(ctx: AdminContext): Smsc {
  const smsc = ctx.smsc();
  if (smsc === undefined) {
    throw new AdminError(
      404,
      "SMSC_NOT_RUNNING",
      undefined,
      "this core runs without an SMSC (start it with the network's smsc option)",
    );
  }
  return smsc;
}

/** The account of the `:msisdn` path parameter: 400 when malformed, 404 when unknown. */
export function accountOfPath(ctx: AdminContext, params: Readonly<Record<string, string>>): Account {
  const msisdn = msisdnField(pathParam(params, "msisdn"));
  const account = ctx.engine.byMsisdnOf(msisdn);
  if (account === undefined) throw subscriberNotFound(msisdn);
  return account;
}

/** The account of an optional `?msisdn=` filter: undefined without one, 400/404 like the path. */
export function accountOfQuery(ctx: AdminContext, query: URLSearchParams): Account | undefined {
  const text = query.get("msisdn");
  if (text === null || text === "") return undefined;
  const msisdn = msisdnField(text);
  const account = ctx.engine.byMsisdnOf(msisdn);
  if (account === undefined) throw subscriberNotFound(msisdn);
  return account;
}
