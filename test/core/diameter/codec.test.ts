import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import type { Avp } from "../../../core/diameter/avp.js";
import { avp } from "../../../core/diameter/avp-build.js";
import { decodeMessage } from "../../../core/diameter/decoder.js";
import { gyDictionary } from "../../../core/diameter/dictionary/dictionary.js";
import { encodeAvp, encodeMessage } from "../../../core/diameter/encoder.js";
import type { DiameterMessage } from "../../../core/diameter/message.js";
import { allFixtures, ccaGrant, ccrTermination, ccrUpdate } from "./fixtures.js";
import { expectRoundTrip } from "./parse-generate.js";

/**
 * Golden bytes of the CCR-UPDATE fixture. Decoded (also by the independent npm `diameter` decoder):
 *   01 000150 c0 000110 00000004 01020304 0a0b0c0d   v1, len 336, R|P, CCR 272, app 4, hbh, e2e
 *   Session-Id(263) "pgw.telsim.local;1700000000;1"   Origin-Host(264) "pgw.telsim.local"
 *   Origin-Realm(296) / Destination-Realm(283) "telsim.local"   Auth-Application-Id(258) 4
 *   Service-Context-Id(461) "32251@3gpp.org"   CC-Request-Type(416) 2 UPDATE   CC-Request-Number(415) 1
 *   Subscription-Id(443) { Subscription-Id-Type(450) 0 E164, Subscription-Id-Data(444) "375291234567" }
 *   Multiple-Services-Credit-Control(456) {
 *     Requested-Service-Unit(437) {}
 *     Used-Service-Unit(446) { CC-Time(420) 60, CC-Total-Octets(421) 1048576,
 *                              CC-Input-Octets(412) 48576, CC-Output-Octets(414) 1000000 }
 *     Rating-Group(432) 1
 *     Reporting-Reason(872, V M, vendor 10415) 3 QUOTA_EXHAUSTED }
 */
const CCR_UPDATE_HEX =
  "01000150c000011000000004010203040a0b0c0d00000107400000257067772e74656c73696d2e6c6f63616c3b31373030" +
  "3030303030303b3100000000000108400000187067772e74656c73696d2e6c6f63616c000001284000001474656c73696d" +
  "2e6c6f63616c0000011b4000001474656c73696d2e6c6f63616c000001024000000c00000004000001cd40000016333232" +
  "353140336770702e6f72670000000001a04000000c000000020000019f4000000c00000001000001bb40000028000001c2" +
  "4000000c00000000000001bc40000014333735323931323334353637000001c840000070000001b540000008000001be40" +
  "000044000001a44000000c0000003c000001a54000001000000000001000000000019c40000010000000000000bdc00000" +
  "019e4000001000000000000f4240000001b04000000c0000000100000368c0000010000028af00000003";

const require = createRequire(import.meta.url);
interface NpmDiameterCodec {
  decodeMessage(b: Buffer): { body: unknown[] };
}
const npmCodec = require("diameter/lib/diameter-codec") as NpmDiameterCodec;

/** Our decoded AVPs in the npm package's [name, value] form, to compare with its independent decoder. */
function asNpmBody(avps: readonly Avp[]): unknown[] {
  return avps.map((a) => {
    const def = gyDictionary.avp(a.code, a.vendorId);
    const name = def?.name ?? String(a.code);
    switch (a.type) {
      case "Grouped":
        return [name, asNpmBody(a.value)];
      case "Enumerated":
        return [name, def === undefined ? a.value : (gyDictionary.enumName(def, a.value) ?? a.value)];
      case "Unsigned64":
      case "Integer64":
        return [name, Number(a.value)];
      default:
        return [name, a.value];
    }
  });
}

function npmBodyNormalised(bytes: Buffer): unknown[] {
  const norm = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(norm);
    if (v !== null && typeof v === "object" && "low" in v && "high" in v) {
      const l = v as { low: number; high: number };
      return l.high * 2 ** 32 + (l.low >>> 0);
    }
    return v;
  };
  return norm(npmCodec.decodeMessage(bytes).body) as unknown[];
}

