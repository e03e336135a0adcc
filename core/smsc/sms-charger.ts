/**
 * Per-message charging, behind a small interface so the SMSC does not care how: GySmsCharger sends
 * a Gy immediate event charge to an OCS (gy-sms-charger.ts); NO_CHARGE accepts everything.
 * A charge is asked BEFORE the message is accepted; a multipart message is charged per segment
 * (`segments` units in one request, all or nothing).
 */

export interface SmsChargeRequest {
  /** The MSISDN whose account pays: the handset (MO) or the ESME's charging MSISDN. */
  readonly payer: string;
  readonly recipient: string;
  readonly dataCodingScheme: number;
  /** Units to charge: the message's segments. */
  readonly segments: number;
  readonly direction: "mo" | "mt";
}

export type SmsChargeResult =
  | { readonly kind: "charged" }
  /** The OCS answered and refused: its Result-Code (4012 credit limit, 4010 denied, 5030 unknown, …). */
  | { readonly kind: "refused"; readonly resultCode: number }
  /** No answer (unreachable, timed out) and failure handling says stop. */
  | { readonly kind: "unavailable"; readonly reason: string };

export interface SmsCharger {
  /** Never rejects; a synchronous answer is allowed (and saves a tick). */
  charge(request: SmsChargeRequest): SmsChargeResult | Promise<SmsChargeResult>;
}

export const CHARGED: SmsChargeResult = { kind: "charged" };

/** Charges nothing: every message is accepted. */
export const NO_CHARGE: SmsCharger = { charge: () => CHARGED };

/** True for a value that must be awaited. */
export function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}
