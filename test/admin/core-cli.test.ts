/** `telsim core` and `telsim subscriber add|show|topup`, end to end with the compiled CLI. */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectAndBind } from "../../core/smpp/smpp-client.js";
import { ROOT, TELSIM, telsim } from "../cli.js";
import { ALICE, api, BOB, OPEN_PLAN, startNode, type TestNode } from "./helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "telsim-core-cli-"));

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe("telsim subscriber against a running core", () => {
  let t: TestNode;
  beforeAll(async () => {
    t = await startNode();
  });
  afterAll(async () => {
    await t.node.stop();
  });

  it("adds, shows and tops up a subscriber, printing JSON", async () => {
    const add = await telsim([
      "subscriber",
      "add",
      "--api",
      t.base,
      "--msisdn",
      `+${ALICE.msisdn}`,
      "--imsi",
      ALICE.imsi,
      "--plan",
      OPEN_PLAN,
      "--balance",
      "10.00",
      "--credit-limit",
      "3.00",
      "--cug",
      "acme",
    ]);
    expect(add.stderr).toBe("");
    expect(add.status).toBe(0);
    const added = JSON.parse(add.stdout);
    expect(added).toMatchObject({
      msisdn: ALICE.msisdn,
      balance: "10.00",
      creditLimit: "3.00",
      cugId: "acme",
    });
    expect(added.sim.k).toMatch(/^[0-9a-f]{32}$/);

    const show = await telsim(["subscriber", "show", "--api", t.base, "--msisdn", ALICE.msisdn]);
    expect(show.status).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({ msisdn: ALICE.msisdn, available: "13.00" });

    const up = await telsim([
      "subscriber",
      "topup",
      "--api",
      t.base,
      "--msisdn",
      ALICE.msisdn,
      "--amount",
      "5.00",
    ]);
    expect(up.status).toBe(0);
    expect(JSON.parse(up.stdout)).toMatchObject({ balance: "15.00", restored: false });

    const cards = await api(t.base, "POST", "/api/cards", { count: 1, amount: "2.00", seed: "cli" });
    const code = cards.json.cards[0].code as string;
    const byCard = await telsim([
      "subscriber",
      "topup",
      "--api",
      t.base,
      "--msisdn",
      ALICE.msisdn,
      "--card",
      code,
    ]);
    expect(byCard.status).toBe(0);
    expect(JSON.parse(byCard.stdout)).toMatchObject({ balance: "17.00", card: { code, used: true } });
    const reused = await telsim([
      "subscriber",
      "topup",
      "--api",
      t.base,
      "--msisdn",
      ALICE.msisdn,
      "--card",
      code,
    ]);
    expect(reused.status).toBe(2);
    expect(reused.stderr).toMatch(
      /422 CARD_REJECTED \(field card\): this express card has already been used/,
    );
  });

  it("exits 2 with the server's error naming the field on a 4xx", async () => {
    const dup = await telsim([
      "subscriber",
      "add",
      "--api",
      t.base,
      "--msisdn",
      ALICE.msisdn,
      "--imsi",
      BOB.imsi,
      "--plan",
      OPEN_PLAN,
      "--balance",
      "1.00",
    ]);
    expect(dup.status).toBe(2);
    expect(dup.stderr).toMatch(/409 DUPLICATE_SUBSCRIBER \(field msisdn\)/);
    const plan = await telsim([
      "subscriber",
      "add",
      "--api",
      t.base,
      "--msisdn",
      BOB.msisdn,
      "--imsi",
      BOB.imsi,
      "--plan",
      "no-such-plan",
      "--balance",
      "1.00",
    ]);
    expect(plan.status).toBe(2);
    expect(plan.stderr).toMatch(/400 UNKNOWN_PLAN \(field plan\)/);
    const missing = await telsim(["subscriber", "show", "--api", t.base, "--msisdn", BOB.msisdn]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/404 SUBSCRIBER_NOT_FOUND \(field msisdn\)/);
  });

  it("exits 2 naming the option for bad options, before calling the API", async () => {
    const cases: [string[], RegExp][] = [
      [["subscriber", "show", "--msisdn", "123"], /--msisdn/],
      [["subscriber", "show", "--api", "ftp://x", "--msisdn", ALICE.msisdn], /--api/],
      [["subscriber", "topup", "--msisdn", ALICE.msisdn, "--amount", "five"], /--amount/],
      [["subscriber", "topup", "--msisdn", ALICE.msisdn, "--amount", "1", "--card", "1"], /--amount|--card/],
      [["subscriber", "topup", "--api", t.base, "--msisdn", ALICE.msisdn], /--amount or --card/],
      [
        ["subscriber", "add", "--msisdn", ALICE.msisdn, "--imsi", "1", "--plan", "x", "--balance", "1"],
        /--imsi/,
      ],
      [
        [
          ...["subscriber", "add", "--msisdn", ALICE.msisdn, "--imsi", ALICE.imsi, "--plan", "x"],
          ...["--balance", "1", "--favorite", "99"],
        ],
        /--favorite/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await telsim(args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });

  it("exits 3 when the API is unreachable", async () => {
    const r = await telsim(["subscriber", "show", "--api", "http://127.0.0.1:1", "--msisdn", ALICE.msisdn]);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/unreachable/);
  });
});

/** Starts `telsim core` as a child and waits for its "listening" line on stderr. */
function spawnCore(args: readonly string[]): Promise<{ child: ChildProcess; base: string; line: string }> {
  const child = spawn(process.execPath, [TELSIM, "core", ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let stderr = "";
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      const m = /^telsim core: .* http (http:\/\/\S+), .*$/m.exec(stderr);
      if (m !== null) resolve({ child, base: m[1]!, line: m[0] });
    });
    child.once("exit", (code) => reject(new Error(`telsim core exited ${code}: ${stderr}`)));
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

describe("telsim core", () => {
  it("serves the admin API and Gy on free ports, and stops cleanly on SIGTERM", async () => {
    const { child, base, line } = await spawnCore([
      "--memory",
      "--diameter-port",
      "0",
      "--http-port",
      "0",
      "--smpp-port",
      "0",
      "--duration",
      "20",
    ]);
    try {
      expect(line).toMatch(
        /diameter 127\.0\.0\.1:\d+, http http:\/\/127\.0\.0\.1:\d+, handsets ws:\/\/127\.0\.0\.1:\d+\/ws, smpp 127\.0\.0\.1:\d+, data in memory/,
      );
      const add = await telsim([
        ...["subscriber", "add", "--api", base, "--msisdn", ALICE.msisdn, "--imsi", ALICE.imsi],
        ...["--plan", OPEN_PLAN, "--balance", "10.00"],
      ]);
      expect(add.status).toBe(0);
      const show = await telsim(["subscriber", "show", "--api", base, "--msisdn", ALICE.msisdn]);
      expect(JSON.parse(show.stdout).balance).toBe("10.00");
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toContain('telsim_accounts{state="active"} 1');
      // The SMSC: the documented demo ESME binds and submits (it has no account to charge).
      const port = Number(/smpp 127\.0\.0\.1:(\d+)/.exec(line)?.[1]);
      const { session } = await connectAndBind({
        port,
        mode: "transceiver",
        system_id: "demo",
        password: "demopass",
      });
      try {
        const ok = await session.request({
          command: "submit_sm",
          source_addr: ALICE.msisdn,
          destination_addr: "375290000099",
          short_message: Buffer.from("hello"),
        });
        expect(ok.command_status).toBe(0);
      } finally {
        await session.unbind();
      }
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exitOf(child)).toBe(0);
  });

  it("exits 0 by itself after --duration", async () => {
    const r = await telsim([
      "core",
      "--memory",
      "--diameter-port",
      "0",
      "--http-port",
      "0",
      "--smpp-port",
      "0",
      "--duration",
      "1",
    ]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/telsim core: stopped \(1 s elapsed\)/);
  });

  it("keeps its data in a SQLite folder with --data", async () => {
    const dir = join(tmp, "data");
    const r = await telsim([
      "core",
      "--data",
      dir,
      "--diameter-port",
      "0",
      "--http-port",
      "0",
      "--smpp-port",
      "0",
      "--duration",
      "1",
    ]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`data in ${dir}`);
  });

  it("takes its settings from --config, flags overriding them", async () => {
    const file = join(tmp, "core.yaml");
    writeFileSync(
      file,
      "memory: true\ndiameterPort: 0\nhttpPort: 0\nsmppPort: 0\nhost: 127.0.0.1\noriginHost: ocs.test\nsmsc:\n  charging: diameter\n",
    );
    const r = await telsim(["core", "--config", file, "--duration", "1"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("data in memory");
    const data = join(tmp, "from-flag");
    const overridden = await telsim(["core", "--config", file, "--data", data, "--duration", "1"]);
    expect(overridden.status).toBe(0);
    expect(overridden.stderr).toContain(`data in ${data}`);
  });

  it("exits 2 naming the key for a bad config file", async () => {
    const cases: [string, RegExp][] = [
      ["memory: true\nhttpPort: 0\ncolour: red\n", /unknown setting "colour"/],
      ["httpPort: 99999\n", /httpPort must be a port/],
      ["memory: yes please\n", /memory must be true or false/],
      ["memory: true\ndata: ./d\n", /data and memory exclude each other/],
      ["- a\n- b\n", /expected a mapping/],
      ["smsc:\n  accounts: 3\n", /smsc\.accounts/],
      ["smsc:\n  charging: pigeon\n", /charging is "in-process" or "diameter"/],
      ['ussd:\n  routes:\n    - { code: "150" }\n', /ussd\.routes/],
    ];
    for (const [text, message] of cases) {
      const file = join(tmp, "bad.yaml");
      writeFileSync(file, text);
      const r = await telsim(["core", "--config", file, "--duration", "1"]);
      expect(r.status, text).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const none = await telsim(["core", "--config", join(tmp, "missing.yaml"), "--duration", "1"]);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/--config: cannot read/);
  });

  it("exits 2 naming the option for bad options", async () => {
    const cases: [string[], RegExp][] = [
      [["--http-port", "http"], /--http-port/],
      [["--diameter-port", "70000"], /--diameter-port/],
      [["--smpp-port", "smpp"], /--smpp-port/],
      [["--duration", "-1"], /--duration/],
      [["--memory", "--data", "x"], /--data.*--memory|--memory.*--data/],
      [["--bogus"], /--bogus/],
    ];
    for (const [args, message] of cases) {
      const r = await telsim(["core", ...args]);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });

  it("exits 2 with the catalog's error for a bad catalog", async () => {
    const file = join(tmp, "catalog.yaml");
    writeFileSync(file, "version: 1\nplans: 7\n");
    const r = await telsim([
      "core",
      "--memory",
      "--catalog",
      file,
      "--http-port",
      "0",
      "--diameter-port",
      "0",
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("catalog.yaml");
  });

  it("exits 3 with the reason when a port is in use", async () => {
    const t = await startNode();
    try {
      const http = await telsim([
        ...["core", "--memory", "--diameter-port", "0", "--smpp-port", "0"],
        ...["--http-port", String(t.node.httpAddress.port), "--duration", "5"],
      ]);
      expect(http.status, http.stderr).toBe(3);
      expect(http.stderr).toMatch(/cannot listen: .*EADDRINUSE/);
      const diameter = await telsim([
        ...["core", "--memory", "--http-port", "0", "--smpp-port", "0"],
        ...["--diameter-port", String(t.node.diameterAddress.port), "--duration", "5"],
      ]);
      expect(diameter.status).toBe(3);
      expect(diameter.stderr).toMatch(/EADDRINUSE/);
    } finally {
      await t.node.stop();
    }
  });
});
