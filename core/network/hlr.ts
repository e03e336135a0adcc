/**
 * The HLR/AuC: each subscriber's K, OPc and SQN come from the account's SIM record
 * (`Account.sim`), and attach is the MM procedure of TS 24.008 §4.3.2 / §4.4 with Milenage AKA
 * (TS 33.102 §6.3):
 *
 *   begin(imsi, imei)  → challenge (RAND, AUTN; SQN = nextNetworkSqn, durable before it is sent)
 *                      | rejected #2 (IMSI unknown, or no authentication data) | #6 (bad IMEI)
 *   response(res)      → accepted | rejected #8 (blocked or closed account: "not allowed to
 *                        operate either GPRS or non-GPRS services", Annex G; checked after
 *                        authentication, as the HLR answers the location update)
 *                      | authentication-rejected (RES ≠ XRES: AUTHENTICATION REJECT, §4.3.2.5;
 *                        cause #3 "does not pass the authentication check", Annex G.1)
 *   failure(sync, AUTS)→ challenge with a fresh vector after resynchronisation (§4.3.2.6.1,
 *                        TS 33.102 §6.3.5) | authentication-rejected (MAC-S wrong, or repeated)
 *   failure(mac)       → authentication-rejected: the card does not share our K (§4.3.2.6.1 lets
 *                        the network reject after a MAC failure)
 *
 * A paused account (the Pause service) attaches: its services are refused by the OCS, not here.
 * Pure of I/O except the SQN write; the caller (network edge) carries the `AuthContext` of each
 * attach in progress and the registration table (registry.ts).
 */
import type { ChargingEngine } from "../charging/engine.js";
import type { Account } from "../charging/model.js";
import {
  type AuthVector,
  generateAuthVector,
  type RandomBytes,
  resynchronise,
} from "../../sim/aka-network.js";
import { macEquals } from "../../sim/aka-tokens.js";
import { parseHex } from "../../sim/hex.js";
import { validateImei } from "../../sim/imei.js";
import { KEY_BYTES, Milenage } from "../../sim/milenage.js";
import { nextNetworkSqn } from "../../sim/sqn.js";
import type { RejectReason } from "./link/link-messages.js";
import { SqnCommit } from "./sqn-commit.js";

export interface HlrOptions {
  readonly engine: ChargingEngine;
  /** RAND source: a seeded generator in tests and scenarios. */
  readonly randomBytes: RandomBytes;
  /** AMF of the vectors; default 8000 (separation bit set, TS 33.401 §6.1.1). */
  readonly amf?: Uint8Array;
  /** Authentication rounds per attach (the first plus resynchronisations). Default 2. */
  readonly maxRounds?: number;
  /** Reject IMEIs that are not 15 digits with a valid Luhn digit (#6). Default true. */
  readonly checkImei?: boolean;
  /** IMEIs the EIR blacklists (#6 illegal ME). */
  readonly blockedImeis?: ReadonlySet<string>;
}

/** An attach waiting for the handset's answer to a challenge. */
export interface AuthContext {
  readonly imsi: string;
  readonly account: Account;
  readonly milenage: Milenage;
  vector: AuthVector;
  rounds: number;
}

export type AttachStep =
  | {
      readonly kind: "challenge";
      readonly context: AuthContext;
      readonly rand: Uint8Array;
      readonly autn: Uint8Array;
    }
  | { readonly kind: "accepted"; readonly account: Account; readonly imsi: string; readonly msisdn: string }
  | { readonly kind: "rejected"; readonly reason: RejectReason };

const DEFAULT_AMF = Uint8Array.of(0x80, 0x00);

export class Hlr {
  private readonly amf: Uint8Array;
  private readonly sqn: SqnCommit;
  /** Counters for metrics and the bench. */
  readonly counters = { vectors: 0, accepted: 0, rejected: 0, resynchronisations: 0 };

