/**
 * Fuzz: 100,000 malformed or random PDUs (truncated bodies, bad lengths, bad command ids, bad TLVs,
 * random bytes, valid PDUs with bytes flipped) against a live SMSC over several connections at
 * once. Within a batch every PDU keeps its framing, so each one reaches the PDU layer; a batch may
 * end with a PDU that breaks the framing (length below the header, or above what was sent), after
 * which the SMSC drops that connection and the next batch opens a new one. Afterwards the SMSC is
 * still up: a fresh client binds and submits, and nothing escaped as an exception. Seeded, so a
 * failure replays.
 */
import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { encodePdu } from "../../core/smpp/pdu-codec.js";
import type { OutboundPdu } from "../../core/smpp/pdu-types.js";
import { SeededRandom } from "../../sim/random.js";
import { type Harness, bindEsme, startSmsc, submitSm, until } from "./smsc-harness.js";

const TOTAL = 100_000;
const CONNECTIONS = 4;
const BATCH = 500;

let h: Harness;
afterEach(async () => {
  await h?.close();
});

/** Valid PDUs the mutations start from. */
function validPool(): Buffer[] {
  const pdus: OutboundPdu[] = [
    submitSm({ registered_delivery: 1 }),
    submitSm({ esm_class: 0x40, short_message: Buffer.from([5, 0, 3, 7, 2, 1, 0x41, 0x42]) }),
    submitSm({ sar_msg_ref_num: 9, sar_total_segments: 2, sar_segment_seqnum: 1 }),
    submitSm({ short_message: Buffer.alloc(0), message_payload: Buffer.alloc(300, 0x41) }),
    submitSm({ validity_period: "000001000000000R", schedule_delivery_time: "000000000010000R" }),
    { command: "data_sm", destination_addr: "375291234567", message_payload: Buffer.from("data") },
    {
      command: "submit_multi",
      dest_address: [
        { dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: "375291234567" },
        { dl_name: "list" },
      ],
      short_message: Buffer.from("multi"),
    },
    { command: "query_sm", message_id: "00000001", source_addr: "ACME" },
    { command: "cancel_sm", message_id: "00000002" },
    { command: "replace_sm", message_id: "00000003", short_message: Buffer.from("r") },
    { command: "enquire_link" },
    { command: "bind_transceiver", system_id: "demo", password: "demopass" },
    { command: "bind_transmitter", system_id: "ghost", password: "x" },
    { command: "deliver_sm_resp", message_id: "" },
    { command: "generic_nack", command_status: 3 },
  ];
  return pdus.map((p, i) => encodePdu(p, i + 1));
}

type Kind = "truncated" | "bad-length" | "bad-command" | "bad-tlv" | "random" | "mutated" | "valid";

class Fuzzer {
  readonly counts: Record<Kind, number> = {
    truncated: 0,
    "bad-length": 0,
    "bad-command": 0,
    "bad-tlv": 0,
    random: 0,
    mutated: 0,
    valid: 0,
  };
  private readonly pool = validPool();

  constructor(private readonly rng: SeededRandom) {}

  private pick(): Buffer {
    return Buffer.from(this.pool[this.rng.nextInt(this.pool.length)] as Buffer);
  }

  private withLength(body: Buffer): Buffer {
    body.writeUInt32BE(body.length, 0);
    return body;
  }

  /** A PDU whose command_length matches the octets sent (the stream stays framed). */
  framed(): Buffer {
    const r = this.rng.nextInt(100);
    if (r < 15) {
      this.counts.truncated++;
      const p = this.pick();
      return this.withLength(p.subarray(0, 16 + this.rng.nextInt(Math.max(1, p.length - 16))));
    }
    if (r < 25) {
      this.counts["bad-length"]++;
      // a body shorter or longer than the command needs, with a length that says so
      const p = this.pick();
      const extra = this.rng.fillBytes(Buffer.alloc(this.rng.nextInt(40)));
      return this.withLength(
        Buffer.concat([p.subarray(0, Math.max(16, p.length - this.rng.nextInt(8))), extra]),
      );
    }
    if (r < 40) {
      this.counts["bad-command"]++;
      const p = this.pick();
      const ids = [
        0,
        0x0a,
        0x0c,
        0x13,
        0x20,
        0x7fffffff,
        0x80000000,
        0x80000015,
        0x0111,
        0x00000112,
        this.rng.nextInt(0x100000000),
      ];
      p.writeUInt32BE(ids[this.rng.nextInt(ids.length)] as number, 4);
      return p;
    }
    if (r < 55) {
      this.counts["bad-tlv"]++;
      const p = this.pick();
      const tags = [0x0424, 0x0427, 0x020c, 0x020e, 0x020f, 0x0501, 0x1383, 0x001e, 0x0005, 0x1234, 0xffff];
      const tlv = Buffer.alloc(4 + this.rng.nextInt(6));
      tlv.writeUInt16BE(tags[this.rng.nextInt(tags.length)] as number, 0);
      // a declared length that may or may not match the value
      tlv.writeUInt16BE(this.rng.nextInt(3) === 0 ? tlv.length - 4 : this.rng.nextInt(0x10000), 2);
      this.rng.fillBytes(tlv.subarray(4));
      return this.withLength(Buffer.concat([p, tlv]));
    }
    if (r < 70) {
      this.counts.random++;
      const p = this.rng.fillBytes(Buffer.alloc(16 + this.rng.nextInt(200)));
      return this.withLength(p);
    }
    if (r < 92) {
      this.counts.mutated++;
      const p = this.pick();
      const flips = 1 + this.rng.nextInt(4);
      for (let i = 0; i < flips; i++) {
        // keep command_length (octets 0-3) so the framing holds
        const at = 4 + this.rng.nextInt(p.length - 4);
        p[at] = this.rng.nextInt(256);
      }
      return p;
    }
    this.counts.valid++;
    return this.pick();
  }

