/**
 * The handset's answer to an AUTHENTICATION REQUEST (TS 24.008 §4.3.2.4): the ME sends
 * AUTHENTICATE (TS 31.102 §7.1.2, 3G context) to the card through its APDU processor and turns
 * the card's answer into the link message: RES, a MAC failure (#20) or a synch failure (#21)
 * with AUTS. The card's SQN array changes only when it accepts (sim/apdu-auth.ts).
 */
import type { AuthFailure, AuthResponse } from "../../core/network/link/link-messages.js";
import { type ApduResponse, processApdu } from "../../sim/apdu.js";
import { INS_AUTHENTICATE, P2_3G_CONTEXT, TAG_SUCCESSFUL, TAG_SYNC_FAILURE } from "../../sim/apdu-auth.js";
import { FID } from "../../sim/apdu-files.js";
import type { SimCard } from "../../sim/card.js";
import { SW } from "../../sim/status-words.js";

export type AuthAnswer =
  | AuthResponse
  | AuthFailure
  /** The card refused to run AKA (PIN not verified, bad card): the ME does not answer. */
  | { readonly type: "card-refused"; readonly sw: number };

/** The AUTHENTICATE command APDU: 00 88 00 81 22 10 RAND 10 AUTN 00. */
export function authenticateApdu(rand: Uint8Array, autn: Uint8Array): Uint8Array {
  const apdu = new Uint8Array(5 + 2 + rand.length + autn.length + 1);
  apdu.set([0x00, INS_AUTHENTICATE, 0x00, P2_3G_CONTEXT, 2 + rand.length + autn.length], 0);
  apdu[5] = rand.length;
  apdu.set(rand, 6);
  apdu[6 + rand.length] = autn.length;
  apdu.set(autn, 7 + rand.length);
  return apdu;
}

/** Decodes the card's answer to AUTHENTICATE. */
export function authAnswerOf(response: ApduResponse): AuthAnswer {
  const { sw, data } = response;
  // TS 31.102 §7.1.2.1: 9862 is "authentication error, incorrect MAC".
  if (sw === SW.authenticationMacFailure) return { type: "auth-failure", cause: "mac-failure" };
  if (sw !== SW.ok) return { type: "card-refused", sw };
  const length = data[1] ?? 0;
  if (data[0] === TAG_SUCCESSFUL) return { type: "auth-response", res: data.slice(2, 2 + length) };
  if (data[0] === TAG_SYNC_FAILURE) {
    return { type: "auth-failure", cause: "sync-failure", auts: data.slice(2, 2 + length) };
  }
  return { type: "card-refused", sw };
}

/**
 * Runs AUTHENTICATE on a card outside a CardSession (the farm's cards live in the compact
 * store): returns the answer and the card as it is afterwards (its SQN array updated on success).
 */
export function authenticateCard(
  card: SimCard,
  rand: Uint8Array,
  autn: Uint8Array,
): { answer: AuthAnswer; card: SimCard } {
  const exchange = processApdu({ card, selected: FID.mf }, authenticateApdu(rand, autn));
  return { answer: authAnswerOf(exchange.response), card: exchange.state.card };
}
