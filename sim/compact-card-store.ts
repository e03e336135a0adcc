/**
 * Millions of SIM cards in memory, compactly: one fixed-size byte record per card in a single
 * slab, a 32-bit state word, an inline SQN slot, and open-addressing hash indexes of card
 * numbers (no per-card JS objects, no string keys). About 130 bytes a card (see
 * bench/sim-batch.bench.ts for the measured RSS); `get` materialises a SimCard on demand and
 * `update` writes the mutable state back.
 *
 * Record layout (bytes; digit strings are BCD padded with F nibbles, the first digit in the
 * low nibble, the nibble order of EF.ICCID, TS 102 221 §13.2):
 *
 *   0 ICCID (10)  10 IMSI (8)  18 MSISDN (8)  26 IMEI (8)
 *   34 PIN1 (4)   38 PIN2 (4)  42 PUK1 (4)    46 PUK2 (4)
 *   50 K (16)     66 OPc (16)                  = 82 bytes
 *
 * State word: bits 0-1 PIN1 tries, 2-3 PIN2 tries, 4-7 PUK1 tries, 8-11 PUK2 tries,
 * 12 PIN1 enabled, 13 PIN2 enabled, 14 PIN1 verified, 15 PIN2 verified, 16 MNC of 3 digits.
 *
 * SQN (TS 33.102 Annex C: 32 IND slots of 48 bits): most cards never authenticate, and one
 * that does mostly fills the single IND slot its AuC uses. A non-zero slot is kept as one
 * number, slot * 2^48 + SQN (below 2^53, so exact). A card with one non-zero slot keeps it
 * inline (8 bytes, 0 = all zeros); a card with several keeps a small array of them aside.
 *
 * Cards are only added, never removed. Identities (ICCID, IMSI, MSISDN, IMEI) are unique and
 * cannot change; `add` checks digits and lengths only, so validate cards first (the batch
 * importers and the generator do).
 */

import type { UniqueColumn } from "./batch-format.js";
import type { BatchRow } from "./batch-generate.js";
import { PIN_MAX_TRIES, PUK_MAX_TRIES, type SimCard, SQN_SLOTS } from "./card.js";
import { SimInputError } from "./errors.js";

const ICCID = { offset: 0, width: 10 } as const;
const IMSI = { offset: 10, width: 8 } as const;
const MSISDN = { offset: 18, width: 8 } as const;
const IMEI = { offset: 26, width: 8 } as const;
const PIN1 = { offset: 34, width: 4 } as const;
const PIN2 = { offset: 38, width: 4 } as const;
const PUK1 = { offset: 42, width: 4 } as const;
const PUK2 = { offset: 46, width: 4 } as const;
const K_OFFSET = 50;
const OPC_OFFSET = 66;
const KEY_BYTES = 16;
/** Bytes of one card record in the slab. */
export const CARD_RECORD_BYTES = 82;

type DigitField = { readonly offset: number; readonly width: number };

const PIN1_ENABLED = 1 << 12;
const PIN2_ENABLED = 1 << 13;
const PIN1_VERIFIED = 1 << 14;
const PIN2_VERIFIED = 1 << 15;
const MNC_OF_3 = 1 << 16;

const SLOT_FACTOR = 2 ** 48;

export interface CompactCardStoreOptions {
  /** Cards to make room for up front (the store grows by doubling beyond it). Default 1024. */
  capacity?: number;
}

/** A card in the store, materialised. */
export interface StoredRow extends BatchRow {
  index: number;
}

/** The identity a rejected card shares with a card already in the store. */
export interface DuplicateIdentity {
  column: UniqueColumn;
  value: string;
  /** The card that already holds it. */
  index: number;
}

export class CompactCardStore {
  private capacity: number;
  private count = 0;
  private records: Uint8Array;
  private recordsBuffer: Buffer;
  private states: Uint32Array;
  private sqnInline: Float64Array;
  /** Cards with two or more non-zero SQN slots: their encoded slots. */
  private readonly sqnAside = new Map<number, number[]>();
  private readonly indexes: ReadonlyArray<{ column: UniqueColumn; field: DigitField; index: IdentityIndex }>;
  private readonly scratch = new Uint8Array(CARD_RECORD_BYTES);
  private readonly freeSlots = new Uint32Array(4);