  /** A PDU that breaks the framing: below the header, or longer than what follows. */
  unframed(): Buffer {
    this.counts["bad-length"]++;
    const p = this.pick();
    p.writeUInt32BE(
      this.rng.nextInt(2) === 0 ? this.rng.nextInt(16) : p.length + 1 + this.rng.nextInt(100),
      0,
    );
    return p;
  }
}

/** Sends batches on fresh connections until `quota` PDUs went out; reads and counts what comes back. */
async function worker(
  port: number,
  fuzzer: Fuzzer,
  quota: number,
  rng: SeededRandom,
): Promise<{ sent: number; received: number }> {
  let sent = 0;
  let received = 0;
  while (sent < quota) {
    const socket: Socket = connect({ host: "127.0.0.1", port });
    socket.on("error", () => undefined);
    socket.on("data", (chunk: Buffer) => (received += chunk.length));
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("error", reject);
    });
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    const n = Math.min(BATCH, quota - sent);
    const parts: Buffer[] = [];
    if (rng.nextInt(2) === 0)
      parts.push(encodePdu({ command: "bind_transceiver", system_id: "demo", password: "demopass" }, 1));
    for (let i = 0; i < n - 1; i++) parts.push(fuzzer.framed());
    parts.push(rng.nextInt(4) === 0 ? fuzzer.unframed() : fuzzer.framed());
    sent += n;
    socket.write(Buffer.concat(parts));
    // give the SMSC time to answer, then hang up (it may have hung up first)
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 40))]);
    socket.end();
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 500))]);
    socket.destroy();
  }
  return { sent, received };
}

describe("fuzz", () => {
  it(
    `${TOTAL.toLocaleString("en-US")} malformed or random PDUs over ${CONNECTIONS} connections leave the SMSC up`,
    { timeout: 180_000 },
    async () => {
      h = await startSmsc();
      const seed = SeededRandom.from("smsc-fuzz-1");
      const fuzzer = new Fuzzer(seed.stream(0));
      const uncaught: unknown[] = [];
      const onUncaught = (e: unknown): void => {
        uncaught.push(e);
      };
      process.on("uncaughtException", onUncaught);
      process.on("unhandledRejection", onUncaught);
      try {
        const results = await Promise.all(
          Array.from({ length: CONNECTIONS }, (_, i) =>
            worker(h.port, fuzzer, TOTAL / CONNECTIONS, seed.stream(i + 1)),
          ),
        );
        const sent = results.reduce((a, r) => a + r.sent, 0);
        expect(sent).toBe(TOTAL);
        expect(Object.values(fuzzer.counts).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(TOTAL);
        for (const count of Object.values(fuzzer.counts)) expect(count).toBeGreaterThan(1000);
        // the SMSC answered a great deal of it (generic_nack and responses)
        expect(results.reduce((a, r) => a + r.received, 0)).toBeGreaterThan(TOTAL * 16);
        expect(h.smsc.stats().totals.malformedPdus).toBeGreaterThan(TOTAL / 4);
        // a fresh, well-behaved client binds and submits
        await until(() => h.smsc.stats().binds.length === 0, "the fuzz connections to go", 10_000);
        const esme = await bindEsme(h.port);
        const r = await esme.session.request(submitSm({ registered_delivery: 1 }));
        expect(r.command_status).toBe(0);
        await until(
          () =>
            esme.delivered.some(
              (d) => r.command === "submit_sm_resp" && d.receipted_message_id === r.message_id,
            ),
          "its receipt",
        );
        await esme.close();
        expect(uncaught).toEqual([]);
        expect(h.logger.lines.filter((l) => l.startsWith("error:"))).toEqual([]);
      } finally {
        process.off("uncaughtException", onUncaught);
        process.off("unhandledRejection", onUncaught);
      }
    },
  );
});
