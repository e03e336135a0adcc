/** Reads Gy CCRs and CCAs into their typed views. */
import type { Avp } from "../avp.js";
import { bigNumberOf, bytesOf, groupOf, groupsOf, numberOf, stringOf, timeOf } from "../avp-read.js";
import { gyDictionary } from "../dictionary/dictionary.js";
import { DiameterProtocolError } from "../errors.js";
import type { DiameterMessage } from "../message.js";
import { ResultCode } from "../result-codes.js";
import {
  ccFailureHandlings,
  finalUnitActions,
  reportingReasons,
  requestedActions,
  requestTypes,
  subscriptionIdTypes,
} from "./gy-enums.js";
import type {
  CreditControlAnswer,
  CreditControlRequest,
  FinalUnitIndication,
  MsccAnswer,
  MsccRequest,
  Mutable,
  ReportingReason,
  ServiceUnits,
  SmsInfo,
  SubscriptionId,
  UsedServiceUnit,
} from "./gy-types.js";

const d = (name: string) => gyDictionary.avpByName(name);
const A = {
  sessionId: d("Session-Id"),
  originHost: d("Origin-Host"),
  originRealm: d("Origin-Realm"),
  destinationRealm: d("Destination-Realm"),
  destinationHost: d("Destination-Host"),
  serviceContextId: d("Service-Context-Id"),
  requestType: d("CC-Request-Type"),
  requestNumber: d("CC-Request-Number"),
  subscriptionId: d("Subscription-Id"),
  subscriptionIdType: d("Subscription-Id-Type"),
  subscriptionIdData: d("Subscription-Id-Data"),
  requestedAction: d("Requested-Action"),
  mscc: d("Multiple-Services-Credit-Control"),
  rsu: d("Requested-Service-Unit"),
  usu: d("Used-Service-Unit"),
  gsu: d("Granted-Service-Unit"),
  ratingGroup: d("Rating-Group"),
  serviceIdentifier: d("Service-Identifier"),
  reportingReason: d("Reporting-Reason"),
  ccTime: d("CC-Time"),
  ccTotal: d("CC-Total-Octets"),
  ccInput: d("CC-Input-Octets"),
  ccOutput: d("CC-Output-Octets"),
  ccUnits: d("CC-Service-Specific-Units"),
  ccMoney: d("CC-Money"),
  unitValue: d("Unit-Value"),
  valueDigits: d("Value-Digits"),
  exponent: d("Exponent"),
  currencyCode: d("Currency-Code"),
  eventTimestamp: d("Event-Timestamp"),
  terminationCause: d("Termination-Cause"),
  userEquipmentInfo: d("User-Equipment-Info"),
  userEquipmentInfoValue: d("User-Equipment-Info-Value"),
  serviceInformation: d("Service-Information"),
  psInformation: d("PS-Information"),
  imsInformation: d("IMS-Information"),
  smsInformation: d("SMS-Information"),
  calledStationId: d("Called-Station-Id"),
  calledPartyAddress: d("Called-Party-Address"),
  dataCodingScheme: d("Data-Coding-Scheme"),
  smMessageType: d("SM-Message-Type"),
  recipientInfo: d("Recipient-Info"),
  recipientAddress: d("Recipient-Address"),
  addressData: d("Address-Data"),
  resultCode: d("Result-Code"),
  validityTime: d("Validity-Time"),
  timeQuotaThreshold: d("Time-Quota-Threshold"),
  volumeQuotaThreshold: d("Volume-Quota-Threshold"),
  unitQuotaThreshold: d("Unit-Quota-Threshold"),
  quotaHoldingTime: d("Quota-Holding-Time"),
  fui: d("Final-Unit-Indication"),
  finalUnitAction: d("Final-Unit-Action"),
  restrictionFilterRule: d("Restriction-Filter-Rule"),
  filterId: d("Filter-Id"),
  redirectServer: d("Redirect-Server"),
  redirectServerAddress: d("Redirect-Server-Address"),
  qos: d("QoS-Information"),
  mbrUl: d("Max-Requested-Bandwidth-UL"),
  mbrDl: d("Max-Requested-Bandwidth-DL"),
  costInformation: d("Cost-Information"),
  checkBalanceResult: d("Check-Balance-Result"),
  ccfh: d("Credit-Control-Failure-Handling"),
  errorMessage: d("Error-Message"),
  failedAvp: d("Failed-AVP"),
};

