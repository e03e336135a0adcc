/**
 * The Gy content the interop tests send: the codec fixtures (CCR-I/U/T, the CCA with a grant),
 * re-addressed to the identities and realms of an interop topology.
 */
import type { Avp } from "../../core/diameter/avp.js";
import { avp } from "../../core/diameter/avp-build.js";
import { findAvp } from "../../core/diameter/avp-read.js";
import { gyDictionary } from "../../core/diameter/dictionary/dictionary.js";
import type { AvpDefinition } from "../../core/diameter/dictionary/types.js";
import type { DiameterMessage } from "../../core/diameter/message.js";
import { makeAnswer } from "../../core/diameter/message-build.js";
import { ccaGrant, ccrInitial, ccrTermination, ccrUpdate } from "../core/diameter/fixtures.js";

export interface Party {
  readonly originHost: string;
  readonly originRealm: string;
}

const D = {
  sessionId: gyDictionary.avpByName("Session-Id"),
  originHost: gyDictionary.avpByName("Origin-Host"),
  originRealm: gyDictionary.avpByName("Origin-Realm"),
  destinationRealm: gyDictionary.avpByName("Destination-Realm"),
  requestType: gyDictionary.avpByName("CC-Request-Type"),
  requestNumber: gyDictionary.avpByName("CC-Request-Number"),
  mscc: gyDictionary.avpByName("Multiple-Services-Credit-Control"),
};

const same = (a: Avp, def: AvpDefinition): boolean => a.code === def.code && a.vendorId === def.vendorId;

/** CCR-I, CCR-U and CCR-T of one data session, as the fixtures have them. */
export const CCR_FIXTURES = [
  { name: "CCR-I", message: ccrInitial },
  { name: "CCR-U", message: ccrUpdate },
  { name: "CCR-T", message: ccrTermination },
] as const;

/** A fixture CCR's AVPs with our Session-Id, origin and Destination-Realm. */
export function ccrAvps(
  fixture: DiameterMessage,
  from: Party,
  destinationRealm: string,
  sessionId: string,
): Avp[] {
  return fixture.avps.map((a) => {
    if (same(a, D.sessionId)) return avp("Session-Id", sessionId);
    if (same(a, D.originHost)) return avp("Origin-Host", from.originHost);
    if (same(a, D.originRealm)) return avp("Origin-Realm", from.originRealm);
    if (same(a, D.destinationRealm)) return avp("Destination-Realm", destinationRealm);
    return a;
  });
}

/**
 * The fixture CCA (grant, Validity-Time, Volume-Quota-Threshold, FUI REDIRECT, QoS) answering
 * `request`: its Session-Id, CC-Request-Type and -Number, from `self`. A CCA-T grants nothing.
 */
export function ccaFor(request: DiameterMessage, self: Party): DiameterMessage {
  const copied = (def: AvpDefinition): Avp => {
    const a = findAvp(request.avps, def);
    if (a === undefined) throw new Error(`request without AVP ${def.code}`);
    return a;
  };
  const termination = (() => {
    const t = findAvp(request.avps, D.requestType);
    return t?.type === "Enumerated" && t.value === 3;
  })();
  const avps = ccaGrant.avps
    .map((a) => {
      if (same(a, D.sessionId)) return copied(D.sessionId);
      if (same(a, D.originHost)) return avp("Origin-Host", self.originHost);
      if (same(a, D.originRealm)) return avp("Origin-Realm", self.originRealm);
      if (same(a, D.requestType)) return copied(D.requestType);
      if (same(a, D.requestNumber)) return copied(D.requestNumber);
      return a;
    })
    .filter((a) => !(termination && same(a, D.mscc)));
  return makeAnswer(request, avps);
}
