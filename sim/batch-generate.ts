/**
 * Batch generation of SIM profiles, each with the IMEI of the handset it is issued with.
 *
 * Deterministic: the same options (seed included) give the same rows, and row i does not
 * depend on how many rows are generated nor on `startIndex`, so a batch can be produced in
 * slices. Identities are unique within the batch (and across slices of one seed):
 * - ICCID serial, MSIN and IMEI (TAC block + SNR) count up from seeded starting points,
 *   wrapping around inside their number space;
 * - MSISDNs are a seeded affine permutation of the 4 x 10^7 Belarusian mobile numbers
 *   (o -> a*o + b mod N with gcd(a, N) = 1), so they look scattered yet never repeat.
 * K, OPc, PINs and PUKs come from the seeded PRNG, one sub-stream per row.
 *
 * OPc is drawn at random per card: generated cards do not model an operator-wide OP (the
 * network side only ever needs OPc, TS 35.206 §4.1).
 */
import { PIN_MAX_TRIES, PUK_MAX_TRIES, type SimCard, SQN_SLOTS } from "./card.js";
import { SimInputError } from "./errors.js";
import { type IccidLayout, iccidPrefix, iccidSerialDigits } from "./iccid.js";
import { padDigits, requireDigits } from "./identity.js";
import { makeImei, SERIALS_PER_TAC, TAC_LENGTH } from "./imei.js";
import { A1_BELARUS_MNC, BELARUS_MCC, msinDigits, type Plmn, validatePlmn } from "./imsi.js";
import { appendLuhn } from "./luhn.js";
import { BELARUS_MOBILE_CODES, makeMsisdn, SUBSCRIBERS_PER_CODE } from "./msisdn.js";
import { type Seed, SeededRandom } from "./random.js";

/** One issued SIM and the handset it goes into. */
export interface BatchRow {
  card: SimCard;
  imei: string;
}

export interface BatchOptions {
  count: number;
  seed: Seed;
  /** Default 257 (Belarus). */
  mcc?: string;
  /** Default 01 (A1 Belarus); 2 or 3 digits. */
  mnc?: string;
  /** PIN/PUK of the 3GPP default test UICC instead of random ones. */
  testCard?: boolean;
  /** Ordinal of the first row (default 0), for generating a batch in slices. */
  startIndex?: number;
  iccid?: IccidLayout;
  /** MSISDN network codes to draw from; a subset of 25, 29, 33, 44 (default all four). */
  networkCodes?: readonly string[];
  /** First TAC of the IMEI block (8 digits); IMEIs use TACs tac .. tac+99. */
  tac?: string;
}

/**
 * Default PIN/PUK values of the 3GPP test UICC (TS 31.127 §4.5.1, after TS 31.121 §4.1.1).
 */
export const TEST_CARD_CODES = { pin1: "0000", puk1: "11111111", pin2: "9999", puk2: "22222222" } as const;

/** A made-up TAC block (not a real handset model's); pass `tac` for a real one. */
export const DEFAULT_TAC = "35000000";
/** TACs used by one batch: `tac` .. `tac` + 99, each with 10^6 serial numbers. */
export const TACS_PER_BATCH = 100;

/** Everything a row needs, derived once per batch from the options and the seed. */
export interface BatchPlan {
  readonly plmn: Plmn;
  readonly testCard: boolean;
  readonly maxCount: number;
  /** Seeded by the batch seed; its sub-stream `ordinal` gives the row's keys and codes. */
  readonly rowRandom: SeededRandom;
  readonly iccidPrefix: string;
  readonly iccidSerialWidth: number;
  readonly iccidSerialStart: number;
  readonly iccidSerialSpace: number;
  readonly msinWidth: number;
  readonly msinStart: number;
  readonly msinSpace: number;
  readonly networkCodes: readonly string[];
  readonly msisdnMultiplier: number;
  readonly msisdnOffset: number;
  readonly msisdnSpace: number;
  readonly tacBase: number;
  readonly imeiStart: number;
  readonly imeiSpace: number;
}

/** Validates the options (except count) and draws the batch-wide starting points from the seed. */
export function planBatch(options: Omit<BatchOptions, "count">): BatchPlan {
  const plmn = validatePlmn(options.mcc ?? BELARUS_MCC, options.mnc ?? A1_BELARUS_MNC);
  const networkCodes = validateNetworkCodes(options.networkCodes ?? BELARUS_MOBILE_CODES);
  const tacBase = Number(requireDigits("tac", options.tac ?? DEFAULT_TAC, TAC_LENGTH));
  if (tacBase + TACS_PER_BATCH > 10 ** TAC_LENGTH) {
    throw new SimInputError("SIM_BAD_PREFIX", "tac", `tac must leave room for ${TACS_PER_BATCH} TACs`);
  }
  const iccidLayout = options.iccid ?? {};
  const iccidSerialWidth = iccidSerialDigits(iccidLayout);
  const iccidSerialSpace = 10 ** iccidSerialWidth;
  const msinWidth = msinDigits(plmn);
  const msinSpace = 10 ** msinWidth;
  const msisdnSpace = networkCodes.length * SUBSCRIBERS_PER_CODE;
  const imeiSpace = TACS_PER_BATCH * SERIALS_PER_TAC;

  const random = SeededRandom.from(options.seed);
  let msisdnMultiplier = 1 + random.nextInt(msisdnSpace - 1);
  while (gcd(msisdnMultiplier, msisdnSpace) !== 1) msisdnMultiplier = 1 + random.nextInt(msisdnSpace - 1);
  return {
    plmn,
    testCard: options.testCard ?? false,
    maxCount: Math.min(iccidSerialSpace, msinSpace, msisdnSpace, imeiSpace),
    rowRandom: random,
    iccidPrefix: iccidPrefix(iccidLayout),
    iccidSerialWidth,
    iccidSerialStart: random.nextInt(iccidSerialSpace),
    iccidSerialSpace,
    msinWidth,
    msinStart: random.nextInt(msinSpace),
    msinSpace,
    networkCodes,
    msisdnMultiplier,
    msisdnOffset: random.nextInt(msisdnSpace),
    msisdnSpace,
    tacBase,
    imeiStart: random.nextInt(imeiSpace),
    imeiSpace,
  };
}

