import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { decodeFrames, encodeFrames, isDecodeFailure } from "../../core/network/link/link-codec.js";
import type { LinkFrame } from "../../core/network/link/link-messages.js";
import type { LinkConnection } from "../../core/network/link/link-connection.js";
import { connectLink } from "../../core/network/link/ws-link-client.js";
import { WsLinkServer } from "../../core/network/link/ws-link-server.js";
import { attach, startCore, TestFarm, type TestCore, waitFor } from "./harness.js";

let core: TestCore;
let url: string;

beforeEach(async () => {
  core = await startCore();
  url = `ws://${core.node.httpAddress.host}:${core.node.httpAddress.port}/ws`;
});

afterEach(async () => {
  await core.stop();
});

/** A raw WebSocket client, to send bytes the codec would never produce. */
async function rawSocket(): Promise<{ socket: WebSocket; frames: LinkFrame[] }> {
  const socket = new WebSocket(url);
  const frames: LinkFrame[] = [];
  socket.on("message", (data: Buffer) => {
    for (const f of decodeFrames(data)) if (!isDecodeFailure(f)) frames.push(f);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  return { socket, frames };
}

describe("the WebSocket link at /ws", () => {
  it("attaches a handset with AKA over protobuf frames", async () => {
    const a = await core.subscriber(1, "business-unlim-1", 1000);
    const farm = new TestFarm(await connectLink(url));
    expect((await attach(farm, 42, a.card)).type).toBe("attach-accept");
    expect(core.node.network!.edge.isAttached(a.msisdn)).toBe(true);
    farm.link.close();
    await waitFor("detached on close", () =>
      core.node.network!.edge.isAttached(a.msisdn) ? undefined : true,
    );
  });

  it("answers a bad frame with an error frame and keeps the connection up", async () => {
    const { socket, frames } = await rawSocket();
    // 1: garbage inside a valid length prefix; 2: a frame whose IMSI is not digits (handset 9,
    // correlation 33); 3: a text message. Then a good frame must still be served.
    socket.send(Uint8Array.of(4, 0xff, 0xff, 0xff, 0xff));
    socket.send(
      encodeFrames([
        { handset: 9, correlation: 33, message: { type: "attach-request", imsi: "12ab", imei: "" } },
      ]),
    );
    socket.send("hello");
    socket.send(encodeFrames([{ handset: 9, correlation: 34, message: { type: "detach-request" } }]));
    await waitFor("four answers", () => (frames.length >= 4 ? true : undefined));
    const errors = frames.filter((f) => f.message.type === "error");
    expect(errors).toHaveLength(3);
    expect(errors[0]?.message).toMatchObject({ type: "error", code: "bad-frame" });
    expect(errors[1]).toMatchObject({
      handset: 9,
      correlation: 33,
      message: { type: "error", code: "bad-field", offendingCorrelation: 33 },
    });
    expect(errors[2]?.message).toMatchObject({ code: "bad-frame" });
    expect(frames.find((f) => f.correlation === 34)?.message).toEqual({ type: "detach-accept" });
    expect(socket.readyState).toBe(WebSocket.OPEN);
    socket.close();
  });

  it("refuses upgrades on other paths", async () => {
    const socket = new WebSocket(`ws://${core.node.httpAddress.host}:${core.node.httpAddress.port}/other`);
    const error = await new Promise<Error>((resolve) => socket.once("error", resolve));
    expect(error.message).toMatch(/404/);
  });

  it("carries a large batch (2,000 handsets attaching at once)", async () => {
    const farm = new TestFarm(await connectLink(url));
    const subscribers = [];
    for (let i = 0; i < 2000; i++) subscribers.push(await core.subscriber(100 + i, "business-unlim-1", 1000));
    const results = await Promise.all(subscribers.map((s, i) => attach(farm, i + 1, s.card)));
    expect(results.every((r) => r.type === "attach-accept")).toBe(true);
    expect(core.node.network!.edge.registry.size).toBe(2000);
    farm.link.close();
  });
});

describe("bounded buffers", () => {
  it("closes a connection whose send queue overflows with 1013, instead of growing without end", async () => {
    const server = createServer();
    let coreEnd: LinkConnection | undefined;
    const links = new WsLinkServer({ accept: (c) => (coreEnd = c) }, { maxQueuedFrames: 100 });
    links.attach(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));
    await new Promise<void>((resolve) => socket.once("open", () => resolve()));
    const end = await waitFor("accepted", () => coreEnd);
    for (let i = 0; i < 101; i++)
      end.send({ handset: 1, correlation: i, message: { type: "detach-accept" } });
    expect(end.closed).toBe(true);
    expect(await closed).toBe(1013);
    await links.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
