/**
 * Seeded generators of hostile Diameter input for the fuzz tests: random buffers, random
 * messages with a plausible header and dictionary-shaped AVP trees, and structural or bit-level
 * mutations of the fixtures. Every input is a pure function of the seed, so a failure names the
 * seed and the case number and reproduces exactly.
 */
import { AvpFlag } from "../../../core/diameter/avp.js";
import { CommandCode } from "../../../core/diameter/dictionary/commands.js";
import { gyDictionary } from "../../../core/diameter/dictionary/dictionary.js";
import type { AvpDefinition } from "../../../core/diameter/dictionary/types.js";
import { encodeMessage } from "../../../core/diameter/encoder.js";
import { allFixtures } from "./fixtures.js";

/** A small seeded generator (32-bit state, xorshift-multiply output): deterministic, not cryptographic. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }
  /** A uniformly distributed 32-bit unsigned integer. */
  u32(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor((this.u32() / 0x100000000) * n);
  }
  /** True with probability p. */
  chance(p: number): boolean {
    return this.u32() / 0x100000000 < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  bytes(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) out[i] = this.u32() & 0xff;
    return out;
  }
}

const AVP_DEFS: readonly AvpDefinition[] = gyDictionary.allAvps();
const COMMAND_CODES = [...Object.values(CommandCode), 0, 1, 271, 316, 8388607];
const APPLICATION_IDS = [0, 4, 0xffffffff, 16777238, 3];

/** An AVP as a tree: either a leaf with raw data, a list of children, or raw bytes spliced in verbatim. */
export type RawNode =
  | { kind: "leaf"; code: number; flags: number; vendorId: number; data: Buffer }
  | { kind: "group"; code: number; flags: number; vendorId: number; children: RawNode[] }
  | { kind: "garbage"; bytes: Buffer };

export interface RawMessage {
  version: number;
  flags: number;
  commandCode: number;
  applicationId: number;
  hopByHop: number;
  endToEnd: number;
  avps: RawNode[];
}

/** Parses a well-formed encoding into a RawMessage (grouped AVPs per the dictionary). */
export function parseRaw(bytes: Buffer): RawMessage {
  return {
    version: bytes[0] as number,
    flags: bytes[4] as number,
    commandCode: bytes.readUIntBE(5, 3),
    applicationId: bytes.readUInt32BE(8),
    hopByHop: bytes.readUInt32BE(12),
    endToEnd: bytes.readUInt32BE(16),
    avps: parseNodes(bytes, 20, bytes.readUIntBE(1, 3)),
  };
}

function parseNodes(b: Buffer, start: number, end: number): RawNode[] {
  const out: RawNode[] = [];
  let at = start;
  while (at + 8 <= end) {
    const code = b.readUInt32BE(at);
    const flags = b[at + 4] as number;
    const length = b.readUIntBE(at + 5, 3);
    const header = (flags & AvpFlag.Vendor) !== 0 ? 12 : 8;
    const vendorId = header === 12 ? b.readUInt32BE(at + 8) : 0;
    const def = gyDictionary.avp(code, vendorId);
    if (def?.type === "Grouped") {
      out.push({ kind: "group", code, flags, vendorId, children: parseNodes(b, at + header, at + length) });
    } else {
      out.push({
        kind: "leaf",
        code,
        flags,
        vendorId,
        data: Buffer.from(b.subarray(at + header, at + length)),
      });
    }
    at += (length + 3) & ~3;
  }
  return out;
}

/** Serialises with correct lengths and zero padding (the V bit decides whether a vendor field is written). */
export function serialize(m: RawMessage): Buffer {
  const body = Buffer.concat(m.avps.map(serializeNode));
  const head = Buffer.alloc(20);
  head[0] = m.version & 0xff;
  head.writeUIntBE(20 + body.length, 1, 3);
  head[4] = m.flags & 0xff;
  head.writeUIntBE(m.commandCode & 0xffffff, 5, 3);
  head.writeUInt32BE(m.applicationId >>> 0, 8);
  head.writeUInt32BE(m.hopByHop >>> 0, 12);
  head.writeUInt32BE(m.endToEnd >>> 0, 16);
  return Buffer.concat([head, body]);
}

