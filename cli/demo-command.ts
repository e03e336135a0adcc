/**
 * `telsim demo` (what `npm start` runs): a short, deterministic tour of the SIM layer.
 *
 * 1. a small batch of cards from a fixed seed (sim/batch-generate.ts); the first card is used;
 * 2. PIN handling through APDUs: three wrong VERIFY PIN (63C2, 63C1, 63C0), the PIN blocked
 *    (6983), UNBLOCK PIN with the PUK (9000), VERIFY with the new PIN (9000);
 * 3. network authentication: the AuC makes a vector (aka-network.ts), the card answers
 *    AUTHENTICATE with RES = XRES, the same vector replayed gets AUTS, the AuC resynchronises,
 *    and its next vector authenticates.
 *
 * Everything comes from `--seed` (cards and RANDs), so two runs print the same text. The demo
 * checks what it shows: if a step does not answer as expected the exit code is 1.
 */
import type { Command } from "commander";
import { generateAuthVector, resynchronise } from "../sim/aka-network.js";
import { usimMilenage } from "../sim/aka-usim.js";
import { CardSession } from "../sim/apdu.js";
import { decodeAuthenticateResponse, encodeAuthenticateCommand } from "../sim/apdu-auth.js";
import { encodePinBlock, INS_UNBLOCK_PIN, INS_VERIFY_PIN, KEY_REFERENCE_PIN1 } from "../sim/apdu-pin.js";
import { generateBatch } from "../sim/batch-generate.js";
import type { SimCard } from "../sim/card.js";
import { toHex } from "../sim/hex.js";
import { SeededRandom } from "../sim/random.js";
import { indOf, nextNetworkSqn, seqOf } from "../sim/sqn.js";
import { formatStatusWord, SW } from "../sim/status-words.js";
import { ExitCode } from "./cli-error.js";

export const DEFAULT_DEMO_SEED = "telsim-demo";
const BATCH_SIZE = 3;
/** AMF with the separation bit set, as an E-UTRAN / 5G network sends it (TS 33.102 Annex F). */
const AMF = Uint8Array.of(0x80, 0x00);
const LABEL_WIDTH = 36;

interface DemoFlags {
  seed: string;
}

export interface DemoRun {
  readonly lines: readonly string[];
  /** False when some step did not answer as the demo expects. */
  readonly ok: boolean;
}

export function registerDemoCommand(program: Command): void {
  program
    .command("demo")
    .description("a short SIM demo: batch generation, PIN/PUK via APDUs, AKA authentication")
    .option("--seed <seed>", "seed for the cards and the AuC's RANDs", DEFAULT_DEMO_SEED)
    .action((flags: DemoFlags) => {
      const run = runDemo(flags.seed);
      process.stdout.write(run.lines.map((line) => `${line}\n`).join(""));
      if (!run.ok) process.exitCode = ExitCode.failed;
    });
}

/** The demo as text; pure apart from the seeded randomness it creates itself. */
export function runDemo(seed: string): DemoRun {
  const out = new DemoLog();
  const card = batchSection(out, seed);
  const session = new CardSession(card);
  pinSection(out, session, card);
  authenticationSection(out, session, card, seed);
  out.line("");
  out.line("More: `telsim --help` lists the other commands.");
  return { lines: out.lines, ok: out.ok };
}

class DemoLog {
  readonly lines: string[] = [];
  ok = true;

  line(text: string): void {
    this.lines.push(text);
  }

  /** One exchange: `label -> SW (meaning)`; records a failure when the SW is not the expected one. */
  step(label: string, sw: number, expected: number, meaning: string): void {
    if (sw !== expected) this.ok = false;
    const mark = sw === expected ? "" : ` [expected ${formatStatusWord(expected)}]`;
    this.line(`  ${label.padEnd(LABEL_WIDTH)} -> ${formatStatusWord(sw)} (${meaning})${mark}`);
  }

  check(condition: boolean): void {
    if (!condition) this.ok = false;
  }
}

function batchSection(out: DemoLog, seed: string): SimCard {
  const rows = generateBatch({ count: BATCH_SIZE, seed });
  out.line(`telsim demo: ${BATCH_SIZE} SIM cards generated from seed "${seed}"`);
  for (const [index, { card }] of rows.entries()) {
    out.line(`  card ${index + 1}: ICCID ${card.iccid}  IMSI ${card.imsi}  MSISDN +${card.msisdn}`);
  }
  const card = rows[0]!.card;
  out.line("");
  out.line(`Card 1 goes into the handset: PIN1 ${card.pin1.value}, PUK1 ${card.puk1.value}`);
  return card;
}

/** TS 102 221 §11.1.9 (VERIFY PIN) and §11.1.13 (UNBLOCK PIN), key reference '01'. */
function pinSection(out: DemoLog, session: CardSession, card: SimCard): void {
  out.line("");
  out.line("PIN handling (APDUs, ETSI TS 102 221):");
  const wrongPin = card.pin1.value === "9999" ? "1111" : "9999";
  for (const expectedTries of [2, 1, 0]) {
    const sw = session.transmit(verifyPin1(wrongPin)).sw;
    out.step(`VERIFY PIN1 "${wrongPin}"`, sw, 0x63c0 | expectedTries, describe(sw, "PIN"));
  }
  const blocked = session.transmit(verifyPin1(card.pin1.value)).sw;
  out.step(
    `VERIFY PIN1 "${card.pin1.value}" (the right one)`,
    blocked,
    SW.pinBlocked,
    describe(blocked, "PIN"),
  );
  const newPin = card.pin1.value === "2468" ? "1357" : "2468";
  const unblocked = session.transmit(unblockPin1(card.puk1.value, newPin)).sw;
  out.step(`UNBLOCK PIN1 "${card.puk1.value}" new "${newPin}"`, unblocked, SW.ok, describe(unblocked, "PUK"));
  const verified = session.transmit(verifyPin1(newPin)).sw;
  out.step(`VERIFY PIN1 "${newPin}"`, verified, SW.ok, describe(verified, "PIN"));
}

