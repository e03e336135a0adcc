/** The SIM issued with a new subscriber. */
import { describe, expect, it } from "vitest";
import { iccidForImsi, SimIssuer, seededSimRandom } from "../../core/admin/sim-profile.js";
import { isLuhnValid } from "../../sim/luhn.js";
import { computeOpc } from "../../sim/milenage.js";

describe("SimIssuer", () => {
  it("derives OPc from K and the issuer's OP, reproducibly from a seed", () => {
    const op = Buffer.alloc(16, 0x5a);
    const a = new SimIssuer(seededSimRandom("seed-1"), op).issue("375291111111", "257010000000011");
    const b = new SimIssuer(seededSimRandom("seed-1"), op).issue("375291111111", "257010000000011");
    expect(a).toEqual(b);
    expect(a.opc).toBe(Buffer.from(computeOpc(Buffer.from(a.k, "hex"), op)).toString("hex"));
    const c = new SimIssuer(seededSimRandom("seed-2"), op).issue("375291111111", "257010000000011");
    expect(c.k).not.toBe(a.k);
  });

  it("numbers the ICCID after the IMSI's MSIN", () => {
    expect(iccidForImsi("257010000000011")).toMatch(/^893750100000000011\d$/);
    expect(isLuhnValid(iccidForImsi("257010000000011"))).toBe(true);
    expect(iccidForImsi("257011")).toMatch(/^893750100000000001\d$/);
  });
});
