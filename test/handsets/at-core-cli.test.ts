/**
 * `telsim handset --at --core ws://…/ws` end to end: a real `telsim core` child, subscribers
 * provisioned with `telsim subscriber add --card-out` (the card carries the K and OPc the core
 * issued), and the AT console as a child driven line by line on stdin.
 */
import { type ChildProcess, type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimCard } from "../../sim/card.js";
import { ROOT, TELSIM, telsim } from "../cli.js";

const WAIT_MS = 8_000;
const PLAN = "business-unlim-1";
const ALICE = { msisdn: "375447000001", imsi: "257010070000001" } as const;
const BOB = { msisdn: "375447000002", imsi: "257010070000002" } as const;
const CAROL = { msisdn: "375447000003", imsi: "257010070000003" } as const;
const FINAL = /^(OK|ERROR|\+CME ERROR: .*|\+CMS ERROR: .*|NO CARRIER|BUSY|NO ANSWER)$/;

interface Core {
  readonly child: ChildProcess;
  readonly api: string;
  readonly ws: string;
}

/** `telsim core` on free ports; the addresses come from its start line on stderr. */
function spawnCore(): Promise<Core> {
  const child = spawn(
    process.execPath,
    [TELSIM, "core", "--memory", "--diameter-port", "0", "--http-port", "0", "--smpp-port", "0"],
    { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] },
  );
  return new Promise((resolve, reject) => {
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`telsim core did not start: ${stderr}`));
    }, WAIT_MS);
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      const m = /^telsim core: .* http (http:\/\/\S+), handsets (ws:\/\/\S+), .*$/m.exec(stderr);
      if (m !== null) {
        clearTimeout(timer);
        resolve({ child, api: m[1]!, ws: m[2]! });
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`telsim core exited ${code}: ${stderr}`));
    });
  });
}

async function stop(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.kill(signal);
  const timer = setTimeout(() => child.kill("SIGKILL"), WAIT_MS);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}

/** Adds a subscriber and writes its issued SIM to `card`; returns the card. */
async function provision(core: Core, who: { msisdn: string; imsi: string }, card: string): Promise<SimCard> {
  const args = ["--msisdn", who.msisdn, "--imsi", who.imsi, "--plan", PLAN, "--balance", "10.00"];
  const run = await telsim(["subscriber", "add", "--api", core.api, ...args, "--card-out", card]);
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  return JSON.parse(await readFile(card, "utf8")) as SimCard;
}

/** The AT console as a child: one command line at a time, its output as lines. */
class AtConsole {
  readonly child: ChildProcessWithoutNullStreams;
  #stdout = "";
  stderr = "";
  #taken = 0;

  constructor(args: readonly string[]) {
    this.child = spawn(process.execPath, [TELSIM, "handset", "--at", ...args], { cwd: ROOT });
    this.child.stdout.setEncoding("utf8").on("data", (chunk: string) => (this.#stdout += chunk));
    this.child.stderr.setEncoding("utf8").on("data", (chunk: string) => (this.stderr += chunk));
  }

  /** Complete lines (framing removed; a USSD text keeps its LF inside the quotes). */
  #lines(): string[] {
    return this.#stdout
      .split("\r\n")
      .slice(0, -1)
      .filter((line) => line !== "");
  }

  /** Sends a command line; resolves with the lines up to its final result code or the "> " prompt. */
  async send(line: string): Promise<string[]> {
    this.child.stdin.write(`${line}\r`);
    return this.#until((lines) => {
      const end = lines.findIndex((l) => FINAL.test(l));
      if (end >= 0) return end + 1;
      return this.#stdout.endsWith("\r\n> ") ? lines.length : undefined;
    });
  }

  /** Types the message after the prompt and ends it with Ctrl-Z. */
  async message(text: string): Promise<string[]> {
    this.child.stdin.write(`${text}\x1a`);
    return this.#until((lines) => {
      const end = lines.findIndex((l) => FINAL.test(l));
      return end >= 0 ? end + 1 : undefined;
    });
  }

  /** Waits for an unsolicited line matching `pattern` and the `more` lines after it. */
  async next(pattern: RegExp, more = 0): Promise<string[]> {
    return this.#until((lines) => {
      const at = lines.findIndex((l) => pattern.test(l));
      return at >= 0 && lines.length > at + more ? at + 1 + more : undefined;
    });
  }

  async waitStderr(pattern: RegExp): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    while (!pattern.test(this.stderr)) {
      if (Date.now() > deadline) throw new Error(`no ${pattern} on stderr:\n${this.stderr}`);
      await sleep(10);
    }
  }

  /** Ends the input; resolves with the exit code. */
  async end(): Promise<number | null> {
    this.child.stdin.end();
    if (this.child.exitCode !== null) return this.child.exitCode;
    const exited = new Promise<number | null>((resolve) => this.child.once("exit", (code) => resolve(code)));
    const timer = setTimeout(() => this.child.kill("SIGKILL"), WAIT_MS);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  }

  async #until(count: (lines: string[]) => number | undefined): Promise<string[]> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const fresh = this.#lines().slice(this.#taken);
      const n = count(fresh);
      if (n !== undefined) {
        this.#taken += fresh.slice(0, n).length;
        return fresh.slice(0, n);
      }
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(`the console did not answer in time:\n${this.#stdout}\nstderr:\n${this.stderr}`);
      }
      await sleep(10);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs [command, expected lines] pairs in order. */
