/**
 * The JSON Schema of a scenario file, assembled from the fixed sections and the registered steps:
 * a step is an object with exactly one key, so each step's schema sits under `properties` of the
 * step object and an unknown step is an unknown key (reported with the list of known steps).
 * Discriminated sections (core.type, load.model) use if/then, which keeps ajv's errors on the
 * branch that applies.
 */
import { distributionSchema } from "./distribution.js";
import type { StepExecutor } from "./step-registry.js";
import { BITRATE_PATTERN, DURATION_PATTERN, MONEY_PATTERN, RATE_PATTERN, VOLUME_PATTERN } from "./units.js";

const name = { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]*$" } as const;
const positiveInt = { type: "integer", minimum: 1 } as const;
const duration = { $ref: "#/$defs/duration" } as const;
const money = { $ref: "#/$defs/money" } as const;
const rate = { $ref: "#/$defs/rate" } as const;
const seed = { type: ["string", "integer"] } as const;
const pick = { enum: ["sequential", "random", "unique"] } as const;

/** Marks the step object's schema, so its errors can be worded as about steps. */
export const STEP_MARK = "telsim: one step";

export const INVARIANTS = [
  "balance-floor",
  "balances-reconcile",
  "no-reservations-left",
  "throttle-within-plan",
] as const;

const section = { type: "object" } as const;

/** `core.smsc`: the core config file's `smsc:` section (core/smsc/smsc-config-file.ts checks the rest). */
const smscSection = {
  type: "object",
  additionalProperties: false,
  properties: {
    systemId: { type: "string", pattern: "^[\\x21-\\x7e]{1,15}$" },
    accounts: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["systemId", "password"],
        properties: {
          systemId: { type: "string", pattern: "^[\\x21-\\x7e]{1,15}$" },
          password: { type: "string", pattern: "^[\\x20-\\x7e]{0,8}$" },
          bindModes: {
            type: "array",
            minItems: 1,
            items: { enum: ["transmitter", "receiver", "transceiver"] },
          },
          maxBinds: { type: "integer", minimum: 1, maximum: 1000 },
          tps: { type: "integer", minimum: 0, maximum: 1_000_000 },
          burst: { type: "integer", minimum: 1, maximum: 1_000_000 },
          window: { type: "integer", minimum: 1, maximum: 100_000 },
          dailyQuota: { type: "integer", minimum: 0, maximum: 1_000_000_000 },
          chargingMsisdn: { type: "string", pattern: "^\\d{1,20}$" },
          messageIdFormat: { enum: ["hex", "decimal"] },
        },
      },
    },
    outcome: {
      type: "object",
      additionalProperties: false,
      required: ["mode"],
      properties: {
        mode: { enum: ["reality", "deterministic", "percentage"] },
        percentages: { type: "object", additionalProperties: { type: "number", minimum: 0, maximum: 100 } },
        delaySeconds: { type: "number", minimum: 0, maximum: 86_400 },
      },
    },
    routes: section,
    validity: section,
    retry: section,
    limits: section,
    utcOffsetMinutes: { type: "integer", minimum: -840, maximum: 840 },
    handsetMessageIdFormat: { enum: ["hex", "decimal"] },
  },
};

const embeddedCore = {
  type: "object",
  additionalProperties: false,
  required: ["type"],
  properties: {
    type: { const: "embedded" },
    clock: { enum: ["real", "virtual"] },
    startAt: { type: "string", minLength: 1 },
    catalog: { type: "string", minLength: 1 },
    maxInFlight: positiveInt,
    gy: { enum: ["diameter", "in-process"] },
    smsc: smscSection,
  },
};

const externalCore = {
  type: "object",
  additionalProperties: false,
  required: ["type", "ocs"],
  properties: {
    type: { const: "external" },
    ocs: {
      type: "object",
      additionalProperties: false,
      required: ["host", "port"],
      properties: {
        host: { type: "string", minLength: 1 },
        port: { type: "integer", minimum: 1, maximum: 65535 },
        realm: { type: "string", minLength: 1 },
        originHost: { type: "string", minLength: 1 },
      },
    },
    admin: {
      type: "object",
      additionalProperties: false,
      required: ["url"],
      properties: { url: { type: "string", pattern: "^https?://" } },
    },
    provision: { type: "boolean" },
    catalog: { type: "string", minLength: 1 },
    txTimeout: duration,
    smsc: {
      type: "object",
      additionalProperties: false,
      required: ["host", "port"],
      properties: {
        host: { type: "string", minLength: 1 },
        port: { type: "integer", minimum: 1, maximum: 65535 },
      },
    },
  },
};

