/**
 * The UICC command processor (ETSI TS 102 221): one command APDU in, one response out.
 * `processApdu` is pure (state in, state out) and total: any byte string gets a status word,
 * nothing throws. `CardSession` wraps it for callers that want one object per inserted card.
 *
 * Checks run in the order a card meets the bytes: header present (6700), CLA (6E00, 6881,
 * 6882), INS (6D00), length fields (6700), then the command's own P1/P2, data and state.
 *
 * Commands: SELECT, READ BINARY, READ RECORD (apdu-files.ts), the five PIN commands
 * (apdu-pin.ts) and the USIM's AUTHENTICATE (apdu-auth.ts, TS 31.102 §7.1.2).
 */

import { INS_AUTHENTICATE, processAuthenticate } from "./apdu-auth.js";
import { type CommandApdu, parseCommandApdu } from "./apdu-command.js";
import {
  FID,
  type FileAnswer,
  INS_READ_BINARY,
  INS_READ_RECORD,
  INS_SELECT,
  readBinary,
  readRecord,
  select,
} from "./apdu-files.js";
import { isPinInstruction, processPinCommand } from "./apdu-pin.js";
import type { SimCard } from "./card.js";
import { type PinId, type PinState, pinState, powerOffPin } from "./pin.js";
import { SW } from "./status-words.js";

export interface ApduResponse {
  /** Response data, empty for most commands. */
  readonly data: Uint8Array;
  /** SW1 SW2 as one number, e.g. 0x9000, 0x63c2. */
  readonly sw: number;
}

/** What a powered card holds between two commands. */
export interface SessionState {
  readonly card: SimCard;
  /** FID of the current file; after power-on (ATR) the MF is the current file. */
  readonly selected: number | undefined;
}

export interface ApduExchange {
  readonly state: SessionState;
  readonly response: ApduResponse;
}

const NO_DATA = new Uint8Array(0);

/** Power-on (ATR): a new card session, nothing verified, the MF selected. */
export function powerOn(card: SimCard): SessionState {
  return { card: powerOffCard(card), selected: FID.mf };
}

/** The card as it survives power-off: values and counters kept, verification lost. */
export function powerOffCard(card: SimCard): SimCard {
  return { ...card, pin1: powerOffPin(card.pin1), pin2: powerOffPin(card.pin2) };
}

export function processApdu(state: SessionState, apdu: Uint8Array): ApduExchange {
  const parsed = parseCommandApdu(apdu);
  if (parsed.kind === "truncated") return answer(state, SW.wrongLength);
  const header = parsed.kind === "ok" ? parsed.command : parsed.header;
  const classStatus = checkClass(header.cla);
  if (classStatus !== undefined) return answer(state, classStatus);
  if (!isSupportedInstruction(header.ins)) return answer(state, SW.insNotSupported);
  if (parsed.kind === "bad-length") return answer(state, SW.wrongLength);
  return dispatch(state, parsed.command);
}

function dispatch(state: SessionState, command: CommandApdu): ApduExchange {
  switch (command.ins) {
    case INS_SELECT:
      return fromFileAnswer(state, select(state.selected, command));
    case INS_READ_BINARY:
      return fromFileAnswer(state, readBinary(state.card, state.selected, command));
    case INS_READ_RECORD:
      return fromFileAnswer(state, readRecord(state.card, state.selected, command));
    case INS_AUTHENTICATE: {
      const { card, data, sw } = processAuthenticate(state.card, command);
      return { state: { ...state, card }, response: { data, sw } };
    }
    default: {
      const { card, sw } = processPinCommand(state.card, command);
      return { state: { ...state, card }, response: { data: NO_DATA, sw } };
    }
  }
}

/**
 * TS 102 221 §10.1.1: CLA '0X' is the interindustry class this card speaks. Its b2-b1 name a
 * logical channel (only the basic channel 0 is emulated) and b4-b3 secure messaging (not
 * emulated). Every other class, including the GSM class 'A0', is 6E00.
 */
function checkClass(cla: number): number | undefined {
  if ((cla & 0xf0) !== 0x00) return SW.claNotSupported;
  if ((cla & 0x03) !== 0) return SW.logicalChannelNotSupported;
  if ((cla & 0x0c) !== 0) return SW.secureMessagingNotSupported;
  return undefined;
}

function isSupportedInstruction(ins: number): boolean {
  return (
    ins === INS_SELECT ||
    ins === INS_READ_BINARY ||
    ins === INS_READ_RECORD ||
    ins === INS_AUTHENTICATE ||
    isPinInstruction(ins)
  );
}

function answer(state: SessionState, sw: number): ApduExchange {
  return { state, response: { data: NO_DATA, sw } };
}

function fromFileAnswer(state: SessionState, result: FileAnswer): ApduExchange {
  return { state: { ...state, selected: result.selected }, response: { data: result.data, sw: result.sw } };
}

/**
 * One inserted, powered card: the owner of its state while the session lasts.
 * The handset / AT layer sends APDUs through `transmit` and reads the PIN state for +CPIN.
 */
export class CardSession {
  #state: SessionState;

  constructor(card: SimCard) {
    this.#state = powerOn(card);
  }

  transmit(apdu: Uint8Array): ApduResponse {
    const exchange = processApdu(this.#state, apdu);
    this.#state = exchange.state;
    return exchange.response;
  }

  /** The card as it is now, verified flags included. */
  get card(): SimCard {
    return this.#state.card;
  }

  get selectedFile(): number | undefined {
    return this.#state.selected;
  }

  pinState(id: PinId): PinState {
    const card = this.#state.card;
    return pinState(card[id], id === "pin1" ? card.puk1 : card.puk2);
  }

  /**
   * Power-off: verification and selection are lost (the next command runs in a fresh session);
   * returns the card as it should be stored.
   */
  powerOff(): SimCard {
    this.#state = powerOn(this.#state.card);
    return this.#state.card;
  }
}
