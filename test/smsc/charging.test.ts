/**
 * Charging against a real in-process core: CoreNode (memory store) → Gy over TCP ← GyClient ←
 * GySmsCharger ← Smsc. Every chargeable message is charged before it is accepted; a refused charge
 * means no message, no delivery and no receipt.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Account } from "../../core/charging/model.js";
import { GyClient } from "../../core/diameter/gy/gy-client.js";
import { MemoryLogger } from "../../core/diameter/logger.js";
import { CoreNode } from "../../core/node.js";
import { CommandStatus } from "../../core/smpp/command-status.js";
import { encodeText } from "../../core/smpp/text-codec.js";
import { GySmsCharger } from "../../core/smsc/gy-sms-charger.js";
import { InProcessGy } from "../../core/ocs/in-process-gy.js";
import { InMemoryHandsets } from "../../core/smsc/mobile-terminating.js";
import { esmeAccount } from "../../core/smsc/smsc-config.js";
import { VendorStatus } from "../../core/smsc/smsc-status.js";
import { type Esme, type Harness, bindEsme, settle, startSmsc, submitSm, until } from "./smsc-harness.js";

/** business-unlim-1 (corporate rates): SMS off-net 0.10, so 10 kopecks a segment. */
const PLAN = "business-unlim-1";
const OFF_NET = "375331234567";
const ESME_PAYER = { msisdn: "375290000001", imsi: "257010000000001" };
const HANDSET = { msisdn: "375291111111", imsi: "257010000000011" };

let node: CoreNode;
let gy: GyClient;
let h: Harness;
let e: Esme;
let handsets: InMemoryHandsets;
let payer: Account;
let handset: Account;

