/**
 * The farm's side of the WebSocket link: `connectLink("ws://127.0.0.1:8080/ws")` opens one
 * connection that all of a farm's handsets share, and resolves with its `LinkConnection`.
 */
import WebSocket from "ws";
import { LinkError } from "./link-errors.js";
import type { LinkConnection } from "./link-connection.js";
import { WsLinkConnection, type WsLinkOptions } from "./ws-link-connection.js";

export interface ConnectLinkOptions extends WsLinkOptions {
  /** Give up opening after this long (default 10 s). */
  readonly connectTimeoutMs?: number;
  readonly maxPayload?: number;
}

export function connectLink(url: string, options: ConnectLinkOptions = {}): Promise<LinkConnection> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, {
      handshakeTimeout: options.connectTimeoutMs ?? 10_000,
      maxPayload: options.maxPayload ?? 64 * 1024 * 1024,
      perMessageDeflate: false,
    });
    const fail = (error: Error): void => {
      socket.off("open", opened);
      reject(new LinkError("LINK_CONNECT", `cannot open ${url}: ${error.message}`, { cause: error }));
    };
    const opened = (): void => {
      socket.off("error", fail);
      resolve(new WsLinkConnection(socket, options));
    };
    socket.once("open", opened);
    socket.once("error", fail);
  });
}
