/**
 * The SIM issued with a new subscriber: ICCID, K, OPc, PINs and PUKs. K is random; OPc is derived
 * from K and the issuer's OP (TS 35.206 §4.1), which is random per issuer and never leaves it: the
 * network side only ever needs OPc. The ICCID serial is the IMSI's MSIN (MCC + 2-digit MNC, as on
 * A1 Belarus), so one IMSI always gets the same ICCID. Randomness is injected: crypto by default,
 * a seeded generator for reproducible runs.
 */
import { randomBytes, randomInt } from "node:crypto";
import { makeIccid } from "../../sim/iccid.js";
import { computeOpc, KEY_BYTES } from "../../sim/milenage.js";
import { type Seed, SeededRandom } from "../../sim/random.js";
import type { AccountSim } from "../charging/model.js";

export interface SimRandom {
  bytes(count: number): Uint8Array;
  /** `count` decimal digits, leading zeros kept. */
  digits(count: number): string;
}

export const cryptoSimRandom: SimRandom = {
  bytes: (count) => randomBytes(count),
  digits: (count) => Array.from({ length: count }, () => String(randomInt(10))).join(""),
};

export function seededSimRandom(seed: Seed): SimRandom {
  const random = SeededRandom.from(seed);
  return {
    bytes: (count) => random.fillBytes(new Uint8Array(count)),
    digits: (count) => random.digits(count),
  };
}

/** What the subscriber's answer carries: everything needed to build the physical (or emulated) card. */
export interface IssuedSim {
  readonly iccid: string;
  readonly imsi: string;
  readonly msisdn: string;
  readonly k: string;
  readonly opc: string;
  readonly pin1: string;
  readonly puk1: string;
  readonly pin2: string;
  readonly puk2: string;
}

/** MCC (3) + MNC (2): the rest of the IMSI is the MSIN. */
const PLMN_DIGITS = 5;
const ICCID_SERIAL_SPACE = 10 ** 11; // the default 19-digit layout leaves 11 serial digits

export function iccidForImsi(imsi: string): string {
  const msin = imsi.slice(PLMN_DIGITS);
  return makeIccid(msin === "" ? 0 : Number(msin) % ICCID_SERIAL_SPACE);
}

export class SimIssuer {
  private readonly op: Uint8Array;

  constructor(
    private readonly random: SimRandom = cryptoSimRandom,
    op?: Uint8Array,
  ) {
    this.op = op ?? random.bytes(KEY_BYTES);
  }

  issue(msisdn: string, imsi: string): IssuedSim {
    const k = this.random.bytes(KEY_BYTES);
    const opc = computeOpc(k, this.op);
    return {
      iccid: iccidForImsi(imsi),
      imsi,
      msisdn,
      k: Buffer.from(k).toString("hex"),
      opc: Buffer.from(opc).toString("hex"),
      pin1: this.random.digits(4),
      puk1: this.random.digits(8),
      pin2: this.random.digits(4),
      puk2: this.random.digits(8),
    };
  }
}

/** What the account keeps of the card: what the HLR/AuC needs to authenticate it, and PUK1. */
export function accountSimOf(sim: IssuedSim): AccountSim {
  return { iccid: sim.iccid, k: sim.k, opc: sim.opc, sqn: 0, puk1: sim.puk1 };
}