const group = {
  type: "object",
  additionalProperties: false,
  required: ["name"],
  properties: {
    name,
    count: { type: "integer", minimum: 0, maximum: 10_000_000 },
    csv: { type: "string", minLength: 1 },
    plan: { type: "string", minLength: 1 },
    balance: money,
    creditLimit: money,
    msisdn: { type: "string", pattern: "^\\d{5,15}$" },
    imsi: { type: "string", pattern: "^\\d{6,15}$" },
    favorites: { type: "integer", minimum: 0, maximum: 10 },
    cug: { type: "string", minLength: 1 },
    allowArchived: { type: "boolean" },
    sim: {
      type: "object",
      additionalProperties: false,
      properties: {
        pin: { enum: ["enabled", "disabled"] },
        code: { type: "string", pattern: "^\\d{4,8}$" },
        puk: { type: "string", pattern: "^\\d{8}$" },
      },
    },
  },
};

const loadCommon = {
  duration,
  seed,
  gracefulStop: duration,
  workers: { type: "integer", minimum: 0, maximum: 64 },
};

const openLoad = {
  type: "object",
  additionalProperties: false,
  required: ["model"],
  properties: {
    model: { const: "open" },
    ...loadCommon,
    rate,
    stages: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["duration", "target"],
        properties: { duration, target: rate },
      },
    },
    poisson: { type: "boolean" },
    maxInFlight: positiveInt,
    lateAfter: duration,
    maxLateRatio: { type: "number", minimum: 0, maximum: 1 },
  },
};

const closedLoad = {
  type: "object",
  additionalProperties: false,
  required: ["model", "users"],
  properties: {
    model: { const: "closed" },
    ...loadCommon,
    users: { type: "integer", minimum: 1, maximum: 1_000_000 },
    iterations: positiveInt,
    rampUp: duration,
  },
};

function discriminated(
  key: string,
  branches: Record<string, Record<string, unknown>>,
): Record<string, unknown> {
  return {
    type: "object",
    required: [key],
    properties: { [key]: { enum: Object.keys(branches) } },
    allOf: Object.entries(branches).map(([value, schema]) => ({
      if: { properties: { [key]: { const: value } }, required: [key] },
      then: schema,
    })),
  };
}

export function buildScenarioSchema(executors: readonly StepExecutor[]): Record<string, unknown> {
  return {
    $id: "https://telsim.invalid/schemas/scenario.json",
    type: "object",
    additionalProperties: false,
    required: ["name", "core", "population", "flows", "load"],
    properties: {
      name,
      description: { type: "string" },
      core: discriminated("type", { embedded: embeddedCore, external: externalCore }),
      population: {
        type: "object",
        additionalProperties: false,
        required: ["groups"],
        properties: { groups: { type: "array", minItems: 1, items: group }, pick },
      },
      flows: {
        type: "array",
        minItems: 1,
        items: {
          type: "object",
          additionalProperties: false,
          required: ["name", "steps"],
          properties: {
            name,
            weight: { type: "number", exclusiveMinimum: 0 },
            groups: { type: "array", minItems: 1, items: name },
            pick,
            steps: { $ref: "#/$defs/steps" },
          },
        },
      },
      load: discriminated("model", { open: openLoad, closed: closedLoad }),
      thresholds: {
        type: "array",
        items: {
          anyOf: [
            { type: "string", minLength: 1 },
            {
              type: "object",
              additionalProperties: false,
              required: ["invariant"],
              properties: { invariant: { enum: INVARIANTS } },
            },
          ],
        },
      },
      report: {
        type: "object",
        additionalProperties: false,
        properties: { interval: duration },
      },
    },
    $defs: {
      duration: { type: "string", pattern: DURATION_PATTERN },
      money: { type: "string", pattern: MONEY_PATTERN },
      volume: {
        anyOf: [
          { type: "string", pattern: VOLUME_PATTERN },
          { type: "integer", minimum: 0 },
        ],
      },
      bitrate: { type: "string", pattern: BITRATE_PATTERN },
      rate: {
        anyOf: [
          { type: "string", pattern: RATE_PATTERN },
          { type: "number", minimum: 0 },
        ],
      },
      distribution: distributionSchema,
      steps: { type: "array", minItems: 1, items: { $ref: "#/$defs/step" } },
      step: {
        $comment: STEP_MARK,
        type: "object",
        minProperties: 1,
        maxProperties: 1,
        additionalProperties: false,
        properties: Object.fromEntries(executors.map((e) => [e.name, e.schema])),
      },
    },
  };
}
