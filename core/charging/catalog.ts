/**
 * The tariff catalog: the plans (model.ts Plan), add-on packages and the charging defaults the
 * OCS applies to every grant, loaded from catalog/a1-tariffs.yaml (see catalog/README.md).
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CatalogError, loadCatalogFile, loadCatalogText } from "./catalog-load.js";
import type { Allowance, Plan, ServiceKind } from "./model.js";
import type { Kopecks } from "./money.js";

export {
  CatalogError,
  type CatalogErrorCode,
  type CatalogProblem,
  formatProblem,
  UNLIMITED_VOICE_MINUTES,
} from "./catalog-load.js";

/** Settings the OCS applies to every credit-control answer, whatever the plan. */
export interface CatalogDefaults {
  /** Rating-Group (RFC 4006 AVP 432) the Gy clients use for each service. */
  readonly ratingGroups: Readonly<Record<ServiceKind, number>>;
  /** Units granted per request when none are asked for: seconds, octets, messages. */
  readonly grantUnits: Readonly<Record<ServiceKind, number>>;
  /** Validity-Time (AVP 448) of each grant. */
  readonly validityTimeSeconds: number;
  /** Volume-/Time-Quota-Threshold (AVP 869/868) as a percentage of each grant. */
  readonly quotaThresholdPercent: { readonly volume: number; readonly time: number };
  /** Tcc: a session silent this long is closed and its reservations released. */
  readonly tccSeconds: number;
  /** Final-Unit-Action REDIRECT: the Redirect-Server address (the top-up page). */
  readonly redirectUrl: string;
  /** Final-Unit-Action RESTRICT_ACCESS: the Filter-Id the gateway applies. */
  readonly restrictFilterId: string;
  /** The Pause service: from `startsAfterDays` after activation these shares of the fees. */
  readonly pause: {
    readonly planFeePercent: number;
    readonly startsAfterDays: number;
    readonly packageFeePercent: number;
  };
}

export interface PackageFeeTerms {
  readonly amount: Kopecks;
  /** once: on connection, units until the end of the plan's fee period; else as FeeTerms. */
  readonly charging: "once" | "monthly" | "every-30-days";
}

/** An add-on connected on top of a plan (seeds: "Director's package", extra traffic). */
export interface CatalogPackage {
  readonly id: string;
  readonly name: string;
  /** Plan ids it is offered on. */
  readonly plans: readonly string[];
  /** At most one package of a group at a time. */
  readonly group?: string;
  readonly fee: PackageFeeTerms;
  readonly allowances: readonly Allowance[];
}

/** What the loader returns: deeply frozen. */
export interface LoadedCatalog {
  /** The file it came from, as named in error messages. */
  readonly source: string;
  readonly defaults: CatalogDefaults;
  readonly plans: readonly Plan[];
  readonly packages: readonly CatalogPackage[];
}

/** The shipped catalog, relative to the repository (or package) root. */
export const CATALOG_FILE = "catalog/a1-tariffs.yaml";

/**
 * The shipped catalog: looked for from this module's folder upwards, so that it is found both
 * from the sources (core/charging) and from the build (dist/core/charging).
 */
export function defaultCatalogPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = dirname(dir)) {
    const candidate = join(dir, CATALOG_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  return join(here, "..", "..", CATALOG_FILE);
}

export class Catalog {
  private readonly byId: ReadonlyMap<string, Plan>;
  private readonly packagesById: ReadonlyMap<string, CatalogPackage>;

  private constructor(private readonly loaded: LoadedCatalog) {
    this.byId = new Map(loaded.plans.map((p) => [p.id, p]));
    this.packagesById = new Map(loaded.packages.map((p) => [p.id, p]));
  }

  /** Loads and checks a catalog file (the shipped one by default); throws CatalogError. */
  static load(path: string = defaultCatalogPath()): Catalog {
    return new Catalog(loadCatalogFile(path));
  }

  /** From YAML text; `source` names it in error messages. */
  static fromText(text: string, source: string): Catalog {
    return new Catalog(loadCatalogText(text, source));
  }

  get source(): string {
    return this.loaded.source;
  }

  get defaults(): CatalogDefaults {
    return this.loaded.defaults;
  }

  /** The plan with this id; CatalogError "CATALOG_UNKNOWN_PLAN" when there is none. */
  plan(id: string): Plan {
    const plan = this.byId.get(id);
    if (plan === undefined) {
      throw new CatalogError("CATALOG_UNKNOWN_PLAN", [
        {
          file: this.loaded.source,
          line: undefined,
          subject: undefined,
          field: undefined,
          message: `no tariff plan "${id}"`,
        },
      ]);
    }
    return plan;
  }

  findPlan(id: string): Plan | undefined {
    return this.byId.get(id);
  }

  /** Every plan, in file order. */
  plans(): readonly Plan[] {
    return this.loaded.plans;
  }

  packages(): readonly CatalogPackage[] {
    return this.loaded.packages;
  }

  findPackage(id: string): CatalogPackage | undefined {
    return this.packagesById.get(id);
  }

  /** The packages a subscriber of this plan can connect. */
  packagesFor(planId: string): readonly CatalogPackage[] {
    return this.loaded.packages.filter((p) => p.plans.includes(planId));
  }

  /** The service a Rating-Group stands for, by the catalog defaults. */
  serviceOfRatingGroup(ratingGroup: number): ServiceKind | undefined {
    const entries = Object.entries(this.defaults.ratingGroups) as [ServiceKind, number][];
    return entries.find(([, group]) => group === ratingGroup)?.[0];
  }
}
