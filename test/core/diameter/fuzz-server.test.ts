/**
 * Fuzzing a live DiameterServer over loopback TCP: after CER/CEA on a raw socket, 100,000 random
 * and mutated messages go out in pipelined batches. The client runs its own MessageFramer over
 * what it sends, so it knows where the server's framing breaks (the server then closes: we
 * reconnect with a new CER and go on) and can complete a half-sent message with zero padding.
 * Each batch ends with a valid CCR whose 2001 answer proves the connection is still in step.
 * The server must never throw, must keep accepting connections, and must answer a valid CCR at
 * the end; the answers are counted by Result-Code.
 */
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { avp } from "../../../core/diameter/avp-build.js";
import { buildCer } from "../../../core/diameter/capabilities.js";
import { DiameterClient } from "../../../core/diameter/client.js";
import { MAX_GROUPED_DEPTH } from "../../../core/diameter/decoder.js";
import { CommandCode } from "../../../core/diameter/dictionary/commands.js";
import { encodeMessage } from "../../../core/diameter/encoder.js";
import { DiameterFramingError } from "../../../core/diameter/errors.js";
import { MessageFramer } from "../../../core/diameter/framer.js";
import { silentLogger } from "../../../core/diameter/logger.js";
import { type DiameterMessage, HEADER_LENGTH } from "../../../core/diameter/message.js";
import { makeAnswer, makeRequest } from "../../../core/diameter/message-build.js";
import { ResultCode } from "../../../core/diameter/result-codes.js";
import { DiameterServer } from "../../../core/diameter/server.js";
import { fuzzInput, Rng } from "./fuzz-inputs.js";
import { ccrAvps, resultCode } from "./raw-peer.js";

const SEED = 0x5e12_7e55;
const MESSAGES = 100_000;
const BATCH = 100;
/** Share of inputs left framing-breaking (the rest get a length field that matches their size). */
const KEEP_FRAMING_BREAKERS = 0.004;
const PROBE_HOP_BASE = 0xfe000000;
const WAIT_MS = 10_000;
const TIME_BUDGET_MS = 40_000;

const escaped: unknown[] = [];
const onEscape = (e: unknown): void => {
  escaped.push(e);
};
let server: DiameterServer;
let port: number;

beforeAll(async () => {
  process.on("uncaughtException", onEscape);
  process.on("unhandledRejection", onEscape);
  server = new DiameterServer({
    identity: { originHost: "ocs.telsim.local", originRealm: "telsim.local" },
    handler: (request: DiameterMessage) =>
      makeAnswer(request, [
        request.avps[0] ?? avp("Session-Id", "none"),
        avp("Result-Code", ResultCode.SUCCESS),
        avp("Origin-Host", "ocs.telsim.local"),
        avp("Origin-Realm", "telsim.local"),
        avp("Auth-Application-Id", 4),
        avp("CC-Request-Type", "UPDATE_REQUEST"),
        avp("CC-Request-Number", 1),
        avp("Multiple-Services-Credit-Control", [
          avp("Granted-Service-Unit", [avp("CC-Total-Octets", 1_048_576)]),
          avp("Result-Code", ResultCode.SUCCESS),
        ]),
      ]),
    logger: silentLogger,
  });
  ({ port } = await server.listen());
});

afterAll(async () => {
  await server.close();
  process.off("uncaughtException", onEscape);
  process.off("unhandledRejection", onEscape);
});

/** A raw TCP link that frames the server's answers and hands them over. */
class Link {
  private readonly framer = new MessageFramer();
  private waiter: (() => void) | undefined;
  closed = false;
  readonly answers: Buffer[] = [];
  framingProblem: string | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => {
      try {
        this.framer.push(chunk, (m) => this.answers.push(Buffer.from(m)));
      } catch (e) {
        this.framingProblem = e instanceof Error ? e.message : String(e);
        socket.destroy();
      }
      this.waiter?.();
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      this.closed = true;
      this.waiter?.();
    });
  }

  static async open(): Promise<Link> {
    const socket = connect({ host: "127.0.0.1", port });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    const link = new Link(socket);
    link.write(
      encodeMessage(buildCer({ originHost: "fuzz.telsim.local", originRealm: "telsim.local" }, [4], 1, 1)),
    );
    const cea = await link.next((m) => m.readUIntBE(5, 3) === CommandCode.CapabilitiesExchange);
    if (cea === undefined) throw new Error("no CEA");
    link.answers.length = 0;
    return link;
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Waits for an answer matching `match` (undefined when the link closes first). */
  async next(match: (m: Buffer) => boolean): Promise<Buffer | undefined> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const found = this.answers.find(match);
      if (found !== undefined) return found;
      if (this.closed) return undefined;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("the server neither answered nor closed the connection");
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(t);
          this.waiter = undefined;
          resolve();
        };
      });
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** The top-level Result-Code of an answer, read from the bytes (Failed-AVP may hold undecodable content). */
function answerResultCode(m: Buffer): number | undefined {
  for (let at = HEADER_LENGTH; at + 8 <= m.length;) {
    const code = m.readUInt32BE(at);
    const flags = m[at + 4] as number;
    const length = m.readUIntBE(at + 5, 3);
    if (length < 8 || at + length > m.length) return undefined;
    if (code === 268 && (flags & 0x80) === 0 && length === 12) return m.readUInt32BE(at + 8);
    at += (length + 3) & ~3;
  }
  return undefined;
}

