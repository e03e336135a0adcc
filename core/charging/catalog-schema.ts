/**
 * JSON Schema (draft-07, checked by ajv) of the tariff catalog file, catalog/a1-tariffs.yaml.
 * It fixes the shape: keys, types, enums and patterns, with no unknown keys anywhere. The rules
 * that relate one field to another (unique ids, classes only on voice/SMS/MMS allowances, rates
 * for every service offered, ...) are in catalog-load.ts.
 */

/** Money as written in the catalog: BYN with exactly two decimals, e.g. "10.00". */
export const MONEY_PATTERN = "^-?\\d+\\.\\d{2}$";
/** Plan, allowance and package ids. */
export const ID_PATTERN = "^[a-z0-9]+(-[a-z0-9]+)*$";
/** The one word an allowance amount may be instead of a number (voice only). */
export const UNLIMITED = "unlimited";

export const SERVICE_KINDS = ["voice", "sms", "mms", "data"] as const;
export const DESTINATION_CLASSES = [
  "on-net",
  "on-net-3g",
  "off-net",
  "international",
  "favorite",
  "cug",
] as const;
export const FEE_CHARGING = ["daily", "monthly", "every-30-days"] as const;
export const PACKAGE_FEE_CHARGING = ["once", "monthly", "every-30-days"] as const;
export const FINAL_UNIT_ACTIONS = ["TERMINATE", "REDIRECT", "RESTRICT_ACCESS"] as const;
export const TIME_WINDOWS = ["day", "night"] as const;

const positiveInteger = { type: "integer", minimum: 1 } as const;
const percent = { type: "integer", minimum: 0, maximum: 100 } as const;
const ratingGroup = { type: "integer", minimum: 0, maximum: 4294967295 } as const;
const id = { type: "string", pattern: ID_PATTERN } as const;
const text = { type: "string", minLength: 1 } as const;

/** Price per unit by destination class. */
const classPrices = {
  type: "object",
  additionalProperties: false,
  properties: Object.fromEntries(DESTINATION_CLASSES.map((c) => [c, { $ref: "#/$defs/money" }])),
};

export const catalogSchema = {
  $id: "https://telsim.invalid/schemas/tariff-catalog.json",
  type: "object",
  additionalProperties: false,
  required: ["version", "defaults", "plans"],
  properties: {
    version: { const: 1 },
    currency: { const: "BYN" },
    defaults: { $ref: "#/$defs/defaults" },
    // Validated before the plans so that a bad shared card is reported once, at the card.
    rateCards: { type: "object", additionalProperties: { $ref: "#/$defs/rates" } },
    plans: { type: "array", minItems: 1, items: { $ref: "#/$defs/plan" } },
    packages: { type: "array", items: { $ref: "#/$defs/package" } },
  },
  $defs: {
    money: { type: "string", pattern: MONEY_PATTERN },
    defaults: {
      type: "object",
      additionalProperties: false,
      required: [
        "ratingGroups",
        "grant",
        "validityTimeSeconds",
        "quotaThresholdPercent",
        "tccSeconds",
        "finalUnit",
        "pause",
      ],
      properties: {
        ratingGroups: {
          type: "object",
          additionalProperties: false,
          required: [...SERVICE_KINDS],
          properties: Object.fromEntries(SERVICE_KINDS.map((k) => [k, ratingGroup])),
        },
        grant: {
          type: "object",
          additionalProperties: false,
          required: ["voiceSeconds", "dataMegabytes", "smsMessages", "mmsMessages"],
          properties: {
            voiceSeconds: positiveInteger,
            dataMegabytes: positiveInteger,
            smsMessages: positiveInteger,
            mmsMessages: positiveInteger,
          },
        },
        validityTimeSeconds: positiveInteger,
        quotaThresholdPercent: {
          type: "object",
          additionalProperties: false,
          required: ["volume", "time"],
          properties: { volume: percent, time: percent },
        },
        tccSeconds: positiveInteger,
        finalUnit: {
          type: "object",
          additionalProperties: false,
          required: ["redirectUrl", "restrictFilterId"],
          properties: {
            redirectUrl: { type: "string", pattern: "^(https?|sip)://\\S+$" },
            restrictFilterId: { type: "string", pattern: "^\\S+$" },
          },
        },
        pause: {
          type: "object",
          additionalProperties: false,
          required: ["planFeePercent", "startsAfterDays", "packageFeePercent"],
          properties: {
            planFeePercent: percent,
            startsAfterDays: { type: "integer", minimum: 0 },
            packageFeePercent: percent,
          },
        },
      },
    },
    rates: {
      type: "object",
      additionalProperties: false,
      properties: {
        voicePerMinute: classPrices,
        smsPerMessage: classPrices,
        mmsPerMessage: { $ref: "#/$defs/money" },
        dataPerMegabyte: { $ref: "#/$defs/money" },
      },
    },
    allowance: {
      type: "object",
      additionalProperties: false,
      required: ["id", "kind", "amount"],
      properties: {
        id,
        kind: { enum: [...SERVICE_KINDS] },
        // A whole number of minutes/messages/megabytes, or "unlimited" (pattern applies to strings
        // only, minimum to numbers only).
        amount: { type: ["integer", "string"], minimum: 1, pattern: `^${UNLIMITED}$` },
        classes: {
          type: "array",
          minItems: 1,
          uniqueItems: true,
          items: { enum: [...DESTINATION_CLASSES] },
        },
        window: { enum: [...TIME_WINDOWS] },
        priority: { type: "integer", minimum: 0, maximum: 1000 },
      },
    },
    plan: {
      type: "object",
      additionalProperties: false,
      required: ["id", "name", "archived", "fee", "services", "rates", "finalUnitAction", "pauseAllowed"],
      properties: {
        id,
        name: text,
        line: text,
        archived: { type: "boolean" },
        sample: { type: "boolean" },
        fee: {
          type: "object",
          additionalProperties: false,
          required: ["amount", "charging"],
          properties: { amount: { $ref: "#/$defs/money" }, charging: { enum: [...FEE_CHARGING] } },
        },
        creditLimit: { $ref: "#/$defs/money" },
        favoriteNumbers: { type: "integer", minimum: 0, maximum: 100 },
        services: {
          type: "array",
          minItems: 1,
          uniqueItems: true,
          items: { enum: [...SERVICE_KINDS] },
        },
        allowances: { type: "array", items: { $ref: "#/$defs/allowance" } },
        rates: { $ref: "#/$defs/rates" },
        throttleKbps: positiveInteger,
        cugUnlimited: { type: "boolean" },
        favoritesUnlimited: { type: "boolean" },
        finalUnitAction: { enum: [...FINAL_UNIT_ACTIONS] },
        pauseAllowed: { type: "boolean" },
      },
    },
    package: {
      type: "object",
      additionalProperties: false,
      required: ["id", "name", "plans", "fee", "allowances"],
      properties: {
        id,
        name: text,
        sample: { type: "boolean" },
        plans: { type: "array", minItems: 1, uniqueItems: true, items: id },
        group: id,
        fee: {
          type: "object",
          additionalProperties: false,
          required: ["amount", "charging"],
          properties: {
            amount: { $ref: "#/$defs/money" },
            charging: { enum: [...PACKAGE_FEE_CHARGING] },
          },
        },
        allowances: { type: "array", minItems: 1, items: { $ref: "#/$defs/allowance" } },
      },
    },
  },
} as const;