function serializeNode(n: RawNode): Buffer {
  if (n.kind === "garbage") return n.bytes;
  const data = n.kind === "leaf" ? n.data : Buffer.concat(n.children.map(serializeNode));
  const header = (n.flags & AvpFlag.Vendor) !== 0 ? 12 : 8;
  const length = header + data.length;
  const out = Buffer.alloc((length + 3) & ~3);
  out.writeUInt32BE(n.code >>> 0, 0);
  out[4] = n.flags & 0xff;
  out.writeUIntBE(Math.min(length, 0xffffff), 5, 3);
  if (header === 12) out.writeUInt32BE(n.vendorId >>> 0, 8);
  data.copy(out, header);
  return out;
}

/** Bytes of the right size for a data type (random content), so values get past the length checks. */
function dataFor(rng: Rng, def: AvpDefinition): Buffer {
  switch (def.type) {
    case "Unsigned32":
    case "Integer32":
    case "Float32":
    case "Time":
      return rng.bytes(4);
    case "Enumerated": {
      const values = Object.values(def.enumValues ?? {});
      const b = Buffer.alloc(4);
      b.writeInt32BE(values.length > 0 && rng.chance(0.7) ? rng.pick(values) : rng.u32() | 0);
      return b;
    }
    case "Unsigned64":
    case "Integer64":
    case "Float64":
      return rng.bytes(8);
    case "Address": {
      const family = rng.pick([1, 2, rng.int(65536)]);
      const b = rng.bytes(2 + (family === 1 ? 4 : family === 2 ? 16 : rng.int(20)));
      b.writeUInt16BE(family, 0);
      return b;
    }
    case "UTF8String":
    case "DiameterIdentity":
    case "DiameterURI":
    case "IPFilterRule":
      return rng.chance(0.6)
        ? Buffer.from(`host${rng.int(1000)}.telsim.local`, "latin1")
        : rng.chance(0.5)
          ? Buffer.from(rng.pick(["Grüße, мир ☎", "\uFEFFbom;1;2", "a\u0000b", "𝄞"]), "utf8")
          : rng.bytes(rng.int(24));
    default:
      return rng.bytes(rng.int(32));
  }
}

/** A random AVP, mostly dictionary-shaped (right flags, right data size), sometimes not. */
export function randomNode(rng: Rng, depth: number): RawNode {
  if (rng.chance(0.03)) return { kind: "garbage", bytes: rng.bytes(rng.int(24)) };
  const def = rng.chance(0.9) ? rng.pick(AVP_DEFS) : undefined;
  const code = def?.code ?? rng.pick([rng.int(2000), rng.u32(), 99999]);
  const vendorId = def?.vendorId ?? (rng.chance(0.5) ? 0 : rng.pick([10415, rng.u32()]));
  let flags =
    (vendorId !== 0 ? AvpFlag.Vendor : 0) |
    (def === undefined || def.mandatory === "must" ? AvpFlag.Mandatory : 0);
  if (rng.chance(0.04)) flags = rng.u32() & 0xff;
  if (def?.type === "Grouped" && depth < 4 && rng.chance(0.95)) {
    const n = rng.int(5);
    return {
      kind: "group",
      code,
      flags,
      vendorId,
      children: Array.from({ length: n }, () => randomNode(rng, depth + 1)),
    };
  }
  const data = def !== undefined && rng.chance(0.9) ? dataFor(rng, def) : rng.bytes(rng.int(40));
  return { kind: "leaf", code, flags, vendorId, data };
}

/** A message with a plausible header and random, dictionary-shaped AVPs. */
export function randomMessage(rng: Rng): RawMessage {
  const request = rng.chance(0.7);
  return {
    version: rng.chance(0.97) ? 1 : rng.int(256),
    flags: rng.chance(0.95) ? (request ? 0x80 : 0) | (rng.chance(0.5) ? 0x40 : 0) : rng.int(256),
    commandCode: rng.pick(COMMAND_CODES),
    applicationId: rng.pick(APPLICATION_IDS),
    hopByHop: rng.u32(),
    endToEnd: rng.u32(),
    avps: Array.from({ length: rng.int(14) }, () => randomNode(rng, 0)),
  };
}

