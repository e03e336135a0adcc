/**
 * The card's files and the commands that reach them: SELECT (TS 102 221 §11.1.1),
 * READ BINARY (§11.1.3) and READ RECORD (§11.1.5).
 *
 * The file system is deliberately small and flat: any file below can be selected by its FID
 * from anywhere (a real UICC only finds children, parent and siblings of the current DF);
 * '7FFF' selects the USIM application (the "current ADF" alias of TS 102 221 §8.3).
 *
 * | FID  | File       | Structure              | READ access          |
 * |------|------------|------------------------|----------------------|
 * | 3F00 | MF         | DF                     | -                    |
 * | 2FE2 | EF_ICCID   | transparent, 10 bytes  | always               |
 * | 7FFF | ADF.USIM   | DF                     | -                    |
 * | 6F07 | EF_IMSI    | transparent, 9 bytes   | PIN1 (TS 31.102)     |
 * | 6FAD | EF_AD      | transparent, 4 bytes   | always               |
 * | 6F40 | EF_MSISDN  | linear fixed, 1 record | PIN1 (TS 31.102)     |
 *
 * Coding choices: SELECT answers the FCP directly with 9000 when P2 = '04' (what a terminal
 * sees after GET RESPONSE), nothing when P2 = '0C'; other P1/P2 (path, AID, SFI) are 6A86.
 * READ BINARY on the record EF_MSISDN (or READ RECORD on a transparent EF) is 6981 "command
 * incompatible with file structure", the ISO meaning for exactly this case; 6986 is kept for
 * "no EF selected". An Le larger than what is available answers 6CXX with the exact length.
 */

import { type CommandApdu, expectedLength, incomingData } from "./apdu-command.js";
import type { SimCard } from "./card.js";
import {
  AD_FILE_LENGTH,
  encodeAdministrativeData,
  encodeIccid,
  encodeImsi,
  encodeMsisdnRecord,
  ICCID_FILE_LENGTH,
  IMSI_FILE_LENGTH,
  MSISDN_RECORD_LENGTH,
} from "./elementary-files.js";
import { isPinSatisfied } from "./pin.js";
import { SW, wrongLe } from "./status-words.js";

export const INS_SELECT = 0xa4;
export const INS_READ_BINARY = 0xb0;
export const INS_READ_RECORD = 0xb2;

export const FID = {
  mf: 0x3f00,
  iccid: 0x2fe2,
  adfUsim: 0x7fff,
  imsi: 0x6f07,
  administrativeData: 0x6fad,
  msisdn: 0x6f40,
} as const;

type ReadAccess = "always" | "pin1";

type CardFile =
  | { readonly kind: "df"; readonly fid: number }
  | {
      readonly kind: "transparent";
      readonly fid: number;
      readonly size: number;
      readonly read: ReadAccess;
      readonly content: (card: SimCard) => Uint8Array;
    }
  | {
      readonly kind: "linear-fixed";
      readonly fid: number;
      readonly recordLength: number;
      readonly recordCount: number;
      readonly read: ReadAccess;
      readonly records: (card: SimCard) => readonly Uint8Array[];
    };

const CARD_FILES: readonly CardFile[] = [
  { kind: "df", fid: FID.mf },
  {
    kind: "transparent",
    fid: FID.iccid,
    size: ICCID_FILE_LENGTH,
    read: "always",
    content: (card) => encodeIccid(card.iccid),
  },
  { kind: "df", fid: FID.adfUsim },
  {
    kind: "transparent",
    fid: FID.imsi,
    size: IMSI_FILE_LENGTH,
    read: "pin1",
    content: (card) => encodeImsi(card.imsi),
  },
  {
    kind: "transparent",
    fid: FID.administrativeData,
    size: AD_FILE_LENGTH,
    read: "always",
    content: (card) => encodeAdministrativeData(card.mncLength),
  },
  {
    kind: "linear-fixed",
    fid: FID.msisdn,
    recordLength: MSISDN_RECORD_LENGTH,
    recordCount: 1,
    read: "pin1",
    records: (card) => [encodeMsisdnRecord(card.msisdn)],
  },
];

const FILES: ReadonlyMap<number, CardFile> = new Map(CARD_FILES.map((file) => [file.fid, file]));

const P2_RETURN_FCP = 0x04;
const P2_NO_DATA = 0x0c;
/** READ RECORD P2: current EF (no SFI), absolute mode with the record number in P1. */
const P2_ABSOLUTE_RECORD = 0x04;
const MAX_SHORT_LE = 256;

