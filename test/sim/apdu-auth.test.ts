import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AuthVector,
  generateAuthVector,
  type RandomBytes,
  resynchronise,
} from "../../sim/aka-network.js";
import { usimMilenage } from "../../sim/aka-usim.js";
import { CardSession, powerOn, processApdu } from "../../sim/apdu.js";
import {
  decodeAuthenticateResponse,
  encodeAuthenticateCommand,
  TAG_SUCCESSFUL,
  TAG_SYNC_FAILURE,
} from "../../sim/apdu-auth.js";
import { encodePinBlock } from "../../sim/apdu-pin.js";
import type { SimCard } from "../../sim/card.js";
import { toHex } from "../../sim/hex.js";
import { indOf, makeSqn, nextNetworkSqn, seqOf, sqnFromBytes } from "../../sim/sqn.js";
import { formatStatusWord, isEmulatorStatusWord } from "../../sim/status-words.js";
import { hex, makeTestCard } from "./fixtures.js";

const AMF = Uint8Array.of(0x80, 0x00);
const VERIFY_PIN1 = Uint8Array.from([0x00, 0x20, 0x00, 0x01, 0x08, ...encodePinBlock("0000")]);
const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((part) => [...part]));

/** A counter-based RAND source: the same RANDs on every run. */
function countingRandom(): RandomBytes {
  let counter = 0;
  return (length) => {
    counter += 1;
    return Uint8Array.from({ length }, (_, i) => (counter * 31 + i * 7) & 0xff);
  };
}

/** The AuC's record for the fixture card, kept the way aka-network.ts asks its caller to. */
function auc(card: SimCard) {
  const milenage = usimMilenage(card);
  const randomBytes = countingRandom();
  const subscriber = { sqn: 0 };
  return {
    milenage,
    subscriber,
    nextVector(): AuthVector {
      subscriber.sqn = nextNetworkSqn(subscriber.sqn);
      return generateAuthVector(milenage, subscriber.sqn, AMF, randomBytes);
    },
  };
}

/** A session on the fixture card with PIN1 verified. */
function unlocked(card: SimCard = makeTestCard()): CardSession {
  const session = new CardSession(card);
  expect(formatStatusWord(session.transmit(VERIFY_PIN1).sw)).toBe("9000");
  return session;
}

function authenticate(session: CardSession, vector: { rand: Uint8Array; autn: Uint8Array }) {
  const response = session.transmit(encodeAuthenticateCommand(vector.rand, vector.autn));
  return { sw: formatStatusWord(response.sw), data: response.data };
}

