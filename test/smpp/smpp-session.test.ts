import net from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { VirtualClock } from "../../core/clock/virtual-clock.js";
import { CommandStatus } from "../../core/smpp/command-status.js";
import { readSegment } from "../../core/smpp/concat.js";
import { decodePdu, encodePdu } from "../../core/smpp/pdu-codec.js";
import { PduFramer } from "../../core/smpp/pdu-framer.js";
import type { Pdu, SubmitSm } from "../../core/smpp/pdu-types.js";
import { SmppSessionError } from "../../core/smpp/session-error.js";
import { connectAndBind, connectSmpp } from "../../core/smpp/smpp-client.js";
import { SmppServer } from "../../core/smpp/smpp-server.js";
import type { SmppSession, SmppSessionOptions } from "../../core/smpp/smpp-session.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  vi.restoreAllMocks();
});

/** An SMSC stand-in: accepts any bind as "telsim" and answers submit_sm unless told to hold. */
async function startServer(
  options: { session?: SmppSessionOptions; hold?: boolean; password?: string } = {},
): Promise<{ server: SmppServer; port: number; held: { session: SmppSession; pdu: SubmitSm }[] }> {
  const held: { session: SmppSession; pdu: SubmitSm }[] = [];
  const server = new SmppServer(
    { port: 0, ...(options.session ? { session: options.session } : {}) },
    (s) => {
      s.on("request", (pdu) => {
        switch (pdu.command) {
          case "bind_transceiver":
          case "bind_transmitter":
          case "bind_receiver":
            if (options.password !== undefined && pdu.password !== options.password)
              s.respond(pdu, { command_status: CommandStatus.ESME_RINVPASWD });
            else s.respond(pdu, { system_id: "telsim" });
            break;
          case "submit_sm":
            if (options.hold) held.push({ session: s, pdu });
            else s.respond(pdu, { message_id: `id-${pdu.sequence_number}` });
            break;
          default:
            break;
        }
      });
    },
  );
  const { port } = await server.listen();
  cleanups.push(() => server.close());
  return { server, port, held };
}

async function bound(port: number, options: SmppSessionOptions = {}): Promise<SmppSession> {
  const { session } = await connectAndBind({
    port,
    mode: "transceiver",
    system_id: "esme",
    password: "pw",
    ...options,
  });
  cleanups.push(() => session.close());
  return session;
}

/** A plain TCP peer that speaks bytes and collects decoded PDUs. */
async function rawPeer(
  port: number,
): Promise<{ socket: net.Socket; received: Pdu[]; closed: Promise<void> }> {
  const socket = net.connect({ host: "127.0.0.1", port });
  socket.on("error", () => undefined);
  await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  const received: Pdu[] = [];
  const framer = new PduFramer();
  socket.on("data", (chunk: Buffer) => {
    framer.push(chunk);
    for (let r = framer.next(); r; r = framer.next()) {
      if (r.kind !== "frame") continue;
      const d = decodePdu(r.frame);
      if (d.ok) received.push(d.pdu);
    }
  });
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  cleanups.push(() => {
    socket.destroy();
  });
  return { socket, received, closed };
}

