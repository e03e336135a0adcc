/**
 * The farm's cards live in the compact card store; each operation materialises one card, sends
 * it the command APDU through the card's own processor (sim/apdu.ts), and writes the card back.
 * The session's "verified" flags are part of the stored state, so a PIN entered at power-on
 * stays satisfied until the handset powers off (TS 102 221 §9.5.1).
 */
import { processApdu } from "../../sim/apdu.js";
import { FID } from "../../sim/apdu-files.js";
import {
  encodePinBlock,
  INS_CHANGE_PIN,
  INS_UNBLOCK_PIN,
  INS_VERIFY_PIN,
  KEY_REFERENCE_PIN1,
} from "../../sim/apdu-pin.js";
import { powerOffCard } from "../../sim/apdu.js";
import type { SimCard } from "../../sim/card.js";
import type { CompactCardStore } from "../../sim/compact-card-store.js";
import { pinState } from "../../sim/pin.js";
import { SW } from "../../sim/status-words.js";
import { type SimStatus, simStatusOf } from "../device/sim-status.js";
import { type AuthAnswer, authenticateCard } from "../device/usim-authenticate.js";

export type PinResult = "ok" | "wrong-code" | "blocked" | "error";

export class FarmCards {
  constructor(readonly store: CompactCardStore) {}

  get size(): number {
    return this.store.size;
  }

  simStatus(index: number): SimStatus {
    const card = this.store.get(index);
    return simStatusOf(pinState(card.pin1, card.puk1));
  }

  /** The IMSI, IMEI and PIN1 of the card (the farm "user" knows its PIN). */
  identity(index: number): { imsi: string; imei: string; pin1: string; puk1: string } {
    const card = this.store.get(index);
    return { imsi: card.imsi, imei: this.store.imeiOf(index), pin1: card.pin1.value, puk1: card.puk1.value };
  }

  /**
   * Power-on SIM check in one card access: with `enterPin`, a PIN1 that needs verifying is
   * verified with the card's own PIN (the user types it); returns the SIM status after that.
   */
  powerOnCheck(index: number, enterPin: boolean): SimStatus {
    const card = this.store.get(index);
    const status = simStatusOf(pinState(card.pin1, card.puk1));
    if (!enterPin || status !== "pin-required") return status;
    const result = this.#pin(index, INS_VERIFY_PIN, encodePinBlock(card.pin1.value), card);
    return result === "ok" ? "ready" : this.simStatus(index);
  }

  verifyPin(index: number, code: string): PinResult {
    return this.#pin(index, INS_VERIFY_PIN, encodePinBlock(code));
  }

  changePin(index: number, oldCode: string, newCode: string): PinResult {
    return this.#pin(index, INS_CHANGE_PIN, concat(encodePinBlock(oldCode), encodePinBlock(newCode)));
  }

  unblockPin(index: number, puk: string, newPin: string): PinResult {
    return this.#pin(index, INS_UNBLOCK_PIN, concat(encodePinBlock(puk), encodePinBlock(newPin)));
  }

  /** AUTHENTICATE on the card; the card's new SQN array is stored on success. */
  authenticate(index: number, rand: Uint8Array, autn: Uint8Array): AuthAnswer {
    const { answer, card } = authenticateCard(this.store.get(index), rand, autn);
    if (answer.type === "auth-response") this.store.update(index, card);
    return answer;
  }

  /** Power-off: the session's verification is lost. */
  powerOff(index: number): void {
    this.store.update(index, powerOffCard(this.store.get(index)));
  }

  #pin(index: number, ins: number, data: Uint8Array, card: SimCard = this.store.get(index)): PinResult {
    const apdu = concat(Uint8Array.of(0x00, ins, 0x00, KEY_REFERENCE_PIN1, data.length), data);
    const exchange = processApdu({ card, selected: FID.mf }, apdu);
    this.store.update(index, exchange.state.card);
    const sw = exchange.response.sw;
    if (sw === SW.ok) return "ok";
    if ((sw & 0xfff0) === 0x63c0) return "wrong-code";
    if (sw === SW.pinBlocked) return "blocked";
    return "error";
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
