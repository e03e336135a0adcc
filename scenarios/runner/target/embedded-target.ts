/**
 * The embedded core as a target: a CoreNode in memory on ephemeral loopback ports, on the real
 * clock (Gy over TCP to its Diameter listener) or on a VirtualClock (Gy and admin in process).
 * On the virtual clock the fee and Tcc sweeps run every simulated minute: often enough for daily
 * fees and the 15-minute Tcc, rare enough that a month is ~90,000 timer firings.
 */
import { resolve } from "node:path";
import type { Kopecks } from "../../../core/charging/money.js";
import type { Logger } from "../../../core/diameter/logger.js";
import { VirtualClock } from "../../../core/clock/virtual-clock.js";
import { CoreNode } from "../../../core/node.js";
import type { SmscConfig } from "../../../core/smsc/smsc-config.js";
import type { BalanceSample } from "../metrics/aggregator.js";
import type { Timeline } from "../load/timeline.js";
import type { PopulationPlan } from "../population.js";
import type { Ports } from "../ports.js";
import type { PortName } from "../step-registry.js";
import type { EmbeddedCoreSpec } from "../scenario-types.js";
import { DirectAdminPort } from "./admin-direct.js";
import { HandsetFleet } from "./handset-fleet.js";
import { TcpSmppPort } from "./smpp-tcp.js";
import { accountSimOf, scenarioSimCard } from "./scenario-sims.js";
import { DirectGyPort } from "./gy-direct.js";
import { TcpGyPort } from "./gy-tcp.js";
import type { AccountFacts, RemoteEndpoints, Target } from "./target.js";

const DEFAULT_VIRTUAL_START = Date.UTC(2026, 0, 1);
const TX_MS = 10_000;

export interface EmbeddedOptions {
  /**
   * Start the network edge (HLR/AuC, MSC, PGW, USSD gateway, SMSC on an ephemeral SMPP port) and
   * give every subscriber a SIM: the scenario uses handset steps. `seed` seeds the AuC's RANDs.
   */
  readonly handsets?: { readonly seed: string | number };
  /**
   * The SMSC's configuration (`core.smsc`: ESME accounts, delivery outcomes) for SMPP steps; the
   * network edge starts for it too. Without it the SMSC of a handset run has the demo account.
   */
  readonly smsc?: { readonly seed: string | number; readonly config: SmscConfig };
}

export async function startEmbeddedTarget(
  spec: EmbeddedCoreSpec,
  dir: string,
  logger: Logger,
  options: EmbeddedOptions = {},
): Promise<EmbeddedTarget> {
  const virtual = spec.clock === "virtual";
  const clock = virtual
    ? new VirtualClock(spec.startAt === undefined ? DEFAULT_VIRTUAL_START : Date.parse(spec.startAt))
    : undefined;
  const networkSeed = options.handsets?.seed ?? options.smsc?.seed;
  const node = await CoreNode.start({
    memory: true,
    // Nothing reloads a scenario's core: its store keeps the live accounts, not copies.
    memoryWithoutCopies: true,
    diameterPort: 0,
    httpPort: 0,
    logger,
    ...(clock !== undefined ? { clock, feeIntervalMs: 60_000, tccIntervalMs: 60_000 } : {}),
    ...(spec.catalog !== undefined ? { catalogPath: resolve(dir, spec.catalog) } : {}),
    ...(spec.maxInFlight !== undefined ? { maxInFlight: spec.maxInFlight } : {}),
    ...(networkSeed !== undefined
      ? {
          network: {
            seed: `${networkSeed}/auc`,
            smsc: { port: 0, ...(options.smsc !== undefined ? { config: options.smsc.config } : {}) },
          },
        }
      : {}),
  });
  return new EmbeddedTarget(node, clock, logger, spec.gy ?? "diameter");
}

export class EmbeddedTarget implements Target {
  readonly kind = "embedded";
  readonly portNames: ReadonlySet<PortName>;
  private msisdns: string[] = [];
  private gy: TcpGyPort | undefined;
  private population: PopulationPlan | undefined;
  private handsets: HandsetFleet | undefined;
  private smpp: TcpSmppPort | undefined;

  constructor(
    readonly node: CoreNode,
    readonly virtualClock: VirtualClock | undefined,
    private readonly logger: Logger,
    private readonly gyPath: "diameter" | "in-process" = "diameter",
  ) {
    const network = node.network;
    this.portNames = new Set<PortName>(
      network === undefined
        ? ["gy", "admin"]
        : network.smsc === undefined
          ? ["gy", "admin", "handsets"]
          : ["gy", "admin", "handsets", "smpp"],
    );
  }

