/**
 * Loads the tariff catalog (YAML): parse, check the shape against the JSON Schema, check the
 * rules the schema cannot express, convert to Plan objects (money in kopecks). Every problem
 * found is collected and reported at once in one CatalogError, each naming the file and line,
 * the plan (by id, or by index when the id is unusable) and the field.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, relative } from "node:path";
import { Ajv, type ErrorObject } from "ajv";
import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import type { CatalogDefaults, CatalogPackage, LoadedCatalog, PackageFeeTerms } from "./catalog.js";
import { catalogSchema, ID_PATTERN, MONEY_PATTERN, SERVICE_KINDS, UNLIMITED } from "./catalog-schema.js";
import type {
  Allowance,
  DestinationClass,
  FeeTerms,
  FinalUnitActionName,
  Plan,
  Rates,
  ServiceKind,
  TimeWindow,
} from "./model.js";
import { type Kopecks, MoneyFormatError, parseMoney } from "./money.js";

/** What `amount: unlimited` becomes: a 31-day month of continuous calling, in minutes. */
export const UNLIMITED_VOICE_MINUTES = 31 * 24 * 60;

const OCTETS_PER_MEGABYTE = 1024 * 1024;

export type CatalogErrorCode =
  | "CATALOG_INVALID" // the file breaks the schema or a catalog rule: see `problems`
  | "CATALOG_UNREADABLE" // the file cannot be read
  | "CATALOG_UNKNOWN_PLAN"; // a plan id that the catalog does not have

export interface CatalogProblem {
  /** The catalog file as given (relative to the working directory when inside it). */
  readonly file: string;
  readonly line: number | undefined;
  /** `plan "light"`, `plans[3]`, `package "x"`, `rate card "x"`, `defaults`; none at the top level. */
  readonly subject: string | undefined;
  /** Dotted path inside the subject, e.g. `fee.amount`, `allowances[1].window`. */
  readonly field: string | undefined;
  readonly message: string;
}

