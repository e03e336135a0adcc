/** RFC 6733 base protocol AVPs (§4.5 table), plus the few RADIUS-derived ones Gy uses. */
import { type AvpDefinition, type AvpType, any, type MandatoryRule, one, opt } from "./types.js";
import { VENDOR_IETF } from "./vendors.js";

const ietf = (
  code: number,
  name: string,
  type: AvpType,
  mandatory: MandatoryRule = "must",
  extra: Partial<Pick<AvpDefinition, "enumValues" | "rules">> = {},
): AvpDefinition => ({ code, vendorId: VENDOR_IETF, name, type, mandatory, ...extra });

export const baseAvps: readonly AvpDefinition[] = [
  ietf(1, "User-Name", "UTF8String"),
  ietf(11, "Filter-Id", "UTF8String"), // RFC 7155 §4.4.6
  ietf(25, "Class", "OctetString"),
  ietf(27, "Session-Timeout", "Unsigned32"),
  ietf(30, "Called-Station-Id", "UTF8String"), // RFC 7155 §4.2.5
  ietf(33, "Proxy-State", "OctetString"),
  ietf(44, "Accounting-Session-Id", "OctetString"),
  ietf(50, "Acct-Multi-Session-Id", "UTF8String"),
  ietf(55, "Event-Timestamp", "Time"),
  ietf(85, "Acct-Interim-Interval", "Unsigned32"),
  ietf(257, "Host-IP-Address", "Address"),
  ietf(258, "Auth-Application-Id", "Unsigned32"),
  ietf(259, "Acct-Application-Id", "Unsigned32"),
  ietf(260, "Vendor-Specific-Application-Id", "Grouped", "must", {
    rules: [opt("Vendor-Id"), opt("Auth-Application-Id"), opt("Acct-Application-Id")],
  }),
  ietf(261, "Redirect-Host-Usage", "Enumerated", "must", {
    enumValues: {
      DONT_CACHE: 0,
      ALL_SESSION: 1,
      ALL_REALM: 2,
      REALM_AND_APPLICATION: 3,
      ALL_APPLICATION: 4,
      ALL_HOST: 5,
      ALL_USER: 6,
    },
  }),
  ietf(262, "Redirect-Max-Cache-Time", "Unsigned32"),
  ietf(263, "Session-Id", "UTF8String"),
  ietf(264, "Origin-Host", "DiameterIdentity"),
  ietf(265, "Supported-Vendor-Id", "Unsigned32"),
  ietf(266, "Vendor-Id", "Unsigned32"),
  ietf(267, "Firmware-Revision", "Unsigned32", "mustnot"),
  ietf(268, "Result-Code", "Unsigned32"),
  ietf(269, "Product-Name", "UTF8String", "mustnot"),
  ietf(270, "Session-Binding", "Unsigned32"),
  ietf(271, "Session-Server-Failover", "Enumerated", "must", {
    enumValues: { REFUSE_SERVICE: 0, TRY_AGAIN: 1, ALLOW_SERVICE: 2, TRY_AGAIN_ALLOW_SERVICE: 3 },
  }),
  ietf(272, "Multi-Round-Time-Out", "Unsigned32"),
  ietf(273, "Disconnect-Cause", "Enumerated", "must", {
    enumValues: { REBOOTING: 0, BUSY: 1, DO_NOT_WANT_TO_TALK_TO_YOU: 2 },
  }),
  ietf(274, "Auth-Request-Type", "Enumerated", "must", {
    enumValues: { AUTHENTICATE_ONLY: 1, AUTHORIZE_ONLY: 2, AUTHORIZE_AUTHENTICATE: 3 },
  }),
  ietf(276, "Auth-Grace-Period", "Unsigned32"),
  ietf(277, "Auth-Session-State", "Enumerated", "must", {
    enumValues: { STATE_MAINTAINED: 0, NO_STATE_MAINTAINED: 1 },
  }),
  ietf(278, "Origin-State-Id", "Unsigned32"),
  // Failed-AVP holds copies of offending AVPs of any kind: its children are not checked.
  ietf(279, "Failed-AVP", "Grouped"),
  ietf(280, "Proxy-Host", "DiameterIdentity"),
  ietf(281, "Error-Message", "UTF8String", "mustnot"),
  ietf(282, "Route-Record", "DiameterIdentity"),
  ietf(283, "Destination-Realm", "DiameterIdentity"),
  ietf(284, "Proxy-Info", "Grouped", "must", { rules: [one("Proxy-Host"), one("Proxy-State"), any("AVP")] }),
  ietf(285, "Re-Auth-Request-Type", "Enumerated", "must", {
    enumValues: { AUTHORIZE_ONLY: 0, AUTHORIZE_AUTHENTICATE: 1 },
  }),
  ietf(287, "Accounting-Sub-Session-Id", "Unsigned64"),
  ietf(291, "Authorization-Lifetime", "Unsigned32"),
  ietf(292, "Redirect-Host", "DiameterURI"),
  ietf(293, "Destination-Host", "DiameterIdentity"),
  ietf(294, "Error-Reporting-Host", "DiameterIdentity", "mustnot"),
  ietf(295, "Termination-Cause", "Enumerated", "must", {
    enumValues: {
      DIAMETER_LOGOUT: 1,
      DIAMETER_SERVICE_NOT_PROVIDED: 2,
      DIAMETER_BAD_ANSWER: 3,
      DIAMETER_ADMINISTRATIVE: 4,
      DIAMETER_LINK_BROKEN: 5,
      DIAMETER_AUTH_EXPIRED: 6,
      DIAMETER_USER_MOVED: 7,
      DIAMETER_SESSION_TIMEOUT: 8,
    },
  }),
  ietf(296, "Origin-Realm", "DiameterIdentity"),
  ietf(297, "Experimental-Result", "Grouped", "must", {
    rules: [one("Vendor-Id"), one("Experimental-Result-Code")],
  }),
  ietf(298, "Experimental-Result-Code", "Unsigned32"),
  ietf(299, "Inband-Security-Id", "Unsigned32", "must", { enumValues: { NO_INBAND_SECURITY: 0, TLS: 1 } }),
  ietf(480, "Accounting-Record-Type", "Enumerated", "must", {
    enumValues: { EVENT_RECORD: 1, START_RECORD: 2, INTERIM_RECORD: 3, STOP_RECORD: 4 },
  }),
  ietf(483, "Accounting-Realtime-Required", "Enumerated", "must", {
    enumValues: { DELIVER_AND_GRANT: 1, GRANT_AND_STORE: 2, GRANT_AND_LOSE: 3 },
  }),
  ietf(485, "Accounting-Record-Number", "Unsigned32"),
];
