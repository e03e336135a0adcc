/**
 * Puts the network edge together for a core: the Gy client the MSC and PGW charge through
 * (pointing at this core's own OCS, or at any external OCS by host, port and realm), the edge
 * itself, the built-in USSD gateway (unless one is given), and the WebSocket link endpoint on
 * an HTTP server's upgrade event (path /ws). CoreNode calls `startNetwork` when its `network`
 * option is set; tests and tools can call it on their own.
 */
import type { Server } from "node:http";
import type { ChargingEngine } from "../charging/engine.js";
import type { CardRedeemer } from "../charging/topups.js";
import type { Clock } from "../clock/clock.js";
import { GyClient } from "../diameter/gy/gy-client.js";
import type { CcFailureHandling } from "../diameter/gy/gy-types.js";
import type { Logger } from "../diameter/logger.js";
import type { MenuCatalog } from "../ussd/menu-types.js";
import { createUssdCore, type UssdCore } from "../ussd/ussd-core.js";
import type { UssdConfig } from "../ussd/ussd-config.js";
import type { Account } from "../charging/model.js";
import { type Seed, SeededRandom } from "../../sim/random.js";
import { NetworkEdge, type NetworkEdgeOptions, type UssdPort } from "./edge.js";
import { WsLinkServer, type WsLinkServerOptions } from "./link/ws-link-server.js";
import { GySmsCharger } from "../smsc/gy-sms-charger.js";
import { Smsc } from "../smsc/smsc.js";
import {
  DEFAULT_PORT as DEFAULT_SMPP_PORT,
  DEFAULT_SMSC_CONFIG,
  type SmscConfig,
} from "../smsc/smsc-config.js";
import { smscSmsRouter } from "./smsc-router.js";
import { InProcessGy } from "../ocs/in-process-gy.js";
import { UssdSmppBridge } from "../ussd/smpp-bridge.js";
import type { GyOcs } from "../ocs/gy-ocs.js";

/** Where the MSC and PGW send their CCRs. */
export interface OcsTarget {
  readonly host: string;
  readonly port: number;
  readonly realm: string;
  readonly destinationHost?: string;
  /** A second OCS for failover (RFC 4006 §5.7). */
  readonly secondary?: { readonly host: string; readonly port: number };
  readonly txMs?: number;
  readonly ccFailureHandling?: CcFailureHandling;
}

export interface NetworkOptions {
  /** Default: this core's own OCS. */
  readonly ocs?: OcsTarget;
  /** Origin-Host of the MSC/PGW's Gy client (default "pgw.telsim.local"). */
  readonly originHost?: string;
  readonly originRealm?: string;
  /** Seed of the AuC's RAND generator (default: a random one). */
  readonly seed?: Seed;
  /** Mount the WebSocket link on the admin HTTP server (default true). */
  readonly webSocket?: boolean;
  readonly link?: WsLinkServerOptions;
  readonly ussd?: UssdConfig;
  /** The SMSC: SMPP for ESMEs, SMS between handsets, USSD over SMPP; off when absent. */
  readonly smsc?: SmscNetworkOptions;
  readonly edge?: Omit<NetworkEdgeOptions, "engine" | "randomBytes" | "clock" | "logger" | "gy" | "ussd">;
}

export interface SmscNetworkOptions {
  /** Default DEFAULT_SMSC_CONFIG (the demo ESME account, outcomes from the network). */
  readonly config?: SmscConfig;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** SMPP port; 0 picks a free one. Default 2775. */
  readonly port?: number;
  /**
   * How messages are charged when the OCS is this core's own: "in-process" (default; typed CCRs
   * straight to the OCS) or "diameter" (over the Gy client, visible on the wire). With an
   * external OCS it is always Diameter.
   */
  readonly charging?: "in-process" | "diameter";
}

export interface NetworkContext {
  readonly engine: ChargingEngine;
  readonly clock: Clock;
  readonly logger: Logger;
  /** This core's own Diameter address and realm (the default OCS), and its Gy logic. */
  readonly ownOcs: {
    readonly host: string;
    readonly port: number;
    readonly realm: string;
    readonly gy?: GyOcs;
  };
  readonly catalog: MenuCatalog;
  readonly cards: CardRedeemer;
  /** The HTTP server that takes WebSocket upgrades at /ws. */
  readonly httpServer?: Server;
  /** RAR / ASR to live sessions when a menu changes an account (CoreNode.notifySessions). */
  readonly notifySessions?: (account: Account, what: "reauth" | "abort") => void;
}

export interface NetworkNode {
  readonly edge: NetworkEdge;
  readonly gy: GyClient;
  readonly ussd: UssdCore;
  readonly links: WsLinkServer | undefined;
  /** The SMSC, when `smsc` was given, and where its SMPP server listens. */
  readonly smsc: Smsc | undefined;
  readonly smppAddress: { readonly host: string; readonly port: number } | undefined;
  close(): Promise<void>;
}

