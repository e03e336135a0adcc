/** A decoded AVP (RFC 6733 §4.1). The `type` field narrows `value`. */

export const AvpFlag = { Vendor: 0x80, Mandatory: 0x40, Protected: 0x20 } as const;
/** Bits 5..0 of the AVP flags are reserved and must be zero (RFC 6733 §4.1). */
export const AVP_RESERVED_BITS = 0x1f;

export type DiameterAddress =
  | { readonly family: "IPv4"; readonly address: string }
  | { readonly family: "IPv6"; readonly address: string }
  /** Any other IANA address family: kept as raw bytes. */
  | { readonly family: number; readonly bytes: Uint8Array };

interface AvpHeader {
  readonly code: number;
  /** 0 when the V bit is clear. */
  readonly vendorId: number;
  /** The AVP flags octet: V, M and P bits. */
  readonly flags: number;
}

export type Avp = AvpHeader &
  (
    | {
        readonly type: "Integer32" | "Unsigned32" | "Enumerated" | "Float32" | "Float64";
        readonly value: number;
      }
    /** A number when it fits in 2^53, a bigint beyond. */
    | { readonly type: "Integer64" | "Unsigned64"; readonly value: number | bigint }
    | { readonly type: "OctetString"; readonly value: Uint8Array }
    | {
        readonly type: "UTF8String" | "DiameterIdentity" | "DiameterURI" | "IPFilterRule";
        readonly value: string;
      }
    | { readonly type: "Time"; readonly value: Date }
    | { readonly type: "Address"; readonly value: DiameterAddress }
    | { readonly type: "Grouped"; readonly value: readonly Avp[] }
    /** An AVP the dictionary does not know: its data is kept and re-encoded unchanged. */
    | { readonly type: "Unknown"; readonly value: Uint8Array }
  );

export type AvpOfType<T extends Avp["type"]> = Extract<Avp, { type: T }>;
