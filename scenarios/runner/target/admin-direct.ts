/**
 * The admin port in process: the same domain functions the admin API routes call (top-up with
 * restoration, the Pause state change, persistence, then RAR/ASR to live sessions), without HTTP,
 * so it runs on the virtual clock. Refusals come back as outcomes with the status the HTTP API
 * would answer.
 */
import { planStateChange } from "../../../core/admin/account-changes.js";
import { AdminError } from "../../../core/admin/admin-errors.js";
import { ChargingError } from "../../../core/charging/engine.js";
import type { Kopecks } from "../../../core/charging/money.js";
import { applyTopUp } from "../../../core/charging/topups.js";
import type { CoreNode } from "../../../core/node.js";
import type { Timeline } from "../load/timeline.js";
import type { AccountView, AdminOutcome, AdminPort } from "../ports.js";

export class DirectAdminPort implements AdminPort {
  constructor(
    private readonly node: CoreNode,
    private readonly timeline: Timeline,
  ) {}

  private async guarded(fn: () => Promise<void>): Promise<AdminOutcome> {
    this.timeline.begin();
    try {
      await fn();
      return { ok: true };
    } catch (e) {
      if (e instanceof AdminError) return { ok: false, status: e.status, message: e.message };
      if (e instanceof ChargingError)
        return { ok: false, status: e.code === "ACCOUNT_CLOSED" ? 409 : 400, message: e.message };
      throw e;
    } finally {
      this.timeline.end();
    }
  }

  topUp(msisdn: string, amount: Kopecks): Promise<AdminOutcome> {
    const engine = this.node.engine;
    const account = engine.byMsisdnOf(msisdn);
    if (account === undefined)
      return Promise.resolve({ ok: false, status: 404, message: `no subscriber ${msisdn}` });
    return this.guarded(async () => {
      const result = applyTopUp(engine, account, amount, "scenario");
      await engine.persist([account], result.records);
      if (account.reservations.length > 0) this.node.notifySessions(account, "reauth");
    });
  }

  setState(msisdn: string, state: "paused" | "active"): Promise<AdminOutcome> {
    const engine = this.node.engine;
    const account = engine.byMsisdnOf(msisdn);
    if (account === undefined)
      return Promise.resolve({ ok: false, status: 404, message: `no subscriber ${msisdn}` });
    return this.guarded(async () => {
      const apply = planStateChange(engine, account, engine.planOf(account), state, engine.floor(account));
      const change = apply();
      await engine.persist([account], change.records);
      if (change.notify !== undefined && account.reservations.length > 0)
        this.node.notifySessions(account, change.notify);
    });
  }

  account(msisdn: string): Promise<AccountView | undefined> {
    const engine = this.node.engine;
    const a = engine.byMsisdnOf(msisdn);
    if (a === undefined) return Promise.resolve(undefined);
    return Promise.resolve({
      balance: a.balance,
      floor: engine.floor(a),
      available: engine.available(a),
      state: a.state,
      reservations: a.reservations.length,
    });
  }
}
