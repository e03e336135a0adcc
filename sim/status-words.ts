/**
 * Every status word (SW1 SW2) the emulated UICC answers, in one place.
 * Meanings follow ETSI TS 102 221 §10.2.1 (which reuses ISO/IEC 7816-4 coding).
 */
export const SW = {
  ok: 0x9000,
  /** Lc or Le inconsistent with the command, or the APDU is truncated. */
  wrongLength: 0x6700,
  /** CLA addresses a logical channel other than 0: channels are not emulated. */
  logicalChannelNotSupported: 0x6881,
  /** CLA announces secure messaging: not emulated. */
  secureMessagingNotSupported: 0x6882,
  /** READ BINARY on a record EF, READ RECORD on a transparent EF. */
  incompatibleFileStructure: 0x6981,
  /** The EF's access condition (PIN1) is not satisfied. */
  securityStatusNotSatisfied: 0x6982,
  /** The PIN (or the UNBLOCK PIN) is blocked. */
  pinBlocked: 0x6983,
  /** The command contradicts the PIN's enabled/disabled status (see apdu-pin.ts). */
  referencedDataInvalidated: 0x6984,
  /** The command is not allowed for this key at all (DISABLE of PIN2). */
  conditionsOfUseNotSatisfied: 0x6985,
  /** READ with no EF selected (nothing or a DF selected). */
  noEfSelected: 0x6986,
  /** The new PIN in CHANGE / UNBLOCK is not 4-8 digits padded with FF. */
  incorrectDataField: 0x6a80,
  fileNotFound: 0x6a82,
  recordNotFound: 0x6a83,
  incorrectP1P2: 0x6a86,
  /** Unknown key reference in P2 of a PIN command. */
  referencedDataNotFound: 0x6a88,
  /** READ BINARY offset outside the EF. */
  wrongP1P2: 0x6b00,
  insNotSupported: 0x6d00,
  claNotSupported: 0x6e00,
  /** AUTHENTICATE: MAC-A in AUTN is wrong (TS 31.102 §7.3). */
  authenticationMacFailure: 0x9862,
  /** AUTHENTICATE: the security context in P2 is not offered by this USIM (TS 31.102 §7.3). */
  securityContextNotSupported: 0x9864,
} as const;

export type FixedStatusWord = (typeof SW)[keyof typeof SW];

const FIXED_STATUS_WORDS: ReadonlySet<number> = new Set(Object.values(SW));

/**
 * '63CX': verification failed, X presentations left (TS 102 221 §11.1.9.1.1). Also the
 * answer to a VERIFY / UNBLOCK PIN without data (§11.1.9.1.2, §11.1.13.1.2).
 */
export function verificationFailed(triesLeft: number): number {
  return 0x63c0 | (triesLeft & 0x0f);
}

/** '6CXX': wrong Le, XX is the exact number of bytes available (TS 102 221 §10.2.1.1). */
export function wrongLe(exactLength: number): number {
  return 0x6c00 | (exactLength & 0xff);
}

/** True for every status word this emulator can answer, and for nothing else. */
export function isEmulatorStatusWord(sw: number): boolean {
  if (FIXED_STATUS_WORDS.has(sw)) return true;
  if ((sw & 0xfff0) === 0x63c0) return true;
  return (sw & 0xff00) === 0x6c00;
}

/** Four upper-case hex digits, e.g. "63C2". */
export function formatStatusWord(sw: number): string {
  return sw.toString(16).toUpperCase().padStart(4, "0");
}