/** The largest batch the options allow (bounded by the MSISDN space: 10^7 per network code). */
export function maxBatchCount(options: Omit<BatchOptions, "count" | "seed"> = {}): number {
  return planBatch({ ...options, seed: 0 }).maxCount;
}

/** Row `ordinal` of the planned batch. */
export function generateRow(plan: BatchPlan, ordinal: number): BatchRow {
  const random = plan.rowRandom.stream(ordinal);
  const keys = random.fillBytes(keyScratch);
  const k = keys.toString("hex", 0, 16);
  const opc = keys.toString("hex", 16, 32);
  const pin1 = random.digits(4);
  const pin2 = random.digits(4);
  const puk1 = random.digits(8);
  const puk2 = random.digits(8);
  const codes = plan.testCard ? TEST_CARD_CODES : { pin1, pin2, puk1, puk2 };

  const iccidSerial = (plan.iccidSerialStart + ordinal) % plan.iccidSerialSpace;
  const msin = (plan.msinStart + ordinal) % plan.msinSpace;
  // Products stay below 2^53 because the MSISDN space is at most 4 * 10^7.
  const msisdnOrdinal = (plan.msisdnMultiplier * ordinal + plan.msisdnOffset) % plan.msisdnSpace;
  const networkCode = plan.networkCodes[Math.floor(msisdnOrdinal / SUBSCRIBERS_PER_CODE)] ?? "";
  const imeiOrdinal = (plan.imeiStart + ordinal) % plan.imeiSpace;
  const tac = String(plan.tacBase + Math.floor(imeiOrdinal / SERIALS_PER_TAC)).padStart(TAC_LENGTH, "0");

  const card: SimCard = {
    iccid: appendLuhn(plan.iccidPrefix + padDigits(iccidSerial, plan.iccidSerialWidth)),
    imsi: plan.plmn.mcc + plan.plmn.mnc + padDigits(msin, plan.msinWidth),
    mncLength: plan.plmn.mnc.length === 3 ? 3 : 2,
    msisdn: makeMsisdn(networkCode, msisdnOrdinal % SUBSCRIBERS_PER_CODE),
    k,
    opc,
    pin1: { value: codes.pin1, enabled: true, triesLeft: PIN_MAX_TRIES, verified: false },
    pin2: { value: codes.pin2, enabled: true, triesLeft: PIN_MAX_TRIES, verified: false },
    puk1: { value: codes.puk1, triesLeft: PUK_MAX_TRIES },
    puk2: { value: codes.puk2, triesLeft: PUK_MAX_TRIES },
    sqn: new Array<number>(SQN_SLOTS).fill(0),
  };
  return { card, imei: makeImei(tac, imeiOrdinal % SERIALS_PER_TAC) };
}

/** Rows startIndex .. startIndex+count-1, produced lazily (a million rows need not be in memory). */
export function* generateRows(options: BatchOptions): Generator<BatchRow, void, undefined> {
  const plan = planBatch(options);
  const start = options.startIndex ?? 0;
  checkCount(options.count, start, plan.maxCount);
  for (let ordinal = start; ordinal < start + options.count; ordinal++) yield generateRow(plan, ordinal);
}

/** The whole batch as an array. */
export function generateBatch(options: BatchOptions): BatchRow[] {
  return Array.from(generateRows(options));
}

function checkCount(count: number, start: number, maxCount: number): void {
  if (!Number.isSafeInteger(count) || count < 1)
    throw new RangeError(`count must be a positive integer, got ${count}`);
  if (!Number.isSafeInteger(start) || start < 0)
    throw new RangeError(`startIndex must be >= 0, got ${start}`);
  if (start + count > maxCount) {
    throw new RangeError(
      `startIndex + count must be at most ${maxCount} (unique identities), got ${start + count}`,
    );
  }
}

function validateNetworkCodes(codes: readonly string[]): string[] {
  const unique = [...new Set(codes)];
  if (unique.length === 0) throw new SimInputError("SIM_BAD_PREFIX", "networkCodes", "no network code given");
  for (const code of unique) {
    if (!BELARUS_MOBILE_CODES.includes(code)) {
      throw new SimInputError(
        "SIM_BAD_PREFIX",
        "networkCodes",
        `${code} is not a mobile code (${BELARUS_MOBILE_CODES.join(", ")})`,
      );
    }
  }
  return unique;
}

function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

const keyScratch = Buffer.alloc(32);