/** Gives an input a length field equal to its (4-aligned, at least 20 octet) size, so it frames alone. */
function framedAlone(input: Buffer): Buffer {
  const size = Math.max(HEADER_LENGTH, (input.length + 3) & ~3);
  const out = Buffer.alloc(size);
  input.copy(out);
  out.writeUIntBE(size, 1, 3);
  return out;
}

/** Nested Grouped AVPs far beyond the decoder's depth limit (a stack overflow before that limit existed). */
function deeplyNested(levels: number): Buffer {
  const total = HEADER_LENGTH + levels * 8;
  const b = Buffer.alloc(total);
  b[0] = 1;
  b.writeUIntBE(total, 1, 3);
  b[4] = 0x80;
  b.writeUIntBE(CommandCode.CreditControl, 5, 3);
  b.writeUInt32BE(4, 8);
  for (let i = 0; i < levels; i++) {
    const at = HEADER_LENGTH + i * 8;
    b.writeUInt32BE(456, at); // Multiple-Services-Credit-Control, Grouped
    b[at + 4] = 0x40;
    b.writeUIntBE(total - at, at + 5, 3);
  }
  return b;
}

function isDprRequest(b: Buffer): boolean {
  return (
    b.length >= 8 && ((b[4] as number) & 0x80) !== 0 && b.readUIntBE(5, 3) === CommandCode.DisconnectPeer
  );
}

/** The fuzz stream for the live server: mostly self-framed inputs, a few that break framing. */
function serverInput(rng: Rng, i: number): Buffer {
  if (i % 5000 === 17) return deeplyNested(MAX_GROUPED_DEPTH * 100);
  for (;;) {
    const input = fuzzInput(rng);
    // A DPR ends the connection cleanly; keep a few of those too.
    if (isDprRequest(input) && !rng.chance(0.05)) continue;
    if (rng.chance(KEEP_FRAMING_BREAKERS)) return input;
    const probe = new MessageFramer();
    try {
      probe.push(input, () => undefined);
      if (probe.bufferedBytes === 0) return input;
    } catch {
      // breaks framing: repaired below
    }
    return framedAlone(input);
  }
}

/**
 * What the server's framer will make of `inputs` sent back to back: how many of them go out
 * (up to and including one that breaks framing), the zero padding that completes a half-sent
 * message, and whether framing is lost.
 */
function planBatch(inputs: readonly Buffer[]): { count: number; padding: Buffer; broken: boolean } {
  const sim = new MessageFramer();
  const none = (): void => undefined;
  const pads: Buffer[] = [];
  let i = 0;
  try {
    for (; i < inputs.length; i++) sim.push(inputs[i] as Buffer, none);
    while (sim.bufferedBytes > 0) {
      const pending = sim.bufferedBytes;
      let pad: Buffer;
      if (pending < 4) {
        pad = Buffer.alloc(4 - pending); // the length field is incomplete: the zeros become part of it
      } else {
        // The framer accepted the length field, so the missing part is length - pending octets.
        const tail = Buffer.concat([...inputs, ...pads]).subarray(-pending);
        pad = Buffer.alloc(tail.readUIntBE(1, 3) - pending);
      }
      pads.push(pad);
      sim.push(pad, none);
    }
  } catch (e) {
    if (!(e instanceof DiameterFramingError)) throw e;
    return { count: Math.min(i + 1, inputs.length), padding: Buffer.concat(pads), broken: true };
  }
  return { count: inputs.length, padding: Buffer.concat(pads), broken: false };
}

