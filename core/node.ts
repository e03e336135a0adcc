/**
 * Composes and starts a telsim core: the catalog, the balance store (SQLite in a data folder, or
 * memory), the charging engine with its schedulers, the Gy OCS on a Diameter server, and the admin
 * HTTP API with /metrics (core/admin). Binds to 127.0.0.1 unless told otherwise. Sends RAR when a
 * live session's terms change (a top-up, a tariff change, Pause) and ASR when an account is blocked.
 */
import type { AdminContext } from "./admin/admin-context.js";
import { AdminHttpServer } from "./admin/admin-server.js";
import { join } from "node:path";
import { CoreMetrics } from "./admin/metrics.js";
import { CdrFileWriter } from "./cdr/cdr-file-writer.js";
import { withCdrFiles } from "./cdr/cdr-store-tap.js";
import { SimIssuer } from "./admin/sim-profile.js";
import { Catalog, defaultCatalogPath } from "./charging/catalog.js";
import type { ChargingConfig } from "./charging/credit-control.js";
import { ChargingEngine } from "./charging/engine.js";
import type { Account } from "./charging/model.js";
import { FeeScheduler, TccSweeper } from "./charging/schedulers.js";
import { CardRedeemer } from "./charging/topups.js";
import { type Clock, realClock } from "./clock/clock.js";
import { avp } from "./diameter/avp-build.js";
import { APPLICATION_CREDIT_CONTROL, CommandCode } from "./diameter/dictionary/commands.js";
import { type Logger, stderrLogger } from "./diameter/logger.js";
import { DiameterServer } from "./diameter/server.js";
import { GyOcs } from "./ocs/gy-ocs.js";
import type { BalanceStore } from "./store/balance-store.js";
import { MemoryBalanceStore } from "./store/memory-store.js";
import { type NetworkNode, type NetworkOptions, startNetwork } from "./network/network-node.js";
import { SqliteBalanceStore } from "./store/sqlite-store.js";

export interface CoreOptions {
  readonly host?: string;
  /** 0 picks a free port. Default 3868. */
  readonly diameterPort?: number;
  /** The admin HTTP API; 0 picks a free port. Default 8080. */
  readonly httpPort?: number;
  /** Data folder: the SQLite store and the CDR files (cdr/); ignored with `memory`. Default ./telsim-data. */
  readonly dataDir?: string;
  readonly memory?: boolean;
  /** With `memory`: keep the live objects, not copies (nothing reloads this core's state). */
  readonly memoryWithoutCopies?: boolean;
  readonly catalogPath?: string;
  readonly originHost?: string;
  readonly originRealm?: string;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Requests in flight before 3004 DIAMETER_TOO_BUSY. */
  readonly maxInFlight?: number;
  /** How often fees and Tcc are checked (ms of the clock). */
  readonly feeIntervalMs?: number;
  readonly tccIntervalMs?: number;
  /** The network edge (HLR, MSC, PGW) and the handset link at ws://<http>/ws; off when absent. */
  readonly network?: NetworkOptions;
}

export class CoreNode {
  /** The network edge, when `network` was given. */
  network: NetworkNode | undefined;

  private constructor(
    readonly catalog: Catalog,
    readonly store: BalanceStore,
    readonly engine: ChargingEngine,
    readonly ocs: GyOcs,
    readonly diameter: DiameterServer,
    readonly diameterAddress: { host: string; port: number },
    private readonly fees: FeeScheduler,
    private readonly tcc: TccSweeper,
    private readonly logger: Logger,
    /** The admin HTTP API (core/admin) and the Prometheus registry behind its /metrics. */
    private readonly admin: AdminHttpServer,
    readonly httpAddress: { host: string; port: number },
    readonly metrics: CoreMetrics,
  ) {}

