/** Binds over real TCP (SMPP 3.4 §4.1, §2.3): every status of the bind matrix, and the session rules. */
import { afterEach, describe, expect, it } from "vitest";
import { CommandStatus } from "../../core/smpp/command-status.js";
import { encodePdu } from "../../core/smpp/pdu-codec.js";
import type { BindMode, GenericNack, ResponsePdu } from "../../core/smpp/pdu-types.js";
import { SmppSessionError } from "../../core/smpp/session-error.js";
import { bindSmpp, connectAndBind, connectSmpp } from "../../core/smpp/smpp-client.js";
import type { SmppSession } from "../../core/smpp/smpp-session.js";
import { type Harness, startSmsc, submitSm, until } from "./smsc-harness.js";

let h: Harness;
const open: SmppSession[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  await h?.close();
});

async function connect(): Promise<SmppSession> {
  const s = await connectSmpp({ port: h.port, requestTimeoutMs: 3000 });
  open.push(s);
  return s;
}

async function bindStatus(mode: BindMode, system_id: string, password: string): Promise<number> {
  const s = await connect();
  try {
    await bindSmpp(s, { mode, system_id, password });
    return CommandStatus.ESME_ROK;
  } catch (e) {
    if (e instanceof SmppSessionError && e.commandStatus !== undefined) return e.commandStatus;
    throw e;
  }
}

