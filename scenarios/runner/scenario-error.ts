/**
 * What is wrong with a scenario, located: `scenarios/library/smoke.yaml:14: flows[0].steps[2].gy.data.volume:
 * "5 MB" is not a volume like "512KB"`. Every check (YAML syntax, the JSON Schema, the meaning of
 * fields, thresholds against the metric catalogue) reports through this one type, so the CLI turns
 * any of them into exit code 2.
 */

/** A path into the scenario document: keys and array indexes. */
export type FieldPath = readonly (string | number)[];

export interface ScenarioProblem {
  readonly file: string;
  /** 1-based; undefined when the scenario did not come from a text file (a TS scenario). */
  readonly line: number | undefined;
  /** Dotted path with [index] for arrays, e.g. `flows[0].steps[1].wait`; "" for the whole file. */
  readonly field: string;
  readonly message: string;
}

export class ScenarioError extends Error {
  override readonly name = "ScenarioError";
  constructor(readonly problems: readonly ScenarioProblem[]) {
    super(problems.map(formatProblem).join("\n"));
  }
}

export function formatProblem(p: ScenarioProblem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}`;
  return p.field === "" ? `${where}: ${p.message}` : `${where}: ${p.field}: ${p.message}`;
}

export function fieldName(path: FieldPath): string {
  let out = "";
  for (const seg of path) out += typeof seg === "number" ? `[${seg}]` : out === "" ? seg : `.${seg}`;
  return out;
}

/** Thrown while compiling a scenario (after the schema): a problem at a path, located later. */
export class FieldError extends Error {
  override readonly name = "FieldError";
  constructor(
    readonly path: FieldPath,
    message: string,
  ) {
    super(message);
  }
}

/** Several FieldErrors found in one pass (compiling every step, not stopping at the first). */
export class FieldErrors extends Error {
  override readonly name = "FieldErrors";
  constructor(readonly errors: readonly FieldError[]) {
    super(errors.map((e) => e.message).join("; "));
  }
}
