/**
 * The five PIN commands of ETSI TS 102 221 §11.1.9-11.1.13 at APDU level: decode the command,
 * apply the rules of pin.ts, encode the status word.
 *
 * Coding choices (where the standard or practice leaves room):
 * - P1 must be '00' (else 6A86); P2 = key reference '01' (PIN1) or '81' (PIN2, the USIM's
 *   second PIN, TS 102 221 §9.5.1); any other reference: 6A88 "referenced data not found".
 * - Each code is 8 bytes: ASCII digits padded with 'FF'. Lc must be 8 (VERIFY, DISABLE,
 *   ENABLE) or 16 (CHANGE, UNBLOCK), or empty for the VERIFY / UNBLOCK retry-counter query;
 *   anything else is 6700 and costs no try.
 * - A presented code (PIN, old PIN, PUK) that is not digits + 'FF' padding, or has fewer than
 *   4 digits, cannot match the stored code: it is a wrong presentation (63CX), as on a card
 *   that compares the stored 8 bytes. A malformed *new* PIN is refused with 6A80 before the old
 *   code or PUK is compared, so a typo in the new PIN costs no try.
 * - 6984 "referenced data invalidated" when the PIN's enabled/disabled status contradicts the
 *   command: VERIFY / CHANGE / DISABLE of a disabled PIN, ENABLE of an enabled PIN. TS 102 221
 *   makes "PIN is not disabled" (§11.1.9, §11.1.10) and "PIN is disabled" (§11.1.12) conditions
 *   of these commands; one SW for all of them mirrors the single '9808' "in contradiction with
 *   CHV status" of GSM SIMs (TS 51.011 §9.4.5). Some implementations answer 6985 instead.
 * - 6985 "conditions of use not satisfied" for DISABLE of PIN2: not a status contradiction but
 *   a key without a disable function (only PIN1 has one); checked before the PIN's state and
 *   the presented code, so it never costs a try.
 */

import { type CommandApdu, incomingData } from "./apdu-command.js";
import type { PinObject, SimCard, UnblockKey } from "./card.js";
import {
  changePin,
  disablePin,
  enablePin,
  type PinId,
  type PinOutcome,
  type PinStep,
  type UnblockOutcome,
  unblockPin,
  verifyPin,
} from "./pin.js";
import { SW, verificationFailed } from "./status-words.js";

export const INS_VERIFY_PIN = 0x20;
export const INS_CHANGE_PIN = 0x24;
export const INS_DISABLE_PIN = 0x26;
export const INS_ENABLE_PIN = 0x28;
export const INS_UNBLOCK_PIN = 0x2c;

export const KEY_REFERENCE_PIN1 = 0x01;
export const KEY_REFERENCE_PIN2 = 0x81;

/** Length of one PIN / PUK block in the command data. */
export const PIN_BLOCK_LENGTH = 8;

export interface CardAnswer {
  readonly card: SimCard;
  readonly sw: number;
}

const PUK_OF: Record<PinId, "puk1" | "puk2"> = { pin1: "puk1", pin2: "puk2" };

/** Encodes a code as the 8-byte block of the PIN commands ("0000" -> 30303030FFFFFFFF). */
export function encodePinBlock(code: string): Uint8Array {
  const block = new Uint8Array(PIN_BLOCK_LENGTH).fill(0xff);
  for (let i = 0; i < code.length && i < PIN_BLOCK_LENGTH; i++) block[i] = code.charCodeAt(i);
  return block;
}

/**
 * The code carried by an 8-byte block: its digits when the block is digits followed only by
 * 'FF' padding; otherwise a marker string that can never equal a stored PIN or PUK.
 */
export function decodePinBlock(block: Uint8Array): string {
  let digits = "";
  let padding = false;
  for (const byte of block) {
    if (byte === 0xff) {
      padding = true;
    } else if (!padding && byte >= 0x30 && byte <= 0x39) {
      digits += String.fromCharCode(byte);
    } else {
      return `!${Buffer.from(block).toString("hex")}`;
    }
  }
  return digits;
}

export function isPinInstruction(ins: number): boolean {
  return (
    ins === INS_VERIFY_PIN ||
    ins === INS_CHANGE_PIN ||
    ins === INS_DISABLE_PIN ||
    ins === INS_ENABLE_PIN ||
    ins === INS_UNBLOCK_PIN
  );
}

