/**
 * Data sessions of a fleet handset over its link connection (proto/link.proto: data-start →
 * data-grant | data-ended; data-usage → data-grant | data-ended; data-stop → data-ended; grants and
 * ends the core pushes with correlation 0). LinkNetwork (the AT layer's network) has no data
 * procedures, so `DataTee` sits between the connection and LinkNetwork: frames of data procedures
 * come here, every other frame goes on to LinkNetwork unchanged.
 *
 * Correlations: LinkNetwork numbers its procedures from 1 up; data procedures use the top of the
 * handset's half (from 0x70000000), which LinkNetwork would reach after 1.8 billion procedures.
 */
import type {
  CloseListener,
  FrameReceiver,
  LinkConnection,
} from "../../../core/network/link/link-connection.js";
import {
  HANDSET_CORRELATION_LAST,
  type HandsetToCore,
  type LinkFrame,
} from "../../../core/network/link/link-messages.js";
import type { DataAnswer, HandsetData } from "../handset-port.js";

const FIRST_DATA_CORRELATION = 0x7000_0000;
const HANDSET_ID = 1;

/** The connection as LinkNetwork sees it, minus the data procedures' frames. */
export class DataTee implements LinkConnection {
  private receiver: FrameReceiver | undefined;
  private dataReceiver: FrameReceiver = () => undefined;
  private held: LinkFrame[] = [];

  constructor(private readonly inner: LinkConnection) {
    inner.onFrame((frame) => this.route(frame));
  }

  get closed(): boolean {
    return this.inner.closed;
  }

  /** Frames of data procedures (data-grant, data-ended, and answers to data correlations). */
  onDataFrame(receiver: FrameReceiver): void {
    this.dataReceiver = receiver;
  }

  private route(frame: LinkFrame): void {
    const m = frame.message;
    if (m.type === "data-grant" || m.type === "data-ended" || frame.correlation >= FIRST_DATA_CORRELATION) {
      if (frame.correlation <= HANDSET_CORRELATION_LAST) {
        this.dataReceiver(frame);
        return;
      }
    }
    if (this.receiver === undefined) this.held.push(frame);
    else this.receiver(frame);
  }

  send(frame: LinkFrame): void {
    this.inner.send(frame);
  }

  onFrame(receiver: FrameReceiver): void {
    this.receiver = receiver;
    const held = this.held;
    this.held = [];
    for (const f of held) receiver(f);
  }

  onClose(listener: CloseListener): void {
    this.inner.onClose(listener);
  }

  close(reason?: string): void {
    this.inner.close(reason);
  }
}

interface Waiting {
  readonly resolve: (answer: DataAnswer) => void;
  readonly timer: NodeJS.Timeout;
}

export class LinkDataSessions implements HandsetData {
  private correlation = FIRST_DATA_CORRELATION;
  private readonly waiting = new Map<number, Waiting>();
  private readonly pushedBySession = new Map<number, DataAnswer>();

  constructor(
    private readonly tee: DataTee,
    private readonly timeoutMs: number,
    /** The device's state follows the session (in-data while one is open). */
    private readonly onSession: (open: boolean) => void,
  ) {
    tee.onDataFrame((frame) => this.received(frame));
    tee.onClose(() => {
      for (const [c, w] of this.waiting) this.settle(c, w, { kind: "refused", cause: "no-service" });
    });
  }

  async start(apn: string): Promise<DataAnswer> {
    const answer = await this.request({ type: "data-start", apn });
    if (answer.kind === "grant") this.onSession(true);
    return answer;
  }

  usage(sessionId: number, octets: number): Promise<DataAnswer> {
    return this.ending(this.request({ type: "data-usage", sessionId, octets }));
  }

  stop(sessionId: number, octets: number): Promise<DataAnswer> {
    return this.ending(this.request({ type: "data-stop", sessionId, octets }));
  }

  pushed(sessionId: number): DataAnswer | undefined {
    const p = this.pushedBySession.get(sessionId);
    this.pushedBySession.delete(sessionId);
    return p;
  }

  private async ending(answer: Promise<DataAnswer>): Promise<DataAnswer> {
    const a = await answer;
    if (a.kind !== "grant") this.onSession(false);
    return a;
  }

  private request(message: HandsetToCore): Promise<DataAnswer> {
    if (this.tee.closed) return Promise.resolve({ kind: "refused", cause: "no-service" });
    const c = this.correlation;
    this.correlation = c >= HANDSET_CORRELATION_LAST ? FIRST_DATA_CORRELATION : c + 1;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const w = this.waiting.get(c);
        if (w !== undefined) this.settle(c, w, { kind: "timeout" });
      }, this.timeoutMs);
      timer.unref();
      this.waiting.set(c, { resolve, timer });
      this.tee.send({ handset: HANDSET_ID, correlation: c, message });
    });
  }

  private settle(c: number, w: Waiting, answer: DataAnswer): void {
    clearTimeout(w.timer);
    this.waiting.delete(c);
    w.resolve(answer);
  }

  private received(frame: LinkFrame): void {
    if (frame.handset !== HANDSET_ID) return;
    const m = frame.message;
    let answer: DataAnswer | undefined;
    if (m.type === "data-grant") answer = { kind: "grant", grant: m };
    else if (m.type === "data-ended") answer = { kind: "ended", ended: m };
    else if (m.type === "refused") answer = { kind: "refused", cause: m.cause };
    else if (m.type === "error") answer = { kind: "refused", cause: "unknown" };
    if (answer === undefined) return;
    const w = this.waiting.get(frame.correlation);
    if (w !== undefined) {
      this.settle(frame.correlation, w, answer);
      return;
    }
    // Pushed by the core (correlation 0): the step sees it at its next report.
    if (m.type === "data-grant" || m.type === "data-ended") {
      this.pushedBySession.set(m.sessionId, answer);
      if (m.type === "data-ended") this.onSession(false);
    }
  }
}