describe("live server fuzz (100,000 seeded messages)", () => {
  it("answers or closes, never throws, keeps accepting connections, and still answers a valid CCR with 2001", async () => {
    const started = Date.now();
    const rng = new Rng(SEED);
    const counts = new Map<number | "none", number>();
    let link = await Link.open();
    let connections = 1;
    let sent = 0;
    let framingBreaks = 0;
    let closesWithoutFramingBreak = 0;
    let probesAnswered = 0;
    let generated = 0;
    let carry: Buffer[] = [];
    const problems: string[] = [];

    for (let batchNo = 0; sent < MESSAGES; batchNo++) {
      if (Date.now() - started > TIME_BUDGET_MS) {
        problems.push(`time budget spent after ${sent} messages`);
        break;
      }
      const inputs = carry;
      while (inputs.length < Math.min(BATCH, MESSAGES - sent)) inputs.push(serverInput(rng, generated++));
      const plan = planBatch(inputs);
      carry = inputs.slice(plan.count);
      const probeHop = (PROBE_HOP_BASE + batchNo) >>> 0;
      const probe = encodeMessage(
        makeRequest(
          {
            commandCode: CommandCode.CreditControl,
            applicationId: 4,
            hopByHop: probeHop,
            endToEnd: probeHop,
          },
          ccrAvps(`fuzz.telsim.local;1;${batchNo}`, 1),
        ),
      );
      link.write(
        Buffer.concat([...inputs.slice(0, plan.count), plan.padding, ...(plan.broken ? [] : [probe])]),
      );
      sent += plan.count;
      const probeAnswer = plan.broken
        ? undefined
        : await link.next((m) => m.readUInt32BE(12) === probeHop && ((m[4] as number) & 0x80) === 0);
      if (plan.broken) {
        framingBreaks++;
        await link.next(() => false); // the server must close a connection whose framing is lost
      } else if (probeAnswer === undefined) {
        closesWithoutFramingBreak++; // a DPR or a bad CER in the batch
      } else if (answerResultCode(probeAnswer) === ResultCode.SUCCESS) {
        probesAnswered++;
      } else {
        problems.push(`batch ${batchNo}: probe CCR answered with ${answerResultCode(probeAnswer)}`);
      }
      if (link.framingProblem !== undefined)
        problems.push(`server answers lost framing: ${link.framingProblem}`);
      for (const a of link.answers) {
        if (a.readUInt32BE(12) === probeHop) continue;
        const code = answerResultCode(a) ?? "none";
        counts.set(code, (counts.get(code) ?? 0) + 1);
      }
      link.answers.length = 0;
      if (link.closed) {
        link = await Link.open();
        connections++;
      }
      if (problems.length >= 5) break;
    }
    link.destroy();

    expect(problems).toEqual([]);
    expect(escaped).toEqual([]);
    expect(sent).toBe(MESSAGES);
    expect(framingBreaks).toBeGreaterThan(100);
    expect(connections).toBeGreaterThan(framingBreaks);
    expect(probesAnswered).toBeGreaterThan(100);

    // A clean client still gets its 2001.
    const client = new DiameterClient({
      host: "127.0.0.1",
      port,
      identity: { originHost: "pgw.telsim.local", originRealm: "telsim.local" },
      logger: silentLogger,
      reconnect: false,
    });
    await client.connect();
    const answer = await client.request({
      commandCode: CommandCode.CreditControl,
      applicationId: 4,
      avps: ccrAvps("pgw.telsim.local;1;1", 1),
    });
    expect(resultCode(answer)).toBe(ResultCode.SUCCESS);
    await client.close();

    // Every kind of error answer showed up (3001 unknown command, 3007 application, 3008/3009
    // bits, 3010 before CER, 5001 unknown M AVP, 5004/5014 values and lengths, 5005/5008/5009 ABNF).
    for (const code of [3001, 3007, 3008, 3009, 5001, 5004, 5005, 5008, 5009, 5011, 5014]) {
      expect(counts.get(code) ?? 0, `no answer with Result-Code ${code}`).toBeGreaterThan(10);
    }
    expect(counts.get(ResultCode.SUCCESS) ?? 0).toBeGreaterThan(100);
    expect(escaped).toEqual([]);
    // Nothing outlives the run: every fuzz connection is gone from the server's peer set.
    for (let i = 0; i < 100 && server.peers.length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(server.peers.length).toBe(0);
    const summary = [...counts].sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    process.stdout.write(
      `server fuzz: ${sent} messages, ${connections} connections, ${framingBreaks} framing breaks, ` +
        `${closesWithoutFramingBreak} other closes, ${Date.now() - started} ms; answers ${JSON.stringify(summary)}\n`,
    );
  }, 60_000);
});
