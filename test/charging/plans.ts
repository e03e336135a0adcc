/** Small hand-made plans for rating tests (the shipped catalog has its own tests). */
import type { ChargingConfig } from "../../core/charging/credit-control.js";
import type { Plan } from "../../core/charging/model.js";

export const config: ChargingConfig = {
  defaultQuota: { voice: 300, sms: 1, mms: 1, data: 10 * 1024 * 1024 },
  maxQuota: { voice: 3600, sms: 10, mms: 10, data: 100 * 1024 * 1024 },
  tccMs: 900_000,
};

const base: Plan = {
  id: "base",
  name: "Base",
  archived: false,
  fee: { amount: 0, charging: "monthly" },
  creditLimit: 0,
  favoriteNumbers: 0,
  allowances: [],
  rates: {
    voicePerMinute: { "on-net": 10, "off-net": 20, international: 150 },
    smsPerMessage: { "on-net": 5, "off-net": 8, international: 20 },
    mmsPerMessage: 15,
    dataPerMegabyte: 50,
  },
  services: ["voice", "sms", "mms", "data"],
  cugUnlimited: false,
  favoritesUnlimited: false,
  finalUnitAction: "REDIRECT",
  pauseAllowed: true,
};

export const payg: Plan = { ...base, id: "payg" };

/** Light-like: 3G on-net minutes used before the all-network minutes (priority). */
export const light: Plan = {
  ...base,
  id: "light",
  allowances: [
    {
      id: "all-networks",
      kind: "voice",
      amount: 10,
      classes: ["on-net", "on-net-3g", "off-net", "favorite"],
    },
    { id: "on-net-3g", kind: "voice", amount: 5, classes: ["on-net-3g"], priority: 10 },
    { id: "data", kind: "data", amount: 1 },
  ],
};

/** About-everything-at-once-like: credit limit 8.00, on-net minutes also for favorites. */
export const everything: Plan = {
  ...base,
  id: "everything",
  creditLimit: 800,
  allowances: [
    { id: "on-net", kind: "voice", amount: 2, classes: ["on-net", "favorite"] },
    { id: "sms", kind: "sms", amount: 2 },
    { id: "data", kind: "data", amount: 1 },
  ],
  finalUnitAction: "TERMINATE",
};

/** Business-Unlim-like: 1 MB then 512 kbps. */
export const unlim: Plan = {
  ...base,
  id: "unlim",
  allowances: [{ id: "data", kind: "data", amount: 1 }],
  throttleKbps: 512,
};

/** Corporate-like: unlimited inside the CUG. */
export const corporate: Plan = { ...base, id: "corporate", cugUnlimited: true };

/** Non-stop-like: day and night data. */
export const nonstop: Plan = {
  ...base,
  id: "nonstop",
  services: ["data"],
  allowances: [
    { id: "day", kind: "data", amount: 1, window: "day" },
    { id: "night", kind: "data", amount: 2, window: "night" },
  ],
};

export const plans = { payg, light, everything, unlim, corporate, nonstop };
