/** Encodes messages and AVPs (RFC 6733 §3, §4.1). Lengths are back-filled; AVPs are padded to 32 bits. */
import { type Avp, AvpFlag } from "./avp.js";
import { BufferWriter } from "./buffer-writer.js";
import { encodeAddress, ntpSeconds } from "./data-types.js";
import { type DiameterMessage, HEADER_LENGTH } from "./message.js";

const shared = new BufferWriter(64 * 1024);

export function encodeMessage(message: DiameterMessage): Buffer {
  shared.reset();
  writeMessage(shared, message);
  return shared.toBuffer();
}

export function writeMessage(w: BufferWriter, m: DiameterMessage): void {
  const start = w.pos;
  w.u8(m.version);
  w.u24(0);
  w.u8(m.flags);
  w.u24(m.commandCode);
  w.u32(m.applicationId);
  w.u32(m.hopByHop);
  w.u32(m.endToEnd);
  for (const avp of m.avps) writeAvp(w, avp);
  w.setU24(start + 1, w.pos - start);
  if (w.pos - start < HEADER_LENGTH) throw new Error("unreachable: short header");
}

/** Encodes a single AVP (with padding): used for Failed-AVP content and tests. */
export function encodeAvp(avp: Avp): Buffer {
  shared.reset();
  writeAvp(shared, avp);
  return shared.toBuffer();
}

export function writeAvp(w: BufferWriter, avp: Avp): void {
  const start = w.pos;
  // A decoded AVP may carry the V bit with Vendor-Id 0: keep the vendor field so it re-encodes as received.
  const hasVendor = avp.vendorId !== 0 || (avp.flags & AvpFlag.Vendor) !== 0;
  const flags = hasVendor ? avp.flags | AvpFlag.Vendor : avp.flags;
  w.u32(avp.code);
  w.u8(flags);
  w.u24(0);
  if (hasVendor) w.u32(avp.vendorId);
  switch (avp.type) {
    case "Unsigned32":
      w.u32(avp.value);
      break;
    case "Integer32":
    case "Enumerated":
      w.i32(avp.value);
      break;
    case "Unsigned64":
      w.u64(avp.value);
      break;
    case "Integer64":
      w.i64(avp.value);
      break;
    case "Float32":
      w.f32(avp.value);
      break;
    case "Float64":
      w.f64(avp.value);
      break;
    case "OctetString":
    case "Unknown":
      w.bytes(avp.value);
      break;
    case "UTF8String":
    case "DiameterIdentity":
    case "DiameterURI":
    case "IPFilterRule":
      w.utf8(avp.value);
      break;
    case "Time":
      w.u32(ntpSeconds(avp.value));
      break;
    case "Address":
      encodeAddress(w, avp.value);
      break;
    case "Grouped":
      for (const child of avp.value) writeAvp(w, child);
      break;
  }
  const length = w.pos - start;
  w.setU24(start + 5, length);
  const padding = (4 - (length & 3)) & 3;
  if (padding > 0) w.zeros(padding);
}