describe("AUTHENTICATE, 3G context: success", () => {
  it("answers DB 08 RES 10 CK 10 IK with 9000; values are Milenage f2/f3/f4 and the vector's", () => {
    const card = makeTestCard();
    const network = auc(card);
    const vector = network.nextVector();
    const session = unlocked(card);
    const { sw, data } = authenticate(session, vector);
    expect(sw).toBe("9000");
    expect(data.length).toBe(1 + 1 + 8 + 1 + 16 + 1 + 16);
    const challenge = network.milenage.challenge(vector.rand);
    const expected = `db08${toHex(challenge.f2())}10${toHex(challenge.f3())}10${toHex(challenge.f4())}`;
    expect(toHex(data)).toBe(expected);
    expect(decodeAuthenticateResponse(data)).toEqual({
      kind: "successful",
      res: vector.xres,
      ck: vector.ck,
      ik: vector.ik,
    });
    expect(session.card.sqn[indOf(vector.sqn)]).toBe(vector.sqn);
  });

  it("TS 35.208 test set 1 (RAND 23553cbe..., SQN ff9bb4d0b607, AMF b9b9): the golden RES/CK/IK", () => {
    const rand = hex("23553cbe9637a89d218ae64dae47bf35");
    // AUTN = (SQN xor AK) || AMF || MAC-A = (ff9bb4d0b607 xor aa689c648370) || b9b9 || f1.
    const autn = hex("55f328b43577 b9b9 4a9ffac354dfafb3");
    const sqn = sqnFromBytes(hex("ff9bb4d0b607"));
    // A card that has seen SEQs up to just below the test set's, so the SQN is fresh.
    const card = { ...makeTestCard(), sqn: makeTestCard().sqn.map((_, ind) => makeSqn(seqOf(sqn) - 1, ind)) };
    const session = unlocked(card);
    const { sw, data } = authenticate(session, { rand, autn });
    expect(sw).toBe("9000");
    expect(toHex(data)).toBe(
      "db08a54211d5e3ba50bf10b40ba9a3c58b2a05bbf0d987b21bf8cb10f769bcd751044604127672711c6d3441",
    );
    expect(session.card.sqn[indOf(sqn)]).toBe(sqn);
    // On a fresh card (SEQ_MS 0) the same SQN is far beyond the wrap limit: AUTS instead.
    expect(authenticate(unlocked(), { rand, autn }).data[0]).toBe(TAG_SYNC_FAILURE);
  });

  it("accepts the command without Le (case 3) and with PIN1 disabled", () => {
    const card = makeTestCard();
    const vector = auc(card).nextVector();
    const session = new CardSession({ ...card, pin1: { ...card.pin1, enabled: false } });
    const apdu = encodeAuthenticateCommand(vector.rand, vector.autn).subarray(0, -1);
    const response = session.transmit(apdu);
    expect(formatStatusWord(response.sw)).toBe("9000");
    expect(response.data[0]).toBe(TAG_SUCCESSFUL);
  });

  it("leaves the state it was given alone (processApdu is pure)", () => {
    const card = makeTestCard();
    const vector = auc(card).nextVector();
    const state = powerOn({ ...card, pin1: { ...card.pin1, enabled: false } });
    const before = [...state.card.sqn];
    const exchange = processApdu(state, encodeAuthenticateCommand(vector.rand, vector.autn));
    expect(exchange.response.sw).toBe(0x9000);
    expect(state.card.sqn).toEqual(before);
    expect(exchange.state.card.sqn).not.toEqual(before);
  });
});

describe("AUTHENTICATE, 3G context: synchronisation failure", () => {
  it("a replayed vector gets DC 0E AUTS with 9000; the AuC accepts AUTS and its next vector works", () => {
    const card = makeTestCard();
    const network = auc(card);
    const vector = network.nextVector();
    const session = unlocked(card);
    expect(authenticate(session, vector).sw).toBe("9000");
    const sqnAfterSuccess = [...session.card.sqn];

    const replay = authenticate(session, vector);
    expect(replay.sw).toBe("9000");
    expect(replay.data[0]).toBe(TAG_SYNC_FAILURE);
    expect(replay.data[1]).toBe(14);
    expect(replay.data.length).toBe(16);
    expect(session.card.sqn).toEqual(sqnAfterSuccess);

    const decoded = decodeAuthenticateResponse(replay.data);
    expect(decoded?.kind).toBe("sync-failure");
    if (decoded?.kind !== "sync-failure") return;
    const resync = resynchronise(network.milenage, vector.rand, decoded.auts, network.subscriber.sqn);
    expect(resync).toMatchObject({ kind: "resynchronised", sqnMs: vector.sqn });
    if (resync.kind !== "resynchronised") return;
    network.subscriber.sqn = resync.sqn;
    const next = authenticate(session, network.nextVector());
    expect(next.sw).toBe("9000");
    expect(next.data[0]).toBe(TAG_SUCCESSFUL);
  });

  it("an AuC that fell behind the card (restored SQN) is resynchronised through AUTS", () => {
    const card = makeTestCard();
    // The card has already accepted SEQ 500 in every slot; the AuC restarts from SQN 0.
    const session = unlocked({ ...card, sqn: card.sqn.map((_, ind) => makeSqn(500, ind)) });
    const network = auc(card);
    const stale = network.nextVector();
    const answer = authenticate(session, stale);
    expect(answer.sw).toBe("9000");
    const decoded = decodeAuthenticateResponse(answer.data);
    if (decoded?.kind !== "sync-failure") throw new Error(`expected AUTS, got ${toHex(answer.data)}`);
    const resync = resynchronise(network.milenage, stale.rand, decoded.auts, network.subscriber.sqn);
    expect(resync).toEqual({ kind: "resynchronised", sqnMs: makeSqn(500, 31), sqn: makeSqn(500, 31) });
    if (resync.kind !== "resynchronised") return;
    network.subscriber.sqn = resync.sqn;
    const fresh = network.nextVector();
    expect(authenticate(session, fresh).sw).toBe("9000");
    expect(session.card.sqn[indOf(fresh.sqn)]).toBe(fresh.sqn);
  });
});