/** TS 33.102 §6.3 at APDU level: AUTHENTICATE in the 3G context (TS 31.102 §7.1.2). */
function authenticationSection(out: DemoLog, session: CardSession, card: SimCard, seed: string): void {
  out.line("");
  out.line("Network authentication (Milenage AKA, TS 33.102; AUTHENTICATE, TS 31.102):");
  const milenage = usimMilenage(card);
  const rng = SeededRandom.from(`${seed}/auc`);
  const randomBytes = (length: number): Uint8Array => rng.fillBytes(new Uint8Array(length));
  const hlr = { sqn: 0 };
  const nextVector = () => {
    hlr.sqn = nextNetworkSqn(hlr.sqn);
    return generateAuthVector(milenage, hlr.sqn, AMF, randomBytes);
  };

  const first = nextVector();
  out.line(`  AuC: vector for ${describeSqn(first.sqn)}, RAND ${upperHex(first.rand)}`);
  const command = encodeAuthenticateCommand(first.rand, first.autn);
  authenticate(out, session, "AUTHENTICATE RAND, AUTN", command, first.xres);

  const replay = authenticate(out, session, "AUTHENTICATE replayed (same vector)", command, undefined);
  if (replay === undefined) return;
  const resync = resynchronise(milenage, first.rand, replay, hlr.sqn);
  if (resync.kind !== "resynchronised") {
    out.check(false);
    out.line("  AuC: AUTS does not verify (MAC-S failure); SQN kept");
    return;
  }
  const action = resync.sqn === hlr.sqn ? `keeps SQN ${hlr.sqn}` : `moves its SQN to ${resync.sqn}`;
  out.line(`  AuC: AUTS verified, the card's SQN_MS is ${resync.sqnMs}; the AuC ${action}`);
  hlr.sqn = resync.sqn;

  const next = nextVector();
  out.line(`  AuC: vector for ${describeSqn(next.sqn)}, RAND ${upperHex(next.rand)}`);
  const nextCommand = encodeAuthenticateCommand(next.rand, next.autn);
  authenticate(out, session, "AUTHENTICATE RAND, AUTN", nextCommand, next.xres);
}

/**
 * Sends AUTHENTICATE and prints the answer; returns AUTS on a synchronisation failure.
 * `xres` given: RES equal to it is expected; `undefined`: a synchronisation failure is.
 */
function authenticate(
  out: DemoLog,
  session: CardSession,
  label: string,
  command: Uint8Array,
  xres: Uint8Array | undefined,
): Uint8Array | undefined {
  const response = session.transmit(command);
  const answer = response.sw === SW.ok ? decodeAuthenticateResponse(response.data) : undefined;
  out.check(answer?.kind === (xres === undefined ? "sync-failure" : "successful"));
  if (answer?.kind === "successful") {
    const matches = xres !== undefined && toHex(answer.res) === toHex(xres);
    out.check(matches);
    const verdict = matches ? "= XRES, subscriber authenticated" : "!= XRES";
    out.step(label, response.sw, SW.ok, `RES ${upperHex(answer.res)} ${verdict}`);
    return undefined;
  }
  if (answer?.kind === "sync-failure") {
    out.step(label, response.sw, SW.ok, `AUTS ${upperHex(answer.auts)}: SQN already used, resync`);
    return answer.auts;
  }
  out.step(label, response.sw, SW.ok, describe(response.sw, "PIN"));
  return undefined;
}

function verifyPin1(code: string): Uint8Array {
  return Uint8Array.from([0x00, INS_VERIFY_PIN, 0x00, KEY_REFERENCE_PIN1, 0x08, ...encodePinBlock(code)]);
}

function unblockPin1(puk: string, newPin: string): Uint8Array {
  return Uint8Array.from([
    0x00,
    INS_UNBLOCK_PIN,
    0x00,
    KEY_REFERENCE_PIN1,
    0x10,
    ...encodePinBlock(puk),
    ...encodePinBlock(newPin),
  ]);
}

function describeSqn(sqn: number): string {
  return `SQN ${sqn} (SEQ ${seqOf(sqn)}, IND ${indOf(sqn)})`;
}

/** What a status word means for a PIN or PUK presentation (TS 102 221 §10.2.1). */
function describe(sw: number, code: "PIN" | "PUK"): string {
  if ((sw & 0xfff0) === 0x63c0) {
    const tries = sw & 0x0f;
    if (tries === 0)
      return code === "PIN" ? "wrong PIN, no tries left: PIN1 blocked" : "wrong PUK, none left";
    return `wrong ${code}, ${tries} ${tries === 1 ? "try" : "tries"} left`;
  }
  switch (sw) {
    case SW.ok:
      return code === "PIN" ? "PIN1 verified" : "PIN1 unblocked with the PUK, new PIN set";
    case SW.pinBlocked:
      return code === "PIN" ? "PIN1 blocked, the PUK is needed" : "PUK exhausted, card unusable";
    case SW.securityStatusNotSatisfied:
      return "PIN1 not verified";
    case SW.authenticationMacFailure:
      return "MAC failure: the network is not genuine";
    default:
      return "unexpected";
  }
}

function upperHex(bytes: Uint8Array): string {
  return toHex(bytes).toUpperCase();
}
