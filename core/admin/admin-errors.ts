/**
 * Every error the admin API answers with, in one place. The body is always
 * `{"error":{"code":"...","field":"..."|null,"message":"..."}}`; `field` names the request field
 * (or path/query parameter) at fault, so a client can point at it. Errors of the domain layers
 * (charging, money, SIM identities) are mapped here, never in the routes.
 */

import { SimInputError } from "../../sim/errors.js";
import { ChargingError } from "../charging/engine.js";
import { MoneyFormatError } from "../charging/money.js";
import { InjectionRuleError } from "../smsc/injection-rules.js";

export type AdminErrorCode =
  | "BAD_JSON" // the body is not JSON, or not a JSON object
  | "BODY_TOO_LARGE"
  | "MISSING_FIELD"
  | "UNKNOWN_FIELD" // a field the route does not take (a typo, most likely)
  | "INVALID_FIELD"
  | "UNKNOWN_PLAN"
  | "ARCHIVED_PLAN"
  | "INVALID_STATE" // a state change the account's state or plan does not allow
  | "SUBSCRIBER_NOT_FOUND"
  | "CARD_NOT_FOUND"
  | "ROUTE_NOT_FOUND"
  | "METHOD_NOT_ALLOWED"
  | "DUPLICATE_SUBSCRIBER"
  | "DUPLICATE_CARD"
  | "ACCOUNT_CLOSED"
  | "CARD_REJECTED"
  | "SMSC_NOT_RUNNING" // the core runs without an SMSC (no `network.smsc`)
  | "INJECTION_RULE_NOT_FOUND"
  | "INTERNAL";

export class AdminError extends Error {
  override readonly name = "AdminError";
  constructor(
    readonly status: number,
    readonly code: AdminErrorCode,
    /** The request field at fault, or undefined when the problem is not about one field. */
    readonly field: string | undefined,
    message: string,
    /** Extra response headers (Allow on 405). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  toJSON(): { error: { code: AdminErrorCode; field: string | null; message: string } } {
    return { error: { code: this.code, field: this.field ?? null, message: this.message } };
  }
}

export function invalidField(field: string, message: string): AdminError {
  return new AdminError(400, "INVALID_FIELD", field, message);
}

export function missingField(field: string, message = `${field} is required`): AdminError {
  return new AdminError(400, "MISSING_FIELD", field, message);
}

export function subscriberNotFound(msisdn: string, field = "msisdn"): AdminError {
  return new AdminError(404, "SUBSCRIBER_NOT_FOUND", field, `no subscriber with MSISDN ${msisdn}`);
}

/** Maps an error from the domain layers to its answer; undefined for anything unexpected (a 500). */
export function adminErrorOf(error: unknown): AdminError | undefined {
  if (error instanceof AdminError) return error;
  if (error instanceof MoneyFormatError) {
    return new AdminError(400, "INVALID_FIELD", error.field, error.message);
  }
  if (error instanceof SimInputError) {
    return new AdminError(400, "INVALID_FIELD", error.field, error.message);
  }
  if (error instanceof InjectionRuleError) return injectionRuleError(error);
  if (error instanceof ChargingError) {
    switch (error.code) {
      case "UNKNOWN_PLAN":
        return new AdminError(400, "UNKNOWN_PLAN", error.field, error.message);
      case "ARCHIVED_PLAN":
        return new AdminError(400, "ARCHIVED_PLAN", error.field, error.message);
      case "INVALID_AMOUNT":
        return new AdminError(400, "INVALID_FIELD", error.field, error.message);
      case "INVALID_STATE":
        return new AdminError(400, "INVALID_STATE", error.field, error.message);
      case "DUPLICATE_SUBSCRIBER":
        return new AdminError(409, "DUPLICATE_SUBSCRIBER", error.field, error.message);
      case "ACCOUNT_CLOSED":
        return new AdminError(409, "ACCOUNT_CLOSED", error.field, error.message);
      case "CARD_REJECTED":
        return new AdminError(422, "CARD_REJECTED", error.field, error.message);
      case "UNKNOWN_ACCOUNT":
        return new AdminError(404, "SUBSCRIBER_NOT_FOUND", error.field, error.message);
    }
  }
  return undefined;
}

/**
 * A refused injection rule: every problem in the message, the field of the first one named. The
 * rule checker words each problem "<where>: <what>", where is "match.command", "action.status",
 * "times" or "rule.<key>" for a key it does not know.
 */
function injectionRuleError(error: InjectionRuleError): AdminError {
  const first = error.problems[0] ?? "";
  const colon = first.indexOf(": ");
  const where = colon > 0 ? first.slice(0, colon) : undefined;
  const field = where?.startsWith("rule.") === true ? where.slice("rule.".length) : where;
  const code = first.endsWith(": unknown field") ? "UNKNOWN_FIELD" : "INVALID_FIELD";
  return new AdminError(400, code, field, `injection rule refused: ${error.message}`);
}
