/**
 * The admin port over HTTP: a telsim core's admin API (core/admin) at `baseUrl`, for external
 * targets and for worker threads. Money crosses as "X.XX" strings.
 */
import { formatMoney, type Kopecks, parseMoney } from "../../../core/charging/money.js";
import type { AccountView, AdminOutcome, AdminPort } from "../ports.js";

export interface HttpAnswer {
  readonly status: number;
  readonly json: unknown;
}

export async function adminRequest(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<HttpAnswer> {
  const res = await fetch(new URL(path, baseUrl), {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json };
}

function errorMessage(a: HttpAnswer): string {
  const e = (a.json as { error?: { message?: unknown } } | undefined)?.error;
  return typeof e?.message === "string" ? e.message : `HTTP ${a.status}`;
}

function outcome(a: HttpAnswer): AdminOutcome {
  return a.status >= 200 && a.status < 300
    ? { ok: true }
    : { ok: false, status: a.status, message: errorMessage(a) };
}

const money = (v: unknown): Kopecks => parseMoney(typeof v === "string" ? v : "0", "admin");

export class HttpAdminPort implements AdminPort {
  constructor(private readonly baseUrl: string) {}

  async topUp(msisdn: string, amount: Kopecks): Promise<AdminOutcome> {
    return outcome(
      await adminRequest(this.baseUrl, "POST", `/api/subscribers/${msisdn}/topup`, {
        amount: formatMoney(amount),
      }),
    );
  }

  async setState(msisdn: string, state: "paused" | "active"): Promise<AdminOutcome> {
    return outcome(await adminRequest(this.baseUrl, "PATCH", `/api/subscribers/${msisdn}`, { state }));
  }

  async account(msisdn: string): Promise<AccountView | undefined> {
    const a = await adminRequest(this.baseUrl, "GET", `/api/subscribers/${msisdn}`);
    if (a.status === 404) return undefined;
    if (a.status !== 200) throw new Error(`GET /api/subscribers/${msisdn}: ${errorMessage(a)}`);
    const v = a.json as Record<string, unknown>;
    return {
      balance: money(v.balance),
      floor: -money(v.creditLimit),
      available: money(v.available),
      state: v.state as AccountView["state"],
      reservations: Array.isArray(v.sessions) ? v.sessions.length : 0,
    };
  }
}
