/**
 * An external OCS as the target (any RFC 4006 server; in tests a second telsim core). Gy goes over
 * TCP; provisioning, top-ups, Pause, checks and invariants need a telsim-compatible admin API
 * (`core.admin.url`). Without it the run is Gy-only, and steps or invariants that need the API are
 * rejected when the scenario is validated.
 */
import { resolve } from "node:path";
import { Catalog } from "../../../core/charging/catalog.js";
import { formatMoney, type Kopecks, parseMoney } from "../../../core/charging/money.js";
import type { Logger } from "../../../core/diameter/logger.js";
import type { Timeline } from "../load/timeline.js";
import type { PopulationPlan } from "../population.js";
import type { Ports } from "../ports.js";
import type { ExternalCoreSpec } from "../scenario-types.js";
import type { PortName } from "../step-registry.js";
import { parseDuration } from "../units.js";
import { adminRequest, HttpAdminPort } from "./admin-http.js";
import { TcpGyPort } from "./gy-tcp.js";
import { TcpSmppPort } from "./smpp-tcp.js";
import { type AccountFacts, type RemoteEndpoints, type Target, TargetUnreachable } from "./target.js";

const CONCURRENCY = 8;

async function inParallel<T>(items: readonly T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
}

export function externalPortNames(spec: ExternalCoreSpec): Set<PortName> {
  const names = new Set<PortName>(spec.admin === undefined ? ["gy"] : ["gy", "admin"]);
  if (spec.smsc !== undefined) names.add("smpp");
  return names;
}

export class ExternalTarget implements Target {
  readonly kind = "external";
  readonly virtualClock = undefined;
  readonly portNames: ReadonlySet<PortName>;
  private readonly catalog: Catalog | undefined;
  private msisdns: { msisdn: string; plan: string | undefined }[] = [];
  private gy: TcpGyPort | undefined;
  private smpp: TcpSmppPort | undefined;

  constructor(
    private readonly spec: ExternalCoreSpec,
    dir: string,
    private readonly logger: Logger,
  ) {
    this.portNames = externalPortNames(spec);
    this.catalog = spec.catalog === undefined ? undefined : Catalog.load(resolve(dir, spec.catalog));
  }

  async probe(): Promise<void> {
    const e = this.remote().gy;
    const gy = new TcpGyPort({ ...e, originHost: "scenario-probe.telsim.local", logger: this.logger });
    try {
      await gy.connect();
    } catch (err) {
      throw new TargetUnreachable(
        `OCS ${e.host}:${e.port}: ${err instanceof Error ? err.message : String(err)}`,
      );
    } finally {
      await gy.close();
    }
  }

  async provision(population: PopulationPlan): Promise<Map<string, Kopecks>> {
    this.msisdns = population.subscribers.map((s) => ({ msisdn: s.msisdn, plan: s.plan }));
    const initial = new Map<string, Kopecks>();
    const url = this.spec.admin?.url;
    if (this.spec.provision !== true || url === undefined) return initial;
    await inParallel(population.subscribers, async (s) => {
      let answer;
      try {
        answer = await adminRequest(url, "POST", "/api/subscribers", {
          msisdn: s.msisdn,
          imsi: s.imsi,
          plan: s.plan,
          balance: formatMoney(s.balance ?? 0),
          ...(s.creditLimit !== undefined ? { creditLimit: formatMoney(s.creditLimit) } : {}),
          ...(s.favorites.length > 0 ? { favorites: s.favorites } : {}),
          ...(s.cug !== undefined ? { cugId: s.cug } : {}),
          ...(s.allowArchived ? { allowArchived: true } : {}),
        });
      } catch (e) {
        throw new TargetUnreachable(`admin API ${url}: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (answer.status !== 201) {
        throw new TargetUnreachable(
          `provisioning ${s.msisdn} at ${url}: HTTP ${answer.status} ${JSON.stringify(answer.json)}`,
        );
      }
      initial.set(s.msisdn, s.balance ?? 0);
    });
    return initial;
  }

  async localPorts(_timeline: Timeline): Promise<Ports> {
    const e = this.remote().gy;
    this.gy = new TcpGyPort({ ...e, originHost: "scenario.telsim.local", logger: this.logger });
    try {
      await this.gy.connect();
    } catch (err) {
      throw new TargetUnreachable(
        `OCS ${e.host}:${e.port}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    const smsc = this.spec.smsc;
    if (smsc !== undefined) this.smpp = new TcpSmppPort(smsc);
    return {
      gy: this.gy,
      admin: this.spec.admin === undefined ? undefined : new HttpAdminPort(this.spec.admin.url),
      ...(this.smpp === undefined ? {} : { smpp: this.smpp }),
    };
  }

  remote(): RemoteEndpoints {
    return {
      gy: {
        host: this.spec.ocs.host,
        port: this.spec.ocs.port,
        realm: this.spec.ocs.realm ?? "telsim.local",
        txMs: this.spec.txTimeout === undefined ? 10_000 : parseDuration(this.spec.txTimeout),
      },
      adminUrl: this.spec.admin?.url,
    };
  }

  sampleBalances(): undefined {
    return undefined;
  }

  accountFacts(): Promise<AccountFacts[]> | undefined {
    const url = this.spec.admin?.url;
    if (url === undefined) return undefined;
    return (async () => {
      const out: AccountFacts[] = [];
      await inParallel(this.msisdns, async ({ msisdn }) => {
        const a = await adminRequest(url, "GET", `/api/subscribers/${msisdn}`);
        if (a.status !== 200) return;
        const v = a.json as Record<string, unknown>;
        const records: AccountFacts["records"][number][] = [];
        let after: number | undefined;
        for (let page = 0; page < 10_000; page++) {
          const r = await adminRequest(
            url,
            "GET",
            `/api/cdrs?msisdn=${msisdn}&limit=10000${after !== undefined ? `&after=${after}` : ""}`,
          );
          const list = ((r.json as { records?: unknown[] } | undefined)?.records ?? []) as Record<
            string,
            unknown
          >[];
          for (const x of list) {
            records.push({
              kind: String(x.kind),
              charge: parseMoney(String(x.charge), "charge"),
              balanceAfter: parseMoney(String(x.balanceAfter), "balanceAfter"),
            });
          }
          if (list.length < 10_000) break;
          after = Number(list[list.length - 1]?.sequence);
        }
        out.push({
          msisdn,
          plan: (v.plan as { id?: string } | undefined)?.id,
          balance: parseMoney(String(v.balance), "balance"),
          floor: -parseMoney(String(v.creditLimit), "creditLimit"),
          state: String(v.state),
          reservations: Array.isArray(v.sessions) ? v.sessions.length : 0,
          records,
        });
      });
      return out;
    })();
  }

  throttleKbps(plan: string): number | undefined {
    return this.catalog?.findPlan(plan)?.throttleKbps;
  }

  async close(): Promise<void> {
    await this.smpp?.close();
    await this.gy?.close();
  }
}