  constructor(options: CompactCardStoreOptions = {}) {
    this.capacity = Math.max(16, Math.ceil(options.capacity ?? 1024));
    this.records = new Uint8Array(this.capacity * CARD_RECORD_BYTES);
    this.recordsBuffer = bufferView(this.records);
    this.states = new Uint32Array(this.capacity);
    this.sqnInline = new Float64Array(this.capacity);
    const fields = { iccid: ICCID, imsi: IMSI, msisdn: MSISDN, imei: IMEI } as const;
    this.indexes = (Object.keys(fields) as UniqueColumn[]).map((column) => ({
      column,
      field: fields[column],
      index: new IdentityIndex(fields[column], this.capacity),
    }));
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held by the slabs and indexes (not counting cards with SQN slots kept aside). */
  get allocatedBytes(): number {
    let bytes = this.records.byteLength + this.states.byteLength + this.sqnInline.byteLength;
    for (const { index } of this.indexes) bytes += index.allocatedBytes;
    return bytes;
  }

  /** Adds a card and the IMEI of its handset; returns the card's index. SIM_DUPLICATE on a repeated identity. */
  add(card: SimCard, imei: string): number {
    const result = this.tryAdd(card, imei);
    if (typeof result === "number") return result;
    throw new SimInputError(
      "SIM_DUPLICATE",
      result.column,
      `${result.value} is already card ${result.index}`,
    );
  }

  /** Adds the card, or returns the identity already held by another card (and adds nothing). */
  tryAdd(card: SimCard, imei: string): number | DuplicateIdentity {
    if (this.count === this.capacity) this.grow();
    const index = this.count;
    const base = index * CARD_RECORD_BYTES;
    const records = this.records;
    packDigits("iccid", card.iccid, records, base + ICCID.offset, ICCID.width);
    packDigits("imsi", card.imsi, records, base + IMSI.offset, IMSI.width);
    packDigits("msisdn", card.msisdn, records, base + MSISDN.offset, MSISDN.width);
    packDigits("imei", imei, records, base + IMEI.offset, IMEI.width);
    // One probe per index finds either the holder of the identity or the free slot for it.
    const freeSlots = this.freeSlots;
    for (let i = 0; i < this.indexes.length; i++) {
      const { column, field, index: identityIndex } = this.indexes[i]!;
      identityIndex.reserve(records, 1);
      const slot = identityIndex.probe(records, records, base + field.offset);
      const existing = identityIndex.cardAt(slot);
      if (existing !== undefined) {
        return { column, value: column === "imei" ? imei : card[column], index: existing };
      }
      freeSlots[i] = slot;
    }
    this.writeState(index, card);
    for (let i = 0; i < this.indexes.length; i++) this.indexes[i]!.index.fill(freeSlots[i]!, index);
    this.count++;
    return index;
  }

  /** Adds every row; returns how many. */
  addRows(rows: Iterable<BatchRow>): number {
    let added = 0;
    for (const row of rows) {
      this.add(row.card, row.imei);
      added++;
    }
    return added;
  }

  /** The card at `index` as a fresh SimCard object. */
  get(index: number): SimCard {
    this.checkIndex(index);
    const base = index * CARD_RECORD_BYTES;
    const records = this.records;
    const state = this.states[index]!;
    return {
      iccid: unpackDigits(records, base + ICCID.offset, ICCID.width),
      imsi: unpackDigits(records, base + IMSI.offset, IMSI.width),
      mncLength: state & MNC_OF_3 ? 3 : 2,
      msisdn: unpackDigits(records, base + MSISDN.offset, MSISDN.width),
      k: this.recordsBuffer.toString("hex", base + K_OFFSET, base + K_OFFSET + KEY_BYTES),
      opc: this.recordsBuffer.toString("hex", base + OPC_OFFSET, base + OPC_OFFSET + KEY_BYTES),
      pin1: {
        value: unpackDigits(records, base + PIN1.offset, PIN1.width),
        enabled: (state & PIN1_ENABLED) !== 0,
        triesLeft: state & 0x3,
        verified: (state & PIN1_VERIFIED) !== 0,
      },
      pin2: {
        value: unpackDigits(records, base + PIN2.offset, PIN2.width),
        enabled: (state & PIN2_ENABLED) !== 0,
        triesLeft: (state >>> 2) & 0x3,
        verified: (state & PIN2_VERIFIED) !== 0,
      },
      puk1: { value: unpackDigits(records, base + PUK1.offset, PUK1.width), triesLeft: (state >>> 4) & 0xf },
      puk2: { value: unpackDigits(records, base + PUK2.offset, PUK2.width), triesLeft: (state >>> 8) & 0xf },
      sqn: this.readSqn(index),
    };
  }

  /** The IMEI of the handset the card at `index` was issued with. */
  imeiOf(index: number): string {
    this.checkIndex(index);
    return unpackDigits(this.records, index * CARD_RECORD_BYTES + IMEI.offset, IMEI.width);
  }

  /**
   * Writes back the card's mutable state: PIN/PUK values, retry counters, flags, keys, MNC
   * length and SQN slots. Its ICCID, IMSI and MSISDN must be those of the card at `index`.
   */
  update(index: number, card: SimCard): void {
    this.checkIndex(index);
    const base = index * CARD_RECORD_BYTES;
    const scratch = this.scratch;
    for (const [name, field] of [
      ["iccid", ICCID],
      ["imsi", IMSI],
      ["msisdn", MSISDN],
    ] as const) {
      packDigits(name, card[name], scratch, 0, field.width);
      if (!sameBytes(scratch, 0, this.records, base + field.offset, field.width)) {
        throw new RangeError(`update of card ${index}: ${name} ${card[name]} is not the stored one`);
      }
    }
    this.writeState(index, card);
  }

  findByIccid(iccid: string): number | undefined {
    return this.find("iccid", iccid);
  }

  findByImsi(imsi: string): number | undefined {
    return this.find("imsi", imsi);
  }

  findByMsisdn(msisdn: string): number | undefined {
    return this.find("msisdn", msisdn.startsWith("+") ? msisdn.slice(1) : msisdn);
  }

  findByImei(imei: string): number | undefined {
    return this.find("imei", imei);
  }

  /** Every card with its IMEI, in index order. */
  *rows(): Generator<StoredRow, void, undefined> {
    for (let index = 0; index < this.count; index++) {
      yield { index, card: this.get(index), imei: this.imeiOf(index) };
    }
  }

  [Symbol.iterator](): Generator<StoredRow, void, undefined> {
    return this.rows();
  }

  private find(column: UniqueColumn, digits: string): number | undefined {
    const { field, index } = this.indexes.find((entry) => entry.column === column)!;
    if (!isDigits(digits) || digits.length > field.width * 2) return undefined;
    packDigits("key", digits, this.scratch, 0, field.width);
    return index.cardAt(index.probe(this.records, this.scratch, 0));
  }

  /** Everything but the indexed identities. Validates before writing, so a bad card changes nothing. */
  private writeState(index: number, card: SimCard): void {
    const base = index * CARD_RECORD_BYTES;
    const state = packState(card);
    const sqn = encodeSqn(card.sqn);
    if (!isHexKey(card.k)) throw new SimInputError("SIM_BAD_HEX", "k", "expected 32 hex digits");
    if (!isHexKey(card.opc)) throw new SimInputError("SIM_BAD_HEX", "opc", "expected 32 hex digits");
    const scratch = this.scratch;
    packDigits("pin1", card.pin1.value, scratch, PIN1.offset, PIN1.width);
    packDigits("pin2", card.pin2.value, scratch, PIN2.offset, PIN2.width);
    packDigits("puk1", card.puk1.value, scratch, PUK1.offset, PUK1.width);
    packDigits("puk2", card.puk2.value, scratch, PUK2.offset, PUK2.width);
    this.records.set(scratch.subarray(PIN1.offset, K_OFFSET), base + PIN1.offset);
    this.recordsBuffer.write(card.k, base + K_OFFSET, KEY_BYTES, "hex");
    this.recordsBuffer.write(card.opc, base + OPC_OFFSET, KEY_BYTES, "hex");
    this.states[index] = state;
    if (sqn.length <= 1) {
      this.sqnInline[index] = sqn[0] ?? 0;
      this.sqnAside.delete(index);
    } else {
      this.sqnInline[index] = -1;
      this.sqnAside.set(index, sqn);
    }
  }

  private readSqn(index: number): number[] {
    const sqn = new Array<number>(SQN_SLOTS).fill(0);
    const inline = this.sqnInline[index]!;
    if (inline > 0) decodeSqnSlot(inline, sqn);
    else if (inline < 0) for (const encoded of this.sqnAside.get(index) ?? []) decodeSqnSlot(encoded, sqn);
    return sqn;
  }

  private checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) {
      throw new RangeError(`card index ${index} is not in the store (size ${this.count})`);
    }
  }

  private grow(): void {
    this.capacity *= 2;
    const records = new Uint8Array(this.capacity * CARD_RECORD_BYTES);
    records.set(this.records);
    this.records = records;
    this.recordsBuffer = bufferView(records);
    const states = new Uint32Array(this.capacity);
    states.set(this.states);
    this.states = states;
    const sqnInline = new Float64Array(this.capacity);
    sqnInline.set(this.sqnInline);
    this.sqnInline = sqnInline;
  }
}

