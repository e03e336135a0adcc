/**
 * A loopback TCP relay that records every Diameter message passing through it, in both
 * directions, without changing a byte. Put between two peers, it shows what each side sent
 * (DWRs, DWAs, the Route-Record a relay added) where neither side's API reports it.
 */
import { createServer, type Server, type Socket, connect as tcpConnect } from "node:net";
import { decodeMessage } from "../../core/diameter/decoder.js";
import { gyDictionary } from "../../core/diameter/dictionary/dictionary.js";
import { MessageFramer } from "../../core/diameter/framer.js";
import { type DiameterMessage, isRequest } from "../../core/diameter/message.js";

/** "up": from the side that connected to the tap; "down": from the target back. */
export type TapDirection = "up" | "down";

export interface TappedMessage {
  readonly direction: TapDirection;
  readonly at: number;
  readonly message: DiameterMessage;
}

export class DiameterTap {
  readonly messages: TappedMessage[] = [];
  /** Streams that could not be framed or decoded (must stay empty). */
  readonly problems: string[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** Listens on 127.0.0.1 (a free port) and relays each connection to `targetPort`. */
  static async start(targetPort: number, targetHost = "127.0.0.1"): Promise<DiameterTap> {
    let tap: DiameterTap | undefined;
    const server = createServer((inbound) => tap?.relay(inbound, targetHost, targetPort));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("tap: no address");
    tap = new DiameterTap(server, address.port);
    return tap;
  }

  /** Messages of one command (requests or answers) in one direction. */
  find(direction: TapDirection, commandCode: number, request: boolean): DiameterMessage[] {
    return this.messages
      .filter(
        (m) =>
          m.direction === direction &&
          m.message.commandCode === commandCode &&
          isRequest(m.message) === request,
      )
      .map((m) => m.message);
  }

  count(direction: TapDirection, commandCode: number, request: boolean): number {
    return this.find(direction, commandCode, request).length;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(inbound: Socket, host: string, port: number): void {
    const outbound = tcpConnect({ host, port });
    for (const s of [inbound, outbound]) {
      this.sockets.add(s);
      s.setNoDelay(true);
      s.on("error", () => undefined);
      s.on("close", () => {
        this.sockets.delete(s);
        inbound.destroy();
        outbound.destroy();
      });
    }
    this.observe(inbound, outbound, "up");
    this.observe(outbound, inbound, "down");
  }

  private observe(from: Socket, to: Socket, direction: TapDirection): void {
    const framer = new MessageFramer();
    let broken = false;
    from.on("data", (chunk: Buffer) => {
      to.write(chunk);
      if (broken) return;
      try {
        framer.push(chunk, (raw) => {
          const result = decodeMessage(raw, gyDictionary, { rejectUnknownMandatory: false });
          if (result.ok) this.messages.push({ direction, at: Date.now(), message: result.message });
          else this.problems.push(`${direction}: ${result.error.message}`);
        });
      } catch (e) {
        broken = true;
        this.problems.push(`${direction}: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
  }
}