export function processPinCommand(card: SimCard, command: CommandApdu): CardAnswer {
  if (command.p1 !== 0x00) return { card, sw: SW.incorrectP1P2 };
  const id = pinIdOf(command.p2);
  if (id === undefined) return { card, sw: SW.referencedDataNotFound };
  const data = incomingData(command.body);
  if (data === undefined) return { card, sw: SW.wrongLength };
  switch (command.ins) {
    case INS_VERIFY_PIN:
      if (data.length === 0) return { card, sw: verificationFailed(card[id].triesLeft) };
      return withSingleBlock(card, id, data, (pin, code) => verifyPin(pin, code));
    case INS_CHANGE_PIN:
      return withTwoBlocks(card, id, data, (pin, oldCode, newCode) => changePin(pin, oldCode, newCode));
    case INS_DISABLE_PIN:
      if (id === "pin2") return { card, sw: SW.conditionsOfUseNotSatisfied };
      return withSingleBlock(card, id, data, (pin, code) => disablePin(id, pin, code));
    case INS_ENABLE_PIN:
      return withSingleBlock(card, id, data, (pin, code) => enablePin(pin, code));
    default:
      return unblock(card, id, data);
  }
}

function pinIdOf(keyReference: number): PinId | undefined {
  if (keyReference === KEY_REFERENCE_PIN1) return "pin1";
  if (keyReference === KEY_REFERENCE_PIN2) return "pin2";
  return undefined;
}

function withSingleBlock(
  card: SimCard,
  id: PinId,
  data: Uint8Array,
  apply: (pin: PinObject, code: string) => PinStep,
): CardAnswer {
  if (data.length !== PIN_BLOCK_LENGTH) return { card, sw: SW.wrongLength };
  const step = apply(card[id], decodePinBlock(data));
  return { card: { ...card, [id]: step.pin }, sw: pinOutcomeStatus(step.outcome) };
}

function withTwoBlocks(
  card: SimCard,
  id: PinId,
  data: Uint8Array,
  apply: (pin: PinObject, first: string, second: string) => PinStep,
): CardAnswer {
  if (data.length !== 2 * PIN_BLOCK_LENGTH) return { card, sw: SW.wrongLength };
  const [first, second] = splitBlocks(data);
  const step = apply(card[id], first, second);
  return { card: { ...card, [id]: step.pin }, sw: pinOutcomeStatus(step.outcome) };
}

/** UNBLOCK PIN: data = PUK block + new PIN block, or empty to ask for the PUK's tries (§11.1.13.1.2). */
function unblock(card: SimCard, id: PinId, data: Uint8Array): CardAnswer {
  const pukId = PUK_OF[id];
  const puk: UnblockKey = card[pukId];
  if (data.length === 0) return { card, sw: verificationFailed(puk.triesLeft) };
  if (data.length !== 2 * PIN_BLOCK_LENGTH) return { card, sw: SW.wrongLength };
  const [pukCode, newPin] = splitBlocks(data);
  const step = unblockPin(card[id], puk, pukCode, newPin);
  return { card: { ...card, [id]: step.pin, [pukId]: step.puk }, sw: unblockOutcomeStatus(step.outcome) };
}

function splitBlocks(data: Uint8Array): [string, string] {
  return [
    decodePinBlock(data.subarray(0, PIN_BLOCK_LENGTH)),
    decodePinBlock(data.subarray(PIN_BLOCK_LENGTH, 2 * PIN_BLOCK_LENGTH)),
  ];
}

export function pinOutcomeStatus(outcome: PinOutcome): number {
  switch (outcome.kind) {
    case "ok":
      return SW.ok;
    case "wrong-code":
      return verificationFailed(outcome.triesLeft);
    case "blocked":
      return SW.pinBlocked;
    case "pin-disabled":
    case "pin-already-enabled":
      return SW.referencedDataInvalidated;
    case "not-disableable":
      return SW.conditionsOfUseNotSatisfied;
    case "malformed-new-pin":
      return SW.incorrectDataField;
  }
}

export function unblockOutcomeStatus(outcome: UnblockOutcome): number {
  switch (outcome.kind) {
    case "ok":
      return SW.ok;
    case "wrong-puk":
      return verificationFailed(outcome.triesLeft);
    case "puk-blocked":
      return SW.pinBlocked;
    case "malformed-new-pin":
      return SW.incorrectDataField;
  }
}
