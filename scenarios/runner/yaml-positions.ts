/**
 * Lines of fields in a YAML document: ajv names a failing field by its JSON Pointer
 * (`/flows/0/steps/2/gy.data/volume`); the `yaml` package keeps each node's source range, so the
 * pointer is walked through the document's nodes to the line of the key (or of the deepest part
 * that exists, e.g. the parent of a missing key). Aliases are followed.
 */
import { type Document, isAlias, isMap, isSeq, type LineCounter } from "yaml";
import type { FieldPath } from "./scenario-error.js";

export type Locator = (path: FieldPath) => number | undefined;

/** `/flows/0/steps/2/gy.data` → ["flows", 0, "steps", 2, "gy.data"] (RFC 6901 unescaping). */
export function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function rangeStart(node: unknown): number | undefined {
  if (node === null || typeof node !== "object" || !("range" in node)) return undefined;
  const range = (node as { range?: unknown }).range;
  return Array.isArray(range) && typeof range[0] === "number" ? range[0] : undefined;
}

export function yamlLocator(doc: Document, lines: LineCounter): Locator {
  const lineOf = (node: unknown): number | undefined => {
    const offset = rangeStart(node);
    return offset === undefined ? undefined : lines.linePos(offset).line;
  };
  return (path) => {
    let node: unknown = doc.contents;
    let line = lineOf(node);
    for (const seg of path) {
      if (isAlias(node)) node = node.resolve(doc);
      if (isMap(node)) {
        const pair = node.items.find((p) => {
          const k: unknown = p.key;
          const text =
            k !== null && typeof k === "object" && "value" in k ? (k as { value: unknown }).value : k;
          return String(text) === String(seg);
        });
        if (pair === undefined) break;
        line = lineOf(pair.key) ?? line;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === "number") {
        node = node.items[seg];
        if (node === undefined) break;
        line = lineOf(node) ?? line;
      } else break;
    }
    return line;
  };
}