/**
 * Open-addressing hash set of card indexes keyed by one BCD identity of the record slab
 * (linear probing, load factor at most 1/2). Keys are not copied: a probe compares the
 * candidate card's bytes in the slab.
 */
class IdentityIndex {
  /** card index + 1; 0 = empty. */
  private slots: Uint32Array;
  private mask: number;
  private count = 0;

  constructor(
    private readonly field: DigitField,
    expectedCards: number,
  ) {
    let size = 16;
    while (size < expectedCards * 2) size *= 2;
    this.slots = new Uint32Array(size);
    this.mask = size - 1;
  }

  get allocatedBytes(): number {
    return this.slots.byteLength;
  }

  /**
   * The slot holding the card whose identity equals the `width` bytes of `key` at `keyOffset`,
   * or else the empty slot where that identity would go.
   */
  probe(records: Uint8Array, key: Uint8Array, keyOffset: number): number {
    const { offset, width } = this.field;
    for (let slot = hashBytes(key, keyOffset, width) & this.mask; ; slot = (slot + 1) & this.mask) {
      const entry = this.slots[slot]!;
      if (entry === 0) return slot;
      if (sameBytes(key, keyOffset, records, (entry - 1) * CARD_RECORD_BYTES + offset, width)) return slot;
    }
  }