/** `catalog/a1-tariffs.yaml:412: plan "business-unlim-3": fee.amount: "12,00" is not ...` */
export function formatProblem(p: CatalogProblem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}`;
  return [where, p.subject, p.field, p.message].filter((part) => part !== undefined).join(": ");
}

export class CatalogError extends Error {
  override readonly name = "CatalogError";
  constructor(
    readonly code: CatalogErrorCode,
    readonly problems: readonly CatalogProblem[],
  ) {
    super(CatalogError.describe(code, problems));
  }

  private static describe(code: CatalogErrorCode, problems: readonly CatalogProblem[]): string {
    const lines = problems.map(formatProblem);
    if (code !== "CATALOG_INVALID" || problems.length === 0) return lines.join("\n");
    const file = problems[0]?.file ?? "catalog";
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    return [`${file}: the tariff catalog has ${count}:`, ...lines.map((l) => `  ${l}`)].join("\n");
  }
}

// ---- The shape after schema validation -------------------------------------------------------

type ClassPrices = Partial<Record<DestinationClass, string>>;

interface RawRates {
  voicePerMinute?: ClassPrices;
  smsPerMessage?: ClassPrices;
  mmsPerMessage?: string;
  dataPerMegabyte?: string;
}

interface RawAllowance {
  id: string;
  kind: ServiceKind;
  amount: number | typeof UNLIMITED;
  classes?: DestinationClass[];
  window?: TimeWindow;
  priority?: number;
}

interface RawPlan {
  id: string;
  name: string;
  line?: string;
  archived: boolean;
  sample?: boolean;
  fee: { amount: string; charging: FeeTerms["charging"] };
  creditLimit?: string;
  favoriteNumbers?: number;
  services: ServiceKind[];
  allowances?: RawAllowance[];
  rates: RawRates;
  throttleKbps?: number;
  cugUnlimited?: boolean;
  favoritesUnlimited?: boolean;
  finalUnitAction: FinalUnitActionName;
  pauseAllowed: boolean;
}

interface RawPackage {
  id: string;
  name: string;
  sample?: boolean;
  plans: string[];
  group?: string;
  fee: { amount: string; charging: PackageFeeTerms["charging"] };
  allowances: RawAllowance[];
}

interface RawDefaults {
  ratingGroups: Record<ServiceKind, number>;
  grant: { voiceSeconds: number; dataMegabytes: number; smsMessages: number; mmsMessages: number };
  validityTimeSeconds: number;
  quotaThresholdPercent: { volume: number; time: number };
  tccSeconds: number;
  finalUnit: { redirectUrl: string; restrictFilterId: string };
  pause: { planFeePercent: number; startsAfterDays: number; packageFeePercent: number };
}

interface RawCatalog {
  version: 1;
  currency?: "BYN";
  defaults: RawDefaults;
  rateCards?: Record<string, RawRates>;
  plans: RawPlan[];
  packages?: RawPackage[];
}

// ---- Entry points ----------------------------------------------------------------------------

/** Reads and loads a catalog file; throws CatalogError (never anything else) when it is unusable. */
export function loadCatalogFile(path: string): LoadedCatalog {
  const file = displayPath(path);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CatalogError("CATALOG_UNREADABLE", [
      { file, line: undefined, subject: undefined, field: undefined, message: `cannot read: ${reason}` },
    ]);
  }
  return loadCatalogText(text, file);
}

/** Loads catalog YAML; `file` names it in error messages. */
export function loadCatalogText(text: string, file: string): LoadedCatalog {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, merge: true, prettyErrors: false, uniqueKeys: true });
  const lineOfOffset = (offset: number | undefined) =>
    offset === undefined ? undefined : lineCounter.linePos(offset).line;

  if (doc.errors.length > 0) {
    throw new CatalogError(
      "CATALOG_INVALID",
      doc.errors.map((e) => ({
        file,
        line: lineOfOffset(e.pos[0]),
        subject: undefined,
        field: undefined,
        message: `YAML: ${e.message.split("\n")[0] ?? e.code}`,
      })),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CatalogError("CATALOG_INVALID", [
      { file, line: undefined, subject: undefined, field: undefined, message: `YAML: ${reason}` },
    ]);
  }

  const problems = new Problems(file, data, (path) => lineOf(doc, lineOfOffset, path));
  const dirty = checkShape(data, problems);
  const clean = (path: Path) => !dirty.some((bad) => startsWith(bad, path));
  checkRules(data as RawCatalog, problems, clean);
  if (problems.list.length > 0) throw new CatalogError("CATALOG_INVALID", problems.sorted());
  return convert(data as RawCatalog, file);
}

function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}

// ---- Problems and where they are -------------------------------------------------------------

type Path = readonly (string | number)[];

function startsWith(path: Path, prefix: Path): boolean {
  return prefix.length <= path.length && prefix.every((seg, i) => path[i] === seg);
}

class Problems {
  readonly list: CatalogProblem[] = [];
  /** Line, last path segment and message: equal for a shared rate card and each plan using it. */
  private readonly keys: string[] = [];
  constructor(
    private readonly file: string,
    private readonly data: unknown,
    readonly lineOf: (path: Path) => number | undefined,
  ) {}

  /** A problem with the value at `path`, or with the key that ends it when that key is missing. */
  add(path: Path, message: string): void {
    const { subject, field } = describePath(path, this.data);
    const line = this.lineOf(path);
    this.list.push({ file: this.file, line, subject, field, message });
    this.keys.push(`${line}\u0000${String(path.at(-1))}\u0000${message}`);
  }

  /** By line; a problem reported twice at one place (a shared rate card) once. */
  sorted(): CatalogProblem[] {
    const seen = new Set<string>();
    const unique = this.list.filter((p, i) => {
      const key = this.keys[i] ?? "";
      if (p.line === undefined || !seen.has(key)) {
        seen.add(key);
        return true;
      }
      return false;
    });
    return unique
      .map((p, order) => ({ p, order }))
      .sort((a, b) => (a.p.line ?? 0) - (b.p.line ?? 0) || a.order - b.order)
      .map(({ p }) => p);
  }
}

function describePath(path: Path, data: unknown): { subject: string | undefined; field: string | undefined } {
  const [section, key] = path;
  let subject: string | undefined;
  let rest = path;
  if ((section === "plans" || section === "packages") && typeof key === "number") {
    const id = valueAt(data, [section, key, "id"]);
    const noun = section === "plans" ? "plan" : "package";
    subject = typeof id === "string" && id !== "" ? `${noun} "${id}"` : `${section}[${key}]`;
    rest = path.slice(2);
  } else if (section === "rateCards" && typeof key === "string") {
    subject = `rate card "${key}"`;
    rest = path.slice(2);
  } else if (section === "defaults") {
    subject = "defaults";
    rest = path.slice(1);
  }
  let field = "";
  for (const seg of rest) field += typeof seg === "number" ? `[${seg}]` : field === "" ? seg : `.${seg}`;
  return { subject, field: field === "" ? undefined : field };
}

function valueAt(data: unknown, path: Path): unknown {
  let value = data;
  for (const seg of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string | number, unknown>)[seg];
  }
  return value;
}

/**
 * The line of the node at `path` in the YAML document, following aliases and merge keys; when
 * the path does not exist to the end, the line of the deepest part that does (the parent of a
 * missing key, say). Entries of a mapping are located at their key.
 */
function lineOf(
  doc: Document,
  lineOfOffset: (offset: number | undefined) => number | undefined,
  path: Path,
): number | undefined {
  const lineAt = (node: unknown) =>
    node !== null && typeof node === "object" && "range" in node && Array.isArray(node.range)
      ? lineOfOffset(node.range[0] as number)
      : undefined;
  let node: unknown = doc.contents;
  let line = lineAt(node);
  for (const seg of path) {
    node = resolve(doc, node);
    if (isMap(node)) {
      const pair = findPair(doc, node, String(seg));
      if (pair === undefined) break;
      line = lineAt(pair.key) ?? line;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === "number") {
      node = node.items[seg];
      line = lineAt(node) ?? line;
    } else {
      break;
    }
  }
  return line;
}

function resolve(doc: Document, node: unknown): unknown {
  for (let hops = 0; isAlias(node) && hops < 100; hops += 1) node = node.resolve(doc);
  return node;
}

/** The entry for `key`, looking into merged (`<<: *anchor`) mappings when not found directly. */
function findPair(
  doc: Document,
  map: unknown,
  key: string,
  depth = 0,
): { key: unknown; value: unknown } | undefined {
  if (!isMap(map) || depth > 10) return undefined;
  const pairs = map.items;
  const direct = pairs.find((p) => isScalar(p.key) && String(p.key.value) === key && p.key.source !== "<<");
  if (direct !== undefined) return direct;
  for (const pair of pairs) {
    if (!isScalar(pair.key) || pair.key.source !== "<<") continue;
    const merged = resolve(doc, pair.value);
    const sources = isSeq(merged) ? merged.items.map((item) => resolve(doc, item)) : [merged];
    for (const source of sources) {
      const found = findPair(doc, source, key, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

// ---- Shape (JSON Schema) -----------------------------------------------------------------------

let validator: ReturnType<Ajv["compile"]> | undefined;

function validateSchema(data: unknown): ErrorObject[] {
  validator ??= new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true }).compile(
    catalogSchema,
  );
  return validator(data) ? [] : [...(validator.errors ?? [])];
}

/** Reports every schema violation; returns the paths that had one. */
function checkShape(data: unknown, problems: Problems): Path[] {
  const dirty: Path[] = [];
  for (const error of validateSchema(data)) {
    const path = pointerToPath(error.instancePath, data);
    dirty.push(path);
    const { at, message } = explain(error, path, valueAt(data, path));
    problems.add(at, message);
  }
  return dirty;
}

function pointerToPath(pointer: string, data: unknown): Path {
  const path: (string | number)[] = [];
  if (pointer === "") return path;
  for (const raw of pointer.slice(1).split("/")) {
    const seg = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    path.push(Array.isArray(valueAt(data, path)) ? Number(seg) : seg);
  }
  return path;
}

function show(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

function typeName(type: string): string {
  const names: Record<string, string> = {
    object: "a mapping",
    array: "a list",
    string: "a string",
    integer: "a whole number",
    number: "a number",
    boolean: "true or false",
  };
  return names[type] ?? type;
}

function explain(error: ErrorObject, path: Path, value: unknown): { at: Path; message: string } {
  const params = error.params as Record<string, unknown>;
  const isMoney = error.schemaPath.startsWith("#/$defs/money/");
  const here = (message: string) => ({ at: path, message });
  switch (error.keyword) {
    case "additionalProperties": {
      const key = String(params["additionalProperty"]);
      const allowed = Object.keys((error.parentSchema?.["properties"] as object | undefined) ?? {});
      return { at: [...path, key], message: `unknown key (expected one of: ${allowed.join(", ")})` };
    }
    case "required":
      return { at: [...path, String(params["missingProperty"])], message: "is required" };
    case "type":
      if (isMoney && typeof value === "number")
        return here(`${value} is a number; write amounts as quoted strings like "10.00"`);
      if (isMoney) return here(`must be an amount like "10.00", not ${show(value)}`);
      return here(
        `must be ${String(params["type"]).split(",").map(typeName).join(" or ")}, not ${show(value)}`,
      );
    case "pattern":
      if (params["pattern"] === MONEY_PATTERN) return here(`${show(value)} is not an amount like "10.00"`);
      if (params["pattern"] === ID_PATTERN)
        return here(`${show(value)} is not an id (lower-case letters and digits, joined by "-")`);
      if (path.at(-1) === "amount") return here(`${show(value)} is not a whole number or "${UNLIMITED}"`);
      return here(`${show(value)} does not match ${String(params["pattern"])}`);
    case "enum":
      return here(`${show(value)} is not one of: ${(params["allowedValues"] as unknown[]).join(", ")}`);
    case "const":
      return here(`must be ${show(params["allowedValue"])}, not ${show(value)}`);
    case "minimum":
      return here(`${show(value)} is less than ${String(params["limit"])}`);
    case "maximum":
      return here(`${show(value)} is more than ${String(params["limit"])}`);
    case "minItems":
      return here(`must have at least ${String(params["limit"])} item(s)`);
    case "minLength":
      return here("must not be empty");
    case "uniqueItems":
      return { at: [...path, Number(params["i"])], message: `repeats item ${String(params["j"])}` };
    default:
      return here(error.message ?? `breaks the schema rule "${error.keyword}"`);
  }
}

// ---- Rules the schema cannot express -----------------------------------------------------------

const RATE_KEYS: Record<ServiceKind, keyof RawRates> = {
  voice: "voicePerMinute",
  sms: "smsPerMessage",
  mms: "mmsPerMessage",
  data: "dataPerMegabyte",
};

function checkRules(cat: RawCatalog, problems: Problems, clean: (path: Path) => boolean): void {
  if (cat === null || typeof cat !== "object") return;
  if (clean(["defaults"]) && cat.defaults !== undefined) checkDefaults(cat.defaults, problems);

  const plans = Array.isArray(cat.plans) ? cat.plans : [];
  const planById = new Map<string, { plan: RawPlan; index: number }>();
  plans.forEach((plan, index) => {
    const id = idOf(plan);
    if (id === undefined) return;
    const first = planById.get(id);
    if (first === undefined) planById.set(id, { plan, index });
    else problems.add(["plans", index, "id"], `duplicate id ${firstAt(problems, ["plans", first.index])}`);
  });
  plans.forEach((plan, index) => {
    if (clean(["plans", index])) checkPlan(plan, ["plans", index], problems);
  });

  const packages = Array.isArray(cat.packages) ? cat.packages : [];
  const packageIndex = new Map<string, number>();
  packages.forEach((pkg, index) => {
    const at: Path = ["packages", index];
    const id = idOf(pkg);
    const first = id === undefined ? undefined : packageIndex.get(id);
    if (id !== undefined && first === undefined) packageIndex.set(id, index);
    if (first !== undefined)
      problems.add([...at, "id"], `duplicate id ${firstAt(problems, ["packages", first])}`);
    if (!clean(at)) return;
    checkMoney(pkg.fee.amount, [...at, "fee", "amount"], problems);
    checkAllowanceIds(pkg.allowances, at, problems);
    pkg.plans.forEach((planId, k) => {
      const target = planById.get(planId);
      if (target === undefined) {
        problems.add([...at, "plans", k], `no plan "${planId}" in the catalog`);
        return;
      }
      if (!clean(["plans", target.index])) return;
      pkg.allowances.forEach((a, j) => {
        checkAllowance(a, [...at, "allowances", j], target.plan, problems, `plan "${planId}"`);
      });
    });
  });
}

function idOf(entry: unknown): string | undefined {
  const id = valueAt(entry, ["id"]);
  return typeof id === "string" ? id : undefined;
}

function firstAt(problems: Problems, path: Path): string {
  const line = problems.lineOf(path);
  return line === undefined ? `(first: ${String(path[0])}[${String(path[1])}])` : `(first at line ${line})`;
}

function checkDefaults(d: RawDefaults, problems: Problems): void {
  const seen = new Map<number, ServiceKind>();
  for (const kind of SERVICE_KINDS) {
    const group = d.ratingGroups[kind];
    const other = seen.get(group);
    if (other !== undefined)
      problems.add(["defaults", "ratingGroups", kind], `rating group ${group} is already used by ${other}`);
    seen.set(group, kind);
  }
  if (d.tccSeconds <= d.validityTimeSeconds)
    problems.add(
      ["defaults", "tccSeconds"],
      `${d.tccSeconds} must exceed validityTimeSeconds (${d.validityTimeSeconds}): clients report at validity expiry`,
    );
}

function checkPlan(plan: RawPlan, at: Path, problems: Problems): void {
  const offered = new Set(plan.services);
  const allowances = plan.allowances ?? [];
  const offers = (kind: ServiceKind) => offered.has(kind);

  checkMoney(plan.fee.amount, [...at, "fee", "amount"], problems);
  if (plan.creditLimit !== undefined) checkMoney(plan.creditLimit, [...at, "creditLimit"], problems);

  checkAllowanceIds(allowances, at, problems);
  allowances.forEach((a, j) => {
    checkAllowance(a, [...at, "allowances", j], plan, problems, "the plan");
  });

  // Rates: for every service offered, and only for those.
  for (const kind of SERVICE_KINDS) {
    const key = RATE_KEYS[kind];
    const given = plan.rates[key];
    const where = [...at, "rates", key];
    if (offers(kind) && given === undefined) problems.add(where, `missing: the plan offers ${kind}`);
    if (!offers(kind) && given !== undefined)
      problems.add(
        where,
        `given, but ${kind} is not among the plan's services (${plan.services.join(", ")})`,
      );
    if (typeof given === "string") checkMoney(given, where, problems);
    if (given !== undefined && typeof given === "object") {
      if (offers(kind) && given["off-net"] === undefined)
        problems.add(where, `has no "off-net" price, the price of every class not listed`);
      for (const [cls, price] of Object.entries(given)) checkMoney(price, [...where, cls], problems);
    }
  }

  if (plan.throttleKbps !== undefined) {
    if (!offers("data")) problems.add([...at, "throttleKbps"], "is set, but the plan offers no data service");
    else if (!allowances.some((a) => a.kind === "data"))
      problems.add([...at, "throttleKbps"], "is set, but the plan has no data allowance to throttle after");
  }
  if (plan.favoritesUnlimited === true && (plan.favoriteNumbers ?? 0) === 0)
    problems.add([...at, "favoritesUnlimited"], "is true, but favoriteNumbers is 0");
  for (const flag of ["favoritesUnlimited", "cugUnlimited"] as const) {
    if (plan[flag] === true && !offers("voice"))
      problems.add([...at, flag], "is true, but the plan offers no voice service");
  }
  if (plan.finalUnitAction !== "TERMINATE" && !offers("data"))
    problems.add(
      [...at, "finalUnitAction"],
      `${plan.finalUnitAction} acts on data sessions, but the plan offers no data service`,
    );
}