describe("AUTHENTICATE: refusals", () => {
  it("a wrong MAC is 9862 with no data, and costs nothing", () => {
    const card = makeTestCard();
    const vector = auc(card).nextVector();
    const tampered = vector.autn.slice();
    tampered[15]! ^= 0x01;
    const session = unlocked(card);
    const answer = authenticate(session, { rand: vector.rand, autn: tampered });
    expect(answer).toEqual({ sw: "9862", data: new Uint8Array(0) });
    expect(session.card.sqn).toEqual(card.sqn);
    expect(authenticate(session, vector).sw).toBe("9000");
  });

  it("a vector for another subscriber's K is 9862", () => {
    const other = { ...makeTestCard(), k: "000102030405060708090a0b0c0d0e0f" };
    const vector = auc(other).nextVector();
    expect(authenticate(unlocked(), vector).sw).toBe("9862");
  });

  it("PIN1 not verified is 6982; the same vector works once the PIN is verified", () => {
    const card = makeTestCard();
    const vector = auc(card).nextVector();
    const session = new CardSession(card);
    expect(authenticate(session, vector)).toEqual({ sw: "6982", data: new Uint8Array(0) });
    expect(session.card.sqn).toEqual(card.sqn);
    session.transmit(VERIFY_PIN1);
    expect(authenticate(session, vector).sw).toBe("9000");
  });

  it("a blocked PIN1 is 6982, even when disabled", () => {
    const card = makeTestCard();
    const vector = auc(card).nextVector();
    const blocked = new CardSession({ ...card, pin1: { ...card.pin1, enabled: false, triesLeft: 0 } });
    expect(authenticate(blocked, vector).sw).toBe("6982");
  });

  const L16 = "10";
  const RAND = "00".repeat(16);
  const AUTN = "11".repeat(16);
  it.each([
    ["no data (case 1)", "00880081"],
    ["P3 announces data that is missing", "0088008122"],
    ["P3 = 00", "0088008100"],
    ["AUTN one byte short", `008800812110${RAND}0F${AUTN.slice(2)}`],
    ["one byte too many", `008800812310${RAND}${L16}${AUTN}AA00`],
    ["L RAND = 0F with Lc 34", `00880081220F${RAND}${L16}${AUTN}`],
    ["L AUTN = 11 with Lc 34", `008800812210${RAND}11${AUTN}`],
    ["RAND only", `008800811110${RAND}`],
  ])("%s: 6700", (_name, apdu) => {
    const session = unlocked();
    const response = session.transmit(hex(apdu));
    expect(formatStatusWord(response.sw)).toBe("6700");
    expect(response.data.length).toBe(0);
  });

  it("checks lengths before the PIN: a malformed command on a locked card is 6700", () => {
    expect(formatStatusWord(new CardSession(makeTestCard()).transmit(hex("00880081")).sw)).toBe("6700");
  });

  it("GSM context (P2 80) is 9864, whatever the PIN state and data", () => {
    const card = makeTestCard();
    const vector = auc(card).nextVector();
    const gsm = encodeAuthenticateCommand(vector.rand, vector.autn);
    gsm[3] = 0x80;
    expect(formatStatusWord(new CardSession(card).transmit(gsm).sw)).toBe("9864");
    expect(formatStatusWord(unlocked(card).transmit(gsm).sw)).toBe("9864");
    expect(formatStatusWord(unlocked(card).transmit(hex("008800800411223344")).sw)).toBe("9864");
  });

  it.each([
    ["P2 00", 0x00, 0x00],
    ["P2 01", 0x00, 0x01],
    ["P2 82 (VGCS/VBS context)", 0x00, 0x82],
    ["P2 84 (GBA context)", 0x00, 0x84],
    ["P1 01", 0x01, 0x81],
  ])("%s: 6A86", (_name, p1, p2) => {
    const card = makeTestCard();
    const vector = auc(card).nextVector();
    const apdu = encodeAuthenticateCommand(vector.rand, vector.autn);
    apdu[2] = p1;
    apdu[3] = p2;
    expect(formatStatusWord(unlocked(card).transmit(apdu).sw)).toBe("6A86");
  });

  it("a card object with an unusable K or SQN array is 6985, not an exception", () => {
    const card = { ...makeTestCard(), k: "not hex", pin1: { ...makeTestCard().pin1, enabled: false } };
    const vector = auc(makeTestCard()).nextVector();
    expect(authenticate(new CardSession(card), vector)).toEqual({ sw: "6985", data: new Uint8Array(0) });
    const shortSqn = { ...card, k: makeTestCard().k, sqn: [0, 0] };
    expect(authenticate(new CardSession(shortSqn), vector).sw).toBe("6985");
  });

  it("CLA A0 (GSM SIM class) is 6E00", () => {
    const card = makeTestCard();
    const vector = auc(card).nextVector();
    const apdu = encodeAuthenticateCommand(vector.rand, vector.autn);
    apdu[0] = 0xa0;
    expect(formatStatusWord(unlocked(card).transmit(apdu).sw)).toBe("6E00");
  });
});

