import { describe, expect, it } from "vitest";
import { parseDialString } from "../../core/ussd/dial-string.js";
import { BUILTIN_MENUS, builtinRoutes, MenuIndex } from "../../core/ussd/menu-table.js";
import { BUILTIN, ServiceCodeRouter } from "../../core/ussd/routing.js";
import { DEFAULT_USSD_CONFIG, ussdConfigFrom } from "../../core/ussd/ussd-config.js";
import { UssdError } from "../../core/ussd/ussd-errors.js";

describe("dialled strings (TS 22.090 §5.1.2)", () => {
  it.each([
    ["*100#", "100", []],
    ["*141*0#", "141", ["0"]],
    ["*141*3*6#", "141", ["3", "6"]],
    ["*131*375291234567#", "131", ["375291234567"]],
    ["#150#", "150", []],
    ["**21#", "21", []],
    ["*146*0*291234567#", "146", ["0", "291234567"]],
    ["*140*#", "140", [""]],
  ])("%s → service code %s, params %o", (text, serviceCode, params) => {
    expect(parseDialString(text)).toEqual({ text, serviceCode, params });
  });

  it.each(["100#", "*100", "*1#", "*1000#", "****100#", "*10a#", "hello", ""])(
    "%j is not a USSD string",
    (text) => {
      expect(parseDialString(text)).toBeUndefined();
    },
  );
});

describe("routing by service code", () => {
  const router = new ServiceCodeRouter([
    ...builtinRoutes(),
    { serviceCode: "150", to: { kind: "external", systemId: "quizapp" } },
  ]);

  it("sends built-in codes to the menus and *150# to the quizapp ESME", () => {
    expect(router.route("*100#")).toMatchObject({ ok: true, application: BUILTIN });
    expect(router.route("*141*3*6#")).toMatchObject({
      ok: true,
      application: BUILTIN,
      dial: { params: ["3", "6"] },
    });
    expect(router.route("*150*2#")).toMatchObject({
      ok: true,
      application: { kind: "external", systemId: "quizapp" },
      dial: { serviceCode: "150", params: ["2"] },
    });
  });

  it("refuses an unknown code and a malformed string", () => {
    expect(router.route("*199#")).toMatchObject({ ok: false, error: "USSD_UNKNOWN_SERVICE" });
    expect(router.route("100")).toMatchObject({ ok: false, error: "USSD_BAD_STRING" });
  });

  it.each([
    [[{ serviceCode: "1", to: BUILTIN }], /not 2-3 digits/],
    [
      [
        { serviceCode: "150", to: BUILTIN },
        { serviceCode: "150", to: BUILTIN },
      ],
      /routed twice/,
    ],
    [[{ serviceCode: "150", to: { kind: "external" as const, systemId: "" } }], /system_id/],
    [
      [{ serviceCode: "150", to: { kind: "external" as const, systemId: "a-very-long-system-id" } }],
      /system_id/,
    ],
  ])("refuses a bad table %#", (routes, message) => {
    expect(() => new ServiceCodeRouter(routes)).toThrow(message);
  });

  it("routes every built-in menu's service code to the menus", () => {
    const codes = new Set(BUILTIN_MENUS.map((e) => e.path[0]));
    expect(new Set(builtinRoutes().map((r) => r.serviceCode))).toEqual(codes);
  });
});

describe("the built-in menu index", () => {
  const index = new MenuIndex();
  it.each([
    ["100", [], "*100#", []],
    ["100", ["2"], "*100*2#", []],
    ["141", ["0"], "*141*0#", []],
    ["141", ["3", "6"], "*141*3*6#", []],
    ["146", [], "*146#", []],
    ["146", ["291234567"], "*146*<number>#", ["291234567"]],
    ["146", ["0", "291234567"], "*146*0*<number>#", ["291234567"]],
    ["140", [], "*140*[<code>]#", []],
    ["140", ["12345678901234"], "*140*[<code>]#", ["12345678901234"]],
  ])("service code %s with %o → %s", (code, params, entry, rest) => {
    expect(index.match(code, params)).toMatchObject({ entry: { code: entry }, params: rest });
  });

  it("finds nothing for a code or parameters no entry takes", () => {
    expect(index.match("100", ["9"])).toBeUndefined();
    expect(index.match("141", [])).toBeUndefined();
    expect(index.match("147", ["1"])).toBeUndefined();
  });

  it("refuses two entries that would take the same dialled string", () => {
    const e = BUILTIN_MENUS[0];
    if (e === undefined) throw new Error();
    expect(() => new MenuIndex([e, { ...e, code: "*100*[<x>]#", params: { min: 0, max: 1 } }])).toThrow(
      /overlap/,
    );
  });
});

describe("the USSD section of the config", () => {
  it("defaults to the built-in routes and the standard timers", () => {
    expect(ussdConfigFrom(undefined)).toBe(DEFAULT_USSD_CONFIG);
    expect(DEFAULT_USSD_CONFIG.timers).toEqual({
      applicationResponseMs: 15_000,
      userResponseMs: 60_000,
      dialogueMs: 180_000,
    });
  });

  it("adds ESME routes, lets a route replace a built-in code, and reads timers in seconds", () => {
    const config = ussdConfigFrom({
      timers: { applicationResponseSeconds: 10, dialogueSeconds: 90 },
      language: "ru",
      privetikPlans: ["privetik", "privetik-2"],
      routes: [
        { code: "150", esme: "quizapp" },
        { code: 100, esme: "balanceapp" },
      ],
    });
    expect(config.timers).toEqual({
      applicationResponseMs: 10_000,
      userResponseMs: 60_000,
      dialogueMs: 90_000,
    });
    expect(config.defaultLanguage).toBe("ru");
    expect(config.privetikPlans).toEqual(["privetik", "privetik-2"]);
    const router = new ServiceCodeRouter(config.routes);
    expect(router.lookup("150")).toEqual({ kind: "external", systemId: "quizapp" });
    expect(router.lookup("100")).toEqual({ kind: "external", systemId: "balanceapp" });
    expect(router.lookup("147")).toEqual(BUILTIN);
  });

  it("lists every problem at once", () => {
    let caught: unknown;
    try {
      ussdConfigFrom({
        timers: { userResponseSeconds: -1, nap: 3 },
        language: "en",
        routes: [
          { code: "15" },
          { code: "1500", esme: "x" },
          { code: "150", esme: "a" },
          { code: "150", builtin: true },
        ],
        colour: "red",
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(UssdError);
    const message = (caught as UssdError).message;
    for (const part of [
      "ussd.colour: unknown field",
      "ussd.timers.nap: unknown field",
      "ussd.timers.userResponseSeconds",
      "ussd.language",
      "ussd.routes[0]: give either esme",
      "ussd.routes[1].code",
      "ussd.routes[3].code: 150 is routed twice",
    ]) {
      expect(message).toContain(part);
    }
  });
});