export async function startNetwork(ctx: NetworkContext, options: NetworkOptions = {}): Promise<NetworkNode> {
  const ocs: OcsTarget = options.ocs ?? ctx.ownOcs;
  let edge: NetworkEdge | undefined;
  const gy = new GyClient({
    primary: { host: ocs.host, port: ocs.port },
    ...(ocs.secondary !== undefined ? { secondary: ocs.secondary } : {}),
    identity: {
      originHost: options.originHost ?? "pgw.telsim.local",
      originRealm: options.originRealm ?? "telsim.local",
      originStateId: Math.floor(ctx.clock.now() / 1000),
    },
    destinationRealm: ocs.realm,
    ...(ocs.destinationHost !== undefined ? { destinationHost: ocs.destinationHost } : {}),
    ...(ocs.txMs !== undefined ? { txMs: ocs.txMs } : {}),
    ...(ocs.ccFailureHandling !== undefined ? { ccFailureHandling: ocs.ccFailureHandling } : {}),
    clock: ctx.clock,
    logger: ctx.logger,
    onReAuth: (session, ratingGroup) => {
      if (edge?.reauthorise(session.sessionId) === true) return;
      session.reauthorise(ratingGroup).catch((e: unknown) => ctx.logger.warn(`re-auth: ${String(e)}`));
    },
    onAbort: (session) => {
      if (edge?.abort(session.sessionId) === true) return;
      session.terminate([], 4).catch((e: unknown) => ctx.logger.warn(`abort: ${String(e)}`));
    },
  });
  await gy.connect();
  const random = SeededRandom.from(options.seed ?? `${ctx.clock.now()}-${Math.random()}`);
  edge = new NetworkEdge({
    ...options.edge,
    engine: ctx.engine,
    randomBytes: (n) => random.fillBytes(new Uint8Array(n)),
    clock: ctx.clock,
    logger: ctx.logger,
    gy,
  });
  // USSD over SMPP: the gateway hands external applications' messages to the SMSC's ESMEs.
  const bridge = new UssdSmppBridge({ logger: ctx.logger });
  const ussd = createUssdCore({
    engine: ctx.engine,
    catalog: ctx.catalog,
    cards: ctx.cards,
    sims: { puk1Of: (msisdn) => ctx.engine.byMsisdnOf(msisdn)?.sim?.puk1 },
    ...(options.ussd !== undefined ? { config: options.ussd } : {}),
    handsets: edge.ussdToHandset,
    external: bridge,
    events: {
      ...(ctx.notifySessions !== undefined ? { sessions: ctx.notifySessions } : {}),
      error: (e: unknown) => ctx.logger.warn(`ussd: ${e instanceof Error ? e.message : String(e)}`),
    },
  });
  const port: UssdPort = ussd.gateway;
  edge.setUssd(port);
  let links: WsLinkServer | undefined;
  if (options.webSocket !== false && ctx.httpServer !== undefined) {
    links = new WsLinkServer(edge, options.link);
    links.attach(ctx.httpServer);
  }
  const built = edge;
  let smsc: Smsc | undefined;
  let smppAddress: { host: string; port: number } | undefined;
  if (options.smsc !== undefined) {
    smsc = new Smsc({
      config: options.smsc.config ?? DEFAULT_SMSC_CONFIG,
      clock: ctx.clock,
      logger: ctx.logger,
      charger: smsCharger(ctx, options, gy),
      mobile: built,
      rng: random.stream(3),
      ussd: bridge,
    });
    bridge.connect(ussd.gateway, smsc);
    const sms = smsc;
    built.setSmsRouter(smscSmsRouter(sms));
    built.onAttached = (msisdn) => sms.handsetAttached(msisdn);
    try {
      smppAddress = await sms.listen({
        host: options.smsc.host ?? "127.0.0.1",
        port: options.smsc.port ?? DEFAULT_SMPP_PORT,
      });
    } catch (e) {
      await sms.close();
      await links?.close();
      built.close();
      ussd.close();
      await gy.close();
      throw e;
    }
  }
  return {
    edge: built,
    gy,
    ussd,
    links,
    smsc,
    smppAddress,
    close: async () => {
      await smsc?.close();
      await links?.close();
      built.close();
      ussd.close();
      await gy.close();
    },
  };
}

/** The SMSC's charger: in-process to this core's own OCS unless told otherwise, else Diameter. */
function smsCharger(ctx: NetworkContext, options: NetworkOptions, gy: GyClient): GySmsCharger {
  const own = ctx.ownOcs.gy;
  if (options.ocs === undefined && own !== undefined && options.smsc?.charging !== "diameter") {
    const identity = { originHost: "smsc.telsim.local", originRealm: options.originRealm ?? "telsim.local" };
    return new GySmsCharger(new InProcessGy(own, identity), { clock: ctx.clock });
  }
  return new GySmsCharger(gy, { clock: ctx.clock });
}