describe("AUTHENTICATE: properties", () => {
  it("a random AUTN is a MAC failure and leaves the card untouched", () => {
    const card = makeTestCard();
    const state = powerOn({ ...card, pin1: { ...card.pin1, enabled: false } });
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        (rand, autn) => {
          const exchange = processApdu(state, encodeAuthenticateCommand(rand, autn));
          expect(exchange.response.sw).toBe(0x9862);
          expect(exchange.state.card).toEqual(state.card);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("any data after an AUTHENTICATE header: never throws, always an emulator status word", () => {
    const state = powerOn(makeTestCard());
    const verified = processApdu(state, VERIFY_PIN1).state;
    fc.assert(
      fc.property(
        fc.constantFrom(state, verified),
        fc.uint8Array({ maxLength: 3 }),
        fc.uint8Array({ maxLength: 40 }),
        (session, p1p2p3, rest) => {
          const apdu = concat(Uint8Array.of(0x00, 0x88), p1p2p3, rest);
          const { response } = processApdu(session, apdu);
          expect(isEmulatorStatusWord(response.sw)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("AUTHENTICATE codec for the terminal side", () => {
  it("encodes 00 88 00 81 22 10 RAND 10 AUTN 00", () => {
    const apdu = encodeAuthenticateCommand(new Uint8Array(16).fill(0xaa), new Uint8Array(16).fill(0xbb));
    expect(toHex(apdu)).toBe(`0088008122${"10"}${"aa".repeat(16)}${"10"}${"bb".repeat(16)}00`);
    expect(() => encodeAuthenticateCommand(new Uint8Array(15), new Uint8Array(16))).toThrow();
  });

  it("decodes DB with an optional Kc, DC, and refuses malformed data", () => {
    const withKc = hex(`db 04 01020304 10 ${"cc".repeat(16)} 10 ${"dd".repeat(16)} 08 ${"ee".repeat(8)}`);
    expect(decodeAuthenticateResponse(withKc)?.kind).toBe("successful");
    expect(decodeAuthenticateResponse(hex(`dc 0e ${"ab".repeat(14)}`))).toEqual({
      kind: "sync-failure",
      auts: hex("ab".repeat(14)),
    });
    expect(decodeAuthenticateResponse(hex("db 08 0102"))).toBeUndefined();
    expect(decodeAuthenticateResponse(hex(`dc 0e ${"ab".repeat(14)} 00`))).toBeUndefined();
    expect(decodeAuthenticateResponse(hex("9a 00"))).toBeUndefined();
    expect(decodeAuthenticateResponse(new Uint8Array(0))).toBeUndefined();
  });
});