async function play(at: AtConsole, steps: readonly (readonly [string, readonly unknown[]])[]): Promise<void> {
  for (const [command, expected] of steps) expect(await at.send(command), command).toEqual(expected);
}

const BALANCE = expect.stringMatching(/^\+CUSD: 0,"Balans: 10\.00 rub\.[^"]*",15$/);

describe("telsim handset --at --core", () => {
  let core: Core;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "telsim-at-core-"));
    core = await spawnCore();
  });
  afterAll(async () => {
    if (core !== undefined) await stop(core.child);
    await rm(dir, { recursive: true, force: true });
  });

  it("attaches after AT+CPIN and runs USSD, SMS and calls against the core", async () => {
    const file = join(dir, "alice.json");
    const card = await provision(core, ALICE, file);
    await provision(core, BOB, join(dir, "bob.json"));
    const at = new AtConsole(["--core", core.ws, "--sim", file]);
    expect(await at.send("ATE0")).toEqual(["ATE0\r", "OK"]);
    await play(at, [
      ["AT+CMEE=1", ["OK"]],
      ["AT+CPIN?", ["+CPIN: SIM PIN", "OK"]],
      ["AT+CREG?", ["+CREG: 0,0", "OK"]],
      [`AT+CPIN=${card.pin1.value}`, ["OK"]],
      // From a pipe the next line waits for the attach the PIN started.
      ["AT+CREG?", ["+CREG: 0,1", "OK"]],
      ["AT+COPS?", ['+COPS: 0,0,"A1",7', "OK"]],
      ["AT+CSQ", ["+CSQ: 24,0", "OK"]],
      ["AT+CIMI", [ALICE.imsi, "OK"]],
      ["AT+CPIN=1234", ["+CME ERROR: 3"]],
    ]);
    // USSD: the result follows the OK, whatever +CUSD=<n> says when dialled.
    expect(await at.send("ATD*100#;")).toEqual(["OK"]);
    expect(await at.next(/^\+CUSD:/)).toEqual([BALANCE]);
    expect(await at.send('AT+CUSD=1,"*100#",15')).toEqual(["OK"]);
    expect(await at.next(/^\+CUSD:/)).toEqual([BALANCE]);
    expect(await at.send('AT+CUSD=1,"*110#",15')).toEqual(["OK"]);
    expect(await at.next(/^\+CUSD:/)).toEqual([`+CUSD: 0,"Vash nomer: +${ALICE.msisdn}",15`]);
    // A menu asks for an answer (<m> 1); AT+CUSD=2 ends the dialogue.
    expect(await at.send('AT+CUSD=1,"*140#",15')).toEqual(["OK"]);
    expect(await at.next(/^\+CUSD:/)).toEqual([expect.stringMatching(/^\+CUSD: 1,".+",15$/)]);
    await play(at, [
      ["AT+CUSD=2", ["OK"]],
      ['AT+CUSD=1,"Привет",15', ["+CME ERROR: 25"]],
      // SMS to our own number: submitted through the SMSC, delivered back as +CMT.
      ["AT+CMGF=1", ["OK"]],
      ["AT+CNMI=2,2", ["OK"]],
      ["AT+CNMI=2,1", ["+CMS ERROR: 303"]],
      ['AT+CMGS="12ab"', ["+CMS ERROR: 305"]],
      [`AT+CMGS="+${ALICE.msisdn}"`, []],
    ]);
    expect(await at.message("hello from the console")).toEqual(["> ", "+CMGS: 0", "OK"]);
    expect(await at.next(/^\+CMT:/, 1)).toEqual([
      expect.stringMatching(
        new RegExp(`^\\+CMT: "\\+${ALICE.msisdn}",,"\\d\\d/\\d\\d/\\d\\d,\\d\\d:\\d\\d:\\d\\d[+-]\\d\\d"$`),
      ),
      "hello from the console",
    ]);
    await play(at, [
      // Voice: an off-net number is alerting (OK); Bob is provisioned but not attached.
      ["ATD+375171234567;", ["OK"]],
      ["ATH", ["OK"]],
      [`ATD+${BOB.msisdn};`, ["NO CARRIER"]],
      ["AT+CEER", ['+CEER: "call released: #20 not-reachable"', "OK"]],
    ]);
    expect(await at.end()).toBe(0);
    expect(at.stderr).toBe("telsim: handset: call released: #20 not-reachable\n");
    // The card went back to its file: PIN1 counter full, the SQN of the attach kept.
    const after = JSON.parse(await readFile(file, "utf8")) as SimCard;
    expect(after.pin1.triesLeft).toBe(3);
    expect(after.sqn.some((sqn) => sqn > 0)).toBe(true);
  });

  it("shows an attach reject as +CREG: 0,3 with the cause in AT+CEER", async () => {
    // The generated test card (PIN 0000) is not a subscriber of this core.
    const at = new AtConsole(["--core", core.ws]);
    expect(await at.send("ATE0")).toEqual(["ATE0\r", "OK"]);
    await play(at, [
      ["AT+CMEE=1", ["OK"]],
      ["AT+CEER", ['+CEER: "No report available"', "OK"]],
      ["AT+CPIN=0000", ["OK"]],
      ["AT+CREG?", ["+CREG: 0,3", "OK"]],
      ["AT+CEER", ['+CEER: "attach reject: #2 IMSI unknown in HLR"', "OK"]],
      ["AT+COPS?", ["+COPS: 0", "OK"]],
      ["ATD*100#;", ["+CME ERROR: 30"]],
      ["AT+CPIN?", ["+CPIN: READY", "OK"]],
    ]);
    expect(await at.end()).toBe(0);
    expect(at.stderr).toBe("telsim: handset: attach reject: #2 IMSI unknown in HLR\n");
  });

  it("exits 3 when the core cannot be reached, 2 for a URL that is not ws://", async () => {
    const down = await telsim(["handset", "--at", "--core", "ws://127.0.0.1:1/ws"]);
    expect(down.status, down.stderr).toBe(3);
    expect(down.stderr).toMatch(/^telsim: cannot connect to ws:\/\/127\.0\.0\.1:1\/ws: .*ECONNREFUSED/);
    const bad = await telsim(["handset", "--at", "--core", "http://127.0.0.1:1/ws"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--core must be a ws:\/\/ URL/);
  });
});

