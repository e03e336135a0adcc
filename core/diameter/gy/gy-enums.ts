/** Names of the Gy enumerations as the typed views spell them, and their wire values. */
import type {
  CcFailureHandling,
  CcRequestType,
  FinalUnitAction,
  ReportingReason,
  RequestedAction,
  SubscriptionIdType,
} from "./gy-types.js";

function table<K extends string>(entries: Record<K, number>) {
  const byValue = new Map<number, K>();
  for (const [k, v] of Object.entries(entries) as [K, number][]) byValue.set(v, k);
  return { value: (k: K): number => entries[k], name: (v: number): K | undefined => byValue.get(v) };
}

export const requestTypes = table<CcRequestType>({ INITIAL: 1, UPDATE: 2, TERMINATION: 3, EVENT: 4 });
export const requestedActions = table<RequestedAction>({
  DIRECT_DEBITING: 0,
  REFUND_ACCOUNT: 1,
  CHECK_BALANCE: 2,
  PRICE_ENQUIRY: 3,
});
export const subscriptionIdTypes = table<SubscriptionIdType>({
  E164: 0,
  IMSI: 1,
  SIP_URI: 2,
  NAI: 3,
  PRIVATE: 4,
});
export const finalUnitActions = table<FinalUnitAction>({ TERMINATE: 0, REDIRECT: 1, RESTRICT_ACCESS: 2 });
export const ccFailureHandlings = table<CcFailureHandling>({
  TERMINATE: 0,
  CONTINUE: 1,
  RETRY_AND_TERMINATE: 2,
});
export const reportingReasons = table<ReportingReason>({
  THRESHOLD: 0,
  QHT: 1,
  FINAL: 2,
  QUOTA_EXHAUSTED: 3,
  VALIDITY_TIME: 4,
  OTHER_QUOTA_TYPE: 5,
  RATING_CONDITION_CHANGE: 6,
  FORCED_REAUTHORISATION: 7,
  POOL_EXHAUSTED: 8,
  UNUSED_QUOTA_TIMER: 9,
});

/** ISO 4217 numeric code of the Belarusian rouble. */
export const CURRENCY_BYN = 933;
/** Service-Context-Id values of TS 32.299 §7.1.12 (PS = Gy data, SMS, IMS voice). */
export const SERVICE_CONTEXT = {
  ps: "32251@3gpp.org",
  sms: "32274@3gpp.org",
  ims: "32260@3gpp.org",
} as const;
