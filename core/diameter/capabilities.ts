/** Capabilities exchange (RFC 6733 §5.3): what we advertise and which applications two peers share. */
import type { Avp } from "./avp.js";
import { avp } from "./avp-build.js";
import { groupsOf, numberOf, stringOf } from "./avp-read.js";
import { APPLICATION_COMMON, APPLICATION_RELAY, CommandCode } from "./dictionary/commands.js";
import { gyDictionary } from "./dictionary/dictionary.js";
import { VENDOR_3GPP } from "./dictionary/vendors.js";
import type { DiameterMessage } from "./message.js";
import { type AnsweredHeader, makeAnswer, makeRequest } from "./message-build.js";

export interface NodeIdentity {
  readonly originHost: string;
  readonly originRealm: string;
  /** Host-IP-Address values; 127.0.0.1 when empty. */
  readonly hostIpAddresses?: readonly string[];
  readonly productName?: string;
  /** Origin-State-Id: changes on every restart (RFC 6733 §8.16). */
  readonly originStateId?: number;
}

const D = {
  authApplicationId: gyDictionary.avpByName("Auth-Application-Id"),
  acctApplicationId: gyDictionary.avpByName("Acct-Application-Id"),
  vendorSpecificApplicationId: gyDictionary.avpByName("Vendor-Specific-Application-Id"),
  originHost: gyDictionary.avpByName("Origin-Host"),
  originRealm: gyDictionary.avpByName("Origin-Realm"),
  resultCode: gyDictionary.avpByName("Result-Code"),
};

function capabilityAvps(self: NodeIdentity, applications: readonly number[]): Avp[] {
  const addresses = self.hostIpAddresses?.length ? self.hostIpAddresses : ["127.0.0.1"];
  const avps: Avp[] = [avp("Origin-Host", self.originHost), avp("Origin-Realm", self.originRealm)];
  for (const a of addresses) {
    avps.push(
      avp(
        "Host-IP-Address",
        a.includes(":") ? { family: "IPv6", address: a } : { family: "IPv4", address: a },
      ),
    );
  }
  avps.push(avp("Vendor-Id", 0), avp("Product-Name", self.productName ?? "telsim"));
  if (self.originStateId !== undefined) avps.push(avp("Origin-State-Id", self.originStateId >>> 0));
  avps.push(avp("Supported-Vendor-Id", VENDOR_3GPP));
  for (const app of applications) avps.push(avp("Auth-Application-Id", app));
  avps.push(avp("Firmware-Revision", 1));
  return avps;
}

export function buildCer(
  self: NodeIdentity,
  applications: readonly number[],
  hopByHop: number,
  endToEnd: number,
): DiameterMessage {
  return makeRequest(
    { commandCode: CommandCode.CapabilitiesExchange, applicationId: APPLICATION_COMMON, hopByHop, endToEnd },
    capabilityAvps(self, applications),
  );
}

export function buildCea(
  cer: AnsweredHeader,
  self: NodeIdentity,
  applications: readonly number[],
  resultCode: number,
  errorMessage?: string,
): DiameterMessage {
  const [origin, realm, ...rest] = capabilityAvps(self, applications);
  const avps: Avp[] = [avp("Result-Code", resultCode), origin as Avp, realm as Avp, ...rest];
  if (errorMessage !== undefined) avps.push(avp("Error-Message", errorMessage));
  // RFC 6733 §7.1.3: 3xxx answers carry the E bit; 5010 does not.
  return makeAnswer(cer, avps, resultCode >= 3000 && resultCode < 4000);
}

/** Application ids a CER/CEA advertises (auth, acct and vendor-specific). */
export function advertisedApplications(avps: readonly Avp[]): Set<number> {
  const apps = new Set<number>();
  for (const a of avps) {
    if ((a.code === 258 || a.code === 259) && a.vendorId === 0 && a.type === "Unsigned32") apps.add(a.value);
  }
  for (const group of groupsOf(avps, D.vendorSpecificApplicationId)) {
    const auth = numberOf(group, D.authApplicationId);
    const acct = numberOf(group, D.acctApplicationId);
    if (auth !== undefined) apps.add(auth);
    if (acct !== undefined) apps.add(acct);
  }
  return apps;
}

/** Our applications the peer also supports; a relay (0xffffffff) supports them all. */
export function commonApplications(ours: readonly number[], theirs: ReadonlySet<number>): number[] {
  if (theirs.has(APPLICATION_RELAY)) return [...ours];
  return ours.filter((app) => theirs.has(app));
}

export function peerIdentityOf(avps: readonly Avp[]): { originHost?: string; originRealm?: string } {
  const originHost = stringOf(avps, D.originHost);
  const originRealm = stringOf(avps, D.originRealm);
  return {
    ...(originHost !== undefined ? { originHost } : {}),
    ...(originRealm !== undefined ? { originRealm } : {}),
  };
}

export function resultCodeOf(avps: readonly Avp[]): number | undefined {
  return numberOf(avps, D.resultCode);
}