/** 64-bit unit counts as numbers; beyond 2^53 they are clamped (no real grant is that large). */
function units(avps: readonly Avp[], def: typeof A.ccTotal): number | undefined {
  const v = bigNumberOf(avps, def);
  if (v === undefined) return undefined;
  return typeof v === "bigint" ? Number.MAX_SAFE_INTEGER : v;
}

/** Unit-Value (RFC 4006 §8.8) as minor units: Value-Digits × 10^(Exponent + 2). */
function minorUnits(unitValue: readonly Avp[]): number {
  const digits = Number(bigNumberOf(unitValue, A.valueDigits) ?? 0);
  const exponent = (numberOf(unitValue, A.exponent) ?? 0) + 2;
  return exponent >= 0 ? digits * 10 ** exponent : Math.round(digits / 10 ** -exponent);
}

function serviceUnits(avps: readonly Avp[]): ServiceUnits {
  const out: Mutable<ServiceUnits> = {};
  const time = numberOf(avps, A.ccTime);
  if (time !== undefined) out.time = time;
  const total = units(avps, A.ccTotal);
  if (total !== undefined) out.totalOctets = total;
  const input = units(avps, A.ccInput);
  if (input !== undefined) out.inputOctets = input;
  const output = units(avps, A.ccOutput);
  if (output !== undefined) out.outputOctets = output;
  const ssu = units(avps, A.ccUnits);
  if (ssu !== undefined) out.serviceSpecificUnits = ssu;
  const money = groupOf(avps, A.ccMoney);
  if (money !== undefined) {
    out.money = {
      minorUnits: minorUnits(groupOf(money, A.unitValue) ?? []),
      currencyCode: numberOf(money, A.currencyCode) ?? 0,
    };
  }
  return out;
}

function reasonOf(avps: readonly Avp[]): ReportingReason | undefined {
  const v = numberOf(avps, A.reportingReason);
  return v === undefined ? undefined : reportingReasons.name(v);
}

function msccRequest(avps: readonly Avp[]): MsccRequest {
  const rsu = groupOf(avps, A.rsu);
  const used: UsedServiceUnit[] = groupsOf(avps, A.usu).map((u) => {
    const reason = reasonOf(u);
    const out: Mutable<UsedServiceUnit> = serviceUnits(u);
    if (reason !== undefined) out.reportingReason = reason;
    return out;
  });
  const reasons: ReportingReason[] = [];
  for (const a of avps) {
    if (
      a.code === A.reportingReason.code &&
      a.vendorId === A.reportingReason.vendorId &&
      a.type === "Enumerated"
    ) {
      const r = reportingReasons.name(a.value);
      if (r !== undefined) reasons.push(r);
    }
  }
  const ratingGroup = numberOf(avps, A.ratingGroup);
  const serviceIdentifier = numberOf(avps, A.serviceIdentifier);
  const out: Mutable<MsccRequest> = {};
  if (ratingGroup !== undefined) out.ratingGroup = ratingGroup;
  if (serviceIdentifier !== undefined) out.serviceIdentifier = serviceIdentifier;
  if (rsu !== undefined) out.requested = serviceUnits(rsu);
  if (used.length > 0) out.used = used;
  if (reasons.length > 0) out.reportingReasons = reasons;
  return out;
}

