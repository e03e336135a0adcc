/**
 * The link contract's transport side: one end of a link connection, whatever carries it (the
 * in-process link, a WebSocket on either end). Many handsets share a connection; frames name
 * their handset. A connection delivers frames in the order they were sent.
 *
 * The handset side (a farm, the AT console) holds the handset end: `createInProcessLink(acceptor)`
 * or `connectLink(url)` (ws-link-client.ts). The core side is a `LinkAcceptor` (the network edge):
 * it is handed the core end of every new connection.
 *
 * Frames are immutable once sent: the in-process link passes the same object to the other side.
 */
import type { LinkFrame } from "./link-messages.js";

export type FrameReceiver = (frame: LinkFrame) => void;
export type CloseListener = (reason: string) => void;

export interface LinkConnection {
  /** Queues a frame for the other end. After close() frames are dropped. */
  send(frame: LinkFrame): void;
  /** Sets the one receiver of incoming frames (replacing any earlier one). */
  onFrame(receiver: FrameReceiver): void;
  /** Called once, when either end closes or the transport fails. */
  onClose(listener: CloseListener): void;
  close(reason?: string): void;
  readonly closed: boolean;
}

/** The core side: takes the core end of each new connection. */
export interface LinkAcceptor {
  accept(connection: LinkConnection): void;
}
