/**
 * Dialled USSD strings, TS 22.090 §5.1.2 (MMI mode): one to three `*` or `#`, a service code,
 * optional `*`-separated parameters, and a final `#`: `*100#`, `*141*3*6#`, `*131*375291234567#`.
 * Codes `1X(Y)` with X = 0-4 are the home network's (§5.1.2 a), which is where every A1 code sits.
 */

export interface DialString {
  /** As dialled. */
  readonly text: string;
  /** The digits after the leading `*`/`#`: "100", "141". */
  readonly serviceCode: string;
  /** What follows the service code, split at `*`: `*141*3*6#` → ["3", "6"]. */
  readonly params: readonly string[];
}

const DIAL_RE = /^[*#]{1,3}(\d{2,3})((?:\*[^*#]*)*)#$/;

/** The parts of a dialled USSD string, or undefined when it is not one. */
export function parseDialString(text: string): DialString | undefined {
  const m = DIAL_RE.exec(text);
  if (m === null) return undefined;
  const rest = m[2] ?? "";
  return {
    text,
    serviceCode: m[1] as string,
    params: rest === "" ? [] : rest.slice(1).split("*"),
  };
}

/** A service code as the routing table writes it: 2-3 digits. */
export function isServiceCode(code: string): boolean {
  return /^\d{2,3}$/.test(code);
}
