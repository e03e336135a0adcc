/** The RFC 6733 §4.2-§4.3 data formats, plus the derived types we use. */
export type AvpType =
  | "OctetString"
  | "Integer32"
  | "Integer64"
  | "Unsigned32"
  | "Unsigned64"
  | "Float32"
  | "Float64"
  | "Grouped"
  | "Address"
  | "Time"
  | "UTF8String"
  | "DiameterIdentity"
  | "DiameterURI"
  | "Enumerated"
  | "IPFilterRule";

/** How the M bit must be set (RFC 6733 §4.5 AVP flag rules tables). */
export type MandatoryRule = "must" | "may" | "mustnot";

export interface AvpDefinition {
  readonly code: number;
  /** 0 for IETF AVPs; 10415 for 3GPP. */
  readonly vendorId: number;
  readonly name: string;
  readonly type: AvpType;
  readonly mandatory: MandatoryRule;
  /** For Enumerated: name -> value. Values outside it answer 5004 when strict enums are on. */
  readonly enumValues?: Readonly<Record<string, number>>;
  /** For Grouped: the rules of the children (ABNF of the spec). */
  readonly rules?: readonly AvpRule[];
}

/**
 * One line of a command or grouped ABNF: `<x>` fixed position (min 1, max 1, first),
 * `{x}` required, `[x]` optional, `*[x]` any number, `1*{x}` at least one.
 */
export interface AvpRule {
  readonly name: string;
  readonly min: number;
  /** Infinity for "any number". */
  readonly max: number;
}

export interface CommandDefinition {
  readonly code: number;
  readonly name: string;
  /** Abbreviations of request and answer, e.g. CCR / CCA. */
  readonly requestName: string;
  readonly answerName: string;
  /** Application id the command belongs to (0 = base protocol). */
  readonly applicationId: number;
  readonly request: readonly AvpRule[];
  readonly answer: readonly AvpRule[];
  /** Whether a request may be proxied (P bit). */
  readonly proxiable: boolean;
}

/** Rule helpers so dictionaries read like the ABNF they come from. */
export const one = (name: string): AvpRule => ({ name, min: 1, max: 1 });
export const opt = (name: string): AvpRule => ({ name, min: 0, max: 1 });
export const any = (name: string): AvpRule => ({ name, min: 0, max: Number.POSITIVE_INFINITY });
export const some = (name: string): AvpRule => ({ name, min: 1, max: Number.POSITIVE_INFINITY });
