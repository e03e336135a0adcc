/**
 * The PDU mode of TS 27.005 (§3.1 <pdu>, §3.5.1 +CMGS): PDUs travel as hexadecimal text, the
 * service-centre address (TS 24.011 RP address) first, then the TPDU. <length> counts only the
 * TPDU octets. A terminal may leave the service-centre address out altogether; the octet count
 * tells the two forms apart (with it, the PDU is 1 + its length octet + <length> octets).
 */
import {
  decodeServiceCentreAddress,
  encodeServiceCentreAddress,
  OctetReader,
  TpduError,
} from "./tpdu-fields.js";

export interface PduModeSubmission {
  /** The service-centre address given in the PDU; undefined for none (length 0 or left out). */
  readonly serviceCentre: string | undefined;
  readonly tpdu: Uint8Array;
}

export function parseHexPdu(text: string): Uint8Array {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(text)) {
    throw new TpduError("BAD_HEX", text.length % 2 !== 0 ? "an odd number of hex digits" : "not hexadecimal");
  }
  return Uint8Array.from(Buffer.from(text, "hex"));
}

export function toHexPdu(octets: Uint8Array): string {
  return Buffer.from(octets.buffer, octets.byteOffset, octets.byteLength).toString("hex").toUpperCase();
}

/** Splits what followed `AT+CMGS=<length>` into the service-centre address and the TPDU. */
export function splitPduModeSubmission(hex: string, length: number): PduModeSubmission {
  const octets = parseHexPdu(hex);
  if (octets.length === length) return { serviceCentre: undefined, tpdu: octets };
  const scaLength = octets[0];
  if (scaLength === undefined || octets.length !== 1 + scaLength + length) {
    throw new TpduError(
      "LENGTH_MISMATCH",
      `${octets.length} octets given for a TPDU of ${length} octets (with or without a service centre address)`,
    );
  }
  const reader = new OctetReader(octets);
  const serviceCentre = decodeServiceCentreAddress(reader)?.address;
  return { serviceCentre, tpdu: reader.rest() };
}

/** The hex line of a PDU-mode +CMT / +CDS: service-centre address, then the TPDU. */
export function formatPduModeLine(serviceCentre: string | undefined, tpdu: Uint8Array): string {
  return toHexPdu(encodeServiceCentreAddress(serviceCentre)) + toHexPdu(tpdu);
}
