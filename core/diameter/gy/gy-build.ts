/** Builds Gy CCR and CCA messages from their typed views. */
import type { Avp } from "../avp.js";
import { avp } from "../avp-build.js";
import { APPLICATION_CREDIT_CONTROL, CommandCode } from "../dictionary/commands.js";
import type { DiameterMessage } from "../message.js";
import { type AnsweredHeader, makeAnswer } from "../message-build.js";
import type { OutgoingRequest } from "../peer.js";
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
  MsccAnswer,
  MsccRequest,
  ServiceUnits,
} from "./gy-types.js";

function unitAvps(u: ServiceUnits): Avp[] {
  const out: Avp[] = [];
  if (u.time !== undefined) out.push(avp("CC-Time", u.time));
  if (u.money !== undefined) {
    out.push(
      avp("CC-Money", [
        avp("Unit-Value", [avp("Value-Digits", u.money.minorUnits), avp("Exponent", -2)]),
        avp("Currency-Code", u.money.currencyCode),
      ]),
    );
  }
  if (u.totalOctets !== undefined) out.push(avp("CC-Total-Octets", u.totalOctets));
  if (u.inputOctets !== undefined) out.push(avp("CC-Input-Octets", u.inputOctets));
  if (u.outputOctets !== undefined) out.push(avp("CC-Output-Octets", u.outputOctets));
  if (u.serviceSpecificUnits !== undefined)
    out.push(avp("CC-Service-Specific-Units", u.serviceSpecificUnits));
  return out;
}

function msccRequestAvp(m: MsccRequest): Avp {
  const children: Avp[] = [];
  if (m.requested !== undefined) children.push(avp("Requested-Service-Unit", unitAvps(m.requested)));
  for (const used of m.used ?? []) {
    const u = unitAvps(used);
    if (used.reportingReason !== undefined) {
      u.push(avp("Reporting-Reason", reportingReasons.value(used.reportingReason)));
    }
    children.push(avp("Used-Service-Unit", u));
  }
  if (m.serviceIdentifier !== undefined) children.push(avp("Service-Identifier", m.serviceIdentifier));
  if (m.ratingGroup !== undefined) children.push(avp("Rating-Group", m.ratingGroup));
  for (const r of m.reportingReasons ?? []) children.push(avp("Reporting-Reason", reportingReasons.value(r)));
  return avp("Multiple-Services-Credit-Control", children);
}

export function buildCcrAvps(r: CreditControlRequest): Avp[] {
  const avps: Avp[] = [
    avp("Session-Id", r.sessionId),
    avp("Origin-Host", r.originHost),
    avp("Origin-Realm", r.originRealm),
    avp("Destination-Realm", r.destinationRealm),
    avp("Auth-Application-Id", APPLICATION_CREDIT_CONTROL),
    avp("Service-Context-Id", r.serviceContextId),
    avp("CC-Request-Type", requestTypes.value(r.requestType)),
    avp("CC-Request-Number", r.requestNumber),
  ];
  if (r.destinationHost !== undefined) avps.push(avp("Destination-Host", r.destinationHost));
  if (r.eventTimestamp !== undefined) avps.push(avp("Event-Timestamp", r.eventTimestamp));
  for (const s of r.subscriptionIds) {
    avps.push(
      avp("Subscription-Id", [
        avp("Subscription-Id-Type", subscriptionIdTypes.value(s.type)),
        avp("Subscription-Id-Data", s.data),
      ]),
    );
  }
  if (r.terminationCause !== undefined) avps.push(avp("Termination-Cause", r.terminationCause));
  if (r.requestedAction !== undefined)
    avps.push(avp("Requested-Action", requestedActions.value(r.requestedAction)));
  if (r.mscc.length > 0) avps.push(avp("Multiple-Services-Indicator", "MULTIPLE_SERVICES_SUPPORTED"));
  for (const m of r.mscc) avps.push(msccRequestAvp(m));
  if (r.userEquipmentImeisv !== undefined) {
    avps.push(
      avp("User-Equipment-Info", [
        avp("User-Equipment-Info-Type", "IMEISV"),
        avp("User-Equipment-Info-Value", Buffer.from(r.userEquipmentImeisv, "ascii")),
      ]),
    );
  }
  const info: Avp[] = [];
  if (r.calledStationId !== undefined)
    info.push(avp("PS-Information", [avp("Called-Station-Id", r.calledStationId)]));
  if (r.calledParty !== undefined)
    info.push(avp("IMS-Information", [avp("Called-Party-Address", r.calledParty)]));
  if (r.sms !== undefined) {
    const sms: Avp[] = [];
    if (r.sms.dataCodingScheme !== undefined) sms.push(avp("Data-Coding-Scheme", r.sms.dataCodingScheme));
    if (r.sms.messageType !== undefined) sms.push(avp("SM-Message-Type", r.sms.messageType));
    if (r.sms.recipient !== undefined) {
      sms.push(
        avp("Recipient-Info", [
          avp("Recipient-Address", [avp("Address-Type", "MSISDN"), avp("Address-Data", r.sms.recipient)]),
        ]),
      );
    }
    info.push(avp("SMS-Information", sms));
  }
  if (info.length > 0) avps.push(avp("Service-Information", info));
  return avps;
}