export interface FileAnswer {
  /** The selected file after the command: unchanged unless a SELECT succeeded. */
  readonly selected: number | undefined;
  readonly data: Uint8Array;
  readonly sw: number;
}

export function select(selected: number | undefined, command: CommandApdu): FileAnswer {
  const fail = (sw: number): FileAnswer => ({ selected, data: new Uint8Array(0), sw });
  if (command.p1 !== 0x00) return fail(SW.incorrectP1P2);
  if (command.p2 !== P2_RETURN_FCP && command.p2 !== P2_NO_DATA) return fail(SW.incorrectP1P2);
  const data = incomingData(command.body);
  if (data === undefined || data.length !== 2) return fail(SW.wrongLength);
  const fid = (data[0]! << 8) | data[1]!;
  const file = FILES.get(fid);
  if (file === undefined) return fail(SW.fileNotFound);
  const fcp = command.p2 === P2_RETURN_FCP ? fileControlParameters(file) : new Uint8Array(0);
  return { selected: fid, data: fcp, sw: SW.ok };
}

export function readBinary(card: SimCard, selected: number | undefined, command: CommandApdu): FileAnswer {
  const fail = (sw: number): FileAnswer => ({ selected, data: new Uint8Array(0), sw });
  // P1 b8 = 1 would name the EF by short file identifier: not supported here.
  if ((command.p1 & 0x80) !== 0) return fail(SW.incorrectP1P2);
  const le = expectedLength(command.body);
  if (le === undefined) return fail(SW.wrongLength);
  const file = selected === undefined ? undefined : FILES.get(selected);
  if (file === undefined || file.kind === "df") return fail(SW.noEfSelected);
  if (file.kind !== "transparent") return fail(SW.incompatibleFileStructure);
  if (!isReadable(card, file.read)) return fail(SW.securityStatusNotSatisfied);
  const offset = (command.p1 << 8) | command.p2;
  if (offset >= file.size) return fail(SW.wrongP1P2);
  const available = file.size - offset;
  const length = le === 0 ? Math.min(available, MAX_SHORT_LE) : le;
  if (length > available) return fail(wrongLe(available));
  return { selected, data: file.content(card).slice(offset, offset + length), sw: SW.ok };
}

export function readRecord(card: SimCard, selected: number | undefined, command: CommandApdu): FileAnswer {
  const fail = (sw: number): FileAnswer => ({ selected, data: new Uint8Array(0), sw });
  if (command.p2 !== P2_ABSOLUTE_RECORD) return fail(SW.incorrectP1P2);
  const le = expectedLength(command.body);
  if (le === undefined) return fail(SW.wrongLength);
  const file = selected === undefined ? undefined : FILES.get(selected);
  if (file === undefined || file.kind === "df") return fail(SW.noEfSelected);
  if (file.kind !== "linear-fixed") return fail(SW.incompatibleFileStructure);
  if (!isReadable(card, file.read)) return fail(SW.securityStatusNotSatisfied);
  if (command.p1 === 0 || command.p1 > file.recordCount) return fail(SW.recordNotFound);
  const record = file.records(card)[command.p1 - 1];
  if (record === undefined) return fail(SW.recordNotFound);
  if (le !== 0 && le !== file.recordLength) return fail(wrongLe(file.recordLength));
  return { selected, data: record, sw: SW.ok };
}

function isReadable(card: SimCard, access: ReadAccess): boolean {
  return access === "always" || isPinSatisfied(card.pin1);
}

/**
 * A minimal FCP template (TS 102 221 §11.1.1.3): file descriptor ('82'), file identifier
 * ('83') and, for EFs, file size ('80'). Descriptor bytes per §11.1.1.4.3: '78' DF, '41'
 * shareable transparent working EF, '42' linear fixed (followed by record length and count).
 */
function fileControlParameters(file: CardFile): Uint8Array {
  const identifier = [0x83, 0x02, file.fid >> 8, file.fid & 0xff];
  let objects: number[];
  switch (file.kind) {
    case "df":
      objects = [0x82, 0x02, 0x78, 0x21, ...identifier];
      break;
    case "transparent":
      objects = [0x82, 0x02, 0x41, 0x21, ...identifier, ...sizeObject(file.size)];
      break;
    case "linear-fixed": {
      const { recordLength, recordCount } = file;
      objects = [0x82, 0x05, 0x42, 0x21, 0x00, recordLength, recordCount, ...identifier];
      objects.push(...sizeObject(recordLength * recordCount));
      break;
    }
  }
  return Uint8Array.from([0x62, objects.length, ...objects]);
}

function sizeObject(size: number): number[] {
  return [0x80, 0x02, size >> 8, size & 0xff];
}
