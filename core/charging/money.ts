/** Money is integer kopecks (BYN minor units): never floating point. */
export type Kopecks = number;

export class MoneyFormatError extends Error {
  override readonly name = "MoneyFormatError";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

const MONEY_RE = /^(-)?(\d{1,12})(?:\.(\d{1,2}))?$/;

/** "10.00", "10.5", "-8", "0.07" → kopecks. Rejects anything else, naming the field. */
export function parseMoney(text: string, field: string): Kopecks {
  const m = MONEY_RE.exec(text.trim());
  if (m === null) throw new MoneyFormatError(field, `"${text}" is not an amount like "10.00"`);
  const whole = Number(m[2]);
  const fraction = Number((m[3] ?? "0").padEnd(2, "0"));
  const value = whole * 100 + fraction;
  return m[1] === "-" ? -value : value;
}

/** 1000 → "10.00", -800 → "-8.00". */
export function formatMoney(k: Kopecks): string {
  const sign = k < 0 ? "-" : "";
  const abs = Math.abs(k);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}
