/**
 * The balance invariant: initial + top-ups − charges − fees = current balance, read from the
 * charging records (a record's charge is money taken; top-ups and refunds are negative charges).
 * It holds whenever no session is open (an open session has been debited but not yet recorded).
 */
import type { Account, ChargingRecord } from "./model.js";
import type { Kopecks } from "./money.js";

export interface Reconciliation {
  readonly accountId: string;
  readonly expected: Kopecks;
  readonly actual: Kopecks;
  readonly ok: boolean;
}

export function reconcile(
  account: Account,
  initialBalance: Kopecks,
  records: Iterable<ChargingRecord>,
): Reconciliation {
  let expected = initialBalance;
  for (const r of records) if (r.accountId === account.id) expected -= r.charge;
  return { accountId: account.id, expected, actual: account.balance, ok: expected === account.balance };
}