function checkAllowanceIds(allowances: readonly RawAllowance[], at: Path, problems: Problems): void {
  const seen = new Set<string>();
  allowances.forEach((a, j) => {
    if (seen.has(a.id)) problems.add([...at, "allowances", j, "id"], `duplicate allowance id "${a.id}"`);
    seen.add(a.id);
  });
}

/** An allowance of a plan, or of a package on `plan` (`owner` says which, for messages). */
function checkAllowance(a: RawAllowance, at: Path, plan: RawPlan, problems: Problems, owner: string): void {
  if (!plan.services.includes(a.kind))
    problems.add(
      [...at, "kind"],
      `${a.kind}, but ${owner} does not offer it (services: ${plan.services.join(", ")})`,
    );
  if (a.classes !== undefined && a.kind === "data")
    problems.add([...at, "classes"], "only voice, SMS and MMS allowances have destination classes");
  if (a.window !== undefined && a.kind !== "data")
    problems.add([...at, "window"], `only data allowances have a time window, not ${a.kind}`);
  if (a.amount === UNLIMITED && a.kind !== "voice")
    problems.add([...at, "amount"], `"${UNLIMITED}" is for voice minutes only, not ${a.kind}`);
  const classes = a.classes ?? [];
  if (classes.includes("favorite")) {
    if ((plan.favoriteNumbers ?? 0) === 0)
      problems.add([...at, "classes"], `includes "favorite", but ${owner} has no favorite numbers`);
    else if (plan.favoritesUnlimited === true)
      problems.add(
        [...at, "classes"],
        `includes "favorite", but calls to favorite numbers are unlimited on ${owner} (favoritesUnlimited)`,
      );
  }
  if (classes.includes("cug") && plan.cugUnlimited === true)
    problems.add(
      [...at, "classes"],
      `includes "cug", but calls inside the group are unlimited on ${owner} (cugUnlimited)`,
    );
}

