/** RFC 4006 (updated by RFC 8506) Diameter Credit-Control Application AVPs, §8 and the table of §12. */
import { type AvpDefinition, type AvpType, any, type MandatoryRule, one, opt } from "./types.js";
import { VENDOR_IETF } from "./vendors.js";

const dcca = (
  code: number,
  name: string,
  type: AvpType,
  mandatory: MandatoryRule = "must",
  extra: Partial<Pick<AvpDefinition, "enumValues" | "rules">> = {},
): AvpDefinition => ({ code, vendorId: VENDOR_IETF, name, type, mandatory, ...extra });

/** Children shared by Granted-, Requested- and Used-Service-Unit (RFC 4006 §8.17-8.19). */
const serviceUnitRules = [
  opt("Tariff-Time-Change"),
  opt("CC-Time"),
  opt("CC-Money"),
  opt("CC-Total-Octets"),
  opt("CC-Input-Octets"),
  opt("CC-Output-Octets"),
  opt("CC-Service-Specific-Units"),
];

export const ccRequestTypes = {
  INITIAL_REQUEST: 1,
  UPDATE_REQUEST: 2,
  TERMINATION_REQUEST: 3,
  EVENT_REQUEST: 4,
} as const;

export const dccaAvps: readonly AvpDefinition[] = [
  dcca(411, "CC-Correlation-Id", "OctetString", "may"),
  dcca(412, "CC-Input-Octets", "Unsigned64"),
  dcca(413, "CC-Money", "Grouped", "must", { rules: [one("Unit-Value"), opt("Currency-Code")] }),
  dcca(414, "CC-Output-Octets", "Unsigned64"),
  dcca(415, "CC-Request-Number", "Unsigned32"),
  dcca(416, "CC-Request-Type", "Enumerated", "must", { enumValues: ccRequestTypes }),
  dcca(417, "CC-Service-Specific-Units", "Unsigned64"),
  dcca(418, "CC-Session-Failover", "Enumerated", "must", {
    enumValues: { FAILOVER_NOT_SUPPORTED: 0, FAILOVER_SUPPORTED: 1 },
  }),
  dcca(419, "CC-Sub-Session-Id", "Unsigned64"),
  dcca(420, "CC-Time", "Unsigned32"),
  dcca(421, "CC-Total-Octets", "Unsigned64"),
  dcca(422, "Check-Balance-Result", "Enumerated", "must", { enumValues: { ENOUGH_CREDIT: 0, NO_CREDIT: 1 } }),
  dcca(423, "Cost-Information", "Grouped", "must", {
    rules: [one("Unit-Value"), one("Currency-Code"), opt("Cost-Unit")],
  }),
  dcca(424, "Cost-Unit", "UTF8String"),
  dcca(425, "Currency-Code", "Unsigned32"),
  dcca(426, "Credit-Control", "Enumerated", "must", {
    enumValues: { CREDIT_AUTHORIZATION: 0, RE_AUTHORIZATION: 1 },
  }),
  dcca(427, "Credit-Control-Failure-Handling", "Enumerated", "must", {
    enumValues: { TERMINATE: 0, CONTINUE: 1, RETRY_AND_TERMINATE: 2 },
  }),
  dcca(428, "Direct-Debiting-Failure-Handling", "Enumerated", "must", {
    enumValues: { TERMINATE_OR_BUFFER: 0, CONTINUE: 1 },
  }),
  dcca(429, "Exponent", "Integer32"),
  dcca(430, "Final-Unit-Indication", "Grouped", "must", {
    rules: [
      one("Final-Unit-Action"),
      any("Restriction-Filter-Rule"),
      any("Filter-Id"),
      opt("Redirect-Server"),
    ],
  }),
  dcca(431, "Granted-Service-Unit", "Grouped", "must", { rules: [...serviceUnitRules, any("AVP")] }),
  dcca(432, "Rating-Group", "Unsigned32"),
  dcca(433, "Redirect-Address-Type", "Enumerated", "must", {
    enumValues: { IPV4_ADDRESS: 0, IPV6_ADDRESS: 1, URL: 2, SIP_URI: 3 },
  }),
  dcca(434, "Redirect-Server", "Grouped", "must", {
    rules: [one("Redirect-Address-Type"), one("Redirect-Server-Address")],
  }),
  dcca(435, "Redirect-Server-Address", "UTF8String"),
  dcca(436, "Requested-Action", "Enumerated", "must", {
    enumValues: { DIRECT_DEBITING: 0, REFUND_ACCOUNT: 1, CHECK_BALANCE: 2, PRICE_ENQUIRY: 3 },
  }),
  dcca(437, "Requested-Service-Unit", "Grouped", "must", { rules: [...serviceUnitRules, any("AVP")] }),
  dcca(438, "Restriction-Filter-Rule", "IPFilterRule"),
  dcca(439, "Service-Identifier", "Unsigned32"),
  dcca(440, "Service-Parameter-Info", "Grouped", "may", {
    rules: [one("Service-Parameter-Type"), one("Service-Parameter-Value")],
  }),
  dcca(441, "Service-Parameter-Type", "Unsigned32", "may"),
  dcca(442, "Service-Parameter-Value", "OctetString", "may"),
  dcca(443, "Subscription-Id", "Grouped", "must", {
    rules: [one("Subscription-Id-Type"), one("Subscription-Id-Data")],
  }),
  dcca(444, "Subscription-Id-Data", "UTF8String"),
  dcca(445, "Unit-Value", "Grouped", "must", { rules: [one("Value-Digits"), opt("Exponent")] }),
  dcca(446, "Used-Service-Unit", "Grouped", "must", {
    // TS 32.299 §7.1.9 adds Reporting-Reason and Event-Charging-TimeStamp.
    rules: [...serviceUnitRules, opt("Reporting-Reason"), any("Event-Charging-TimeStamp"), any("AVP")],
  }),
  dcca(447, "Value-Digits", "Integer64"),
  dcca(448, "Validity-Time", "Unsigned32"),
  dcca(449, "Final-Unit-Action", "Enumerated", "must", {
    enumValues: { TERMINATE: 0, REDIRECT: 1, RESTRICT_ACCESS: 2 },
  }),
  dcca(450, "Subscription-Id-Type", "Enumerated", "must", {
    enumValues: {
      END_USER_E164: 0,
      END_USER_IMSI: 1,
      END_USER_SIP_URI: 2,
      END_USER_NAI: 3,
      END_USER_PRIVATE: 4,
    },
  }),
  dcca(451, "Tariff-Time-Change", "Time"),
  dcca(452, "Tariff-Change-Usage", "Enumerated", "must", {
    enumValues: { UNIT_BEFORE_TARIFF_CHANGE: 0, UNIT_AFTER_TARIFF_CHANGE: 1, UNIT_INDETERMINATE: 2 },
  }),
  dcca(453, "G-S-U-Pool-Identifier", "Unsigned32"),
  dcca(454, "CC-Unit-Type", "Enumerated", "must", {
    enumValues: {
      TIME: 0,
      MONEY: 1,
      TOTAL_OCTETS: 2,
      INPUT_OCTETS: 3,
      OUTPUT_OCTETS: 4,
      SERVICE_SPECIFIC_UNITS: 5,
    },
  }),
  dcca(455, "Multiple-Services-Indicator", "Enumerated", "must", {
    enumValues: { MULTIPLE_SERVICES_NOT_SUPPORTED: 0, MULTIPLE_SERVICES_SUPPORTED: 1 },
  }),
  dcca(456, "Multiple-Services-Credit-Control", "Grouped", "must", {
    rules: [
      opt("Granted-Service-Unit"),
      opt("Requested-Service-Unit"),
      any("Used-Service-Unit"),
      opt("Tariff-Change-Usage"),
      any("Service-Identifier"),
      opt("Rating-Group"),
      any("G-S-U-Pool-Reference"),
      opt("Validity-Time"),
      opt("Result-Code"),
      opt("Final-Unit-Indication"),
      // TS 32.299 §7.1.5 additions.
      opt("Time-Quota-Threshold"),
      opt("Volume-Quota-Threshold"),
      opt("Unit-Quota-Threshold"),
      opt("Quota-Holding-Time"),
      opt("Quota-Consumption-Time"),
      any("Reporting-Reason"),
      opt("Trigger"),
      opt("QoS-Information"),
      any("AVP"),
    ],
  }),
  dcca(457, "G-S-U-Pool-Reference", "Grouped", "must", {
    rules: [one("G-S-U-Pool-Identifier"), one("CC-Unit-Type"), one("Unit-Value")],
  }),
  dcca(458, "User-Equipment-Info", "Grouped", "may", {
    rules: [one("User-Equipment-Info-Type"), one("User-Equipment-Info-Value")],
  }),
  dcca(459, "User-Equipment-Info-Type", "Enumerated", "may", {
    enumValues: { IMEISV: 0, MAC: 1, EUI64: 2, MODIFIED_EUI64: 3 },
  }),
  dcca(460, "User-Equipment-Info-Value", "OctetString", "may"),
  dcca(461, "Service-Context-Id", "UTF8String"),
];
