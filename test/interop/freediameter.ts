/**
 * Runs Debian's freeDiameterd (1.2.1) as a child process for the interop tests: writes its
 * configuration into a temporary folder, starts it, waits until it is up, and stops it.
 *
 * What the configuration relies on (freeDiameter 1.2.1, Debian bookworm):
 * - TLS is off when no TLS_Cred is given and SecPort is 0 (it logs "TLS is disabled"), so no
 *   certificate is needed; peers are marked No_TLS.
 * - ListenOn is silently ignored for loopback addresses, so the daemon listens on the wildcard
 *   address; IPv6 and SCTP are turned off, only the port chosen by the test is opened, all
 *   traffic goes to 127.0.0.1, and only whitelisted Diameter identities are accepted.
 * - Incoming connections are refused unless the peer is a ConnectPeer or whitelisted by the
 *   acl_wl extension (ALLOW_IPSEC = without TLS).
 * - dict_dcca needs dict_nasreq loaded before it; dict_dcca_3gpp adds the TS 32.299 AVPs.
 * - The relay application is on by default: freeDiameter advertises 0xffffffff and forwards a
 *   request whose Destination-Realm is not its own to a connected peer of that realm.
 * - Tw (TwTimer) is at least 6 s; freeDiameter jitters it by ±2 s.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stopChild, track } from "./tools.js";

/** Where Debian's freediameter-extensions puts the .fdx files (dpkg -L), then other layouts. */
export const FREEDIAMETER_EXTENSIONS = [
  "/usr/lib/freeDiameter",
  "/usr/lib/x86_64-linux-gnu/freeDiameter",
  "/usr/local/lib/freeDiameter",
];

export interface FreeDiameterPeer {
  readonly identity: string;
  readonly port: number;
  readonly realm?: string;
}

export interface FreeDiameterOptions {
  readonly binary: string;
  readonly identity: string;
  readonly realm: string;
  readonly port: number;
  /** Peers freeDiameter connects to (our servers). */
  readonly connectPeers?: readonly FreeDiameterPeer[];
  /** Identities allowed to connect in without TLS (our clients). */
  readonly allowIncoming?: readonly string[];
  /** Global Tw in seconds (freeDiameter's minimum is 6). */
  readonly twTimer?: number;
  /** Tc in seconds: how long before retrying a ConnectPeer that failed. */
  readonly tcTimer?: number;
  /** Most traces (freeDiameterd -d); useful when a test fails. */
  readonly debug?: boolean;
  /**
   * Loads dbg_msg_dumps: one log line per message sent, received and routed, each AVP decoded
   * with freeDiameter's dictionaries, and "PARSING ERROR" lines for what it could not parse.
   */
  readonly dumpMessages?: boolean;
}

export function extensionDir(): string {
  for (const dir of FREEDIAMETER_EXTENSIONS) if (existsSync(join(dir, "dict_dcca.fdx"))) return dir;
  throw new Error(`freeDiameter extensions not found in ${FREEDIAMETER_EXTENSIONS.join(", ")}`);
}

const quote = (s: string): string => `"${s.replace(/["\\]/g, "")}"`;

/** The freeDiameter.conf text for `options` (exported so a failing test can print it). */
export function freeDiameterConfig(options: FreeDiameterOptions, extDir: string, aclFile: string): string {
  const lines = [
    `Identity = ${quote(options.identity)};`,
    `Realm = ${quote(options.realm)};`,
    `Port = ${options.port};`,
    "SecPort = 0;",
    "No_SCTP;",
    "No_IPv6;",
    // Honoured by later freeDiameter versions; 1.2.1 ignores loopback addresses here.
    'ListenOn = "127.0.0.1";',
    `TcTimer = ${options.tcTimer ?? 1};`,
    `TwTimer = ${Math.max(6, options.twTimer ?? 30)};`,
    `LoadExtension = ${quote(join(extDir, "dict_nasreq.fdx"))};`,
    `LoadExtension = ${quote(join(extDir, "dict_dcca.fdx"))};`,
    `LoadExtension = ${quote(join(extDir, "dict_dcca_3gpp.fdx"))};`,
  ];
  if (options.dumpMessages === true) {
    // Errors, send/receive and routing decisions in "full" mode (one line each), peers compact.
    lines.push(`LoadExtension = ${quote(join(extDir, "dbg_msg_dumps.fdx"))} : "0x2444";`);
  }
  if ((options.allowIncoming ?? []).length > 0) {
    lines.push(`LoadExtension = ${quote(join(extDir, "acl_wl.fdx"))} : ${quote(aclFile)};`);
  }
  for (const p of options.connectPeers ?? []) {
    const params = [
      'ConnectTo = "127.0.0.1";',
      `Port = ${p.port};`,
      "No_TLS;",
      "No_SCTP;",
      "No_IPv6;",
      ...(p.realm !== undefined ? [`Realm = ${quote(p.realm)};`] : []),
    ];
    lines.push(`ConnectPeer = ${quote(p.identity)} { ${params.join(" ")} };`);
  }
  return `${lines.join("\n")}\n`;
}

export class FreeDiameterDaemon {
  private output = "";
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly config: string,
  ) {
    const collect = (c: Buffer): void => {
      this.output += c.toString("utf8");
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    child.once("exit", () => {
      this.exited = true;
    });
  }

  /** Writes the configuration, starts freeDiameterd, and waits until it says it is initialized. */
  static async start(options: FreeDiameterOptions, startTimeoutMs = 10_000): Promise<FreeDiameterDaemon> {
    const dir = await mkdtemp(join(tmpdir(), "telsim-fd-"));
    const aclFile = join(dir, "acl_wl.conf");
    const confFile = join(dir, "freeDiameter.conf");
    const config = freeDiameterConfig(options, extensionDir(), aclFile);
    await writeFile(aclFile, (options.allowIncoming ?? []).map((id) => `ALLOW_IPSEC ${id}\n`).join(""));
    await writeFile(confFile, config);
    const args = ["-c", confFile, ...(options.debug === true ? ["-d"] : [])];
    const child = spawn(options.binary, args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    track(child);
    const daemon = new FreeDiameterDaemon(child, dir, config);
    try {
      await daemon.waitForLog(/freeDiameterd daemon initialized/, startTimeoutMs);
    } catch (e) {
      await daemon.stop();
      throw e;
    }
    return daemon;
  }

  /** Everything freeDiameterd printed so far. */
  get log(): string {
    return this.output;
  }

  get running(): boolean {
    return !this.exited;
  }

  async waitForLog(pattern: RegExp, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.output)) {
      if (this.exited) throw new Error(`freeDiameterd exited before ${pattern}:\n${this.tail()}`);
      if (Date.now() > deadline) {
        throw new Error(`freeDiameterd: no ${pattern} within ${timeoutMs} ms:\n${this.tail()}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** The last lines of the log and the configuration, for failure messages. */
  tail(lines = 40): string {
    return `--- freeDiameter.conf\n${this.config}--- log (last ${lines} lines)\n${this.output
      .split("\n")
      .slice(-lines)
      .join("\n")}`;
  }

  /** SIGTERM (freeDiameter sends DPR to its peers), SIGKILL after 3 s; removes the folder. */
  async stop(): Promise<void> {
    await stopChild(this.child, "SIGTERM", 3000);
    await rm(this.dir, { recursive: true, force: true });
  }
}
