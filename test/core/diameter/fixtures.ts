/** Messages used across the Diameter tests, built with the project's own builders. */
import type { Avp } from "../../../core/diameter/avp.js";
import { avp } from "../../../core/diameter/avp-build.js";
import {
  APPLICATION_COMMON,
  APPLICATION_CREDIT_CONTROL,
  CommandCode,
} from "../../../core/diameter/dictionary/commands.js";
import type { DiameterMessage } from "../../../core/diameter/message.js";
import { makeAnswer, makeRequest } from "../../../core/diameter/message-build.js";

export const SESSION = "pgw.telsim.local;1700000000;1";
const ids = { hopByHop: 0x01020304, endToEnd: 0x0a0b0c0d };

const ccrCommon = (type: string, number: number): Avp[] => [
  avp("Session-Id", SESSION),
  avp("Origin-Host", "pgw.telsim.local"),
  avp("Origin-Realm", "telsim.local"),
  avp("Destination-Realm", "telsim.local"),
  avp("Auth-Application-Id", APPLICATION_CREDIT_CONTROL),
  avp("Service-Context-Id", "32251@3gpp.org"),
  avp("CC-Request-Type", type),
  avp("CC-Request-Number", number),
];

const subscription = avp("Subscription-Id", [
  avp("Subscription-Id-Type", "END_USER_E164"),
  avp("Subscription-Id-Data", "375291234567"),
]);

export const ccrInitial: DiameterMessage = makeRequest(
  {
    commandCode: CommandCode.CreditControl,
    applicationId: APPLICATION_CREDIT_CONTROL,
    proxiable: true,
    ...ids,
  },
  [
    ...ccrCommon("INITIAL_REQUEST", 0),
    avp("Event-Timestamp", new Date("2026-11-22T10:00:00Z")),
    subscription,
    avp("Subscription-Id", [
      avp("Subscription-Id-Type", "END_USER_IMSI"),
      avp("Subscription-Id-Data", "257010000000001"),
    ]),
    avp("Multiple-Services-Indicator", "MULTIPLE_SERVICES_SUPPORTED"),
    avp("Multiple-Services-Credit-Control", [avp("Requested-Service-Unit", []), avp("Rating-Group", 1)]),
    avp("User-Equipment-Info", [
      avp("User-Equipment-Info-Type", "IMEISV"),
      avp("User-Equipment-Info-Value", Buffer.from("3569380356438091", "ascii")),
    ]),
    avp("Service-Information", [
      avp("PS-Information", [
        avp("3GPP-Charging-Id", 0xdeadbeef),
        avp("3GPP-PDP-Type", "IPv4"),
        avp("PDP-Address", { family: "IPv4", address: "10.45.0.7" }),
        avp("Called-Station-Id", "internet"),
        avp("3GPP-RAT-Type", Uint8Array.of(0x06)),
        avp(
          "3GPP-User-Location-Info",
          Uint8Array.of(0x82, 0x52, 0xf7, 0x10, 0x00, 0x01, 0x52, 0xf7, 0x10, 0x00, 0x00, 0x00, 0x01),
        ),
        avp("SGSN-Address", { family: "IPv6", address: "2001:db8::1" }),
      ]),
    ]),
  ],
);

/** A typical CCR-UPDATE with one MSCC: the message of the codec speed target. */
export const ccrUpdate: DiameterMessage = makeRequest(
  {
    commandCode: CommandCode.CreditControl,
    applicationId: APPLICATION_CREDIT_CONTROL,
    proxiable: true,
    ...ids,
  },
  [
    ...ccrCommon("UPDATE_REQUEST", 1),
    subscription,
    avp("Multiple-Services-Credit-Control", [
      avp("Requested-Service-Unit", []),
      avp("Used-Service-Unit", [
        avp("CC-Time", 60),
        avp("CC-Total-Octets", 1_048_576),
        avp("CC-Input-Octets", 48_576),
        avp("CC-Output-Octets", 1_000_000),
      ]),
      avp("Rating-Group", 1),
      avp("Reporting-Reason", "QUOTA_EXHAUSTED"),
    ]),
  ],
);

export const ccrTermination: DiameterMessage = makeRequest(
  {
    commandCode: CommandCode.CreditControl,
    applicationId: APPLICATION_CREDIT_CONTROL,
    proxiable: true,
    ...ids,
  },
  [
    ...ccrCommon("TERMINATION_REQUEST", 2),
    avp("Termination-Cause", "DIAMETER_LOGOUT"),
    subscription,
    avp("Multiple-Services-Credit-Control", [
      avp("Used-Service-Unit", [avp("CC-Total-Octets", 2 ** 40), avp("Reporting-Reason", "FINAL")]),
      avp("Rating-Group", 1),
    ]),
  ],
);