describe("Diameter codec", () => {
  it("encodes the CCR-UPDATE fixture to the golden bytes and decodes them back", () => {
    const bytes = expectRoundTrip(ccrUpdate);
    expect(bytes.toString("hex")).toBe(CCR_UPDATE_HEX);
  });

  for (const [name, message] of Object.entries(allFixtures)) {
    it(`parse / generate / parse-back: ${name}`, () => {
      expectRoundTrip(message);
    });
  }

  it("agrees with the independent npm `diameter` decoder on CCR-U and CCR-T", () => {
    for (const m of [ccrUpdate, ccrTermination]) {
      const bytes = encodeMessage(m);
      const ours = decodeMessage(bytes, gyDictionary);
      if (!ours.ok) throw ours.error;
      const theirs = npmBodyNormalised(bytes);
      // npm `diameter` names Auth-Application-Id values by application.
      const fix = (body: unknown[]): unknown[] =>
        body.map((e) => (Array.isArray(e) && e[0] === "Auth-Application-Id" ? [e[0], 4] : e));
      expect(fix(asNpmBody(ours.message.avps))).toEqual(fix(theirs));
    }
  });

  it("agrees with the npm `diameter` decoder on the 3GPP AVPs of the CCA (vendor 10415)", () => {
    // Its dictionary lacks QoS-Information's children (515/516), so the fixture goes without them.
    const withoutQos = ccaGrant.avps.map((a) =>
      a.type === "Grouped" ? { ...a, value: a.value.filter((c) => c.code !== 1016) } : a,
    );
    const theirs = npmBodyNormalised(encodeMessage({ ...ccaGrant, avps: withoutQos }));
    const mscc = theirs.find((e) => Array.isArray(e) && e[0] === "Multiple-Services-Credit-Control") as [
      string,
      unknown[],
    ];
    expect(mscc[1]).toContainEqual(["Volume-Quota-Threshold", 1_048_576]);
    expect(mscc[1]).toContainEqual(["Validity-Time", 600]);
  });

  it("keeps Unsigned64 above 2^53 exact as a bigint", () => {
    const big = (1n << 63n) + 12345n;
    const m: DiameterMessage = {
      ...ccrUpdate,
      avps: [avp("CC-Total-Octets", big), avp("CC-Input-Octets", 2 ** 53 - 1)],
    };
    const back = decodeMessage(encodeMessage(m), gyDictionary);
    if (!back.ok) throw back.error;
    expect(back.message.avps[0]?.value).toBe(big);
    expect(back.message.avps[1]?.value).toBe(2 ** 53 - 1);
  });

  it("encodes Time on the NTP epoch, before and after the 2036 rollover", () => {
    const t = new Date("2026-11-22T10:00:00Z");
    const bytes = encodeAvp(avp("Event-Timestamp", t));
    expect(bytes.readUInt32BE(8)).toBe(t.getTime() / 1000 + 2_208_988_800);
    const after = new Date("2040-01-01T00:00:00Z");
    const m: DiameterMessage = {
      ...ccrUpdate,
      avps: [avp("Event-Timestamp", after), avp("Event-Timestamp", t)],
    };
    const back = decodeMessage(encodeMessage(m), gyDictionary);
    if (!back.ok) throw back.error;
    expect(back.message.avps.map((a) => (a.value as Date).toISOString())).toEqual([
      after.toISOString(),
      t.toISOString(),
    ]);
  });

  it("keeps binary OctetStrings byte for byte", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const m: DiameterMessage = { ...ccrUpdate, avps: [avp("3GPP-User-Location-Info", all)] };
    expectRoundTrip(m);
  });

  it("encodes Address for IPv4 and IPv6 (RFC 6733 §4.3.1)", () => {
    expect(encodeAvp(avp("Host-IP-Address", { family: "IPv4", address: "127.0.0.1" })).toString("hex")).toBe(
      "000001014000000e00017f0000010000",
    );
    expect(
      encodeAvp(avp("Host-IP-Address", { family: "IPv6", address: "::1" }))
        .subarray(8, 26)
        .toString("hex"),
    ).toBe(`0002${"00".repeat(15)}01`);
    expectRoundTrip({
      ...ccrUpdate,
      avps: [avp("Host-IP-Address", { family: "IPv6", address: "2001:db8::5:0:1" })],
    });
  });

  it("keeps unknown non-mandatory AVPs raw and re-encodes them unchanged", () => {
    const unknownVendor: Avp = {
      code: 99999,
      vendorId: 12345,
      flags: 0x80,
      type: "Unknown",
      value: Uint8Array.of(1, 2, 3),
    };
    const unknownIetf: Avp = { code: 4242, vendorId: 0, flags: 0, type: "Unknown", value: Uint8Array.of(9) };
    const m: DiameterMessage = { ...ccrUpdate, avps: [...ccrUpdate.avps, unknownVendor, unknownIetf] };
    expectRoundTrip(m);
  });

  it("encodes Float32/Float64 and Integer64 (Value-Digits) exactly", () => {
    expectRoundTrip({
      ...ccrUpdate,
      avps: [avp("Value-Digits", -1234567890123n), avp("Value-Digits", -5), avp("Exponent", -2)],
    });
  });

  it("rejects values a type cannot hold where the AVP is built", () => {
    expect(() => avp("Rating-Group", -1)).toThrow(TypeError);
    expect(() => avp("CC-Request-Type", "NOT_A_TYPE")).toThrow(TypeError);
    expect(() => avp("Session-Id", 5)).toThrow(TypeError);
    expect(() => avp("CC-Total-Octets", 1n << 64n)).toThrow(TypeError);
  });
});