  probe(): Promise<void> {
    return Promise.resolve();
  }

  async provision(population: PopulationPlan): Promise<Map<string, Kopecks>> {
    const engine = this.node.engine;
    const initial = new Map<string, Kopecks>();
    const withSims = this.node.network !== undefined;
    const accounts = population.subscribers.map((s) => {
      initial.set(s.msisdn, s.balance ?? 0);
      const account = engine.createAccount({
        subscribers: [{ msisdn: s.msisdn, imsi: s.imsi }],
        planId: s.plan ?? "",
        balance: s.balance ?? 0,
        ...(s.creditLimit !== undefined ? { creditLimit: s.creditLimit } : {}),
        favorites: s.favorites,
        ...(s.cug !== undefined ? { cugId: s.cug } : {}),
        allowArchived: s.allowArchived,
      });
      // The HLR/AuC authenticates the handset's card with these keys.
      if (withSims) account.sim = accountSimOf(scenarioSimCard(s));
      return account;
    });
    await engine.persist(accounts);
    this.population = population;
    this.msisdns = population.subscribers.map((s) => s.msisdn);
    // The connection fee falls due on creation: take it now, not at the next sweep mid-run.
    await this.node.chargeFeesNow();
    return initial;
  }

  async localPorts(timeline: Timeline): Promise<Ports> {
    const admin = new DirectAdminPort(this.node, timeline);
    const network = this.node.network;
    if (network !== undefined && this.population !== undefined) {
      this.handsets = new HandsetFleet(network.edge, this.population.subscribers);
    }
    if (network?.smppAddress !== undefined) this.smpp = new TcpSmppPort(network.smppAddress);
    // The network edge's ports (the `...handsets` below): emulated handsets and ESME binds.
    const handsets = {
      ...(this.handsets === undefined ? {} : { handsets: this.handsets }),
      ...(this.smpp === undefined ? {} : { smpp: this.smpp }),
    };
    if (this.virtualClock !== undefined || this.gyPath === "in-process") {
      return {
        gy: new DirectGyPort(this.node.ocs, this.node.ocs.identity.originRealm, timeline),
        admin,
        ...handsets,
      };
    }
    const e = this.remote().gy;
    this.gy = new TcpGyPort({ ...e, originHost: "scenario.telsim.local", txMs: e.txMs, logger: this.logger });
    await this.gy.connect();
    return { gy: this.gy, admin, ...handsets };
  }

  remote(): RemoteEndpoints {
    return {
      gy: {
        host: "127.0.0.1",
        port: this.node.diameterAddress.port,
        realm: this.node.ocs.identity.originRealm,
        txMs: TX_MS,
      },
      adminUrl: `http://127.0.0.1:${this.node.httpAddress.port}`,
    };
  }

  sampleBalances(): BalanceSample {
    const engine = this.node.engine;
    let total = 0;
    let min = Number.POSITIVE_INFINITY;
    let held = 0;
    let belowFloor = 0;
    for (const m of this.msisdns) {
      const a = engine.byMsisdnOf(m);
      if (a === undefined) continue;
      total += a.balance;
      if (a.balance < min) min = a.balance;
      for (const r of a.reservations) held += r.heldMoney;
      if (a.state === "active" && a.balance < engine.floor(a)) belowFloor++;
    }
    return { total, min: Number.isFinite(min) ? min : 0, held, belowFloor };
  }

  async accountFacts(): Promise<AccountFacts[]> {
    const engine = this.node.engine;
    const stored = await engine.store.records({ limit: Number.POSITIVE_INFINITY });
    const byAccount = new Map<string, AccountFacts["records"][number][]>();
    for (const { record: r } of stored) {
      const list = byAccount.get(r.accountId) ?? [];
      list.push({ kind: r.kind, charge: r.charge, balanceAfter: r.balanceAfter });
      byAccount.set(r.accountId, list);
    }
    const out: AccountFacts[] = [];
    for (const m of this.msisdns) {
      const a = engine.byMsisdnOf(m);
      if (a === undefined) continue;
      out.push({
        msisdn: m,
        plan: a.planId,
        balance: a.balance,
        floor: engine.floor(a),
        state: a.state,
        reservations: a.reservations.length,
        records: byAccount.get(a.id) ?? [],
      });
    }
    return out;
  }

  throttleKbps(plan: string): number | undefined {
    return this.node.catalog.findPlan(plan)?.throttleKbps;
  }

  async close(): Promise<void> {
    this.handsets?.close();
    await this.smpp?.close();
    await this.gy?.close();
    await this.node.stop();
  }
}
