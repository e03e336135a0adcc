/** Codec speed: encode and decode a typical CCR-UPDATE with one MSCC (target: at most 5 µs each). */
import { avp } from "../core/diameter/avp-build.js";
import { decodeMessage } from "../core/diameter/decoder.js";
import { APPLICATION_CREDIT_CONTROL, CommandCode } from "../core/diameter/dictionary/commands.js";
import { gyDictionary } from "../core/diameter/dictionary/dictionary.js";
import { encodeMessage } from "../core/diameter/encoder.js";
import { makeRequest } from "../core/diameter/message-build.js";
import { validateMessage } from "../core/diameter/validate.js";
import { runMicro } from "./micro.js";

export const typicalCcrUpdate = makeRequest(
  {
    commandCode: CommandCode.CreditControl,
    applicationId: APPLICATION_CREDIT_CONTROL,
    proxiable: true,
    hopByHop: 1,
    endToEnd: 2,
  },
  [
    avp("Session-Id", "pgw.telsim.local;1700000000;1"),
    avp("Origin-Host", "pgw.telsim.local"),
    avp("Origin-Realm", "telsim.local"),
    avp("Destination-Realm", "telsim.local"),
    avp("Auth-Application-Id", APPLICATION_CREDIT_CONTROL),
    avp("Service-Context-Id", "32251@3gpp.org"),
    avp("CC-Request-Type", "UPDATE_REQUEST"),
    avp("CC-Request-Number", 1),
    avp("Subscription-Id", [avp("Subscription-Id-Type", 0), avp("Subscription-Id-Data", "375291234567")]),
    avp("Multiple-Services-Credit-Control", [
      avp("Requested-Service-Unit", []),
      avp("Used-Service-Unit", [avp("CC-Total-Octets", 1_048_576), avp("CC-Time", 60)]),
      avp("Rating-Group", 1),
      avp("Reporting-Reason", "QUOTA_EXHAUSTED"),
    ]),
  ],
);

export async function run(): Promise<void> {
  const bytes = encodeMessage(typicalCcrUpdate);
  let sink = 0;
  await runMicro("diameter codec", [
    {
      name: "encode CCR-U (1 MSCC)",
      fn: () => {
        sink += encodeMessage(typicalCcrUpdate).length;
      },
    },
    {
      name: "decode CCR-U (1 MSCC)",
      fn: () => {
        const r = decodeMessage(bytes, gyDictionary);
        if (r.ok) sink += r.message.avps.length;
      },
    },
    {
      name: "decode + validate CCR-U",
      fn: () => {
        const r = decodeMessage(bytes, gyDictionary);
        if (r.ok && validateMessage(r.message, gyDictionary) === undefined) sink++;
      },
    },
  ]);
  if (sink < 0) process.stdout.write("unreachable\n");
}