/** The typed CCR, or the protocol error its answer must carry. Assumes the ABNF was checked. */
export function parseCcr(m: DiameterMessage): CreditControlRequest | DiameterProtocolError {
  const requestTypeValue = numberOf(m.avps, A.requestType) ?? 0;
  const requestType = requestTypes.name(requestTypeValue);
  if (requestType === undefined) {
    return new DiameterProtocolError(ResultCode.INVALID_AVP_VALUE, `CC-Request-Type ${requestTypeValue}`);
  }
  const subscriptionIds: SubscriptionId[] = [];
  for (const g of groupsOf(m.avps, A.subscriptionId)) {
    const type = subscriptionIdTypes.name(numberOf(g, A.subscriptionIdType) ?? -1);
    const data = stringOf(g, A.subscriptionIdData);
    if (type !== undefined && data !== undefined) subscriptionIds.push({ type, data });
  }
  const actionValue = numberOf(m.avps, A.requestedAction);
  const requestedAction = actionValue === undefined ? undefined : requestedActions.name(actionValue);
  const info = groupOf(m.avps, A.serviceInformation);
  const ps = info === undefined ? undefined : groupOf(info, A.psInformation);
  const ims = info === undefined ? undefined : groupOf(info, A.imsInformation);
  const smsGroup = info === undefined ? undefined : groupOf(info, A.smsInformation);
  const ue = groupOf(m.avps, A.userEquipmentInfo);
  const imeisv = ue === undefined ? undefined : bytesOf(ue, A.userEquipmentInfoValue);
  const destinationHost = stringOf(m.avps, A.destinationHost);
  const eventTimestamp = timeOf(m.avps, A.eventTimestamp);
  const terminationCause = numberOf(m.avps, A.terminationCause);
  const calledStationId = ps === undefined ? undefined : stringOf(ps, A.calledStationId);
  const calledParty = ims === undefined ? undefined : stringOf(ims, A.calledPartyAddress);
  let sms: CreditControlRequest["sms"];
  if (smsGroup !== undefined) {
    const recipientInfo = groupOf(smsGroup, A.recipientInfo);
    const recipientAddress =
      recipientInfo === undefined ? undefined : groupOf(recipientInfo, A.recipientAddress);
    const recipient = recipientAddress === undefined ? undefined : stringOf(recipientAddress, A.addressData);
    const dcs = numberOf(smsGroup, A.dataCodingScheme);
    const type = numberOf(smsGroup, A.smMessageType);
    const info: Mutable<SmsInfo> = {};
    if (recipient !== undefined) info.recipient = recipient;
    if (dcs !== undefined) info.dataCodingScheme = dcs;
    if (type === 0) info.messageType = "SUBMISSION";
    else if (type === 1) info.messageType = "DELIVERY_REPORT";
    sms = info;
  }
  const ccr: Mutable<CreditControlRequest> = {
    sessionId: stringOf(m.avps, A.sessionId) ?? "",
    originHost: stringOf(m.avps, A.originHost) ?? "",
    originRealm: stringOf(m.avps, A.originRealm) ?? "",
    destinationRealm: stringOf(m.avps, A.destinationRealm) ?? "",
    serviceContextId: stringOf(m.avps, A.serviceContextId) ?? "",
    requestType,
    requestNumber: numberOf(m.avps, A.requestNumber) ?? 0,
    subscriptionIds,
    mscc: groupsOf(m.avps, A.mscc).map(msccRequest),
  };
  if (destinationHost !== undefined) ccr.destinationHost = destinationHost;
  if (requestedAction !== undefined) ccr.requestedAction = requestedAction;
  if (eventTimestamp !== undefined) ccr.eventTimestamp = eventTimestamp;
  if (terminationCause !== undefined) ccr.terminationCause = terminationCause;
  if (imeisv !== undefined) ccr.userEquipmentImeisv = Buffer.from(imeisv).toString("ascii");
  if (calledStationId !== undefined) ccr.calledStationId = calledStationId;
  if (calledParty !== undefined) ccr.calledParty = calledParty;
  if (sms !== undefined) ccr.sms = sms;
  return ccr;
}