  /** The card in `slot`, if any. */
  cardAt(slot: number): number | undefined {
    const entry = this.slots[slot]!;
    return entry === 0 ? undefined : entry - 1;
  }

  /** Grows the table, if need be, so that `more` cards fit; call before probing for a new card. */
  reserve(records: Uint8Array, more: number): void {
    if ((this.count + more) * 2 > this.slots.length) this.rehash(records);
  }

  /** Puts card `index` in the empty `slot` found by `probe`. */
  fill(slot: number, index: number): void {
    this.slots[slot] = index + 1;
    this.count++;
  }

  private place(records: Uint8Array, index: number): void {
    const start = index * CARD_RECORD_BYTES + this.field.offset;
    let slot = hashBytes(records, start, this.field.width) & this.mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
    this.slots[slot] = index + 1;
  }

  private rehash(records: Uint8Array): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    this.mask = this.slots.length - 1;
    for (const entry of old) if (entry !== 0) this.place(records, entry - 1);
  }
}

/** FNV-1a over the bytes, then a finaliser so that the low bits (the slot) depend on every byte. */
function hashBytes(bytes: Uint8Array, offset: number, width: number): number {
  let h = 0x811c9dc5;
  for (let i = offset; i < offset + width; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function sameBytes(a: Uint8Array, aOffset: number, b: Uint8Array, bOffset: number, width: number): boolean {
  for (let i = 0; i < width; i++) if (a[aOffset + i] !== b[bOffset + i]) return false;
  return true;
}

function isDigits(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
  }
  return true;
}

/** 32 hex digits, either case (a loop: cheaper than a regular expression on sliced strings). */
function isHexKey(text: string): boolean {
  if (text.length !== 2 * KEY_BYTES) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const lower = c | 0x20; // folds A-F onto a-f
    if (!((c >= 0x30 && c <= 0x39) || (lower >= 0x61 && lower <= 0x66))) return false;
  }
  return true;
}

/** BCD, first digit in the low nibble, unused nibbles F. */
function packDigits(field: string, text: string, bytes: Uint8Array, offset: number, width: number): void {
  const length = text.length;
  if (length > width * 2) {
    throw new SimInputError("SIM_BAD_LENGTH", field, `at most ${width * 2} digits fit, got ${length}`);
  }
  for (let i = 0; i < width; i++) {
    const low = 2 * i < length ? digitAt(field, text, 2 * i) : 0xf;
    const high = 2 * i + 1 < length ? digitAt(field, text, 2 * i + 1) : 0xf;
    bytes[offset + i] = low | (high << 4);
  }
}

