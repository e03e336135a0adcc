/**
 * Routing by service code: the dialled string's service code (`*150#` → "150") picks either the
 * built-in self-service menus or an external USSD application, an ESME bound over SMPP and named
 * by its system_id (RestComm's and OsmoHLR's routing by short code, as data). The table is part
 * of the core's config; a code that is not in it is refused with USSD_UNKNOWN_SERVICE.
 */
import { type DialString, isServiceCode, parseDialString } from "./dial-string.js";
import { refusal, UssdError, type UssdRefusal } from "./ussd-errors.js";

/** Who answers a dialogue. */
export type ApplicationRef =
  | { readonly kind: "builtin" }
  | { readonly kind: "external"; /** The ESME's SMPP system_id. */ readonly systemId: string };

export const BUILTIN: ApplicationRef = { kind: "builtin" };

export interface UssdRoute {
  /** 2-3 digits, without `*` or `#`. */
  readonly serviceCode: string;
  readonly to: ApplicationRef;
}

export type RouteDecision =
  { readonly ok: true; readonly dial: DialString; readonly application: ApplicationRef } | UssdRefusal;

/** SMPP 3.4 §5.2.1: system_id is a C-Octet String of at most 16 octets (15 characters). */
const SYSTEM_ID_RE = /^[\x21-\x7e]{1,15}$/;

export function applicationName(app: ApplicationRef): string {
  return app.kind === "builtin" ? "builtin" : `esme:${app.systemId}`;
}

export function sameApplication(a: ApplicationRef, b: ApplicationRef): boolean {
  return a.kind === "builtin" ? b.kind === "builtin" : b.kind === "external" && a.systemId === b.systemId;
}

export class ServiceCodeRouter {
  private readonly byCode = new Map<string, ApplicationRef>();

  /** Throws UssdError USSD_BAD_ROUTE for a malformed or repeated service code or system_id. */
  constructor(routes: readonly UssdRoute[]) {
    for (const [i, route] of routes.entries()) {
      if (!isServiceCode(route.serviceCode)) {
        throw new UssdError(
          "USSD_BAD_ROUTE",
          `routes[${i}]: service code "${route.serviceCode}" is not 2-3 digits`,
        );
      }
      if (this.byCode.has(route.serviceCode)) {
        throw new UssdError(
          "USSD_BAD_ROUTE",
          `routes[${i}]: service code ${route.serviceCode} is routed twice`,
        );
      }
      if (route.to.kind === "external" && !SYSTEM_ID_RE.test(route.to.systemId)) {
        throw new UssdError(
          "USSD_BAD_ROUTE",
          `routes[${i}]: system_id "${route.to.systemId}" must be 1-15 printable ASCII characters`,
        );
      }
      this.byCode.set(route.serviceCode, route.to);
    }
  }

  /** The application for a service code, or undefined. */
  lookup(serviceCode: string): ApplicationRef | undefined {
    return this.byCode.get(serviceCode);
  }

  /** Parses a dialled string and finds its application. */
  route(dialled: string): RouteDecision {
    const dial = parseDialString(dialled);
    if (dial === undefined) {
      return refusal("USSD_BAD_STRING", `"${dialled}" is not a USSD string like *100# (TS 22.090 §5.1.2)`);
    }
    const application = this.byCode.get(dial.serviceCode);
    if (application === undefined) {
      return refusal("USSD_UNKNOWN_SERVICE", `no application answers service code ${dial.serviceCode}`);
    }
    return { ok: true, dial, application };
  }

  /** The table, in service-code order. */
  routes(): UssdRoute[] {
    return [...this.byCode]
      .map(([serviceCode, to]) => ({ serviceCode, to }))
      .sort((a, b) => (a.serviceCode < b.serviceCode ? -1 : a.serviceCode > b.serviceCode ? 1 : 0));
  }
}
