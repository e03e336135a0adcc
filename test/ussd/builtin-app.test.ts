import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../core/clock/virtual-clock.js";
import { BuiltinMenus } from "../../core/ussd/builtin-menus.js";
import type { DialogueSummary, ToHandset } from "../../core/ussd/dialogue-types.js";
import { UssdGateway } from "../../core/ussd/gateway.js";
import { builtinRoutes } from "../../core/ussd/menu-table.js";
import { ask, end, type MenuContext, type MenuEntry } from "../../core/ussd/menu-types.js";
import { SelfCareProfiles } from "../../core/ussd/self-care-profiles.js";
import { A, settle, setup, textOf } from "./helpers.js";

function entry(path: string[], start: MenuEntry["start"]): MenuEntry {
  return {
    code: `*${path.join("*")}#`,
    path,
    params: { min: 0, max: 0 },
    does: "test",
    help: "тест",
    from: "chosen",
    start,
  };
}

/** A gateway whose built-in menus are the given entries, over the fixture's engine. */
function withMenus(entries: MenuEntry[]) {
  const f = setup();
  const handset: ToHandset[] = [];
  const ended: DialogueSummary[] = [];
  const errors: unknown[] = [];
  const ctx = {
    engine: f.engine,
    profiles: new SelfCareProfiles(),
    events: { error: (e: unknown) => errors.push(e) },
  } as unknown as MenuContext;
  const gateway = new UssdGateway({
    clock: f.clock,
    routes: builtinRoutes(entries),
    handsets: (m) => handset.push(m),
    external: { deliver: () => false },
    builtin: (port) => new BuiltinMenus(port, ctx, entries),
    ended: (s) => ended.push(s),
  });
  return { f, gateway, handset, ended, errors };
}

describe("the built-in menus as a USSD application", () => {
  it("a handler that throws ends the dialogue as application-error and is reported", async () => {
    const { gateway, handset, errors } = withMenus([
      entry(["120"], () => {
        throw new Error("broken handler");
      }),
      entry(["121"], () => Promise.reject(new Error("broken store"))),
    ]);
    gateway.dial(A, "*120#");
    expect(handset.at(-1)).toMatchObject({ kind: "release", reason: "application-error" });
    gateway.dial(A, "*121#");
    await settle();
    expect(handset.at(-1)).toMatchObject({ kind: "release", reason: "application-error" });
    expect(errors.map((e) => (e as Error).message)).toEqual(["broken handler", "broken store"]);
  });

  it("a text that does not fit is never cut: the dialogue ends as application-error", () => {
    const { gateway, handset, errors } = withMenus([entry(["120"], () => end("щ".repeat(61)))]);
    gateway.dial(A, "*120#");
    expect(handset).toEqual([expect.objectContaining({ kind: "release", reason: "application-error" })]);
    expect(errors[0]).toMatchObject({ code: "USSD_TEXT_TOO_LONG" });
  });

  it("an answer that arrives after the user released is dropped quietly", async () => {
    let resolve: (s: ReturnType<typeof end>) => void = () => {};
    const { gateway, handset, errors, ended } = withMenus([
      entry(["120"], () => new Promise((r) => (resolve = r))),
    ]);
    gateway.dial(A, "*120#");
    gateway.release(A);
    resolve(end("late"));
    await settle();
    expect(handset).toEqual([]);
    expect(errors).toEqual([]);
    expect(ended.map((s) => s.reason)).toEqual(["released-by-user"]);
  });

  it("a question keeps the dialogue open for the answer's handler, which sees the input", () => {
    const { gateway, handset } = withMenus([
      entry(["120"], () =>
        ask("Имя?", (_c, input) => ask(`Привет, ${input}! Еще?`, (_c2, more) => end(more))),
      ),
    ]);
    gateway.dial(A, "*120#");
    gateway.reply(A, "Оля");
    gateway.reply(A, "нет");
    expect(handset.map(textOf)).toEqual(["Imya?", "Privet, Olya! Esche?", "net"]);
    expect(handset.map((m) => m.kind)).toEqual(["request", "request", "result"]);
  });

  it("a service code routed to the menus with no menus running is refused", () => {
    const gateway = new UssdGateway({
      clock: new VirtualClock(),
      routes: builtinRoutes(),
      handsets: () => {},
      external: { deliver: () => false },
    });
    expect(gateway.dial(A, "*100#")).toMatchObject({ ok: false, error: "USSD_UNKNOWN_SERVICE" });
  });

  it("forgets the menu state of every dialogue that ended", async () => {
    const f = setup();
    await f.dial(A, "*141*0#");
    expect(f.core.menus.openSessions).toBe(1);
    f.clock.advance(60_000);
    expect(f.last(A)).toMatchObject({ kind: "release", reason: "user-timeout" });
    expect(f.core.menus.openSessions).toBe(0);
  });
});