/** Purely random bytes, 0-512 long; a third of them with a valid-looking 20-octet header. */
export function randomBuffer(rng: Rng): Buffer {
  const b = rng.bytes(rng.int(513));
  if (b.length >= 20 && rng.chance(0.33)) {
    b[0] = 1;
    b.writeUIntBE(b.length & ~3, 1, 3);
    b[4] = (b[4] as number) & 0xe0;
    return b.subarray(0, b.length & ~3);
  }
  return b;
}

export const FIXTURE_BYTES: readonly Buffer[] = Object.values(allFixtures).map((m) => encodeMessage(m));
const FIXTURE_TREES: readonly RawMessage[] = FIXTURE_BYTES.map(parseRaw);

function cloneNode(n: RawNode): RawNode {
  switch (n.kind) {
    case "garbage":
      return { kind: "garbage", bytes: Buffer.from(n.bytes) };
    case "leaf":
      return { ...n, data: Buffer.from(n.data) };
    case "group":
      return { ...n, children: n.children.map(cloneNode) };
  }
}

function clone(m: RawMessage): RawMessage {
  return { ...m, avps: m.avps.map(cloneNode) };
}

/** Every AVP list in the tree (the message's and each group's), for structural edits. */
function lists(nodes: RawNode[], out: RawNode[][] = []): RawNode[][] {
  out.push(nodes);
  for (const n of nodes) if (n.kind === "group") lists(n.children, out);
  return out;
}

/** One structural edit of the AVP tree: duplicate, remove, garbage, type confusion, bad flags, bad data. */
function mutateTree(rng: Rng, m: RawMessage): void {
  const all = lists(m.avps);
  const list = rng.pick(all);
  const i = rng.int(Math.max(1, list.length));
  const node = list[i];
  switch (rng.int(10)) {
    case 0: // duplicate an AVP in place
      if (node !== undefined) list.splice(i, 0, cloneNode(node));
      break;
    case 1: // remove an AVP
      list.splice(i, 1);
      break;
    case 2: // random AVPs inserted (nested garbage when the list is a group's)
      list.splice(i, 0, ...Array.from({ length: 1 + rng.int(3) }, () => randomNode(rng, 2)));
      break;
    case 3: // raw garbage bytes inside the list
      list.splice(i, 0, { kind: "garbage", bytes: rng.bytes(1 + rng.int(16)) });
      break;
    case 4: // type confusion: another dictionary AVP's code on this data
      if (node !== undefined && node.kind !== "garbage") {
        const def = rng.pick(AVP_DEFS);
        node.code = def.code;
        node.vendorId = def.vendorId;
        node.flags = (def.vendorId !== 0 ? AvpFlag.Vendor : 0) | (node.flags & ~AvpFlag.Vendor);
      }
      break;
    case 5: // flags: reserved bits, M toggled, V toggled without or with a vendor id
      if (node !== undefined && node.kind !== "garbage") {
        node.flags ^= rng.pick([0x01, 0x10, AvpFlag.Mandatory, AvpFlag.Vendor, AvpFlag.Protected]);
      }
      break;
    case 6: // data replaced: wrong size, invalid UTF-8, empty
      if (node?.kind === "leaf") node.data = rng.chance(0.3) ? Buffer.alloc(0) : rng.bytes(rng.int(20));
      break;
    case 7: // a group's content replaced by random bytes
      if (node?.kind === "group") {
        list[i] = {
          kind: "leaf",
          code: node.code,
          flags: node.flags,
          vendorId: node.vendorId,
          data: rng.bytes(rng.int(40)),
        };
      }
      break;
    case 8: // reorder
      if (list.length > 1) {
        const j = rng.int(list.length);
        [list[i], list[j]] = [list[j] as RawNode, list[i] as RawNode];
      }
      break;
    default: // header fields
      switch (rng.int(5)) {
        case 0:
          m.flags = rng.int(256);
          break;
        case 1:
          m.commandCode = rng.pick(COMMAND_CODES);
          break;
        case 2:
          m.applicationId = rng.pick(APPLICATION_IDS);
          break;
        case 3:
          m.version = rng.int(4);
          break;
        default:
          m.flags ^= 0x80; // request <-> answer
      }
  }
}