function finalUnitIndication(g: readonly Avp[]): FinalUnitIndication | undefined {
  const action = finalUnitActions.name(numberOf(g, A.finalUnitAction) ?? -1);
  if (action === undefined) return undefined;
  const rules: string[] = [];
  const filters: string[] = [];
  for (const a of g) {
    if (a.code === A.restrictionFilterRule.code && a.type === "IPFilterRule") rules.push(a.value);
    if (a.code === A.filterId.code && a.type === "UTF8String") filters.push(a.value);
  }
  const redirect = groupOf(g, A.redirectServer);
  const url = redirect === undefined ? undefined : stringOf(redirect, A.redirectServerAddress);
  const fui: Mutable<FinalUnitIndication> = { action };
  if (url !== undefined) fui.redirectUrl = url;
  if (rules.length > 0) fui.restrictionFilterRules = rules;
  if (filters.length > 0) fui.filterIds = filters;
  return fui;
}

function msccAnswer(g: readonly Avp[]): MsccAnswer {
  const out: Mutable<MsccAnswer> = {};
  const set = <K extends keyof MsccAnswer>(k: K, v: MsccAnswer[K] | undefined): void => {
    if (v !== undefined) out[k] = v;
  };
  set("ratingGroup", numberOf(g, A.ratingGroup));
  set("serviceIdentifier", numberOf(g, A.serviceIdentifier));
  set("resultCode", numberOf(g, A.resultCode));
  const gsu = groupOf(g, A.gsu);
  if (gsu !== undefined) out.granted = serviceUnits(gsu);
  set("validityTime", numberOf(g, A.validityTime));
  set("timeQuotaThreshold", numberOf(g, A.timeQuotaThreshold));
  set("volumeQuotaThreshold", numberOf(g, A.volumeQuotaThreshold));
  set("unitQuotaThreshold", numberOf(g, A.unitQuotaThreshold));
  set("quotaHoldingTime", numberOf(g, A.quotaHoldingTime));
  const fui = groupOf(g, A.fui);
  if (fui !== undefined) set("finalUnitIndication", finalUnitIndication(fui));
  const qos = groupOf(g, A.qos);
  if (qos !== undefined) {
    set("maxBandwidthUl", numberOf(qos, A.mbrUl));
    set("maxBandwidthDl", numberOf(qos, A.mbrDl));
  }
  return out;
}

/** The typed CCA (lenient: a field the answer lacks is left out). */
export function parseCca(m: DiameterMessage): CreditControlAnswer {
  const cost = groupOf(m.avps, A.costInformation);
  const ccfh = numberOf(m.avps, A.ccfh);
  const cbr = numberOf(m.avps, A.checkBalanceResult);
  const validityTime = numberOf(m.avps, A.validityTime);
  const errorMessage = stringOf(m.avps, A.errorMessage);
  const failed = groupOf(m.avps, A.failedAvp);
  const ccfhName = ccfh === undefined ? undefined : ccFailureHandlings.name(ccfh);
  const cca: Mutable<CreditControlAnswer> = {
    sessionId: stringOf(m.avps, A.sessionId) ?? "",
    resultCode: numberOf(m.avps, A.resultCode) ?? 0,
    originHost: stringOf(m.avps, A.originHost) ?? "",
    originRealm: stringOf(m.avps, A.originRealm) ?? "",
    requestType: requestTypes.name(numberOf(m.avps, A.requestType) ?? 0) ?? "EVENT",
    requestNumber: numberOf(m.avps, A.requestNumber) ?? 0,
    mscc: groupsOf(m.avps, A.mscc).map(msccAnswer),
  };
  if (validityTime !== undefined) cca.validityTime = validityTime;
  if (ccfhName !== undefined) cca.ccFailureHandling = ccfhName;
  if (cbr === 0) cca.checkBalanceResult = "ENOUGH_CREDIT";
  else if (cbr === 1) cca.checkBalanceResult = "NO_CREDIT";
  if (cost !== undefined) {
    cca.cost = {
      minorUnits: minorUnits(groupOf(cost, A.unitValue) ?? []),
      currencyCode: numberOf(cost, A.currencyCode) ?? 0,
    };
  }
  if (errorMessage !== undefined) cca.errorMessage = errorMessage;
  if (failed?.[0] !== undefined) cca.failedAvpCode = failed[0].code;
  return cca;
}