function checkMoney(text: string, at: Path, problems: Problems): void {
  try {
    if (parseMoney(text, "amount") < 0) problems.add(at, `"${text}" must not be negative`);
  } catch (error) {
    if (!(error instanceof MoneyFormatError)) throw error;
    problems.add(at, `"${text}" is not an amount like "10.00"`);
  }
}

// ---- Conversion (only of a catalog without problems) -------------------------------------------

function kopecks(text: string): Kopecks {
  return parseMoney(text, "catalog");
}

function convert(cat: RawCatalog, source: string): LoadedCatalog {
  return deepFreeze({
    source,
    defaults: toDefaults(cat.defaults),
    plans: cat.plans.map(toPlan),
    packages: (cat.packages ?? []).map(toPackage),
  });
}

function toDefaults(d: RawDefaults): CatalogDefaults {
  return {
    ratingGroups: { ...d.ratingGroups },
    grantUnits: {
      voice: d.grant.voiceSeconds,
      data: d.grant.dataMegabytes * OCTETS_PER_MEGABYTE,
      sms: d.grant.smsMessages,
      mms: d.grant.mmsMessages,
    },
    validityTimeSeconds: d.validityTimeSeconds,
    quotaThresholdPercent: { ...d.quotaThresholdPercent },
    tccSeconds: d.tccSeconds,
    redirectUrl: d.finalUnit.redirectUrl,
    restrictFilterId: d.finalUnit.restrictFilterId,
    pause: { ...d.pause },
  };
}

