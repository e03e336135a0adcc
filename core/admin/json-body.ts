/**
 * Reading a request body as one JSON object, with a size limit. A body over the limit is still
 * read to its end (and thrown away) before the 413 goes out, so the client, which is most likely
 * still sending, reads our answer instead of a reset connection; past DRAIN_LIMIT the socket is
 * dropped.
 */
import type { IncomingMessage } from "node:http";
import { AdminError } from "./admin-errors.js";

export const DEFAULT_BODY_LIMIT = 64 * 1024;
const DRAIN_LIMIT = 1024 * 1024;

export type JsonObject = Record<string, unknown>;

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    const declared = Number(req.headers["content-length"] ?? Number.NaN);
    if (declared > DRAIN_LIMIT) {
      req.destroy();
      reject(tooLargeError(limit));
      return;
    }
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > DRAIN_LIMIT) {
        req.destroy();
        reject(tooLargeError(limit));
        return;
      }
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.on("end", () => (tooLarge ? reject(tooLargeError(limit)) : resolve(Buffer.concat(chunks))));
    req.on("error", reject);
  });
}

function tooLargeError(limit: number): AdminError {
  return new AdminError(413, "BODY_TOO_LARGE", "body", `the request body is larger than ${limit} bytes`);
}

/** The body as a JSON object; 400 BAD_JSON (field "body") for anything else. */
export async function readJsonObject(req: IncomingMessage, limit = DEFAULT_BODY_LIMIT): Promise<JsonObject> {
  const bytes = await readBody(req, limit);
  const text = bytes.toString("utf8");
  if (text.trim() === "") throw new AdminError(400, "BAD_JSON", "body", "the request body is empty");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new AdminError(
      400,
      "BAD_JSON",
      "body",
      `the request body is not JSON: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new AdminError(400, "BAD_JSON", "body", "the request body must be a JSON object");
  }
  return value as JsonObject;
}