export const ccrEventSms: DiameterMessage = makeRequest(
  {
    commandCode: CommandCode.CreditControl,
    applicationId: APPLICATION_CREDIT_CONTROL,
    proxiable: true,
    ...ids,
  },
  [
    avp("Session-Id", "msc.telsim.local;1700000000;77"),
    avp("Origin-Host", "msc.telsim.local"),
    avp("Origin-Realm", "telsim.local"),
    avp("Destination-Realm", "telsim.local"),
    avp("Auth-Application-Id", APPLICATION_CREDIT_CONTROL),
    avp("Service-Context-Id", "32274@3gpp.org"),
    avp("CC-Request-Type", "EVENT_REQUEST"),
    avp("CC-Request-Number", 0),
    avp("Requested-Action", "DIRECT_DEBITING"),
    subscription,
    avp("Multiple-Services-Credit-Control", [
      avp("Requested-Service-Unit", [avp("CC-Service-Specific-Units", 1)]),
      avp("Rating-Group", 3),
    ]),
    avp("Service-Information", [
      avp("SMS-Information", [
        avp("Data-Coding-Scheme", 0),
        avp("SM-Message-Type", "SUBMISSION"),
        avp("Recipient-Info", [
          avp("Recipient-Address", [avp("Address-Type", "MSISDN"), avp("Address-Data", "375447654321")]),
        ]),
      ]),
    ]),
  ],
);

/** CCA with a grant, thresholds, FUI REDIRECT and a throttled QoS: every Gy answer feature at once. */
export const ccaGrant: DiameterMessage = makeAnswer(ccrUpdate, [
  avp("Session-Id", SESSION),
  avp("Result-Code", 2001),
  avp("Origin-Host", "ocs.telsim.local"),
  avp("Origin-Realm", "telsim.local"),
  avp("Auth-Application-Id", APPLICATION_CREDIT_CONTROL),
  avp("CC-Request-Type", "UPDATE_REQUEST"),
  avp("CC-Request-Number", 1),
  avp("Multiple-Services-Credit-Control", [
    avp("Granted-Service-Unit", [avp("CC-Total-Octets", 10_485_760)]),
    avp("Rating-Group", 1),
    avp("Validity-Time", 600),
    avp("Result-Code", 2001),
    avp("Volume-Quota-Threshold", 1_048_576),
    avp("Final-Unit-Indication", [
      avp("Final-Unit-Action", "REDIRECT"),
      avp("Redirect-Server", [
        avp("Redirect-Address-Type", "URL"),
        avp("Redirect-Server-Address", "http://127.0.0.1:8080/topup"),
      ]),
    ]),
    avp("QoS-Information", [
      avp("Max-Requested-Bandwidth-UL", 512_000),
      avp("Max-Requested-Bandwidth-DL", 512_000),
    ]),
  ]),
]);

export const cer: DiameterMessage = makeRequest(
  { commandCode: CommandCode.CapabilitiesExchange, applicationId: APPLICATION_COMMON, ...ids },
  [
    avp("Origin-Host", "pgw.telsim.local"),
    avp("Origin-Realm", "telsim.local"),
    avp("Host-IP-Address", { family: "IPv4", address: "127.0.0.1" }),
    avp("Vendor-Id", 0),
    avp("Product-Name", "telsim"),
    avp("Origin-State-Id", 1_700_000_000),
    avp("Supported-Vendor-Id", 10415),
    avp("Auth-Application-Id", APPLICATION_CREDIT_CONTROL),
    avp("Firmware-Revision", 1),
  ],
);

export const dwr: DiameterMessage = makeRequest(
  { commandCode: CommandCode.DeviceWatchdog, applicationId: APPLICATION_COMMON, ...ids },
  [avp("Origin-Host", "pgw.telsim.local"), avp("Origin-Realm", "telsim.local")],
);

export const dpr: DiameterMessage = makeRequest(
  { commandCode: CommandCode.DisconnectPeer, applicationId: APPLICATION_COMMON, ...ids },
  [
    avp("Origin-Host", "pgw.telsim.local"),
    avp("Origin-Realm", "telsim.local"),
    avp("Disconnect-Cause", "REBOOTING"),
  ],
);

export const rar: DiameterMessage = makeRequest(
  { commandCode: CommandCode.ReAuth, applicationId: APPLICATION_CREDIT_CONTROL, proxiable: true, ...ids },
  [
    avp("Session-Id", SESSION),
    avp("Origin-Host", "ocs.telsim.local"),
    avp("Origin-Realm", "telsim.local"),
    avp("Destination-Realm", "telsim.local"),
    avp("Destination-Host", "pgw.telsim.local"),
    avp("Auth-Application-Id", APPLICATION_CREDIT_CONTROL),
    avp("Re-Auth-Request-Type", "AUTHORIZE_ONLY"),
    avp("Rating-Group", 1),
  ],
);

export const asr: DiameterMessage = makeRequest(
  {
    commandCode: CommandCode.AbortSession,
    applicationId: APPLICATION_CREDIT_CONTROL,
    proxiable: true,
    ...ids,
  },
  [
    avp("Session-Id", SESSION),
    avp("Origin-Host", "ocs.telsim.local"),
    avp("Origin-Realm", "telsim.local"),
    avp("Destination-Realm", "telsim.local"),
    avp("Destination-Host", "pgw.telsim.local"),
    avp("Auth-Application-Id", APPLICATION_CREDIT_CONTROL),
  ],
);

export const allFixtures: Record<string, DiameterMessage> = {
  ccrInitial,
  ccrUpdate,
  ccrTermination,
  ccrEventSms,
  ccaGrant,
  cer,
  dwr,
  dpr,
  rar,
  asr,
};
