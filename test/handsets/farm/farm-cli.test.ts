import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WsLinkServer } from "../../../core/network/link/ws-link-server.js";
import { generatedSims } from "../../../handsets/farm/farm-sims.js";
import type { StubCore } from "../../../handsets/farm/stub-core.js";
import { telsim } from "../../cli.js";
import { stubCoreFor } from "./farm-helpers.js";

let server: Server;
let link: WsLinkServer;
let core: StubCore;
let url: string;

beforeAll(async () => {
  core = stubCoreFor(generatedSims({ count: 300, seed: "farm-cli" }));
  server = createServer();
  link = new WsLinkServer(core);
  link.attach(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`;
});

afterAll(async () => {
  await link.close();
  await new Promise((resolve) => server.close(resolve));
});

describe("telsim farm", () => {
  it("attaches generated handsets over ws and prints a JSON summary", async () => {
    const r = await telsim(["farm", "--core", url, "--count", "300", "--seed", "farm-cli", "--attach"]);
    expect(r.stderr).toContain("farm: 300 handsets");
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout) as { census: object; counters: { attached: number } };
    expect(summary.counters.attached).toBe(300);
    expect(summary.census).toEqual({ registered: 300 });
  });

  it("handsets unknown to the core are rejected: exit 1", async () => {
    const r = await telsim(["farm", "--core", url, "--count", "5", "--seed", "other", "--attach"]);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({
      counters: { rejected: 5, rejectCauses: { "imsi-unknown": 5 } },
    });
  });

  it("bad options exit 2; no core exits 3", async () => {
    expect((await telsim(["farm", "--core", url])).status).toBe(2);
    expect((await telsim(["farm", "--core", url, "--count", "x"])).status).toBe(2);
    expect((await telsim(["farm", "--core", "ws://127.0.0.1:1/ws", "--count", "2"])).status).toBe(3);
  });
});
