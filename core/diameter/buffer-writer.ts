/**
 * A growable byte writer. Lengths that are only known after the body is written are reserved
 * and back-filled (setU24), so each message is written in one pass.
 */
export class BufferWriter {
  private buf: Buffer;
  pos = 0;

  constructor(initialSize = 4096) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  reset(): void {
    this.pos = 0;
  }

  private ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  u24(v: number): void {
    this.ensure(3);
    const b = this.buf;
    b[this.pos] = (v >>> 16) & 0xff;
    b[this.pos + 1] = (v >>> 8) & 0xff;
    b[this.pos + 2] = v & 0xff;
    this.pos += 3;
  }

  // Octet stores instead of Buffer#writeUInt32BE: its argument checks cost more than the write.
  u32(v: number): void {
    this.ensure(4);
    const b = this.buf;
    const p = this.pos;
    b[p] = v >>> 24;
    b[p + 1] = v >>> 16;
    b[p + 2] = v >>> 8;
    b[p + 3] = v;
    this.pos = p + 4;
  }

  i32(v: number): void {
    if ((v | 0) !== v) {
      this.ensure(4);
      this.buf.writeInt32BE(v, this.pos); // out of range or not an integer: let Buffer throw
    }
    this.u32(v);
  }

  u64(v: number | bigint): void {
    if (typeof v === "number" && v >= 0 && v <= Number.MAX_SAFE_INTEGER) {
      this.u32(Math.floor(v / 0x100000000));
      this.u32(v >>> 0);
      return;
    }
    this.ensure(8);
    if (typeof v === "bigint") {
      this.buf.writeBigUInt64BE(v, this.pos);
    } else {
      // Negative or inexact: Buffer throws, as before.
      this.buf.writeUInt32BE(Math.floor(v / 0x100000000), this.pos);
      this.buf.writeUInt32BE(v >>> 0, this.pos + 4);
    }
    this.pos += 8;
  }

  i64(v: number | bigint): void {
    this.ensure(8);
    this.buf.writeBigInt64BE(typeof v === "bigint" ? v : BigInt(v), this.pos);
    this.pos += 8;
  }

  f32(v: number): void {
    this.ensure(4);
    this.buf.writeFloatBE(v, this.pos);
    this.pos += 4;
  }

  f64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
  }

  bytes(data: Uint8Array): void {
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  /** Writes a string as UTF-8 (or latin1 for ASCII-only protocol fields) and returns its byte length. */
  utf8(text: string): number {
    this.ensure(text.length * 3);
    const b = this.buf;
    const start = this.pos;
    // Short ASCII strings (hosts, realms, Session-Ids) are copied here: cheaper than the native call.
    if (text.length <= 64) {
      let p = start;
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c >= 0x80) {
          p = -1;
          break;
        }
        b[p++] = c;
      }
      if (p >= 0) {
        this.pos = p;
        return p - start;
      }
    }
    const n = b.write(text, start, "utf8");
    this.pos = start + n;
    return n;
  }

  zeros(n: number): void {
    this.ensure(n);
    if (n <= 4) {
      for (let i = 0; i < n; i++) this.buf[this.pos + i] = 0;
    } else {
      this.buf.fill(0, this.pos, this.pos + n);
    }
    this.pos += n;
  }

  setU24(offset: number, v: number): void {
    this.buf[offset] = (v >>> 16) & 0xff;
    this.buf[offset + 1] = (v >>> 8) & 0xff;
    this.buf[offset + 2] = v & 0xff;
  }

  /** A copy of what was written (the writer's buffer is reused). */
  toBuffer(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    return out;
  }
}