export function ccrRequest(r: CreditControlRequest, timeoutMs?: number): OutgoingRequest {
  return {
    commandCode: CommandCode.CreditControl,
    applicationId: APPLICATION_CREDIT_CONTROL,
    avps: buildCcrAvps(r),
    proxiable: true,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  };
}

function msccAnswerAvp(m: MsccAnswer): Avp {
  const c: Avp[] = [];
  if (m.granted !== undefined) c.push(avp("Granted-Service-Unit", unitAvps(m.granted)));
  if (m.serviceIdentifier !== undefined) c.push(avp("Service-Identifier", m.serviceIdentifier));
  if (m.ratingGroup !== undefined) c.push(avp("Rating-Group", m.ratingGroup));
  if (m.validityTime !== undefined) c.push(avp("Validity-Time", m.validityTime));
  if (m.resultCode !== undefined) c.push(avp("Result-Code", m.resultCode));
  const fui = m.finalUnitIndication;
  if (fui !== undefined) {
    const f: Avp[] = [avp("Final-Unit-Action", finalUnitActions.value(fui.action))];
    for (const rule of fui.restrictionFilterRules ?? []) f.push(avp("Restriction-Filter-Rule", rule));
    for (const id of fui.filterIds ?? []) f.push(avp("Filter-Id", id));
    if (fui.redirectUrl !== undefined) {
      f.push(
        avp("Redirect-Server", [
          avp("Redirect-Address-Type", "URL"),
          avp("Redirect-Server-Address", fui.redirectUrl),
        ]),
      );
    }
    c.push(avp("Final-Unit-Indication", f));
  }
  if (m.timeQuotaThreshold !== undefined) c.push(avp("Time-Quota-Threshold", m.timeQuotaThreshold));
  if (m.volumeQuotaThreshold !== undefined) c.push(avp("Volume-Quota-Threshold", m.volumeQuotaThreshold));
  if (m.unitQuotaThreshold !== undefined) c.push(avp("Unit-Quota-Threshold", m.unitQuotaThreshold));
  if (m.quotaHoldingTime !== undefined) c.push(avp("Quota-Holding-Time", m.quotaHoldingTime));
  if (m.maxBandwidthUl !== undefined || m.maxBandwidthDl !== undefined) {
    const q: Avp[] = [];
    if (m.maxBandwidthUl !== undefined) q.push(avp("Max-Requested-Bandwidth-UL", m.maxBandwidthUl));
    if (m.maxBandwidthDl !== undefined) q.push(avp("Max-Requested-Bandwidth-DL", m.maxBandwidthDl));
    c.push(avp("QoS-Information", q));
  }
  return avp("Multiple-Services-Credit-Control", c);
}

/** The CCA for `request` (its header supplies the ids). */
export function buildCca(request: AnsweredHeader, a: CreditControlAnswer): DiameterMessage {
  const avps: Avp[] = [
    avp("Session-Id", a.sessionId),
    avp("Result-Code", a.resultCode),
    avp("Origin-Host", a.originHost),
    avp("Origin-Realm", a.originRealm),
    avp("Auth-Application-Id", APPLICATION_CREDIT_CONTROL),
    avp("CC-Request-Type", requestTypes.value(a.requestType)),
    avp("CC-Request-Number", a.requestNumber),
  ];
  for (const m of a.mscc) avps.push(msccAnswerAvp(m));
  if (a.cost !== undefined) {
    avps.push(
      avp("Cost-Information", [
        avp("Unit-Value", [avp("Value-Digits", a.cost.minorUnits), avp("Exponent", -2)]),
        avp("Currency-Code", a.cost.currencyCode),
      ]),
    );
  }
  if (a.checkBalanceResult !== undefined) avps.push(avp("Check-Balance-Result", a.checkBalanceResult));
  if (a.ccFailureHandling !== undefined) {
    avps.push(avp("Credit-Control-Failure-Handling", ccFailureHandlings.value(a.ccFailureHandling)));
  }
  if (a.validityTime !== undefined) avps.push(avp("Validity-Time", a.validityTime));
  if (a.errorMessage !== undefined) avps.push(avp("Error-Message", a.errorMessage));
  return makeAnswer(request, avps);
}
