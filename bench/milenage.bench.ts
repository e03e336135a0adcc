/**
 * Milenage and AKA micro-benchmarks. The figure to watch is "f1..f5 full vector": the target
 * is at least 100,000 vectors per second on one core. The two AES cases show why sim/aes128.ts
 * is table-driven rather than Node's cipher: one `update()` per 16-byte block costs more than
 * the whole table-driven block.
 */
import { createCipheriv } from "node:crypto";
import { encryptWords, expandAes128Key } from "../sim/aes128.js";
import { generateAuthVector } from "../sim/aka-network.js";
import { usimAuthenticate } from "../sim/aka-usim.js";
import { SQN_SLOTS } from "../sim/card.js";
import { computeOpc, Milenage } from "../sim/milenage.js";
import { nextNetworkSqn } from "../sim/sqn.js";
import { runMicro } from "./micro.js";

const K = Uint8Array.from({ length: 16 }, (_, i) => i * 17);
const OP = Uint8Array.from({ length: 16 }, (_, i) => 255 - i);
const RAND = Uint8Array.from({ length: 16 }, (_, i) => i * 7);
const SQN = Uint8Array.of(0, 0, 0, 0, 0x10, 0x21);
const AMF = Uint8Array.of(0x80, 0x00);

/** A cheap deterministic RAND source, so the bench measures Milenage rather than an RNG. */
function counterRandomBytes(): (length: number) => Uint8Array {
  let counter = 0;
  return (length) => {
    const bytes = new Uint8Array(length);
    counter++;
    bytes[0] = counter;
    bytes[1] = counter >>> 8;
    bytes[2] = counter >>> 16;
    return bytes;
  };
}

export async function run(): Promise<void> {
  const milenage = Milenage.fromOp(K, OP);
  const schedule = expandAes128Key(K);
  const words = new Uint32Array(4);
  const nodeCipher = createCipheriv("aes-128-ecb", K, null).setAutoPadding(false);
  const block = Buffer.alloc(16);

  const network = { sqn: 0, randomBytes: counterRandomBytes() };
  // The USIM bench checks AUTNs of fresh vectors: pre-generate a ring of them (SQN grows,
  // IND cycles), and re-arm the card's SQN array whenever the ring wraps.
  const ring = Array.from({ length: 4096 }, () => {
    network.sqn = nextNetworkSqn(network.sqn);
    return generateAuthVector(milenage, network.sqn, AMF, network.randomBytes);
  });
  let slots = new Array<number>(SQN_SLOTS).fill(0);
  let position = 0;

  await runMicro("milenage", [
    {
      name: "aes-128 block, table-driven (sim/aes128.ts)",
      fn: () => encryptWords(schedule, 1, 2, 3, 4, words),
    },
    { name: "aes-128 block, node ECB cipher reused", fn: () => nodeCipher.update(block) },
    { name: "opc from op", fn: () => computeOpc(K, OP) },
    { name: "f1..f5 full vector (K schedule cached)", fn: () => milenage.compute(RAND, SQN, AMF) },
    {
      name: "f1..f5 full vector (new K schedule each time)",
      fn: () => Milenage.fromOp(K, OP).compute(RAND, SQN, AMF),
    },
    {
      name: "network vector generation",
      fn: () => {
        network.sqn = nextNetworkSqn(network.sqn);
        generateAuthVector(milenage, network.sqn, AMF, network.randomBytes);
      },
    },
    {
      name: "USIM AUTN check",
      fn: () => {
        if (position === ring.length) {
          position = 0;
          slots = new Array<number>(SQN_SLOTS).fill(0);
        }
        const vector = ring[position++]!;
        if (usimAuthenticate(milenage, slots, vector.rand, vector.autn).kind !== "success") {
          throw new Error("benchmark vector rejected");
        }
      },
    },
  ]);
}