function digitAt(field: string, text: string, i: number): number {
  const d = text.charCodeAt(i) - 48;
  if (d < 0 || d > 9) throw new SimInputError("SIM_BAD_DIGITS", field, `"${text}" is not decimal digits`);
  return d;
}

/** The text of each BCD byte up to the first F nibble: "21" for 0x12, "3" for 0xF3, "" for 0xFF. */
const BCD_BYTE_TEXT: readonly string[] = Array.from({ length: 256 }, (_, byte) => {
  const low = byte & 0xf;
  const high = byte >>> 4;
  if (low > 9) return "";
  return high > 9 ? String(low) : `${low}${high}`;
});

function unpackDigits(bytes: Uint8Array, offset: number, width: number): string {
  let text = "";
  for (let i = offset; i < offset + width; i++) {
    const byte = bytes[i]!;
    text += BCD_BYTE_TEXT[byte]!;
    if (byte >= 0xa0 || (byte & 0xf) > 9) break;
  }
  return text;
}

function packState(card: SimCard): number {
  const pin1Tries = counter("pin1.triesLeft", card.pin1.triesLeft, PIN_MAX_TRIES);
  const pin2Tries = counter("pin2.triesLeft", card.pin2.triesLeft, PIN_MAX_TRIES);
  const puk1Tries = counter("puk1.triesLeft", card.puk1.triesLeft, PUK_MAX_TRIES);
  const puk2Tries = counter("puk2.triesLeft", card.puk2.triesLeft, PUK_MAX_TRIES);
  return (
    (pin1Tries |
      (pin2Tries << 2) |
      (puk1Tries << 4) |
      (puk2Tries << 8) |
      (card.pin1.enabled ? PIN1_ENABLED : 0) |
      (card.pin2.enabled ? PIN2_ENABLED : 0) |
      (card.pin1.verified ? PIN1_VERIFIED : 0) |
      (card.pin2.verified ? PIN2_VERIFIED : 0) |
      (card.mncLength === 3 ? MNC_OF_3 : 0)) >>>
    0
  );
}

function counter(field: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new SimInputError("SIM_BAD_LENGTH", field, `must be an integer 0..${max}, got ${value}`);
  }
  return value;
}

/** The non-zero SQN slots, each as slot * 2^48 + SQN. */
function encodeSqn(sqn: readonly number[]): number[] {
  if (sqn.length !== SQN_SLOTS) {
    throw new SimInputError("SIM_BAD_LENGTH", "sqn", `expected ${SQN_SLOTS} slots, got ${sqn.length}`);
  }
  const encoded: number[] = [];
  for (let slot = 0; slot < SQN_SLOTS; slot++) {
    const value = sqn[slot]!;
    if (!Number.isInteger(value) || value < 0 || value >= SLOT_FACTOR) {
      throw new SimInputError("SIM_BAD_LENGTH", "sqn", `slot ${slot}: ${value} is not a 48-bit SQN`);
    }
    if (value !== 0) encoded.push(slot * SLOT_FACTOR + value);
  }
  return encoded;
}

function decodeSqnSlot(encoded: number, sqn: number[]): void {
  const slot = Math.floor(encoded / SLOT_FACTOR);
  sqn[slot] = encoded - slot * SLOT_FACTOR;
}

function bufferView(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * A row handler for the batch readers (CsvBatchReader, readJsonBatch) that adds each row to
 * `store`. Rows are numbered from 1 starting at the store's current size; a repeated identity
 * is SIM_DUPLICATE naming both rows, like DuplicateGuard but without its per-identity maps.
 */
export function addingRowsTo(store: CompactCardStore): (row: BatchRow, rowNumber: number) => void {
  const base = store.size;
  return (row, rowNumber) => {
    const result = store.tryAdd(row.card, row.imei);
    if (typeof result === "number") return;
    const first =
      result.index >= base ? `repeats row ${result.index - base + 1}` : `is already card ${result.index}`;
    throw new SimInputError("SIM_DUPLICATE", `row ${rowNumber}`, `${result.column} ${result.value} ${first}`);
  };
}