  constructor(private readonly options: HlrOptions) {
    this.amf = options.amf ?? DEFAULT_AMF;
    this.sqn = new SqnCommit(options.engine);
  }

  /** ATTACH / LOCATION UPDATING REQUEST: the first challenge, or a reject. */
  async begin(imsi: string, imei: string): Promise<AttachStep> {
    // An IMEI not given is not checked (the network need not ask for it, TS 24.008 §4.3.3).
    if (imei !== "" && this.options.checkImei !== false && !validImei(imei)) return this.reject("illegal-me");
    if (this.options.blockedImeis?.has(imei) === true) return this.reject("illegal-me");
    const account = this.options.engine.byImsiOf(imsi);
    // No subscription, or no authentication data for it: the HLR does not know the IMSI (#2).
    if (account?.sim === undefined) return this.reject("imsi-unknown");
    let milenage: Milenage;
    try {
      milenage = new Milenage(
        parseHex("k", account.sim.k, KEY_BYTES),
        parseHex("opc", account.sim.opc, KEY_BYTES),
      );
    } catch {
      return this.reject("imsi-unknown");
    }
    const vector = await this.nextVector(account, milenage);
    const context: AuthContext = { imsi, account, milenage, vector, rounds: 1 };
    return { kind: "challenge", context, rand: vector.rand, autn: vector.autn };
  }

  /** AUTHENTICATION RESPONSE: RES against XRES, then the subscription check. */
  response(context: AuthContext, res: Uint8Array): AttachStep {
    if (!macEquals(res, context.vector.xres)) return this.reject("authentication-rejected");
    const account = context.account;
    // TS 24.008 §10.5.3.6 #8: services not allowed (operator barring of a blocked or closed account).
    if (account.state === "blocked" || account.state === "closed") return this.reject("not-allowed");
    const msisdn = account.subscribers.find((s) => s.imsi === context.imsi)?.msisdn;
    if (msisdn === undefined) return this.reject("imsi-unknown");
    this.counters.accepted++;
    return { kind: "accepted", account, imsi: context.imsi, msisdn };
  }

  /** AUTHENTICATION FAILURE (TS 24.008 §9.2.3a). */
  async failure(
    context: AuthContext,
    failure:
      { readonly cause: "mac-failure" } | { readonly cause: "sync-failure"; readonly auts: Uint8Array },
  ): Promise<AttachStep> {
    if (failure.cause === "mac-failure") return this.reject("authentication-rejected");
    if (context.rounds >= (this.options.maxRounds ?? 2)) return this.reject("authentication-rejected");
    const sim = context.account.sim;
    if (sim === undefined) return this.reject("imsi-unknown");
    const r = resynchronise(context.milenage, context.vector.rand, failure.auts, sim.sqn);
    if (r.kind === "mac-s-failure") return this.reject("authentication-rejected");
    this.counters.resynchronisations++;
    sim.sqn = r.sqn;
    context.vector = await this.nextVector(context.account, context.milenage);
    context.rounds++;
    return { kind: "challenge", context, rand: context.vector.rand, autn: context.vector.autn };
  }

  /** A vector for SQN = next after the stored one (Annex C.3.2); the new SQN is durable on return. */
  private async nextVector(account: Account, milenage: Milenage): Promise<AuthVector> {
    const sim = account.sim;
    if (sim === undefined) throw new Error(`account ${account.id} has no SIM`);
    const sqn = nextNetworkSqn(sim.sqn);
    const vector = generateAuthVector(milenage, sqn, this.amf, this.options.randomBytes);
    sim.sqn = sqn;
    this.counters.vectors++;
    await this.sqn.commit(account);
    return vector;
  }

  private reject(reason: RejectReason): AttachStep {
    this.counters.rejected++;
    return { kind: "rejected", reason };
  }
}

function validImei(imei: string): boolean {
  try {
    validateImei(imei);
    return true;
  } catch {
    return false;
  }
}
