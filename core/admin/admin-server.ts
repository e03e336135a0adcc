/**
 * The admin HTTP API of a core node, on node:http: JSON in and out, `/metrics` for Prometheus and
 * `/healthz`. Binds to 127.0.0.1 unless told otherwise. Every failure becomes a JSON error answer
 * (admin-errors.ts); an exception nobody expected is a logged 500, never a crash.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AdminContext } from "./admin-context.js";
import { AdminError, adminErrorOf } from "./admin-errors.js";
import { addCardRoutes } from "./card-routes.js";
import { type AdminRequest, type AdminResponse, HttpRouter } from "./http-router.js";
import { DEFAULT_BODY_LIMIT, type JsonObject, readJsonObject } from "./json-body.js";
import { addRecordRoutes } from "./record-routes.js";
import { addSessionRoutes } from "./session-routes.js";
import { addSmscRoutes } from "./smsc-routes.js";
import { addSubscriberRoutes } from "./subscriber-routes.js";
import { addTopUpRoutes } from "./topup-routes.js";

export interface AdminServerOptions {
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly bodyLimit?: number;
  /** How long stop() lets requests in progress finish before cutting them off. */
  readonly closeGraceMs?: number;
}

export function adminRouter(ctx: AdminContext): HttpRouter {
  const router = new HttpRouter()
    .add("GET", "/healthz", () => ({ status: 200, json: { status: "ok" } }))
    .add("GET", "/metrics", async () => ({
      status: 200,
      text: await ctx.metrics.text(),
      contentType: ctx.metrics.contentType,
    }));
  addSubscriberRoutes(router, ctx);
  addTopUpRoutes(router, ctx);
  addCardRoutes(router, ctx);
  addSessionRoutes(router, ctx);
  addRecordRoutes(router, ctx);
  addSmscRoutes(router, ctx);
  return router;
}

export class AdminHttpServer {
  private readonly server: Server;
  private readonly router: HttpRouter;

  constructor(
    private readonly ctx: AdminContext,
    private readonly options: AdminServerOptions,
  ) {
    this.router = adminRouter(ctx);
    // /metrics reads the SMSC and the USSD core at scrape time, once the network runs
    ctx.metrics.watchNetwork({ smsc: () => ctx.smsc(), ussd: () => ctx.ussd() });
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        // Only writing the answer itself can get here (the socket went away): nothing to answer.
        this.ctx.logger.warn(`admin API: ${e instanceof Error ? e.message : String(e)}`);
      });
    });
  }

  /** The node:http server, for protocols that upgrade on its port (the handset link at /ws). */
  get httpServer(): Server {
    return this.server;
  }

  listen(): Promise<{ host: string; port: number }> {
    const host = this.options.host ?? "127.0.0.1";
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.options.port, host, () => {
        this.server.off("error", reject);
        const address = this.server.address();
        if (address === null || typeof address === "string") {
          reject(new Error("unexpected HTTP server address"));
          return;
        }
        resolve({ host, port: address.port });
      });
    });
  }

  /** Stops accepting, lets requests in progress finish (up to the grace time), then closes. */
  close(): Promise<void> {
    if (!this.server.listening) return Promise.resolve();
    return new Promise((resolve) => {
      const cutOff = setTimeout(() => this.server.closeAllConnections(), this.options.closeGraceMs ?? 2000);
      cutOff.unref();
      this.server.close(() => {
        clearTimeout(cutOff);
        resolve();
      });
      this.server.closeIdleConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", "http://admin.invalid");
    const match = this.router.match(method, url.pathname);
    let route = "unmatched";
    let response: AdminResponse;
    try {
      if (match.kind === "none") {
        throw new AdminError(404, "ROUTE_NOT_FOUND", undefined, `no route ${method} ${url.pathname}`);
      }
      if (match.kind === "wrong-method") {
        throw new AdminError(
          405,
          "METHOD_NOT_ALLOWED",
          undefined,
          `${method} is not allowed on ${url.pathname} (allowed: ${match.allowed.join(", ")})`,
          { allow: match.allowed.join(", ") },
        );
      }
      route = match.route.pattern;
      let body: Promise<JsonObject> | undefined;
      const request: AdminRequest = {
        method,
        path: url.pathname,
        params: match.params,
        query: url.searchParams,
        raw: req,
        body: () => {
          body ??= readJsonObject(req, this.options.bodyLimit ?? DEFAULT_BODY_LIMIT);
          return body;
        },
      };
      response = await match.route.handler(request);
    } catch (e) {
      response = this.errorResponse(e, method, url.pathname);
    }
    this.ctx.metrics.httpRequest(method, route, response.status);
    // An unread body (a GET with one, an early error) is drained so the connection stays usable.
    if (!req.readableEnded) req.resume();
    send(res, response);
  }

  private errorResponse(e: unknown, method: string, path: string): AdminResponse {
    const known = adminErrorOf(e);
    if (known !== undefined) return { status: known.status, json: known.toJSON(), headers: known.headers };
    const message = e instanceof Error ? e.message : String(e);
    this.ctx.logger.error(
      `admin API ${method} ${path} failed: ${e instanceof Error ? (e.stack ?? message) : message}`,
    );
    return {
      status: 500,
      json: new AdminError(500, "INTERNAL", undefined, `internal error: ${message}`).toJSON(),
    };
  }
}

function send(res: ServerResponse, response: AdminResponse): void {
  if (res.headersSent || res.destroyed) return;
  if ("empty" in response) {
    res.writeHead(response.status, { "cache-control": "no-store" });
    res.end();
    return;
  }
  if ("text" in response) {
    res.writeHead(response.status, { "content-type": response.contentType });
    res.end(response.text);
    return;
  }
  const text = `${JSON.stringify(response.json)}\n`;
  res.writeHead(response.status, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
    ...(response.headers ?? {}),
  });
  res.end(text);
}
