/**
 * A very small router for the admin API: routes are a method and a path pattern with `:name`
 * segments. A path that matches with another method is a 405 (with Allow), one that matches
 * nothing a 404; both are told apart here so the server answers them the same way for every route.
 */
import type { IncomingMessage } from "node:http";
import type { JsonObject } from "./json-body.js";

export type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

export interface AdminRequest {
  readonly method: string;
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly raw: IncomingMessage;
  /** The body as a JSON object (read on first call; 400/413 AdminError otherwise). */
  body(): Promise<JsonObject>;
}

export type AdminResponse =
  | { readonly status: number; readonly json: unknown; readonly headers?: Readonly<Record<string, string>> }
  | { readonly status: number; readonly text: string; readonly contentType: string }
  /** No body (204 No Content). */
  | { readonly status: number; readonly empty: true };

export type RouteHandler = (req: AdminRequest) => AdminResponse | Promise<AdminResponse>;

export interface Route {
  readonly method: HttpMethod;
  readonly pattern: string;
  readonly handler: RouteHandler;
}

export type RouteMatch =
  | { readonly kind: "found"; readonly route: Route; readonly params: Record<string, string> }
  | { readonly kind: "wrong-method"; readonly allowed: readonly HttpMethod[] }
  | { readonly kind: "none" };

export class HttpRouter {
  private readonly routes: { route: Route; segments: string[] }[] = [];

  add(method: HttpMethod, pattern: string, handler: RouteHandler): this {
    this.routes.push({ route: { method, pattern, handler }, segments: splitPath(pattern) });
    return this;
  }

  match(method: string, path: string): RouteMatch {
    const segments = splitPath(path);
    const allowed: HttpMethod[] = [];
    for (const { route, segments: pattern } of this.routes) {
      const params = matchSegments(pattern, segments);
      if (params === undefined) continue;
      if (route.method === method) return { kind: "found", route, params };
      allowed.push(route.method);
    }
    return allowed.length > 0 ? { kind: "wrong-method", allowed } : { kind: "none" };
  }
}

function splitPath(path: string): string[] {
  return path.split("/").filter((s) => s !== "");
}

function matchSegments(
  pattern: readonly string[],
  path: readonly string[],
): Record<string, string> | undefined {
  if (pattern.length !== path.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    const s = path[i]!;
    if (p.startsWith(":")) params[p.slice(1)] = s;
    else if (p !== s) return undefined;
  }
  return params;
}
