/**
 * The SMSC side's listener: accepts TCP connections and hands each over as an SmppSession.
 * Binds to 127.0.0.1 unless told otherwise. Bind handling (who may bind, how often) belongs to
 * the SMSC; this only owns the sockets.
 */
import { EventEmitter } from "node:events";
import { createServer, type Server, type Socket } from "node:net";
import { SmppSessionError } from "./session-error.js";
import { SmppSession, type SmppSessionOptions } from "./smpp-session.js";

export interface SmppServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 2775; 0 picks a free port. */
  port?: number;
  /** Options for every accepted session. */
  session?: SmppSessionOptions;
  /** Connections beyond this are closed at once (default unlimited). */
  maxConnections?: number;
}

export interface SmppServerEvents {
  session: [session: SmppSession];
  fault: [error: SmppSessionError];
}

export class SmppServer extends EventEmitter<SmppServerEvents> {
  private readonly server: Server;
  private readonly live = new Set<SmppSession>();
  private readonly options: SmppServerOptions;

  constructor(options: SmppServerOptions = {}, onSession?: (session: SmppSession) => void) {
    super();
    this.options = options;
    if (onSession) this.on("session", onSession);
    this.server = createServer((socket) => this.accept(socket));
    this.server.on("error", (err) => this.fault("LISTEN", `SMPP server error: ${err.message}`, err));
  }

  /** Sessions currently connected. */
  get sessions(): ReadonlySet<SmppSession> {
    return this.live;
  }

  /** Starts listening; resolves with the address (the port is the real one when 0 was asked). */
  listen(): Promise<{ host: string; port: number }> {
    const host = this.options.host ?? "127.0.0.1";
    const port = this.options.port ?? 2775;
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void =>
        reject(
          new SmppSessionError("LISTEN", `cannot listen on ${host}:${port}: ${err.message}`, undefined, {
            cause: err,
          }),
        );
      this.server.once("error", onError);
      this.server.listen(port, host, () => {
        this.server.off("error", onError);
        const address = this.server.address();
        resolve({ host, port: typeof address === "object" && address ? address.port : port });
      });
    });
  }

  /** Stops accepting, closes every session (gracefully, then by force), resolves when done. */
  async close(): Promise<void> {
    const closing = this.server.listening
      ? new Promise<void>((resolve) => this.server.close(() => resolve()))
      : Promise.resolve();
    await Promise.all([...this.live].map((s) => s.close("server shutting down")));
    await closing;
  }

  private accept(socket: Socket): void {
    const max = this.options.maxConnections;
    if (max !== undefined && this.live.size >= max) {
      socket.on("error", () => undefined);
      socket.destroy();
      this.fault(
        "LISTEN",
        `refused a connection from ${socket.remoteAddress ?? "?"}: ${max} sessions already`,
      );
      return;
    }
    const session = new SmppSession(socket, this.options.session ?? {});
    this.live.add(session);
    session.on("close", () => this.live.delete(session));
    try {
      this.emit("session", session);
    } catch (e) {
      this.fault("HANDLER", `a "session" listener threw: ${e instanceof Error ? e.message : String(e)}`, e);
    }
  }

  private fault(code: SmppSessionError["code"], message: string, cause?: unknown): void {
    try {
      this.emit("fault", new SmppSessionError(code, message, undefined, { cause }));
    } catch {
      // a throwing fault listener has nowhere left to report to
    }
  }
}
