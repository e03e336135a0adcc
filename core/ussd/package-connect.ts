/**
 * Connecting an add-on package from the catalog (seeds: "Mobile Internet" packages managed "by USSD
 * *135*7# call"; one-time extra traffic). The engine has no package operation yet; this uses its
 * parts: the fee is debited like a plan fee (a fee record), and the package's allowances become
 * buckets valid until the end of the plan's current fee period (catalog: "units valid until the
 * end of the plan's current fee period"). Seeds: prepaid subscribers may connect a service only
 * "if they have on their balance an amount of funds sufficient to pay the cost"; applications
 * "may be rejected if the service of the subscriber is suspended". At most one package of a group.
 */
import type { CatalogPackage } from "../charging/catalog.js";
import type { ChargingEngine } from "../charging/engine.js";
import type { Account, ChargingRecord } from "../charging/model.js";
import { allowanceBuckets, periodEnd } from "../charging/periods.js";
import { feeRecord } from "../charging/topups.js";

export type PackageProblem = "not-offered" | "not-active" | "group-taken" | "insufficient-funds";

/** The packages whose buckets are valid now. */
export function connectedPackages(
  packages: readonly CatalogPackage[],
  account: Account,
  now: number,
): CatalogPackage[] {
  return packages.filter((p) =>
    p.allowances.some((a) =>
      account.buckets.some((b) => b.source === a.id && b.validFrom <= now && now < b.validUntil),
    ),
  );
}

export function packageProblem(
  engine: ChargingEngine,
  offered: readonly CatalogPackage[],
  account: Account,
  pkg: CatalogPackage,
): PackageProblem | undefined {
  if (!offered.some((p) => p.id === pkg.id)) return "not-offered";
  if (account.state !== "active") return "not-active";
  const now = engine.clock.now();
  if (
    pkg.group !== undefined &&
    connectedPackages(offered, account, now).some((p) => p.group === pkg.group)
  ) {
    return "group-taken";
  }
  if (engine.available(account) < pkg.fee.amount) return "insufficient-funds";
  return undefined;
}

export type ConnectOutcome =
  | { readonly ok: true; readonly validUntil: number; readonly records: readonly ChargingRecord[] }
  | { readonly ok: false; readonly problem: PackageProblem };

/** Checks, debits the fee, adds the buckets and persists. */
export async function connectPackage(
  engine: ChargingEngine,
  offered: readonly CatalogPackage[],
  account: Account,
  pkg: CatalogPackage,
): Promise<ConnectOutcome> {
  const problem = packageProblem(engine, offered, account, pkg);
  if (problem !== undefined) return { ok: false, problem };
  const plan = engine.planOf(account);
  const now = engine.clock.now();
  const validUntil = periodEnd(plan, account.feePeriodStart);
  const tag = engine.nextRecordId(`pkg-${pkg.id}`);
  const buckets = allowanceBuckets({ ...plan, allowances: pkg.allowances }, now, validUntil).map((b) => ({
    ...b,
    id: `${b.id}:${tag}`,
  }));
  account.buckets = [...account.buckets, ...buckets];
  const records: ChargingRecord[] = [];
  if (pkg.fee.amount > 0) {
    account.balance -= pkg.fee.amount;
    records.push(feeRecord(engine, account, pkg.fee.amount, `package:${pkg.id}`));
  }
  await engine.persist([account], records);
  return { ok: true, validUntil, records };
}
