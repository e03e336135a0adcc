/** A stub OCS for Gy client tests: a real DiameterServer whose handler answers from a script. */
import { DiameterProtocolError } from "../../../core/diameter/errors.js";
import { buildCca } from "../../../core/diameter/gy/gy-build.js";
import { parseCcr } from "../../../core/diameter/gy/gy-parse.js";
import type { CreditControlAnswer, CreditControlRequest } from "../../../core/diameter/gy/gy-types.js";
import { silentLogger } from "../../../core/diameter/logger.js";
import type { DiameterMessage } from "../../../core/diameter/message.js";
import { DiameterServer } from "../../../core/diameter/server.js";

export interface SeenRequest {
  readonly ccr: CreditControlRequest;
  readonly message: DiameterMessage;
}

export type Script = (ccr: CreditControlRequest) => Partial<CreditControlAnswer> | "ignore";

export class StubOcs {
  readonly seen: SeenRequest[] = [];
  script: Script = () => ({});

  private constructor(
    readonly server: DiameterServer,
    readonly port: number,
  ) {}

  static async start(originHost = "ocs.telsim.local"): Promise<StubOcs> {
    let self: StubOcs | undefined;
    const server = new DiameterServer({
      identity: { originHost, originRealm: "telsim.local" },
      logger: silentLogger,
      handler: (message) => {
        const ccr = parseCcr(message);
        if (ccr instanceof DiameterProtocolError) throw ccr;
        const stub = self as StubOcs;
        stub.seen.push({ ccr, message });
        const scripted = stub.script(ccr);
        if (scripted === "ignore") return new Promise<DiameterMessage>(() => undefined);
        return buildCca(message, {
          sessionId: ccr.sessionId,
          resultCode: 2001,
          originHost,
          originRealm: "telsim.local",
          requestType: ccr.requestType,
          requestNumber: ccr.requestNumber,
          mscc: ccr.mscc.map((m) => ({
            ...(m.ratingGroup !== undefined ? { ratingGroup: m.ratingGroup } : {}),
            resultCode: 2001,
            granted: { totalOctets: 1_000_000 },
            validityTime: 60,
          })),
          ...scripted,
        });
      },
    });
    const { port } = await server.listen();
    self = new StubOcs(server, port);
    return self;
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
