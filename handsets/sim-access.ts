/**
 * The handset's side of the card interface: every SIM operation the AT layer and the MMI
 * procedures need, done as command APDUs through the card's own processor (sim/apdu.ts), so
 * retry counters, blocking and status words are the card's, never the handset's.
 *
 * What the card cannot tell through APDUs on this emulated UICC (its FCP carries no PIN status
 * data object) is read from the session: whether PIN1 is enabled and verified (`pinState`).
 */
import type { CardSession } from "../sim/apdu.js";
import { FID, INS_READ_BINARY, INS_READ_RECORD, INS_SELECT } from "../sim/apdu-files.js";
import {
  encodePinBlock,
  INS_CHANGE_PIN,
  INS_DISABLE_PIN,
  INS_ENABLE_PIN,
  INS_UNBLOCK_PIN,
  INS_VERIFY_PIN,
  KEY_REFERENCE_PIN1,
  KEY_REFERENCE_PIN2,
} from "../sim/apdu-pin.js";
import type { SimCard } from "../sim/card.js";
import {
  decodeIccid,
  decodeImsi,
  decodeMsisdnRecord,
  type DiallingNumber,
  ICCID_FILE_LENGTH,
  IMSI_FILE_LENGTH,
  MSISDN_RECORD_LENGTH,
} from "../sim/elementary-files.js";
import type { PinId, PinState } from "../sim/pin.js";
import { SW } from "../sim/status-words.js";

/** The card's answer to a PIN command, from its status word (TS 102 221 §11.1.9-11.1.13). */
export type PinCommandOutcome =
  | { readonly kind: "ok" }
  /** 63CX: wrong code, X presentations left (0: the PIN, or the PUK, is now blocked). */
  | { readonly kind: "wrong-code"; readonly triesLeft: number }
  /** 6983: the PIN (or, for UNBLOCK, the PUK) is blocked. */
  | { readonly kind: "blocked" }
  /** 6984: the command contradicts the PIN's enabled/disabled status. */
  | { readonly kind: "status-conflict" }
  /** 6985: the key has no such function (DISABLE of PIN2). */
  | { readonly kind: "not-allowed" }
  /** 6A80: the new PIN is not 4-8 digits. */
  | { readonly kind: "bad-new-pin" }
  | { readonly kind: "card-error"; readonly sw: number };

export type FileReadOutcome<T> =
  | { readonly kind: "ok"; readonly value: T }
  /** 6982: the EF needs PIN1 (EF_IMSI, EF_MSISDN). */
  | { readonly kind: "pin-required" }
  | { readonly kind: "card-error"; readonly sw: number };

const KEY_REFERENCE: Record<PinId, number> = { pin1: KEY_REFERENCE_PIN1, pin2: KEY_REFERENCE_PIN2 };

export class SimAccess {
  readonly #session: CardSession;

  constructor(session: CardSession) {
    this.#session = session;
  }

  /** The card as it is now (for storing it back). */
  get card(): SimCard {
    return this.#session.card;
  }

  /** PIN status as kept by the card session (enabled, verified, blocked, permanently blocked). */
  pinState(id: PinId): PinState {
    return this.#session.pinState(id);
  }

  /** Whether the PIN has its enabled flag set (the "SC" facility of AT+CLCK). */
  isPinEnabled(id: PinId): boolean {
    return this.#session.card[id].enabled;
  }

  verify(id: PinId, code: string): PinCommandOutcome {
    return this.#pinCommand(INS_VERIFY_PIN, id, encodePinBlock(code));
  }

  change(id: PinId, oldCode: string, newCode: string): PinCommandOutcome {
    return this.#pinCommand(INS_CHANGE_PIN, id, concat(encodePinBlock(oldCode), encodePinBlock(newCode)));
  }

  enable(id: PinId, code: string): PinCommandOutcome {
    return this.#pinCommand(INS_ENABLE_PIN, id, encodePinBlock(code));
  }

