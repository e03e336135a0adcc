/**
 * Typed views of the Gy messages (RFC 4006 §3.1-§3.2 with the TS 32.299 §6.4.2-§6.4.3 additions).
 * Both sides use them: the OCS parses CCRs and builds CCAs, the client builds CCRs and parses CCAs.
 */

export type CcRequestType = "INITIAL" | "UPDATE" | "TERMINATION" | "EVENT";
export type RequestedAction = "DIRECT_DEBITING" | "REFUND_ACCOUNT" | "CHECK_BALANCE" | "PRICE_ENQUIRY";
export type SubscriptionIdType = "E164" | "IMSI" | "SIP_URI" | "NAI" | "PRIVATE";
export type FinalUnitAction = "TERMINATE" | "REDIRECT" | "RESTRICT_ACCESS";
export type CcFailureHandling = "TERMINATE" | "CONTINUE" | "RETRY_AND_TERMINATE";
export type ReportingReason =
  | "THRESHOLD"
  | "QHT"
  | "FINAL"
  | "QUOTA_EXHAUSTED"
  | "VALIDITY_TIME"
  | "OTHER_QUOTA_TYPE"
  | "RATING_CONDITION_CHANGE"
  | "FORCED_REAUTHORISATION"
  | "POOL_EXHAUSTED"
  | "UNUSED_QUOTA_TIMER";

export interface SubscriptionId {
  readonly type: SubscriptionIdType;
  readonly data: string;
}

/** Units of one kind or several: seconds, octets, service-specific units (messages), money in minor units. */
export interface ServiceUnits {
  readonly time?: number;
  readonly totalOctets?: number;
  readonly inputOctets?: number;
  readonly outputOctets?: number;
  readonly serviceSpecificUnits?: number;
  /** CC-Money as minor units (Value-Digits with Exponent -2) and the ISO 4217 code. */
  readonly money?: { readonly minorUnits: number; readonly currencyCode: number };
}

export interface UsedServiceUnit extends ServiceUnits {
  readonly reportingReason?: ReportingReason;
}

export interface MsccRequest {
  readonly ratingGroup?: number;
  readonly serviceIdentifier?: number;
  /** Requested units; `{}` is an empty Requested-Service-Unit (the server decides the quota). */
  readonly requested?: ServiceUnits;
  readonly used?: readonly UsedServiceUnit[];
  readonly reportingReasons?: readonly ReportingReason[];
}

export interface SmsInfo {
  readonly recipient?: string;
  readonly dataCodingScheme?: number;
  readonly messageType?: "SUBMISSION" | "DELIVERY_REPORT";
}

export interface CreditControlRequest {
  readonly sessionId: string;
  readonly originHost: string;
  readonly originRealm: string;
  readonly destinationRealm: string;
  readonly destinationHost?: string;
  readonly serviceContextId: string;
  readonly requestType: CcRequestType;
  readonly requestNumber: number;
  readonly subscriptionIds: readonly SubscriptionId[];
  readonly requestedAction?: RequestedAction;
  readonly mscc: readonly MsccRequest[];
  readonly eventTimestamp?: Date;
  readonly terminationCause?: number;
  readonly userEquipmentImeisv?: string;
  readonly calledStationId?: string;
  /** Called party of a voice call (IMS-Information / Called-Party-Address). */
  readonly calledParty?: string;
  readonly sms?: SmsInfo;
}

export interface FinalUnitIndication {
  readonly action: FinalUnitAction;
  readonly redirectUrl?: string;
  readonly restrictionFilterRules?: readonly string[];
  readonly filterIds?: readonly string[];
}

export interface MsccAnswer {
  readonly ratingGroup?: number;
  readonly serviceIdentifier?: number;
  readonly resultCode?: number;
  readonly granted?: ServiceUnits;
  readonly validityTime?: number;
  readonly timeQuotaThreshold?: number;
  readonly volumeQuotaThreshold?: number;
  readonly unitQuotaThreshold?: number;
  readonly quotaHoldingTime?: number;
  readonly finalUnitIndication?: FinalUnitIndication;
  /** QoS-Information maximum bandwidths in bit/s: how a throttled grant is expressed. */
  readonly maxBandwidthUl?: number;
  readonly maxBandwidthDl?: number;
}

export interface CreditControlAnswer {
  readonly sessionId: string;
  readonly resultCode: number;
  readonly originHost: string;
  readonly originRealm: string;
  readonly requestType: CcRequestType;
  readonly requestNumber: number;
  readonly mscc: readonly MsccAnswer[];
  readonly validityTime?: number;
  readonly ccFailureHandling?: CcFailureHandling;
  readonly checkBalanceResult?: "ENOUGH_CREDIT" | "NO_CREDIT";
  /** Cost-Information, in minor units (kopecks). */
  readonly cost?: { readonly minorUnits: number; readonly currencyCode: number };
  readonly errorMessage?: string;
  readonly failedAvpCode?: number;
}

/** The writable form of a view type, for building one field by field without object spread. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