async function until(check: () => boolean, what: string, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

function submit(text: string): { command: "submit_sm"; destination_addr: string; short_message: Buffer } {
  return { command: "submit_sm", destination_addr: "375291234567", short_message: Buffer.from(text) };
}

describe("SmppSession over loopback", () => {
  it("binds, submits and unbinds; Nagle is off on both sockets", async () => {
    const setNoDelay = vi.spyOn(net.Socket.prototype, "setNoDelay");
    const { server, port } = await startServer();
    const { session, response } = await connectAndBind({
      port,
      mode: "transceiver",
      system_id: "esme",
      password: "pw",
    });
    expect(response).toMatchObject({
      command: "bind_transceiver_resp",
      command_status: 0,
      system_id: "telsim",
    });
    const r = await session.request(submit("hello"));
    expect(r).toMatchObject({ command: "submit_sm_resp", command_status: 0, message_id: "id-2" });
    expect(setNoDelay.mock.calls.filter(([on]) => on === true)).toHaveLength(2);
    expect(setNoDelay.mock.contexts).toContain(session.socket);
    const [serverSession] = [...server.sessions];
    expect(setNoDelay.mock.contexts).toContain(serverSession!.socket);
    const serverClosed = new Promise((resolve) => serverSession!.once("close", resolve));
    await session.unbind();
    expect(await serverClosed).toEqual({ reason: "unbound by peer", hadError: false });
    expect(session.isClosed).toBe(true);
  });

  it("reports a refused bind with its command_status and closes the connection", async () => {
    const { server, port } = await startServer({ password: "right" });
    const error = await connectAndBind({
      port,
      mode: "transmitter",
      system_id: "esme",
      password: "wrong",
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmppSessionError);
    expect(error).toMatchObject({ code: "BIND", commandStatus: CommandStatus.ESME_RINVPASWD });
    expect((error as Error).message).toContain("ESME_RINVPASWD");
    await until(() => server.sessions.size === 0, "the server to see the close");
  });

  it("keeps at most `window` requests in flight and queues the rest", async () => {
    const { port, held } = await startServer({ hold: true });
    const session = await bound(port, { window: 3 });
    const results = Array.from({ length: 10 }, (_, i) => session.request(submit(`m${i}`)));
    await until(() => held.length === 3, "three requests at the server");
    await new Promise((r) => setTimeout(r, 20));
    expect(held).toHaveLength(3);
    expect(session.inFlightCount).toBe(3);
    expect(session.queuedCount).toBe(7);
    let answered = 0;
    while (answered < 10) {
      await until(() => held.length > answered, "the next request");
      const { session: s, pdu } = held[answered]!;
      expect(session.inFlightCount).toBeLessThanOrEqual(3);
      s.respond(pdu, { message_id: String(answered) });
      answered++;
    }
    const responses = await Promise.all(results);
    expect(responses.map((r) => r.command === "submit_sm_resp" && r.message_id)).toEqual(
      Array.from({ length: 10 }, (_, i) => String(i)),
    );
    expect(held.map((h) => h.pdu.short_message.toString())).toEqual(
      Array.from({ length: 10 }, (_, i) => `m${i}`),
    );
  });

  it("refuses requests beyond the window when so configured", async () => {
    const { port } = await startServer({ hold: true });
    const session = await bound(port, { window: 2, windowFullPolicy: "reject" });
    const pending = [session.request(submit("a")), session.request(submit("b"))];
    pending.forEach((p) => p.catch(() => undefined));
    await expect(session.request(submit("c"))).rejects.toMatchObject({ code: "WINDOW_FULL" });
    expect(session.stats.refusedWindowFull).toBe(1);
  });

  it("times out on the injected clock, frees the slot, and reports the late response as unmatched", async () => {
    const clock = new VirtualClock();
    const { port, held } = await startServer({ hold: true });
    const session = await bound(port, { clock, window: 1 });
    const first = session.request(submit("slow"), { timeoutMs: 5000 });
    const second = session.request(submit("queued"), { timeoutMs: 60_000 });
    await until(() => held.length === 1, "the request at the server");
    clock.advance(4999);
    expect(session.inFlightCount).toBe(1);
    clock.advance(1);
    const error = await first.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "TIMEOUT" });
    expect((error as Error).message).toMatch(/submit_sm \(sequence 2\) got no response within 5000 ms/);
    // the slot went to the queued request
    await until(() => held.length === 2, "the queued request to go out");
    const unmatched = new Promise((resolve) => session.once("unmatched_response", resolve));
    held[0]!.session.respond(held[0]!.pdu, { message_id: "late" });
    expect(await unmatched).toMatchObject({ command: "submit_sm_resp", message_id: "late" });
    held[1]!.session.respond(held[1]!.pdu, { message_id: "ok" });
    expect(await second).toMatchObject({ message_id: "ok" });
    expect(session.stats.timeouts).toBe(1);
  });

  it("times out on the real clock as well", async () => {
    const { port } = await startServer({ hold: true });
    const session = await bound(port, { requestTimeoutMs: 30 });
    const started = Date.now();
    await expect(session.request(submit("x"))).rejects.toMatchObject({ code: "TIMEOUT" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it("fails pending and later requests with CLOSED when the session closes", async () => {
    const { port } = await startServer({ hold: true });
    const session = await bound(port, { window: 1 });
    const inFlight = session.request(submit("a")).catch((e: unknown) => e);
    const queued = session.request(submit("b")).catch((e: unknown) => e);
    const closeInfo = new Promise((resolve) => session.once("close", resolve));
    await session.close();
    expect(await inFlight).toMatchObject({ code: "CLOSED" });
    expect(await queued).toMatchObject({ code: "CLOSED" });
    await expect(session.request(submit("c"))).rejects.toMatchObject({ code: "CLOSED" });
    expect(await closeInfo).toEqual({ reason: "closed locally", hadError: false });
    expect(session.send({ command: "enquire_link" })).toBe(false);
  });

  it("stops reading while paused and catches up on resume", async () => {
    const { port } = await startServer();
    const session = await bound(port);
    session.pause();
    let answered = 0;
    const all = Promise.all(
      Array.from({ length: 5 }, () => session.request(submit("p")).then(() => answered++)),
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(answered).toBe(0);
    session.resume();
    await all;
    expect(answered).toBe(5);
  });

  it("reads data_sm text from message_payload", async () => {
    const { server, port } = await startServer();
    const got = new Promise<string>((resolve) =>
      server.on("session", (s) =>
        s.on("request", (pdu) => {
          if (pdu.command !== "data_sm") return;
          s.respond(pdu, { message_id: "d1" });
          resolve(readSegment(pdu).body.toString("latin1"));
        }),
      ),
    );
    const session = await bound(port);
    const r = await session.request({
      command: "data_sm",
      data_coding: 3,
      message_payload: Buffer.from("café", "latin1"),
    });
    expect(r).toMatchObject({ command: "data_sm_resp", message_id: "d1" });
    expect(await got).toBe("café");
  });

  it("answers enquire_link by itself", async () => {
    const { port } = await startServer();
    const peer = await rawPeer(port);
    peer.socket.write(encodePdu({ command: "enquire_link", sequence_number: 5 }));
    await until(() => peer.received.length === 1, "enquire_link_resp");
    expect(peer.received[0]).toMatchObject({
      command: "enquire_link_resp",
      sequence_number: 5,
      command_status: 0,
    });
  });

  it("drops a link whose peer stops answering enquire_link", async () => {
    const clock = new VirtualClock();
    const { port } = await startServer({ session: { autoEnquireLinkResponse: false } });
    const session = await bound(port, { clock, enquireLinkIntervalMs: 1000, requestTimeoutMs: 500 });
    const faults: SmppSessionError[] = [];
    session.on("fault", (e) => faults.push(e));
    const closed = new Promise((resolve) => session.once("close", resolve));
    clock.advance(1000);
    clock.advance(500);
    expect(await closed).toMatchObject({ reason: "enquire_link unanswered" });
    expect(faults.map((f) => f.code)).toEqual(["ENQUIRE_LINK"]);
  });
});

describe("SmppSession error handling (nothing may crash the process)", () => {
  it("rejects a refused connection with CONNECT", async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", () => r()));
    const { port } = probe.address() as net.AddressInfo;
    await new Promise<void>((r) => probe.close(() => r()));
    await expect(connectSmpp({ port })).rejects.toMatchObject({ code: "CONNECT" });
  });

  it("answers a malformed request with generic_nack and keeps the session", async () => {
    const { server, port } = await startServer();
    const malformed: string[] = [];
    server.on("session", (s) => s.on("malformed", (f) => malformed.push(f.reason)));
    const peer = await rawPeer(port);
    // submit_sm whose body stops after two octets
    peer.socket.write(Buffer.from("000000120000000400000000000000070000", "hex"));
    // a command_id nobody knows
    peer.socket.write(Buffer.from("00000010000000990000000000000008", "hex"));
    // a TLV that runs past the end
    const tlv = Buffer.concat([
      encodePdu({ command: "enquire_link", sequence_number: 9 }),
      Buffer.from("05010005", "hex"),
    ]);
    tlv.writeUInt32BE(tlv.length, 0);
    peer.socket.write(tlv);
    // then something good
    peer.socket.write(encodePdu({ command: "enquire_link", sequence_number: 10 }));
    await until(() => peer.received.length === 4, "four answers");
    expect(peer.received.map((p) => [p.command, p.command_status, p.sequence_number])).toEqual([
      ["generic_nack", CommandStatus.ESME_RINVCMDLEN, 7],
      ["generic_nack", CommandStatus.ESME_RINVCMDID, 8],
      ["generic_nack", CommandStatus.ESME_RINVTLVSTREAM, 9],
      ["enquire_link_resp", 0, 10],
    ]);
    expect(malformed).toHaveLength(3);
    expect(server.sessions.size).toBe(1);
  });

  it("skips an over-long PDU with generic_nack and stays in step", async () => {
    const { port } = await startServer();
    const peer = await rawPeer(port);
    const big = Buffer.alloc(20_000);
    big.writeUInt32BE(big.length, 0);
    big.writeUInt32BE(0x04, 4);
    big.writeUInt32BE(11, 12);
    peer.socket.write(big);
    peer.socket.write(encodePdu({ command: "enquire_link", sequence_number: 12 }));
    await until(() => peer.received.length === 2, "two answers");
    expect(peer.received.map((p) => [p.command, p.command_status, p.sequence_number])).toEqual([
      ["generic_nack", CommandStatus.ESME_RINVCMDLEN, 11],
      ["enquire_link_resp", 0, 12],
    ]);
  });

  it("closes a connection whose byte stream cannot be framed, reporting FRAMING", async () => {
    const { server, port } = await startServer();
    const faults: string[] = [];
    server.on("session", (s) => s.on("fault", (e) => faults.push(e.code)));
    const peer = await rawPeer(port);
    peer.socket.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    await peer.closed;
    expect(faults).toEqual(["FRAMING"]);
    expect(peer.received[0]).toMatchObject({
      command: "generic_nack",
      command_status: CommandStatus.ESME_RINVCMDLEN,
    });
  });

  it("survives a client facing a peer that sends garbage or resets", async () => {
    const raw = net.createServer((socket) => {
      socket.on("error", () => undefined);
      socket.once("data", () => socket.write(Buffer.from("00000008deadbeef", "hex")));
    });
    await new Promise<void>((r) => raw.listen(0, "127.0.0.1", () => r()));
    cleanups.push(() => new Promise<void>((r) => raw.close(() => r())));
    const session = await connectSmpp({ port: (raw.address() as net.AddressInfo).port });
    const faults: string[] = [];
    session.on("fault", (e) => faults.push(e.code));
    const pending = session.request({ command: "enquire_link" });
    await expect(pending).rejects.toMatchObject({ code: "CLOSED" });
    await session.whenClosed();
    expect(faults).toContain("FRAMING");

    const resetter = net.createServer((socket) => {
      socket.on("error", () => undefined);
      socket.once("data", () => socket.resetAndDestroy());
    });
    await new Promise<void>((r) => resetter.listen(0, "127.0.0.1", () => r()));
    cleanups.push(() => new Promise<void>((r) => resetter.close(() => r())));
    const s2 = await connectSmpp({ port: (resetter.address() as net.AddressInfo).port });
    const faults2: SmppSessionError[] = [];
    s2.on("fault", (e) => faults2.push(e));
    await expect(s2.request({ command: "enquire_link" })).rejects.toMatchObject({ code: "CLOSED" });
    await s2.whenClosed();
    expect(faults2.map((f) => f.code)).toEqual(["SOCKET"]);
    expect(faults2[0]!.message).toMatch(/ECONNRESET/);
  });

  it("turns a throwing listener into a HANDLER fault and carries on", async () => {
    const { server, port } = await startServer();
    const faults: SmppSessionError[] = [];
    server.on("session", (s) => {
      s.on("fault", (e) => faults.push(e));
      s.prependListener("request", (pdu) => {
        if (pdu.command === "submit_sm") throw new Error("boom");
      });
    });
    const session = await bound(port);
    // EventEmitter stops at the throwing listener, so this submit_sm goes unanswered
    void session.request(submit("x"), { timeoutMs: 100 }).catch(() => undefined);
    await until(() => faults.length === 1, "the HANDLER fault");
    expect(faults[0]).toMatchObject({ code: "HANDLER" });
    expect(faults[0]!.message).toContain("boom");
    await expect(session.request({ command: "enquire_link" })).resolves.toMatchObject({
      command: "enquire_link_resp",
    });
  });

  it("reports a response of the wrong command as UNEXPECTED_RESPONSE", async () => {
    const raw = net.createServer((socket) => {
      socket.on("error", () => undefined);
      socket.on("data", (chunk: Buffer) => {
        const seq = chunk.readUInt32BE(12);
        socket.write(encodePdu({ command: "unbind_resp", sequence_number: seq }));
      });
    });
    await new Promise<void>((r) => raw.listen(0, "127.0.0.1", () => r()));
    cleanups.push(() => new Promise<void>((r) => raw.close(() => r())));
    const session = await connectSmpp({ port: (raw.address() as net.AddressInfo).port });
    cleanups.push(() => session.close());
    await expect(session.request({ command: "enquire_link" })).rejects.toMatchObject({
      code: "UNEXPECTED_RESPONSE",
    });
  });

  it("resolves with generic_nack when the peer answers a request that way", async () => {
    const raw = net.createServer((socket) => {
      socket.on("error", () => undefined);
      socket.on("data", (chunk: Buffer) => {
        const seq = chunk.readUInt32BE(12);
        socket.write(encodePdu({ command: "generic_nack", command_status: 3, sequence_number: seq }));
      });
    });
    await new Promise<void>((r) => raw.listen(0, "127.0.0.1", () => r()));
    cleanups.push(() => new Promise<void>((r) => raw.close(() => r())));
    const session = await connectSmpp({ port: (raw.address() as net.AddressInfo).port });
    cleanups.push(() => session.close());
    await expect(session.request(submit("x"))).resolves.toMatchObject({
      command: "generic_nack",
      command_status: 3,
    });
  });

  it("reports an encoding error as ENCODE without sending anything", async () => {
    const { port } = await startServer();
    const session = await bound(port);
    await expect(session.request({ command: "submit_sm", esm_class: 999 })).rejects.toMatchObject({
      code: "ENCODE",
    });
    expect(session.inFlightCount).toBe(0);
  });

  it("reports a port in use as LISTEN", async () => {
    const { port } = await startServer();
    const second = new SmppServer({ port });
    await expect(second.listen()).rejects.toMatchObject({ code: "LISTEN" });
  });

  it("closes every session when the server closes", async () => {
    const { server, port } = await startServer();
    const session = await bound(port);
    const closed = new Promise((resolve) => session.once("close", resolve));
    await server.close();
    await closed;
    expect(session.isClosed).toBe(true);
  });
});
