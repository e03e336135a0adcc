/**
 * What the USSD self-service keeps per subscriber beyond the charging account: the reply language
 * (Russian or transliteration), the Personal Account (ISSA) password and whether access to it is
 * open, and instalment plans for equipment bought in instalments. In memory, owned by the USSD
 * gateway; created with defaults on first use.
 */
import { createHash } from "node:crypto";
import type { Kopecks } from "../charging/money.js";
import { UssdError } from "./ussd-errors.js";

/** "ru": Russian in Cyrillic (UCS2, 80 characters); "translit": Latin letters (GSM-7, 182). */
export type ReplyLanguage = "ru" | "translit";

/** Equipment bought in instalments (seeds, ISSA "Installment information"). */
export interface Instalment {
  /** What was bought, at most 20 characters. */
  readonly item: string;
  readonly monthly: Kopecks;
  /** Still to pay. */
  readonly remaining: Kopecks;
  /** When the last payment is taken. */
  readonly endsAt: number;
}

export interface SelfCareProfile {
  language: ReplyLanguage;
  /** Seeds: "Access to your Personal Account is automatically provided to all subscribers". */
  issaAccess: "open" | "closed";
  /** A digest of the password, never the password. */
  issaPassword: { readonly digest: string; readonly setAt: number } | undefined;
  instalments: readonly Instalment[];
}

/** Seeds (*141*0#): "a password containing from 5 to 10 characters (letters or numbers)". */
export const ISSA_PASSWORD_MIN = 5;
export const ISSA_PASSWORD_MAX = 10;
export const INSTALMENT_ITEM_MAX = 20;

export type PasswordProblem = "too-short" | "too-long" | "bad-characters";

export function passwordProblem(password: string): PasswordProblem | undefined {
  if (!/^[A-Za-z0-9]*$/.test(password)) return "bad-characters";
  if (password.length < ISSA_PASSWORD_MIN) return "too-short";
  if (password.length > ISSA_PASSWORD_MAX) return "too-long";
  return undefined;
}

function digest(msisdn: string, password: string): string {
  // A simulator's store: a salted digest keeps the password out of dumps; it is not a KDF.
  return createHash("sha256").update(`telsim-issa:${msisdn}:${password}`).digest("hex");
}

export class SelfCareProfiles {
  private readonly byMsisdn = new Map<string, SelfCareProfile>();

  constructor(readonly defaultLanguage: ReplyLanguage = "translit") {}

  /** The subscriber's profile, created with the defaults on first use. */
  of(msisdn: string): SelfCareProfile {
    let p = this.byMsisdn.get(msisdn);
    if (p === undefined) {
      p = { language: this.defaultLanguage, issaAccess: "open", issaPassword: undefined, instalments: [] };
      this.byMsisdn.set(msisdn, p);
    }
    return p;
  }

  /** Undefined when the subscriber never used the self-service. */
  peek(msisdn: string): SelfCareProfile | undefined {
    return this.byMsisdn.get(msisdn);
  }

  /** Sets the ISSA password; throws UssdError for one the rules refuse (check passwordProblem first). */
  setPassword(msisdn: string, password: string, now: number): void {
    const problem = passwordProblem(password);
    if (problem !== undefined) throw new UssdError("USSD_BAD_INPUT", `password refused: ${problem}`);
    this.of(msisdn).issaPassword = { digest: digest(msisdn, password), setAt: now };
  }

  checkPassword(msisdn: string, password: string): boolean {
    const stored = this.byMsisdn.get(msisdn)?.issaPassword;
    return stored !== undefined && stored.digest === digest(msisdn, password);
  }

  /** Replaces the subscriber's instalments (an operator or a scenario sets them). */
  setInstalments(msisdn: string, instalments: readonly Instalment[]): void {
    for (const [i, it] of instalments.entries()) {
      if (it.item.length === 0 || it.item.length > INSTALMENT_ITEM_MAX) {
        throw new UssdError(
          "USSD_BAD_INPUT",
          `instalments[${i}].item must be 1-${INSTALMENT_ITEM_MAX} characters`,
        );
      }
      for (const field of ["monthly", "remaining"] as const) {
        if (!Number.isSafeInteger(it[field]) || it[field] < 0) {
          throw new UssdError("USSD_BAD_INPUT", `instalments[${i}].${field} must be non-negative kopecks`);
        }
      }
    }
    this.of(msisdn).instalments = [...instalments];
  }
}