describe("telsim handset --at --core, the core going away", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "telsim-at-core-drop-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads +CREG: 0,0 after the link drops and keeps answering SIM commands", async () => {
    const core = await spawnCore();
    let at: AtConsole | undefined;
    try {
      const file = join(dir, "carol.json");
      const card = await provision(core, CAROL, file);
      at = new AtConsole(["--core", core.ws, "--sim", file]);
      expect(await at.send("ATE0")).toEqual(["ATE0\r", "OK"]);
      await play(at, [
        ["AT+CMEE=1", ["OK"]],
        [`AT+CPIN=${card.pin1.value}`, ["OK"]],
        ["AT+CREG?", ["+CREG: 0,1", "OK"]],
      ]);
      await stop(core.child, "SIGKILL");
      await at.waitStderr(/link to the core lost/);
      await play(at, [
        ["AT+CREG?", ["+CREG: 0,0", "OK"]],
        ["AT+CSQ", ["+CSQ: 99,99", "OK"]],
        ["AT+CPIN?", ["+CPIN: READY", "OK"]],
        ["AT+CIMI", [CAROL.imsi, "OK"]],
        ['AT+CPINR="SIM PIN"', ["+CPINR: SIM PIN,3,3", "OK"]],
        ["ATD*100#;", ["+CME ERROR: 30"]],
        ["AT+COPS=0", ["+CME ERROR: 30"]],
      ]);
      expect(await at.send("AT+CEER")).toEqual([
        expect.stringMatching(/^\+CEER: "link to the core lost \(.+\)"$/),
        "OK",
      ]);
      expect(await at.end()).toBe(0);
    } finally {
      if (at !== undefined) await stop(at.child, "SIGKILL");
      await stop(core.child, "SIGKILL");
    }
  });
});
