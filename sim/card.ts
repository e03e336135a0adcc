/**
 * One SIM card (UICC with a USIM application): identity, keys, PIN objects and SQN state.
 * A plain, JSON-serialisable object: this is what a card file holds and what survives
 * power-off. Behaviour lives in pin.ts (PIN/PUK rules), apdu.ts (TS 102 221 commands)
 * and aka.ts (USIM side of authentication).
 */

/** A PIN (PIN1 or PIN2): 4-8 decimal digits, TS 102 221 §9.5. */
export interface PinObject {
  value: string;
  /** PIN1 can be disabled (verification not required); PIN2 is always enabled. */
  enabled: boolean;
  /** Remaining presentations before the PIN is blocked: 3 down to 0. */
  triesLeft: number;
  /** Verified in the current card session; cleared on power-off (not persisted meaningfully). */
  verified: boolean;
}

/** An unblock key (PUK1 / PUK2): exactly 8 decimal digits; the user cannot change it. */
export interface UnblockKey {
  value: string;
  /** Remaining presentations: 10 down to 0; at 0 the PIN is blocked for good. */
  triesLeft: number;
}

export const PIN_MAX_TRIES = 3;
export const PUK_MAX_TRIES = 10;

/** Number of IND slots in the USIM's SQN array (TS 33.102 Annex C.3.2, IND of 5 bits). */
export const SQN_IND_BITS = 5;
export const SQN_SLOTS = 1 << SQN_IND_BITS;

export interface SimCard {
  /** ICCID, E.118: 19 or 20 digits, the last one a Luhn check digit. */
  iccid: string;
  /** IMSI, TS 23.003: MCC + MNC + MSIN, at most 15 digits. */
  imsi: string;
  /** Length of the MNC inside the IMSI (EF_AD byte 4): 2 or 3. */
  mncLength: 2 | 3;
  /** MSISDN in E.164 digits without "+", e.g. "375291234567". */
  msisdn: string;
  /** Subscriber key K, 16 bytes hex. */
  k: string;
  /** OPc = OP xor E_K(OP), 16 bytes hex (TS 35.206 §4.1). */
  opc: string;
  pin1: PinObject;
  pin2: PinObject;
  puk1: UnblockKey;
  puk2: UnblockKey;
  /**
   * Highest SQN accepted per IND slot (TS 33.102 Annex C): SQN_SLOTS numbers.
   * SQN is 48 bits, so a JS number holds it exactly.
   */
  sqn: number[];
}
