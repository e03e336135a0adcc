/**
 * Checks on the fields of a JSON request body and on query parameters. Each check names the field
 * it is about in its 400, and identities go through the SIM layer's own validators, so the API and
 * the CLI accept exactly the same numbers.
 */

import { validateImsi } from "../../sim/imsi.js";
import { normaliseMsisdn } from "../../sim/msisdn.js";
import { type Kopecks, parseMoney } from "../charging/money.js";
import { AdminError, invalidField, missingField } from "./admin-errors.js";
import type { JsonObject } from "./json-body.js";

/** Refuses fields the route does not take: a misspelt "creditlimit" must not be silently ignored. */
export function onlyFields(body: JsonObject, allowed: readonly string[]): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) {
      throw new AdminError(
        400,
        "UNKNOWN_FIELD",
        key,
        `unknown field "${key}" (expected one of: ${allowed.join(", ")})`,
      );
    }
  }
}

export function requiredString(body: JsonObject, field: string): string {
  const value = body[field];
  if (value === undefined || value === null) throw missingField(field);
  if (typeof value !== "string") throw invalidField(field, `${field} must be a string`);
  return value;
}

export function optionalString(body: JsonObject, field: string, maxLength = 64): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || value.length === 0 || value.length > maxLength) {
    throw invalidField(field, `${field} must be a non-empty string of at most ${maxLength} characters`);
  }
  return value;
}

export function optionalBoolean(body: JsonObject, field: string): boolean | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== "boolean") throw invalidField(field, `${field} must be true or false`);
  return value;
}

/** Money as a string like "10.00" (never a JSON number: no floating point near balances). */
export function moneyField(value: unknown, field: string, rule: "positive" | "non-negative"): Kopecks {
  if (typeof value !== "string") throw invalidField(field, `${field} must be a string like "10.00"`);
  const kopecks = parseMoney(value, field);
  if (rule === "positive" && kopecks <= 0) throw invalidField(field, `${field} must be more than 0.00`);
  if (rule === "non-negative" && kopecks < 0) throw invalidField(field, `${field} must not be negative`);
  return kopecks;
}

export function msisdnField(value: unknown, field = "msisdn"): string {
  if (typeof value !== "string") throw invalidField(field, `${field} must be a string of digits`);
  return normaliseMsisdn(value, field);
}

export function imsiField(value: unknown, field = "imsi"): string {
  if (typeof value !== "string") throw invalidField(field, `${field} must be a string of digits`);
  return validateImsi(value, undefined, field);
}

/** A list of MSISDNs, canonical and without repeats, at most `max` of them. */
export function favoritesField(value: unknown, max: number, planId: string): string[] {
  if (!Array.isArray(value)) throw invalidField("favorites", "favorites must be an array of MSISDNs");
  const numbers = value.map((n) => msisdnField(n, "favorites"));
  const unique = [...new Set(numbers)];
  if (unique.length > max) {
    throw invalidField(
      "favorites",
      `plan ${planId} allows ${max} favorite number${max === 1 ? "" : "s"}, got ${unique.length}`,
    );
  }
  return unique;
}

/** A path parameter, percent-decoded. */
export function pathParam(params: Readonly<Record<string, string>>, name: string): string {
  const raw = params[name] ?? "";
  try {
    return decodeURIComponent(raw);
  } catch {
    throw invalidField(name, `${name} is not a valid URL component`);
  }
}

export function isoTimeParam(query: URLSearchParams, name: string): number | undefined {
  const text = query.get(name);
  if (text === null || text === "") return undefined;
  // Date.parse accepts far more than ISO 8601; insist on a date at least.
  const ms = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) throw invalidField(name, `${name} must be an ISO 8601 time, got "${text}"`);
  return ms;
}

export function intParam(query: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const text = query.get(name);
  if (text === null || text === "") return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) {
    throw invalidField(name, `${name} must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return n;
}