/** The offsets of every AVP header in a well-formed encoding (nested ones included). */
function avpOffsets(m: RawMessage): number[] {
  const out: number[] = [];
  const walk = (nodes: RawNode[], at: number): number => {
    for (const n of nodes) {
      if (n.kind === "garbage") {
        at += n.bytes.length;
        continue;
      }
      out.push(at);
      const header = (n.flags & AvpFlag.Vendor) !== 0 ? 12 : 8;
      const length = n.kind === "leaf" ? header + n.data.length : walk(n.children, at + header) - at;
      at += (length + 3) & ~3;
    }
    return at;
  };
  walk(m.avps, 20);
  return out;
}

/** Byte-level damage: bit flips, byte replacements, truncation, extension, length-field corruption. */
function mutateBytes(rng: Rng, bytes: Buffer, offsets: readonly number[]): Buffer {
  let b = Buffer.from(bytes);
  switch (rng.int(7)) {
    case 0: // bit flips
      for (let k = 1 + rng.int(8); k > 0; k--) {
        const at = rng.int(b.length);
        b[at] = (b[at] as number) ^ (1 << rng.int(8));
      }
      return b;
    case 1: // byte replacements
      for (let k = 1 + rng.int(6); k > 0; k--) b[rng.int(b.length)] = rng.int(256);
      return b;
    case 2: {
      // truncation, the length field fixed half of the time
      b = b.subarray(0, rng.int(b.length));
      if (b.length >= 4 && rng.chance(0.5)) b.writeUIntBE(b.length, 1, 3);
      return b;
    }
    case 3: {
      // extension with random bytes, the length field fixed half of the time
      b = Buffer.concat([b, rng.bytes(1 + rng.int(40))]);
      if (rng.chance(0.5)) b.writeUIntBE(b.length, 1, 3);
      return b;
    }
    case 4: // message length field corrupted
      b.writeUIntBE(rng.chance(0.5) ? rng.int(0x1000000) : Math.max(0, b.length + rng.int(17) - 8), 1, 3);
      return b;
    default: {
      // an AVP length field corrupted (small deltas, zero, below the header, huge)
      const at = offsets.length > 0 ? rng.pick(offsets) : 20;
      if (at + 8 > b.length) return b;
      const old = b.readUIntBE(at + 5, 3);
      const v = rng.pick([0, 1, 7, 8, 11, 12, old - 1, old + 1, old + 4, old - 4, rng.int(0x1000000)]);
      b.writeUIntBE(Math.max(0, Math.min(0xffffff, v)), at + 5, 3);
      return b;
    }
  }
}

/** A mutated fixture: one to three structural edits, byte damage, or both. */
export function mutatedFixture(rng: Rng): Buffer {
  const tree = clone(rng.pick(FIXTURE_TREES));
  const structural = rng.chance(0.6);
  if (structural) for (let k = 1 + rng.int(3); k > 0; k--) mutateTree(rng, tree);
  const bytes = serialize(tree);
  if (structural && rng.chance(0.6)) return bytes;
  return mutateBytes(rng, bytes, avpOffsets(tree));
}

/**
 * An input whose bytes are canonical (lengths right, padding zero): a random message or a
 * fixture after structural edits only. When it decodes, re-encoding must give the same bytes.
 */
export function canonicalInput(rng: Rng): Buffer {
  if (rng.chance(0.5)) return serialize(randomMessage(rng));
  const tree = clone(rng.pick(FIXTURE_TREES));
  for (let k = 1 + rng.int(3); k > 0; k--) mutateTree(rng, tree);
  return serialize(tree);
}

/** The n-th fuzz input of a seeded stream: 20 % random buffers, 20 % random messages, 60 % mutated fixtures. */
export function fuzzInput(rng: Rng): Buffer {
  const r = rng.int(10);
  if (r < 2) return randomBuffer(rng);
  if (r < 4) {
    const m = randomMessage(rng);
    const bytes = serialize(m);
    return rng.chance(0.3) ? mutateBytes(rng, bytes, avpOffsets(m)) : bytes;
  }
  return mutatedFixture(rng);
}