  static async start(options: CoreOptions = {}): Promise<CoreNode> {
    const clock = options.clock ?? realClock;
    const logger = options.logger ?? stderrLogger("telsim-core");
    const catalog = Catalog.load(options.catalogPath ?? defaultCatalogPath());
    const d = catalog.defaults;
    const config: ChargingConfig = {
      defaultQuota: d.grantUnits,
      maxQuota: {
        voice: d.grantUnits.voice * 12,
        data: d.grantUnits.data * 10,
        sms: Math.max(10, d.grantUnits.sms),
        mms: Math.max(10, d.grantUnits.mms),
      },
      tccMs: d.tccSeconds * 1000,
    };
    const metrics = new CoreMetrics();
    const dataDir = options.dataDir ?? "telsim-data";
    const store: BalanceStore = metrics.countRecords(
      options.memory
        ? new MemoryBalanceStore({ copies: options.memoryWithoutCopies !== true })
        : withCdrFiles(
            new SqliteBalanceStore(dataDir),
            await CdrFileWriter.open({ dir: join(dataDir, "cdr"), clock }),
          ),
    );
    const engine = new ChargingEngine({ plan: (id) => catalog.findPlan(id) }, store, clock, config);
    await engine.load();
    metrics.watchEngine(engine);
    const originHost = options.originHost ?? "ocs.telsim.local";
    const originRealm = options.originRealm ?? "telsim.local";
    const ratingGroups = Object.fromEntries(
      Object.entries(d.ratingGroups).map(([kind, rg]) => [rg, kind]),
    ) as Record<number, "voice" | "sms" | "mms" | "data">;
    const ocs = new GyOcs(engine, {
      originHost,
      originRealm,
      ratingGroups,
      validityTimeS: d.validityTimeSeconds,
      thresholdPercent: d.quotaThresholdPercent.volume,
      redirectUrl: d.redirectUrl,
      restrictFilterId: d.restrictFilterId,
    });
    const diameter = new DiameterServer({
      identity: { originHost, originRealm, originStateId: Math.floor(clock.now() / 1000) },
      handler: metrics.countCcrs(ocs.handle),
      host: options.host ?? "127.0.0.1",
      port: options.diameterPort ?? 3868,
      clock,
      logger,
      ...(options.maxInFlight !== undefined ? { maxInFlight: options.maxInFlight } : {}),
    });
    metrics.watchDiameter(diameter);
    let node: CoreNode | undefined;
    const adminContext: AdminContext = {
      engine,
      catalog,
      metrics,
      cards: new CardRedeemer(engine),
      sims: new SimIssuer(),
      logger,
      notifySessions: (a, what) => node?.notifySessions(a, what),
      // the network starts after the admin server: read at each request
      smsc: () => node?.network?.smsc,
      ussd: () => node?.network?.ussd,
    };
    const admin = new AdminHttpServer(adminContext, {
      host: options.host ?? "127.0.0.1",
      port: options.httpPort ?? 8080,
    });
    let address: { host: string; port: number };
    let httpAddress: { host: string; port: number };
    try {
      address = await diameter.listen();
      httpAddress = await admin.listen();
    } catch (e) {
      // A port in use: release what was opened, so the caller can report it and exit.
      await diameter.close();
      await store.close();
      throw e;
    }
    const events = {
      onBlocked: (a: Account) => node?.notifySessions(a, "abort"),
      onError: (e: unknown) => logger.error(`scheduler: ${e instanceof Error ? e.message : String(e)}`),
    };
    const fees = new FeeScheduler(engine, events, options.feeIntervalMs ?? 60_000);
    const tcc = new TccSweeper(
      engine,
      (a, r, now) => ocs.recordOf(a, r, now),
      events,
      options.tccIntervalMs ?? 1000,
    );
    node = new CoreNode(
      catalog,
      store,
      engine,
      ocs,
      diameter,
      address,
      fees,
      tcc,
      logger,
      admin,
      httpAddress,
      metrics,
    );
    fees.start();
    tcc.start();
    if (options.network !== undefined) {
      try {
        node.network = await startNetwork(
          {
            engine,
            clock,
            logger,
            ownOcs: { host: address.host, port: address.port, realm: originRealm, gy: ocs },
            catalog,
            cards: adminContext.cards,
            httpServer: admin.httpServer,
            notifySessions: (a, what) => node?.notifySessions(a, what),
          },
          options.network,
        );
      } catch (e) {
        await node.stop();
        throw e;
      }
    }
    return node;
  }

  /** Runs the fee scheduler now (after moving a virtual clock). */
  chargeFeesNow(): Promise<number> {
    return this.fees.runNow();
  }

  sweepTccNow(): Promise<number> {
    return this.tcc.sweep();
  }

  /**
   * Tells every live session of the account that its terms changed (RAR, then the client
   * re-authorises with a CCR-U) or that it must end (ASR).
   */
  notifySessions(account: Account, what: "reauth" | "abort"): void {
    const sessions = new Map<string, string>();
    for (const r of account.reservations) sessions.set(r.sessionId, r.originHost);
    for (const [sessionId, originHost] of sessions) {
      const avps = [
        avp("Session-Id", sessionId),
        avp("Origin-Host", this.ocsIdentity.originHost),
        avp("Origin-Realm", this.ocsIdentity.originRealm),
        avp("Destination-Realm", this.ocsIdentity.originRealm),
        avp("Destination-Host", originHost),
        avp("Auth-Application-Id", APPLICATION_CREDIT_CONTROL),
        ...(what === "reauth" ? [avp("Re-Auth-Request-Type", "AUTHORIZE_ONLY")] : []),
      ];
      this.diameter
        .request(originHost, {
          commandCode: what === "reauth" ? CommandCode.ReAuth : CommandCode.AbortSession,
          applicationId: APPLICATION_CREDIT_CONTROL,
          avps,
        })
        .catch((e: unknown) =>
          this.logger.warn(
            `${what === "reauth" ? "RAR" : "ASR"} for ${sessionId}: ${e instanceof Error ? e.message : String(e)}`,
          ),
        );
    }
  }

  private get ocsIdentity(): { originHost: string; originRealm: string } {
    return this.ocs.identity;
  }

  async stop(): Promise<void> {
    await this.network?.close();
    await this.admin.close();
    this.fees.stop();
    this.tcc.stop();
    await this.diameter.close();
    await this.store.close();
  }
}
