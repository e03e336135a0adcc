/**
 * A deliberately slow fake OCS: a real Diameter server answering every CCR with 2001 (telsim's
 * scripted responder), which can be told to hold all answers for a while — a stalled server, as
 * a GC pause or a lock would stall a real one.
 */
import { performance } from "node:perf_hooks";
import { gyResponder } from "../../core/diameter/gy/gy-responder.js";
import { silentLogger } from "../../core/diameter/logger.js";
import type { DiameterMessage } from "../../core/diameter/message.js";
import { DiameterServer } from "../../core/diameter/server.js";

export class SlowOcs {
  private stallUntil = 0;
  answered = 0;

  private constructor(
    private readonly server: DiameterServer,
    readonly port: number,
  ) {}

  static async start(): Promise<SlowOcs> {
    const respond = gyResponder({ originHost: "slow-ocs.test", originRealm: "telsim.local" });
    let self: SlowOcs | undefined;
    const server = new DiameterServer({
      identity: { originHost: "slow-ocs.test", originRealm: "telsim.local" },
      logger: silentLogger,
      handler: (message, peer) => {
        const s = self as SlowOcs;
        const answer = respond(message, peer) as DiameterMessage;
        s.answered++;
        const wait = s.stallUntil - performance.now();
        if (wait <= 0) return answer;
        return new Promise<DiameterMessage>((resolve) => setTimeout(() => resolve(answer), wait));
      },
    });
    const { port } = await server.listen();
    self = new SlowOcs(server, port);
    return self;
  }

  /** Holds every answer until `ms` from now (requests keep arriving and queue up). */
  stall(ms: number): void {
    this.stallUntil = performance.now() + ms;
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
