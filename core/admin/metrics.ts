/**
 * The node's Prometheus metrics, in a prom-client Registry of its own (never the global default
 * registry, so several nodes in one process do not clash). State is read at scrape time (accounts,
 * sessions, Diameter server counters); events are counted where they happen: CCRs by wrapping the
 * Gy handler, charging records by wrapping the store's persist, top-ups and HTTP requests by the
 * admin API. The SMSC's and the USSD gateway's metrics are in smsc-metrics.ts.
 */
import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";
import { heldMoney } from "../charging/credit-control.js";
import type { ChargingEngine } from "../charging/engine.js";
import type { AccountState } from "../charging/model.js";
import { numberOf } from "../diameter/avp-read.js";
import { ccRequestTypes } from "../diameter/dictionary/dcca-avps.js";
import { gyDictionary } from "../diameter/dictionary/dictionary.js";
import { DiameterProtocolError } from "../diameter/errors.js";
import type { DiameterMessage } from "../diameter/message.js";
import { ResultCode } from "../diameter/result-codes.js";
import type { DiameterServer, RequestHandler } from "../diameter/server.js";
import type { BalanceStore, PersistBatch } from "../store/balance-store.js";
import { type NetworkSources, registerSmscMetrics } from "./smsc-metrics.js";

const CC_REQUEST_TYPE = gyDictionary.avpByName("CC-Request-Type");
const RESULT_CODE = gyDictionary.avpByName("Result-Code");

const REQUEST_TYPE_LABELS = new Map<number, string>([
  [ccRequestTypes.INITIAL_REQUEST, "initial"],
  [ccRequestTypes.UPDATE_REQUEST, "update"],
  [ccRequestTypes.TERMINATION_REQUEST, "termination"],
  [ccRequestTypes.EVENT_REQUEST, "event"],
]);

const ACCOUNT_STATES: readonly AccountState[] = ["active", "paused", "blocked", "closed"];

/** Every metric name, for tests and dashboards. */
export const METRIC_NAMES = {
  accounts: "telsim_accounts",
  liveSessions: "telsim_live_sessions",
  reservations: "telsim_reservations",
  heldMoney: "telsim_held_money_kopecks",
  diameterPeers: "telsim_diameter_peers",
  diameterRequests: "telsim_diameter_requests_total",
  diameterDuplicates: "telsim_diameter_duplicates_total",
  diameterTooBusy: "telsim_diameter_too_busy_total",
  diameterHandlerErrors: "telsim_diameter_handler_errors_total",
  ccrs: "telsim_ccr_total",
  records: "telsim_records_total",
  topups: "telsim_topups_total",
  topupAmount: "telsim_topup_amount_kopecks_total",
  httpRequests: "telsim_http_requests_total",
} as const;

export class CoreMetrics {
  readonly registry = new Registry();
  private engine: ChargingEngine | undefined;
  private diameter: DiameterServer | undefined;
  private network: NetworkSources | undefined;
  private readonly ccrs: Counter<"request_type" | "result_code">;
  private readonly records: Counter<"kind">;
  private readonly topups: Counter<"method">;
  private readonly topupAmount: Counter<"method">;
  private readonly httpRequests: Counter<"method" | "route" | "status">;

