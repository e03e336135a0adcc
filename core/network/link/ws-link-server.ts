/**
 * The core's WebSocket endpoint for handset farms: `ws://<admin host>:<port>/ws`, mounted on an
 * existing HTTP server's `upgrade` event (the admin API's), so one port serves both. Each
 * accepted socket becomes a `WsLinkConnection` handed to the core's `LinkAcceptor`. Upgrades for
 * other paths are refused with 404; the HTTP server's own routes are untouched.
 */
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import type { LinkAcceptor } from "./link-connection.js";
import { WsLinkConnection, type WsLinkOptions } from "./ws-link-connection.js";

export const LINK_PATH = "/ws";

export interface WsLinkServerOptions extends WsLinkOptions {
  readonly path?: string;
  /** Largest WebSocket message accepted (default 64 MiB). */
  readonly maxPayload?: number;
}

export class WsLinkServer {
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<WsLinkConnection>();
  private readonly path: string;
  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void =>
    this.handleUpgrade(req, socket, head);
  private servers: Server[] = [];

  constructor(
    private readonly acceptor: LinkAcceptor,
    private readonly options: WsLinkServerOptions = {},
  ) {
    this.path = options.path ?? LINK_PATH;
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload ?? 64 * 1024 * 1024 });
  }

  /** Listens for upgrades on `server` (the admin HTTP server). */
  attach(server: Server): void {
    server.on("upgrade", this.onUpgrade);
    this.servers.push(server);
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** An `upgrade` event: ours if the path matches, else a 404 and the socket is closed. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(req.url ?? "/", "http://link.invalid").pathname;
    if (path !== this.path) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = new WsLinkConnection(ws, this.options);
      this.connections.add(connection);
      connection.onClose(() => this.connections.delete(connection));
      this.acceptor.accept(connection);
    });
  }

  /** Closes every link connection (1001 going away) and stops taking upgrades. */
  close(): Promise<void> {
    for (const s of this.servers) s.off("upgrade", this.onUpgrade);
    this.servers = [];
    for (const c of [...this.connections]) c.close("core stopping", 1001);
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }
}