function toPlan(p: RawPlan): Plan {
  return {
    id: p.id,
    name: p.name,
    ...(p.line === undefined ? {} : { line: p.line }),
    archived: p.archived,
    fee: { amount: kopecks(p.fee.amount), charging: p.fee.charging },
    creditLimit: kopecks(p.creditLimit ?? "0.00"),
    favoriteNumbers: p.favoriteNumbers ?? 0,
    allowances: (p.allowances ?? []).map(toAllowance),
    rates: toRates(p.rates),
    services: [...p.services],
    ...(p.throttleKbps === undefined ? {} : { throttleKbps: p.throttleKbps }),
    cugUnlimited: p.cugUnlimited ?? false,
    favoritesUnlimited: p.favoritesUnlimited ?? false,
    finalUnitAction: p.finalUnitAction,
    pauseAllowed: p.pauseAllowed,
  };
}

function toPackage(p: RawPackage): CatalogPackage {
  return {
    id: p.id,
    name: p.name,
    plans: [...p.plans],
    ...(p.group === undefined ? {} : { group: p.group }),
    fee: { amount: kopecks(p.fee.amount), charging: p.fee.charging },
    allowances: p.allowances.map(toAllowance),
  };
}

function toAllowance(a: RawAllowance): Allowance {
  return {
    id: a.id,
    kind: a.kind,
    amount: a.amount === UNLIMITED ? UNLIMITED_VOICE_MINUTES : a.amount,
    ...(a.classes === undefined ? {} : { classes: [...a.classes] }),
    ...(a.window === undefined ? {} : { window: a.window }),
    ...(a.priority === undefined ? {} : { priority: a.priority }),
  };
}

function toRates(r: RawRates): Rates {
  const prices = (byClass: ClassPrices | undefined) =>
    Object.fromEntries(Object.entries(byClass ?? {}).map(([cls, text]) => [cls, kopecks(text)]));
  return {
    voicePerMinute: prices(r.voicePerMinute),
    smsPerMessage: prices(r.smsPerMessage),
    mmsPerMessage: r.mmsPerMessage === undefined ? 0 : kopecks(r.mmsPerMessage),
    dataPerMegabyte: r.dataPerMegabyte === undefined ? 0 : kopecks(r.dataPerMegabyte),
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