  disable(id: PinId, code: string): PinCommandOutcome {
    return this.#pinCommand(INS_DISABLE_PIN, id, encodePinBlock(code));
  }

  unblock(id: PinId, puk: string, newPin: string): PinCommandOutcome {
    return this.#pinCommand(INS_UNBLOCK_PIN, id, concat(encodePinBlock(puk), encodePinBlock(newPin)));
  }

  /** VERIFY without data answers 63CX with the PIN's tries left (TS 102 221 §11.1.9.1.2). */
  pinTriesLeft(id: PinId): number | undefined {
    return triesFrom(this.#session.transmit(Uint8Array.of(0x00, INS_VERIFY_PIN, 0x00, KEY_REFERENCE[id])).sw);
  }

  /** UNBLOCK PIN without data answers 63CX with the PUK's tries left (§11.1.13.1.2). */
  pukTriesLeft(id: PinId): number | undefined {
    return triesFrom(
      this.#session.transmit(Uint8Array.of(0x00, INS_UNBLOCK_PIN, 0x00, KEY_REFERENCE[id])).sw,
    );
  }

  readIccid(): FileReadOutcome<string> {
    return this.#readFile(FID.iccid, ICCID_FILE_LENGTH, "binary", decodeIccid);
  }

  readImsi(): FileReadOutcome<string> {
    return this.#readFile(FID.imsi, IMSI_FILE_LENGTH, "binary", decodeImsi);
  }

  readMsisdn(): FileReadOutcome<DiallingNumber> {
    return this.#readFile(FID.msisdn, MSISDN_RECORD_LENGTH, "record", decodeMsisdnRecord);
  }

  #pinCommand(ins: number, id: PinId, data: Uint8Array): PinCommandOutcome {
    const apdu = concat(Uint8Array.of(0x00, ins, 0x00, KEY_REFERENCE[id], data.length), data);
    return pinOutcome(this.#session.transmit(apdu).sw);
  }

  /** SELECT (no FCP) then READ BINARY / READ RECORD 1 (absolute mode). */
  #readFile<T>(
    fid: number,
    length: number,
    structure: "binary" | "record",
    decode: (bytes: Uint8Array) => T | undefined,
  ): FileReadOutcome<T> {
    const selected = this.#session.transmit(
      Uint8Array.of(0x00, INS_SELECT, 0x00, 0x0c, 0x02, fid >> 8, fid & 0xff),
    );
    if (selected.sw !== SW.ok) return { kind: "card-error", sw: selected.sw };
    const read =
      structure === "binary"
        ? Uint8Array.of(0x00, INS_READ_BINARY, 0x00, 0x00, length)
        : Uint8Array.of(0x00, INS_READ_RECORD, 0x01, 0x04, length);
    const response = this.#session.transmit(read);
    if (response.sw === SW.securityStatusNotSatisfied) return { kind: "pin-required" };
    if (response.sw !== SW.ok) return { kind: "card-error", sw: response.sw };
    const value = decode(response.data);
    return value === undefined ? { kind: "card-error", sw: response.sw } : { kind: "ok", value };
  }
}

function pinOutcome(sw: number): PinCommandOutcome {
  if (sw === SW.ok) return { kind: "ok" };
  const tries = triesFrom(sw);
  if (tries !== undefined) return { kind: "wrong-code", triesLeft: tries };
  switch (sw) {
    case SW.pinBlocked:
      return { kind: "blocked" };
    case SW.referencedDataInvalidated:
      return { kind: "status-conflict" };
    case SW.conditionsOfUseNotSatisfied:
      return { kind: "not-allowed" };
    case SW.incorrectDataField:
      return { kind: "bad-new-pin" };
    default:
      return { kind: "card-error", sw };
  }
}

/** X of a '63CX' status word. */
function triesFrom(sw: number): number | undefined {
  return (sw & 0xfff0) === 0x63c0 ? sw & 0x0f : undefined;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
