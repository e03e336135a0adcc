/**
 * AUTHENTICATE (INS '88') on the USIM, TS 31.102 §7.1.2, in the 3G security context: the card
 * side of AKA at APDU level. The AKA rules themselves are in aka-usim.ts; this file decodes the
 * command, checks the access condition and encodes the answer.
 *
 * Command: CLA '00', P1 '00', P2 '81' (3G context), data = L RAND ‖ RAND ‖ L AUTN ‖ AUTN with
 * both lengths 16 (Lc = 34); Le ('00') may be present and is ignored: the answer is always sent
 * whole, as a terminal sees it after GET RESPONSE.
 *
 * Answers (in the order they are checked):
 * - P1 not '00': 6A86.
 * - P2 '80' (GSM context): 9864 "security context not supported". This USIM does not offer
 *   service n°27 "GSM Access" in its UST, so there is no GSM context; 9864 says "a context this
 *   card does not run" where 6A86 would say "a malformed P2". Every other P2 (including the
 *   VGCS/VBS, GBA and MBMS contexts, which are not emulated) is 6A86.
 * - Data absent, Lc other than 34, or an L byte other than 16: 6700, nothing else looked at.
 * - PIN1 neither verified nor disabled (or blocked): 6982; the card never runs AKA for a
 *   terminal that has not passed the PIN.
 * - Success: 9000 with 'DB' L RES ‖ L CK ‖ L IK. Kc is not appended: TS 31.102 §7.1.2.1 adds
 *   it only when service n°27 is available, which (see above) it is not here.
 * - Synchronisation failure (SQN replayed or beyond the wrap limit): 9000 with 'DC' L AUTS; the
 *   SW is 9000 because the card did its job, AUTS is the answer (TS 31.102 §7.1.2.1).
 * - MAC failure: 9862, no data. MAC failure wins over any SQN problem (TS 33.102 §6.3.3).
 * - The card's stored K / OPc / SQN array unusable (a card object that bypassed card-file
 *   validation): 6985 "conditions of use not satisfied", the card refusing because of its own
 *   state. 6F00 "technical problem" would fit too, but the emulator keeps 6F00 out of its set
 *   (test/sim/apdu-encodings.test.ts), and 9862 would wrongly blame the network's AUTN.
 * The SQN array changes only on success (aka-usim.ts); the card object passed in is never
 * mutated, the new SQN array goes into a new card.
 *
 * The USIM ADF is not required to be selected first: the file model of apdu-files.ts is flat.
 * The AMF separation bit is an ME check (TS 33.401 §6.1.1), so the card does not apply it.
 */

import { AUTN_BYTES } from "./aka-tokens.js";
import { usimAuthenticate, usimMilenage } from "./aka-usim.js";
import { type CommandApdu, incomingData } from "./apdu-command.js";
import type { SimCard } from "./card.js";
import { SimInputError } from "./errors.js";
import { RAND_BYTES } from "./milenage.js";
import { isPinSatisfied } from "./pin.js";
import { SW } from "./status-words.js";

export const INS_AUTHENTICATE = 0x88;
/** P2 b8 = 1 (application-specific reference data), b3-b1 = the security context. */
export const P2_GSM_CONTEXT = 0x80;
export const P2_3G_CONTEXT = 0x81;
/** First byte of the response data: authentication done / synchronisation failure. */
export const TAG_SUCCESSFUL = 0xdb;
export const TAG_SYNC_FAILURE = 0xdc;

const DATA_LENGTH = 1 + RAND_BYTES + 1 + AUTN_BYTES;
const NO_DATA = new Uint8Array(0);

export interface AuthenticateAnswer {
  readonly card: SimCard;
  readonly data: Uint8Array;
  readonly sw: number;
}

export function processAuthenticate(card: SimCard, command: CommandApdu): AuthenticateAnswer {
  const fail = (sw: number): AuthenticateAnswer => ({ card, data: NO_DATA, sw });
  if (command.p1 !== 0x00) return fail(SW.incorrectP1P2);
  if (command.p2 === P2_GSM_CONTEXT) return fail(SW.securityContextNotSupported);
  if (command.p2 !== P2_3G_CONTEXT) return fail(SW.incorrectP1P2);
  const challenge = parseChallenge(incomingData(command.body));
  if (challenge === undefined) return fail(SW.wrongLength);
  if (!isPinSatisfied(card.pin1)) return fail(SW.securityStatusNotSatisfied);
  return runAka(card, challenge.rand, challenge.autn);
}