describe("binds", () => {
  it.each(["transmitter", "receiver", "transceiver"] as const)(
    "binds the demo account as %s and answers with the SMSC's system_id and sc_interface_version",
    async (mode) => {
      h = await startSmsc();
      const { session, response } = await connectAndBind({
        port: h.port,
        mode,
        system_id: "demo",
        password: "demopass",
      });
      open.push(session);
      expect(response.command_status).toBe(0);
      expect(response.system_id).toBe("TELSIM");
      expect(response.sc_interface_version).toBe(0x34);
      expect(h.smsc.stats().binds).toMatchObject([{ systemId: "demo", mode }]);
    },
  );

  it("refuses a wrong password, an unknown system_id, a mode the account lacks, and binds over the limit", async () => {
    h = await startSmsc();
    expect(await bindStatus("transceiver", "demo", "nope")).toBe(CommandStatus.ESME_RINVPASWD);
    expect(await bindStatus("transceiver", "ghost", "demopass")).toBe(CommandStatus.ESME_RINVSYSID);
    expect(await bindStatus("receiver", "txonly", "txpw")).toBe(CommandStatus.ESME_RBINDFAIL);
    expect(await bindStatus("transmitter", "txonly", "txpw")).toBe(CommandStatus.ESME_ROK);
    // acme: maxBinds 2
    expect(await bindStatus("transmitter", "acme", "acmepw")).toBe(CommandStatus.ESME_ROK);
    expect(await bindStatus("receiver", "acme", "acmepw")).toBe(CommandStatus.ESME_ROK);
    expect(await bindStatus("transceiver", "acme", "acmepw")).toBe(CommandStatus.ESME_RBINDFAIL);
    expect(h.smsc.stats().totals.bindsRefused).toBe(4);
    // a bind closed gives its place back (open[4] is acme's transmitter)
    await open[4]?.unbind();
    await until(() => h.smsc.stats().accounts.find((a) => a.systemId === "acme")?.binds === 1, "the unbind");
    expect(await bindStatus("transceiver", "acme", "acmepw")).toBe(CommandStatus.ESME_ROK);
  });

  it("keeps the session open after a refused bind, so the ESME may try again", async () => {
    h = await startSmsc();
    const s = await connect();
    await expect(
      bindSmpp(s, { mode: "transceiver", system_id: "demo", password: "x" }),
    ).rejects.toMatchObject({
      commandStatus: CommandStatus.ESME_RINVPASWD,
    });
    const ok = await bindSmpp(s, { mode: "transceiver", system_id: "demo", password: "demopass" });
    expect(ok.command_status).toBe(0);
  });

  it("answers a second bind on a bound session with ESME_RALYBND", async () => {
    h = await startSmsc();
    const s = await connect();
    await bindSmpp(s, { mode: "transmitter", system_id: "demo", password: "demopass" });
    const again = await s.request({ command: "bind_receiver", system_id: "demo", password: "demopass" });
    expect(again.command_status).toBe(CommandStatus.ESME_RALYBND);
    expect(h.smsc.stats().accounts.find((a) => a.systemId === "demo")?.binds).toBe(1);
  });

  it("answers every other request before a bind with ESME_RINVBNDSTS, and enquire_link with OK", async () => {
    h = await startSmsc();
    const s = await connect();
    expect((await s.request({ command: "enquire_link" })).command_status).toBe(0);
    const answers = await Promise.all([
      s.request(submitSm()),
      s.request({ command: "data_sm", destination_addr: "375291234567", message_payload: Buffer.from("x") }),
      s.request({
        command: "submit_multi",
        dest_address: [{ dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: "375291234567" }],
      }),
      s.request({ command: "query_sm", message_id: "00000001" }),
      s.request({ command: "cancel_sm", message_id: "00000001" }),
      s.request({ command: "replace_sm", message_id: "00000001", short_message: Buffer.from("y") }),
    ]);
    expect(answers.map((a) => [a.command, a.command_status])).toEqual([
      ["submit_sm_resp", CommandStatus.ESME_RINVBNDSTS],
      ["data_sm_resp", CommandStatus.ESME_RINVBNDSTS],
      ["submit_multi_resp", CommandStatus.ESME_RINVBNDSTS],
      ["query_sm_resp", CommandStatus.ESME_RINVBNDSTS],
      ["cancel_sm_resp", CommandStatus.ESME_RINVBNDSTS],
      ["replace_sm_resp", CommandStatus.ESME_RINVBNDSTS],
    ]);
  });

  it("refuses submits from a receiver bind with ESME_RINVBNDSTS", async () => {
    h = await startSmsc();
    const { session } = await connectAndBind({
      port: h.port,
      mode: "receiver",
      system_id: "demo",
      password: "demopass",
    });
    open.push(session);
    expect((await session.request(submitSm())).command_status).toBe(CommandStatus.ESME_RINVBNDSTS);
  });

  it("answers unbind, closes the connection and releases the bind", async () => {
    h = await startSmsc();
    const { session } = await connectAndBind({
      port: h.port,
      mode: "transceiver",
      system_id: "demo",
      password: "demopass",
    });
    const resp = await session.request({ command: "unbind" });
    expect(resp.command).toBe("unbind_resp");
    await session.whenClosed();
    await until(() => h.smsc.stats().binds.length === 0, "the bind to go");
    expect(h.smsc.stats().accounts.find((a) => a.systemId === "demo")?.binds).toBe(0);
  });

  it("answers unknown commands, malformed PDUs and ESME-sent deliver_sm with generic_nack and stays up", async () => {
    h = await startSmsc();
    const { session } = await connectAndBind({
      port: h.port,
      mode: "transceiver",
      system_id: "demo",
      password: "demopass",
    });
    open.push(session);
    const nacks: ResponsePdu[] = [];
    session.on("unmatched_response", (r) => nacks.push(r));
    // command_id 0x00000077 does not exist
    const unknown = Buffer.alloc(16);
    unknown.writeUInt32BE(16, 0);
    unknown.writeUInt32BE(0x77, 4);
    unknown.writeUInt32BE(9001, 12);
    session.socket.write(unknown);
    // a submit_sm whose TLV claims more octets than the PDU has
    const good = encodePdu(
      { command: "submit_sm", destination_addr: "375291234567", short_message: Buffer.from("hi") },
      9002,
    );
    const badTlv = Buffer.concat([good, Buffer.from([0x04, 0x24, 0x00, 0x10, 0x41])]);
    badTlv.writeUInt32BE(badTlv.length, 0);
    session.socket.write(badTlv);
    // deliver_sm goes SMSC → ESME only
    session.socket.write(encodePdu({ command: "deliver_sm", destination_addr: "1" }, 9003));
    await until(() => nacks.length === 3, "three generic_nack");
    expect(nacks.map((n) => [n.command, n.sequence_number, (n as GenericNack).command_status])).toEqual([
      ["generic_nack", 9001, CommandStatus.ESME_RINVCMDID],
      ["generic_nack", 9002, CommandStatus.ESME_RINVTLVSTREAM],
      ["generic_nack", 9003, CommandStatus.ESME_RINVCMDID],
    ]);
    const ok = await session.request(submitSm());
    expect(ok.command_status).toBe(0);
    expect(h.smsc.stats().totals.malformedPdus).toBe(2);
  });
});
