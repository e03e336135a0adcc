/**
 * Turns ajv's errors into one plain sentence per field. ajv reports every branch of an `anyOf`
 * (a duration string *or* an object) and the `if` of each if/then; people want the errors of the
 * branch that fits the value's type, at the field, in words ("unknown step "gy.dat"; known steps:
 * ...", '"5 MB" is not a volume like "512KB"').
 */
import type { ErrorObject } from "ajv";
import type { FieldPath } from "./scenario-error.js";
import { STEP_MARK } from "./schema.js";
import { PATTERN_HINTS } from "./units.js";
import { pointerToPath } from "./yaml-positions.js";

export interface SchemaProblem {
  readonly path: FieldPath;
  readonly message: string;
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: "a string",
  integer: "a whole number",
  number: "a number",
  object: "a mapping",
  array: "a list",
  boolean: "true or false",
};

function typeWords(type: unknown): string {
  const list = Array.isArray(type) ? type : [type];
  return list.map((t) => TYPE_WORDS[String(t)] ?? String(t)).join(" or ");
}

/** Errors inside `anyOf` branches are kept only for the branch whose type fits the value. */
function pruneAnyOf(errors: readonly ErrorObject[]): ErrorObject[] {
  let kept = errors.filter((e) => e.keyword !== "if");
  const anyOfs = kept.filter((e) => e.keyword === "anyOf");
  for (const any of anyOfs) {
    const base = any.schemaPath.replace(/\/anyOf$/, "/anyOf/");
    const inside = kept.filter(
      (e) =>
        e !== any &&
        e.schemaPath.startsWith(base) &&
        (e.instancePath === any.instancePath || e.instancePath.startsWith(`${any.instancePath}/`)),
    );
    const branches = new Map<string, ErrorObject[]>();
    for (const e of inside) {
      const branch = e.schemaPath.slice(base.length).split("/")[0] ?? "";
      branches.set(branch, [...(branches.get(branch) ?? []), e]);
    }
    const typeMismatch = (list: ErrorObject[]) =>
      list.some((e) => e.keyword === "type" && e.instancePath === any.instancePath);
    const fitting = [...branches.values()].filter((list) => !typeMismatch(list));
    const drop = new Set<ErrorObject>([any, ...inside]);
    let replacement: ErrorObject[] = [];
    if (fitting.length === 1) replacement = fitting[0] ?? [];
    else if (fitting.length === 0) {
      const types = [...branches.values()].flatMap((l) =>
        l
          .filter((e) => e.keyword === "type" && e.instancePath === any.instancePath)
          .map((e) => e.params.type as unknown),
      );
      replacement = [{ ...any, keyword: "type", params: { type: [...new Set(types.flat())] }, message: "" }];
    } else replacement = [any];
    kept = [...kept.filter((e) => !drop.has(e)), ...replacement];
  }
  return kept;
}

export function explainSchemaErrors(
  errors: readonly ErrorObject[],
  knownSteps: readonly string[],
): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const e of pruneAnyOf(errors)) {
    let path: (string | number)[] = pointerToPath(e.instancePath);
    let message: string;
    const value: unknown = e.data;
    const aboutStep = (e.parentSchema as { $comment?: unknown } | undefined)?.$comment === STEP_MARK;
    switch (e.keyword) {
      case "required":
        path = [...path, String(e.params.missingProperty)];
        message = "is missing";
        break;
      case "additionalProperties": {
        path = [...path, String(e.params.additionalProperty)];
        message = aboutStep
          ? `unknown step "${String(e.params.additionalProperty)}"; known steps: ${knownSteps.join(", ")}`
          : "unknown field";
        break;
      }
      case "minProperties":
      case "maxProperties":
        message = aboutStep
          ? "a step is a mapping with exactly one key, the step's name (e.g. `- wait: 2s`)"
          : e.keyword === "minProperties"
            ? "must not be empty"
            : `must have at most ${String(e.params.limit)} key(s)`;
        break;
      case "enum":
        message = `must be one of ${(e.params.allowedValues as unknown[]).map((v) => String(v)).join(", ")}`;
        break;
      case "const":
        message = `must be "${String(e.params.allowedValue)}"`;
        break;
      case "pattern": {
        const hint = PATTERN_HINTS[String(e.params.pattern)];
        message =
          hint !== undefined
            ? `${JSON.stringify(value)} is not ${hint}`
            : `${JSON.stringify(value)} does not match ${String(e.params.pattern)}`;
        break;
      }
      case "type":
        message = `must be ${typeWords(e.params.type)}`;
        break;
      default:
        message = e.message ?? e.keyword;
    }
    const key = `${path.join("/")}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path, message });
  }
  return out;
}