function runAka(card: SimCard, rand: Uint8Array, autn: Uint8Array): AuthenticateAnswer {
  const sqn = [...card.sqn];
  let result: ReturnType<typeof usimAuthenticate>;
  try {
    result = usimAuthenticate(usimMilenage(card), sqn, rand, autn);
  } catch (error) {
    // Only a card object that bypassed card-file validation gets here; stay total (apdu.ts).
    if (error instanceof SimInputError) return { card, data: NO_DATA, sw: SW.conditionsOfUseNotSatisfied };
    throw error;
  }
  switch (result.kind) {
    case "success":
      return {
        card: { ...card, sqn },
        data: encodeTagged(TAG_SUCCESSFUL, [result.res, result.ck, result.ik]),
        sw: SW.ok,
      };
    case "sync-failure":
      return { card, data: encodeTagged(TAG_SYNC_FAILURE, [result.auts]), sw: SW.ok };
    case "mac-failure":
    case "separation-bit-failure": // not requested above, so never produced
      return { card, data: NO_DATA, sw: SW.authenticationMacFailure };
  }
}

/** RAND and AUTN from L ‖ RAND ‖ L ‖ AUTN, or undefined when any length is off. */
function parseChallenge(data: Uint8Array | undefined): { rand: Uint8Array; autn: Uint8Array } | undefined {
  if (data === undefined || data.length !== DATA_LENGTH) return undefined;
  if (data[0] !== RAND_BYTES || data[1 + RAND_BYTES] !== AUTN_BYTES) return undefined;
  return { rand: data.slice(1, 1 + RAND_BYTES), autn: data.slice(2 + RAND_BYTES) };
}

function encodeTagged(tag: number, values: readonly Uint8Array[]): Uint8Array {
  const bytes = [tag];
  for (const value of values) bytes.push(value.length, ...value);
  return Uint8Array.from(bytes);
}

// ---- The terminal's side: building the command and reading the answer ----

/** AUTHENTICATE in the 3G context for RAND and AUTN (16 bytes each), with Le = '00'. */
export function encodeAuthenticateCommand(rand: Uint8Array, autn: Uint8Array): Uint8Array {
  if (rand.length !== RAND_BYTES || autn.length !== AUTN_BYTES) {
    throw new SimInputError("SIM_BAD_LENGTH", "rand/autn", `expected ${RAND_BYTES} bytes each`);
  }
  return Uint8Array.from([
    0x00,
    INS_AUTHENTICATE,
    0x00,
    P2_3G_CONTEXT,
    DATA_LENGTH,
    RAND_BYTES,
    ...rand,
    AUTN_BYTES,
    ...autn,
    0x00,
  ]);
}

export type AuthenticateResponse =
  | {
      readonly kind: "successful";
      readonly res: Uint8Array;
      readonly ck: Uint8Array;
      readonly ik: Uint8Array;
    }
  | { readonly kind: "sync-failure"; readonly auts: Uint8Array };

/** Reads the response data of a 9000 AUTHENTICATE; undefined when it is not well formed. */
export function decodeAuthenticateResponse(data: Uint8Array): AuthenticateResponse | undefined {
  const values = splitLengthValues(data.subarray(1));
  if (values === undefined) return undefined;
  if (data[0] === TAG_SYNC_FAILURE && values.length === 1) return { kind: "sync-failure", auts: values[0]! };
  // A fourth value would be Kc (GSM access available); it is not needed by the 3G context.
  if (data[0] === TAG_SUCCESSFUL && (values.length === 3 || values.length === 4)) {
    return { kind: "successful", res: values[0]!, ck: values[1]!, ik: values[2]! };
  }
  return undefined;
}

function splitLengthValues(bytes: Uint8Array): Uint8Array[] | undefined {
  const values: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    const length = bytes[at]!;
    if (at + 1 + length > bytes.length) return undefined;
    values.push(bytes.slice(at + 1, at + 1 + length));
    at += 1 + length;
  }
  return values;
}
