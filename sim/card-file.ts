/**
 * A SIM card stored as one pretty-printed JSON file (the SimCard object as is).
 * Loading validates every field and names the first bad one (SIM_BAD_CARD_FILE);
 * saving is atomic: write a temp file in the same directory, fsync, rename over the target.
 */
import { randomBytes } from "node:crypto";
import { open, readFile, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import {
  PIN_MAX_TRIES,
  type PinObject,
  PUK_MAX_TRIES,
  type SimCard,
  SQN_SLOTS,
  type UnblockKey,
} from "./card.js";
import { SimInputError } from "./errors.js";
import { isLuhnValid } from "./luhn.js";
import { isWellFormedPin, isWellFormedPuk } from "./pin.js";

/** SQN is 48 bits (TS 33.102 §6.3.2). */
const SQN_LIMIT = 2 ** 48;
const PRIVATE_FILE_MODE = 0o600;
const HEX_KEY = /^[0-9a-fA-F]{32}$/;
const CARD_FIELDS = [
  "iccid",
  "imsi",
  "mncLength",
  "msisdn",
  "k",
  "opc",
  "pin1",
  "pin2",
  "puk1",
  "puk2",
  "sqn",
];
const PIN_FIELDS = ["value", "enabled", "triesLeft", "verified"];
const PUK_FIELDS = ["value", "triesLeft"];

export async function loadCardFile(path: string): Promise<SimCard> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new SimInputError("SIM_BAD_CARD_FILE", path, `cannot read the card file (${errorCode(error)})`);
  }
  return parseCardJson(text, path);
}

/**
 * Writes the card atomically: a reader (or a crash) sees the old file or the new one, never a
 * half-written one. The file keeps its permissions; a new one is private (it holds K and OPc).
 */
export async function saveCardFile(path: string, card: SimCard): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  const mode = await existingMode(path);
  try {
    const handle = await open(temp, "wx", mode);
    try {
      await handle.chmod(mode);
      await handle.writeFile(serializeCard(card), "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

async function existingMode(path: string): Promise<number> {
  try {
    return (await stat(path)).mode & 0o777;
  } catch {
    return PRIVATE_FILE_MODE;
  }
}

export function serializeCard(card: SimCard): string {
  return `${JSON.stringify(card, null, 2)}\n`;
}

/** `source` names the file in the error when the text is not JSON at all. */
export function parseCardJson(text: string, source = "card file"): SimCard {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SimInputError("SIM_BAD_CARD_FILE", source, `not valid JSON (${reason})`);
  }
  return validateCard(value);
}

/** Checks an untrusted value field by field and returns a fresh SimCard. */
export function validateCard(value: unknown): SimCard {
  const record = objectField("card", value, CARD_FIELDS);
  const iccid = digitsField("iccid", record["iccid"], 19, 20);
  if (!isLuhnValid(iccid)) bad("iccid", "the Luhn check digit does not match");
  const mncLength = record["mncLength"];
  if (mncLength !== 2 && mncLength !== 3) bad("mncLength", "must be 2 or 3");
  const imsi = digitsField("imsi", record["imsi"], 3 + mncLength + 1, 15);
  return {
    iccid,
    imsi,
    mncLength,
    msisdn: digitsField("msisdn", record["msisdn"], 1, 15),
    k: hexKeyField("k", record["k"]),
    opc: hexKeyField("opc", record["opc"]),
    pin1: pinField("pin1", record["pin1"]),
    pin2: pin2Field(record["pin2"]),
    puk1: pukField("puk1", record["puk1"]),
    puk2: pukField("puk2", record["puk2"]),
    sqn: sqnField(record["sqn"]),
  };
}

function pinField(field: string, value: unknown): PinObject {
  const record = objectField(field, value, PIN_FIELDS);
  const pin = stringField(`${field}.value`, record["value"]);
  if (!isWellFormedPin(pin)) bad(`${field}.value`, "must be 4 to 8 digits");
  return {
    value: pin,
    enabled: booleanField(`${field}.enabled`, record["enabled"]),
    triesLeft: counterField(`${field}.triesLeft`, record["triesLeft"], PIN_MAX_TRIES),
    verified: booleanField(`${field}.verified`, record["verified"]),
  };
}

/** PIN2 has no disable function, so a stored PIN2 is always enabled. */
function pin2Field(value: unknown): PinObject {
  const pin2 = pinField("pin2", value);
  if (!pin2.enabled) bad("pin2.enabled", "PIN2 cannot be disabled");
  return pin2;
}

function pukField(field: string, value: unknown): UnblockKey {
  const record = objectField(field, value, PUK_FIELDS);
  const puk = stringField(`${field}.value`, record["value"]);
  if (!isWellFormedPuk(puk)) bad(`${field}.value`, "must be exactly 8 digits");
  return { value: puk, triesLeft: counterField(`${field}.triesLeft`, record["triesLeft"], PUK_MAX_TRIES) };
}

function sqnField(value: unknown): number[] {
  if (!Array.isArray(value)) bad("sqn", `must be an array of ${SQN_SLOTS} numbers`);
  if (value.length !== SQN_SLOTS) bad("sqn", `must hold ${SQN_SLOTS} numbers, has ${value.length}`);
  return value.map((slot: unknown, index) => {
    if (typeof slot !== "number" || !Number.isSafeInteger(slot) || slot < 0 || slot >= SQN_LIMIT) {
      bad(`sqn[${index}]`, "must be an integer from 0 to 2^48 - 1");
    }
    return slot;
  });
}

function objectField(field: string, value: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) bad(field, "must be an object");
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) bad(field === "card" ? key : `${field}.${key}`, "is not a card field");
  }
  for (const key of allowed) {
    if (!(key in record)) bad(field === "card" ? key : `${field}.${key}`, "is missing");
  }
  return record;
}

function stringField(field: string, value: unknown): string {
  if (typeof value !== "string") bad(field, "must be a string");
  return value;
}

function digitsField(field: string, value: unknown, minLength: number, maxLength: number): string {
  const text = stringField(field, value);
  if (!/^[0-9]*$/.test(text)) bad(field, "must be decimal digits");
  if (text.length < minLength || text.length > maxLength) {
    const range = minLength === maxLength ? `${minLength}` : `${minLength} to ${maxLength}`;
    bad(field, `must be ${range} digits, has ${text.length}`);
  }
  return text;
}

function hexKeyField(field: string, value: unknown): string {
  const text = stringField(field, value);
  if (!HEX_KEY.test(text)) bad(field, "must be 16 bytes as 32 hex digits");
  return text.toLowerCase();
}

function booleanField(field: string, value: unknown): boolean {
  if (typeof value !== "boolean") bad(field, "must be true or false");
  return value;
}

function counterField(field: string, value: unknown, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > max) {
    bad(field, `must be an integer from 0 to ${max}`);
  }
  return value;
}

function bad(field: string, message: string): never {
  throw new SimInputError("SIM_BAD_CARD_FILE", field, message);
}

function errorCode(error: unknown): string {
  if (typeof error === "object" && error !== null && "code" in error) return String(error.code);
  return error instanceof Error ? error.message : String(error);
}
