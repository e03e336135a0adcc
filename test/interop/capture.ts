/**
 * A packet capture on the loopback interface with dumpcap (or tshark) from Debian's Wireshark
 * packages, limited to given TCP ports, and the tshark read-back of the file it wrote.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { stat } from "node:fs/promises";
import { connect as tcpConnect } from "node:net";
import { run, sleep, stopChild, track } from "./tools.js";

export class LoopbackCapture {
  private stderr = "";

  private constructor(
    private readonly child: ChildProcess,
    readonly file: string,
  ) {
    child.stderr?.on("data", (c: Buffer) => {
      this.stderr += c.toString("utf8");
    });
  }

  /**
   * Starts capturing `tcp port <port> or ...` on lo into `file` (pcapng) and resolves once the
   * capture demonstrably runs: `capturer` (dumpcap or tshark) has said "Capturing on" and a
   * probe connection to `ports[probe]` has reached the file.
   */
  static async start(
    capturer: string,
    ports: readonly number[],
    file: string,
    probe = ports.length - 1,
    timeoutMs = 15_000,
  ): Promise<LoopbackCapture> {
    const filter = ports.map((p) => `tcp port ${p}`).join(" or ");
    const child = spawn(capturer, ["-i", "lo", "-f", filter, "-w", file, "-q"], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    track(child);
    const capture = new LoopbackCapture(child, file);
    const deadline = Date.now() + timeoutMs;
    const check = async (what: string): Promise<void> => {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${capturer} exited: ${capture.stderr}`);
      }
      if (Date.now() > deadline) {
        await capture.stop();
        throw new Error(`${capturer}: ${what} within ${timeoutMs} ms: ${capture.stderr}`);
      }
      await sleep(25);
    };
    while (!capture.stderr.includes("Capturing on")) await check("did not start capturing");
    // The message may come before the kernel filter is attached, and packets reach the file in
    // batches: probe (a bare TCP connect and close) until the file has grown past its header.
    const portToProbe = ports[probe];
    if (portToProbe === undefined) throw new Error("no port to probe");
    const headerSize = await sizeOf(file);
    let lastProbe = 0;
    while ((await sizeOf(file)) <= headerSize) {
      if (Date.now() - lastProbe > 250) {
        lastProbe = Date.now();
        await touch(portToProbe);
      }
      await check("captured no probe packet");
    }
    return capture;
  }

  /** Stops the capture (SIGINT: the file is completed), SIGKILL after 5 s. */
  async stop(): Promise<string> {
    await stopChild(this.child, "SIGINT", 5000);
    return this.stderr;
  }
}

/** tshark reading `file` with the TCP `ports` decoded as Diameter. */
export function readCapture(
  tshark: string,
  file: string,
  ports: readonly number[],
  args: readonly string[],
  timeoutMs = 30_000,
) {
  const decodeAs = ports.flatMap((p) => ["-d", `tcp.port==${p},diameter`]);
  return run(tshark, ["-r", file, ...decodeAs, ...args], timeoutMs);
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

/** Opens and closes a TCP connection to 127.0.0.1:port (errors ignored). */
function touch(port: number): Promise<void> {
  return new Promise((resolve) => {
    const s = tcpConnect({ host: "127.0.0.1", port });
    const done = (): void => {
      s.destroy();
      resolve();
    };
    s.once("connect", () => s.end());
    s.once("close", done);
    s.once("error", done);
  });
}
