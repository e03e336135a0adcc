/**
 * Who may bind (SMPP 3.4 §4.1): the configured accounts and how many binds each holds. Checks run
 * in this order, each with its own status: unknown system_id → ESME_RINVSYSID, wrong password →
 * ESME_RINVPASWD, a bind mode the account may not use or one bind more than its maxBinds →
 * ESME_RBINDFAIL. (A second bind on a bound session, ESME_RALYBND, is the session's business.)
 */
import { CommandStatus } from "../smpp/command-status.js";
import type { BindMode } from "../smpp/pdu-types.js";
import type { EsmeAccount } from "./smsc-config.js";

export type BindDecision =
  | { readonly ok: true; readonly account: EsmeAccount }
  | { readonly ok: false; readonly status: number; readonly reason: string };

export class BindRegistry {
  private readonly accounts: ReadonlyMap<string, EsmeAccount>;
  private readonly counts = new Map<string, number>();

  constructor(accounts: readonly EsmeAccount[]) {
    this.accounts = new Map(accounts.map((a) => [a.systemId, a]));
  }

  account(systemId: string): EsmeAccount | undefined {
    return this.accounts.get(systemId);
  }

  get allAccounts(): EsmeAccount[] {
    return [...this.accounts.values()];
  }

  /** Checks a bind and, when it passes, counts it (give it back with release). */
  authorize(mode: BindMode, systemId: string, password: string): BindDecision {
    const account = this.accounts.get(systemId);
    if (account === undefined)
      return {
        ok: false,
        status: CommandStatus.ESME_RINVSYSID,
        reason: `unknown system_id ${JSON.stringify(systemId)}`,
      };
    if (account.password !== password)
      return { ok: false, status: CommandStatus.ESME_RINVPASWD, reason: `wrong password for ${systemId}` };
    if (!account.bindModes.includes(mode))
      return {
        ok: false,
        status: CommandStatus.ESME_RBINDFAIL,
        reason: `${systemId} may not bind as ${mode}`,
      };
    const n = this.counts.get(systemId) ?? 0;
    if (n >= account.maxBinds)
      return {
        ok: false,
        status: CommandStatus.ESME_RBINDFAIL,
        reason: `${systemId} already holds ${n} binds (max ${account.maxBinds})`,
      };
    this.counts.set(systemId, n + 1);
    return { ok: true, account };
  }

  release(systemId: string): void {
    const n = this.counts.get(systemId) ?? 0;
    if (n <= 1) this.counts.delete(systemId);
    else this.counts.set(systemId, n - 1);
  }

  binds(systemId: string): number {
    return this.counts.get(systemId) ?? 0;
  }
}