  constructor(options: { readonly processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- collect() runs with the metric as `this`
    const metrics = this;
    new Gauge({
      name: METRIC_NAMES.accounts,
      help: "Accounts by state",
      labelNames: ["state"],
      registers,
      collect() {
        const counts = new Map<AccountState, number>(ACCOUNT_STATES.map((s) => [s, 0]));
        for (const a of metrics.engine?.accounts() ?? []) counts.set(a.state, (counts.get(a.state) ?? 0) + 1);
        for (const [state, n] of counts) this.set({ state }, n);
      },
    });
    new Gauge({
      name: METRIC_NAMES.liveSessions,
      help: "Credit-control sessions holding a reservation",
      registers,
      collect() {
        this.set(metrics.engine?.sessionCount() ?? 0);
      },
    });
    new Gauge({
      name: METRIC_NAMES.reservations,
      help: "Reservations (one per session and rating group)",
      registers,
      collect() {
        let n = 0;
        for (const a of metrics.engine?.accounts() ?? []) n += a.reservations.length;
        this.set(n);
      },
    });
    new Gauge({
      name: METRIC_NAMES.heldMoney,
      help: "Money held by reservations, in kopecks",
      registers,
      collect() {
        let n = 0;
        for (const a of metrics.engine?.accounts() ?? []) n += heldMoney(a);
        this.set(n);
      },
    });
    new Gauge({
      name: METRIC_NAMES.diameterPeers,
      help: "Open Diameter peer connections",
      registers,
      collect() {
        this.set(metrics.diameter?.peers.filter((p) => p.state === "open").length ?? 0);
      },
    });
    const stat = (name: string, help: string, read: (d: DiameterServer) => number): void => {
      new Counter({
        name,
        help,
        registers,
        collect() {
          this.reset();
          this.inc(metrics.diameter === undefined ? 0 : read(metrics.diameter));
        },
      });
    };
    stat(METRIC_NAMES.diameterRequests, "Diameter application requests received", (d) => d.stats.requests);
    stat(
      METRIC_NAMES.diameterDuplicates,
      "Retransmitted requests answered from the cache",
      (d) => d.stats.duplicates,
    );
    stat(METRIC_NAMES.diameterTooBusy, "Requests answered 3004 DIAMETER_TOO_BUSY", (d) => d.stats.tooBusy);
    stat(METRIC_NAMES.diameterHandlerErrors, "Requests whose handler failed", (d) => d.stats.handlerErrors);
    this.ccrs = new Counter({
      name: METRIC_NAMES.ccrs,
      help: "Credit-Control-Requests answered, by CC-Request-Type and Result-Code",
      labelNames: ["request_type", "result_code"],
      registers,
    });
    this.records = new Counter({
      name: METRIC_NAMES.records,
      help: "Charging records (CDRs) written, by kind",
      labelNames: ["kind"],
      registers,
    });
    this.topups = new Counter({
      name: METRIC_NAMES.topups,
      help: "Top-ups through the admin API, by method (amount or card)",
      labelNames: ["method"],
      registers,
    });
    this.topupAmount = new Counter({
      name: METRIC_NAMES.topupAmount,
      help: "Money topped up through the admin API, in kopecks",
      labelNames: ["method"],
      registers,
    });
    this.httpRequests = new Counter({
      name: METRIC_NAMES.httpRequests,
      help: "Admin API requests, by method, route pattern and status",
      labelNames: ["method", "route", "status"],
      registers,
    });
    registerSmscMetrics(this.registry, () => this.network);
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** The engine whose accounts and sessions the gauges read. */
  watchEngine(engine: ChargingEngine): void {
    this.engine = engine;
  }

  watchDiameter(diameter: DiameterServer): void {
    this.diameter = diameter;
  }

  /** Where the SMSC and USSD metrics (smsc-metrics.ts) read from; each may be absent at a scrape. */
  watchNetwork(sources: NetworkSources): void {
    this.network = sources;
  }

  /** The Gy handler, counting each CCR by request type and the Result-Code it was answered with. */
  countCcrs(handler: RequestHandler): RequestHandler {
    return (request, peer) => {
      const type = REQUEST_TYPE_LABELS.get(numberOf(request.avps, CC_REQUEST_TYPE) ?? -1) ?? "unknown";
      const count = (answer: DiameterMessage): DiameterMessage => {
        const code = numberOf(answer.avps, RESULT_CODE);
        this.ccrs.inc({ request_type: type, result_code: code === undefined ? "none" : String(code) });
        return answer;
      };
      const failed = (error: unknown): never => {
        // The server answers a failed handler with the error's code, or 5012 UNABLE_TO_COMPLY.
        const code = error instanceof DiameterProtocolError ? error.resultCode : ResultCode.UNABLE_TO_COMPLY;
        this.ccrs.inc({ request_type: type, result_code: String(code) });
        throw error;
      };
      try {
        const answer = handler(request, peer);
        return answer instanceof Promise ? answer.then(count, failed) : count(answer);
      } catch (error) {
        return failed(error);
      }
    };
  }

  /**
   * The store, counting the records of every batch once it is durable. A proxy rather than a
   * class, so methods the store grows later pass through untouched.
   */
  countRecords(store: BalanceStore): BalanceStore {
    const persist = (batch: PersistBatch): Promise<void> =>
      store.persist(batch).then(() => {
        for (const r of batch.records) this.records.inc({ kind: r.kind });
      });
    return new Proxy(store, {
      get(target, property) {
        if (property === "persist") return persist;
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  }

  topUp(method: "amount" | "card", kopecks: number): void {
    this.topups.inc({ method });
    this.topupAmount.inc({ method }, kopecks);
  }

  httpRequest(method: string, route: string, status: number): void {
    this.httpRequests.inc({ method, route, status: String(status) });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