// The same rules whether the SMSC reaches the OCS over Diameter or in-process (as `telsim core` runs it).
describe.each(["diameter", "in-process"] as const)("SMS charging, Gy %s", (transport) => {
  beforeEach(async () => {
    node = await CoreNode.start({
      memory: true,
      diameterPort: 0,
      httpPort: 0,
      logger: new MemoryLogger(),
      feeIntervalMs: 3_600_000,
    });
    payer = node.engine.createAccount({ subscribers: [ESME_PAYER], planId: PLAN, balance: 25 });
    handset = node.engine.createAccount({ subscribers: [HANDSET], planId: PLAN, balance: 15 });
    gy = new GyClient({
      primary: node.diameterAddress,
      identity: { originHost: "smsc.test.local", originRealm: "test.local" },
      destinationRealm: "telsim.local",
      logger: new MemoryLogger(),
      reconnect: false,
    });
    await gy.connect();
    handsets = new InMemoryHandsets();
    h = await startSmsc(
      {
        accounts: [
          esmeAccount({ systemId: "payer", password: "pw", chargingMsisdn: ESME_PAYER.msisdn }),
          esmeAccount({ systemId: "stranger", password: "pw", chargingMsisdn: "375299999999" }),
          esmeAccount({ systemId: "free", password: "pw" }),
        ],
        routes: { esme: [{ prefix: "7000", systemId: "payer" }], handsetPrefixes: [] },
      },
      {
        mobile: handsets,
        charger: new GySmsCharger(
          transport === "diameter"
            ? gy
            : new InProcessGy(node.ocs, { originHost: "smsc.test.local", originRealm: "test.local" }),
        ),
      },
    );
    e = await bindEsme(h.port, { system_id: "payer", password: "pw" });
  });

  afterEach(async () => {
    await e.close();
    await h.close();
    await gy.close();
    await node.stop();
  });

  async function smsRecords(account: Account): Promise<{ units: number; charge: number }[]> {
    const records = await node.store.records({ accountId: account.id, limit: 1000 });
    return records
      .filter((r) => r.record.kind === "sms")
      .map((r) => ({ units: r.record.units, charge: r.record.charge }));
  }

  describe("charging through the OCS", () => {
    it("charges each message before accepting it; the one past the balance is refused and never delivered", async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++)
        statuses.push(
          (await e.session.request(submitSm({ destination_addr: OFF_NET, registered_delivery: 1 })))
            .command_status,
        );
      // 25 kopecks: two messages of 10 pass, the third would go below the floor
      expect(statuses).toEqual([0, 0, CommandStatus.ESME_RSUBMITFAIL]);
      expect(payer.balance).toBe(5);
      expect(handsets.inbox(OFF_NET)).toHaveLength(2);
      await until(() => e.delivered.length === 2, "two receipts");
      await settle();
      expect(e.delivered).toHaveLength(2);
      expect(await smsRecords(payer)).toEqual([
        { units: 1, charge: 10 },
        { units: 1, charge: 10 },
      ]);
      expect(h.smsc.stats().totals).toMatchObject({
        accepted: 2,
        charged: 2,
        chargeRefused: 1,
        refused: { "credit-limit": 1 },
      });
    });

    it("charges a long message per segment, all or nothing", async () => {
      const long = encodeText("z".repeat(400)).bytes; // 3 segments: 30 kopecks
      const r1 = await e.session.request(
        submitSm({ destination_addr: OFF_NET, short_message: Buffer.alloc(0), message_payload: long }),
      );
      expect(r1.command_status).toBe(CommandStatus.ESME_RSUBMITFAIL);
      expect(payer.balance).toBe(25);
      const two = encodeText("z".repeat(300)).bytes; // 2 segments: 20 kopecks
      const r2 = await e.session.request(
        submitSm({ destination_addr: OFF_NET, short_message: Buffer.alloc(0), message_payload: two }),
      );
      expect(r2.command_status).toBe(0);
      expect(payer.balance).toBe(5);
      expect(await smsRecords(payer)).toEqual([{ units: 2, charge: 20 }]);
      expect(handsets.inbox(OFF_NET)).toHaveLength(1);
    });

    it("charges a handset's MO to its own account and refuses it with RP-Cause 21 when the money is gone", async () => {
      const first = await h.smsc.submitFromHandset(HANDSET.msisdn, {
        destination: `+${OFF_NET}`,
        text: "one",
      });
      expect(first).toMatchObject({ accepted: true });
      expect(handset.balance).toBe(5);
      const second = await h.smsc.submitFromHandset(HANDSET.msisdn, {
        destination: `+${OFF_NET}`,
        text: "two",
      });
      expect(second).toMatchObject({ accepted: false, reason: "credit-limit", rpCause: 21 });
      expect(handsets.inbox(OFF_NET)).toHaveLength(1);
      expect(h.smsc.stats().totals.mobileOriginated).toBe(1);
    });

    it("maps 4010 (blocked account) to 0x400, an unknown payer (5030) to 0x401, and does not charge ESMEs without a payer", async () => {
      payer.state = "blocked";
      const denied = await e.session.request(submitSm({ destination_addr: OFF_NET }));
      expect(denied.command_status).toBe(VendorStatus.CHARGING_DENIED);
      const stranger = await bindEsme(h.port, { system_id: "stranger", password: "pw" });
      const unknown = await stranger.session.request(submitSm({ destination_addr: OFF_NET }));
      expect(unknown.command_status).toBe(VendorStatus.CHARGING_REJECTED);
      await stranger.close();
      const free = await bindEsme(h.port, { system_id: "free", password: "pw" });
      expect((await free.session.request(submitSm({ destination_addr: OFF_NET }))).command_status).toBe(0);
      await free.close();
      expect(handsets.inbox(OFF_NET)).toHaveLength(1);
      const blocked = await h.smsc.submitFromHandset(ESME_PAYER.msisdn, { destination: OFF_NET, text: "x" });
      expect(blocked).toMatchObject({ accepted: false, reason: "service-denied", rpCause: 10 });
    });

    it("answers ESME_RSYSERR when the OCS cannot be reached, and the handset gets RP-Cause 38", async () => {
      await node.stop();
      await gy.close();
      const r = await e.session.request(submitSm({ destination_addr: OFF_NET }));
      expect(r.command_status).toBe(CommandStatus.ESME_RSYSERR);
      const mo = await h.smsc.submitFromHandset(HANDSET.msisdn, { destination: OFF_NET, text: "x" });
      expect(mo).toMatchObject({ accepted: false, reason: "charging-unavailable", rpCause: 38 });
      expect(handsets.inbox(OFF_NET)).toHaveLength(0);
      expect(h.smsc.stats().totals.chargeUnavailable).toBe(2);
      // afterEach stops them again: harmless
      node = await CoreNode.start({ memory: true, diameterPort: 0, httpPort: 0, logger: new MemoryLogger() });
    });
  });
});
