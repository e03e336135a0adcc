/**
 * The SIM card of each population subscriber, for handset steps: identity from the population
 * (IMSI, MSISDN), K and OPc drawn from a generator seeded with the IMSI (so the card the handset
 * holds and the record the HLR/AuC authenticates against agree without being passed around), PIN1
 * enabled or not and the codes from the group's `sim` option.
 */
import type { AccountSim } from "../../../core/charging/model.js";
import { PIN_MAX_TRIES, PUK_MAX_TRIES, type SimCard, SQN_SLOTS } from "../../../sim/card.js";
import { makeImei } from "../../../sim/imei.js";
import { appendLuhn } from "../../../sim/luhn.js";
import { computeOpc } from "../../../sim/milenage.js";
import { SeededRandom } from "../../../sim/random.js";
import type { SubscriberRecord } from "../population.js";

/** A made-up TAC for the scenario handsets (not a real model's). */
const SCENARIO_TAC = "35000099";
/** ICCID: 89 (telecom) 375 (Belarus) 01 (issuer), a 12-digit serial, the Luhn digit: 19 digits. */
const ICCID_PREFIX = "8937501";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

export function scenarioSimCard(s: SubscriberRecord): SimCard {
  const random = SeededRandom.from(`telsim-scenario-sim/${s.imsi}`);
  const k = random.fillBytes(new Uint8Array(16));
  const op = random.fillBytes(new Uint8Array(16));
  return {
    iccid: appendLuhn(`${ICCID_PREFIX}${String(s.index).padStart(11, "0")}`),
    imsi: s.imsi,
    mncLength: 2,
    msisdn: s.msisdn,
    k: hex(k),
    opc: hex(computeOpc(k, op)),
    pin1: { value: s.sim.pin, enabled: s.sim.pinEnabled, triesLeft: PIN_MAX_TRIES, verified: false },
    pin2: { value: "9999", enabled: true, triesLeft: PIN_MAX_TRIES, verified: false },
    puk1: { value: s.sim.puk, triesLeft: PUK_MAX_TRIES },
    puk2: { value: "22222222", triesLeft: PUK_MAX_TRIES },
    sqn: new Array<number>(SQN_SLOTS).fill(0),
  };
}

/** What the operator keeps of the card: the HLR/AuC's keys and SQN, PUK1 for customer care. */
export function accountSimOf(card: SimCard): AccountSim {
  return { iccid: card.iccid, k: card.k, opc: card.opc, sqn: 0, puk1: card.puk1.value };
}

export function scenarioImei(index: number): string {
  return makeImei(SCENARIO_TAC, index % 1_000_000);
}
