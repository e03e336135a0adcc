/**
 * The in-process link: a pair of connected `LinkConnection` ends with no encoding at all, for
 * handset farms that run in the core's process (tests, benchmarks, `telsim demo`). Frames sent in
 * one turn of the event loop are delivered together in a microtask, in order, so neither side
 * re-enters the other from inside `send`.
 *
 *   const link = createInProcessLink(edge);   // edge: the core's LinkAcceptor
 *   link.onFrame((frame) => …);               // core → handsets
 *   link.send({ handset: 1, correlation: 1, message: { type: "attach-request", imsi, imei } });
 */
import type { CloseListener, FrameReceiver, LinkAcceptor, LinkConnection } from "./link-connection.js";
import type { LinkFrame } from "./link-messages.js";

class InProcessEnd implements LinkConnection {
  peer: InProcessEnd | undefined;
  private receiver: FrameReceiver | undefined;
  private readonly closeListeners: CloseListener[] = [];
  private queue: LinkFrame[] = [];
  private scheduled = false;
  private isClosed = false;
  /** Frames that arrived before a receiver was set. */
  private held: LinkFrame[] = [];

  get closed(): boolean {
    return this.isClosed;
  }

  send(frame: LinkFrame): void {
    if (this.isClosed) return;
    this.queue.push(frame);
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  private flush(): void {
    this.scheduled = false;
    const frames = this.queue;
    this.queue = [];
    const peer = this.peer;
    if (peer === undefined || this.isClosed) return;
    for (const frame of frames) peer.deliver(frame);
  }

  private deliver(frame: LinkFrame): void {
    if (this.isClosed) return;
    if (this.receiver === undefined) this.held.push(frame);
    else this.receiver(frame);
  }

  onFrame(receiver: FrameReceiver): void {
    this.receiver = receiver;
    const held = this.held;
    this.held = [];
    for (const frame of held) receiver(frame);
  }

  onClose(listener: CloseListener): void {
    if (this.isClosed) listener("closed");
    else this.closeListeners.push(listener);
  }

  close(reason = "closed"): void {
    if (this.isClosed) return;
    this.flush();
    this.isClosed = true;
    for (const l of this.closeListeners.splice(0)) l(reason);
    this.peer?.close(reason);
  }
}

/** Connects a new handset-side end to `acceptor` and returns it. */
export function createInProcessLink(acceptor: LinkAcceptor): LinkConnection {
  const handsetEnd = new InProcessEnd();
  const coreEnd = new InProcessEnd();
  handsetEnd.peer = coreEnd;
  coreEnd.peer = handsetEnd;
  acceptor.accept(coreEnd);
  return handsetEnd;
}

/** Two connected ends with no acceptor: for tests of either side alone. */
export function createInProcessPair(): { handsetEnd: LinkConnection; coreEnd: LinkConnection } {
  const handsetEnd = new InProcessEnd();
  const coreEnd = new InProcessEnd();
  handsetEnd.peer = coreEnd;
  coreEnd.peer = handsetEnd;
  return { handsetEnd, coreEnd };
}
