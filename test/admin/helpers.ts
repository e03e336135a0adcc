/** An in-process core node on free ports with an in-memory store, and a small client for its API. */
import { GyClient, type GyClientOptions } from "../../core/diameter/gy/gy-client.js";
import { MemoryLogger } from "../../core/diameter/logger.js";
import { CoreNode, type CoreOptions } from "../../core/node.js";

export const ALICE = { msisdn: "375291111111", imsi: "257010000000011" } as const;
export const BOB = { msisdn: "375442222222", imsi: "257010000000022" } as const;
/** Open for new connections, Pause allowed, 5 GB of data then throttled. */
export const OPEN_PLAN = "business-unlim-1";
/** Archived, Pause not allowed. */
export const NO_PAUSE_PLAN = "super-web-5";
/** Archived, 3 favorite numbers. */
export const FAVORITES_PLAN = "smart-1";

export interface TestNode {
  readonly node: CoreNode;
  readonly logger: MemoryLogger;
  readonly base: string;
}

/** `extra` adds options (a clock, the network) to the defaults. */
export async function startNode(extra: Omit<CoreOptions, "memory" | "logger"> = {}): Promise<TestNode> {
  const logger = new MemoryLogger();
  const node = await CoreNode.start({
    memory: true,
    diameterPort: 0,
    httpPort: 0,
    logger,
    // No fee falls due during a test: balances stay as set.
    feeIntervalMs: 3_600_000,
    ...extra,
  });
  return { node, logger, base: `http://${node.httpAddress.host}:${node.httpAddress.port}` };
}

export interface ApiAnswer {
  readonly status: number;
  readonly headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test code reads arbitrary JSON answers
  readonly json: any;
}

/** One request; `body` is sent as JSON unless it is already a string. */
export async function api(base: string, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  const response = await fetch(`${base}${path}`, {
    method,
    ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    json: text === "" ? undefined : JSON.parse(text),
  };
}

export function addSubscriber(base: string, fields: Record<string, unknown> = {}): Promise<ApiAnswer> {
  return api(base, "POST", "/api/subscribers", {
    ...ALICE,
    plan: OPEN_PLAN,
    balance: "10.00",
    ...fields,
  });
}

/** A PGW-like Gy client connected to the node. */
export async function gyClient(node: CoreNode, extra: Partial<GyClientOptions> = {}): Promise<GyClient> {
  const client = new GyClient({
    primary: node.diameterAddress,
    identity: { originHost: "pgw.test.local", originRealm: "telsim.local" },
    destinationRealm: "telsim.local",
    logger: new MemoryLogger(),
    reconnect: false,
    ...extra,
  });
  await client.connect();
  return client;
}

/** Polls until `check` is true (RAR/ASR arrive asynchronously). */
export async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}
