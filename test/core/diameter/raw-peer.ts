/** A bare TCP Diameter endpoint for tests: sends any bytes, collects decoded messages. */
import { connect, type Socket } from "node:net";
import type { Avp } from "../../../core/diameter/avp.js";
import { avp } from "../../../core/diameter/avp-build.js";
import { buildCer } from "../../../core/diameter/capabilities.js";
import { decodeMessage } from "../../../core/diameter/decoder.js";
import { gyDictionary } from "../../../core/diameter/dictionary/dictionary.js";
import { encodeMessage } from "../../../core/diameter/encoder.js";
import { MessageFramer } from "../../../core/diameter/framer.js";
import type { DiameterMessage } from "../../../core/diameter/message.js";

export class RawPeer {
  readonly received: DiameterMessage[] = [];
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: Socket) {
    const framer = new MessageFramer();
    socket.setNoDelay(true);
    socket.on("data", (chunk) => {
      framer.push(chunk, (raw) => {
        const r = decodeMessage(raw, gyDictionary, { rejectUnknownMandatory: false });
        if (r.ok) this.received.push(r.message);
        for (const w of this.waiters.splice(0)) w();
      });
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static connect(port: number): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: "127.0.0.1", port }, () => resolve(new RawPeer(s)));
      s.once("error", reject);
    });
  }

  /** Connects and completes CER/CEA as `originHost`. */
  static async open(port: number, originHost = "raw.telsim.local", apps = [4]): Promise<RawPeer> {
    const p = await RawPeer.connect(port);
    p.send(buildCer({ originHost, originRealm: "telsim.local" }, apps, 1, 1));
    await p.waitFor((m) => m.commandCode === 257);
    return p;
  }

  send(message: DiameterMessage | Buffer): void {
    this.socket.write(Buffer.isBuffer(message) ? message : encodeMessage(message));
  }

  async waitFor(match: (m: DiameterMessage) => boolean, timeoutMs = 3000): Promise<DiameterMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.received.findIndex(match);
      if (i >= 0) return this.received.splice(i, 1)[0] as DiameterMessage;
      if (this.closed) throw new Error("connection closed while waiting");
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("timed out waiting for a message");
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async waitClosed(timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error("connection not closed");
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  end(): void {
    this.socket.destroy();
  }
}

export function resultCode(m: DiameterMessage): number | undefined {
  const a = m.avps.find((x: Avp) => x.code === 268);
  return a?.type === "Unsigned32" ? a.value : undefined;
}

export const ccrAvps = (sessionId: string, number = 0): Avp[] => [
  avp("Session-Id", sessionId),
  avp("Origin-Host", "raw.telsim.local"),
  avp("Origin-Realm", "telsim.local"),
  avp("Destination-Realm", "telsim.local"),
  avp("Auth-Application-Id", 4),
  avp("Service-Context-Id", "32251@3gpp.org"),
  avp("CC-Request-Type", number === 0 ? "INITIAL_REQUEST" : "UPDATE_REQUEST"),
  avp("CC-Request-Number", number),
];
