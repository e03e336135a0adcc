import { describe, expect, it } from "vitest";
import { cusdStatusOf, type EndReason, type ToApplication } from "../../core/ussd/dialogue-types.js";
import { ussdConfigFrom } from "../../core/ussd/ussd-config.js";
import { A, B, setup } from "./helpers.js";

function quiz(timers?: Record<string, number>) {
  const f = setup(
    ussdConfigFrom({ routes: [{ code: "150", esme: "quizapp" }], ...(timers ? { timers } : {}) }),
  );
  f.bound.add("quizapp");
  const lastApp = (): ToApplication => {
    const m = f.esme.at(-1)?.message;
    if (m === undefined) throw new Error("the ESME got nothing");
    return m;
  };
  return { f, gw: f.core.gateway, lastApp };
}

function expectEnded(f: ReturnType<typeof setup>, msisdn: string, reason: EndReason): void {
  const m = f.last(msisdn);
  expect(m).toMatchObject({ kind: "release", reason });
  if (m !== undefined) expect(cusdStatusOf(m)).toBe(5); // +CUSD: 5, network time-out
  expect(f.ended.at(-1)).toMatchObject({ msisdn, reason });
  expect(f.esme.at(-1)?.message).toMatchObject({ kind: "end", reason, session: { endOfSession: true } });
  expect(f.core.gateway.manager.dialogueOf(msisdn)).toBeUndefined();
}

describe("dialogue timers on the virtual clock", () => {
  it("the application response timer (15 s) ends a dialogue the application does not answer", () => {
    const { f, gw } = quiz();
    gw.dial(A, "*150#");
    f.clock.advance(14_999);
    expect(gw.manager.dialogueOf(A)).toBeDefined();
    f.clock.advance(1);
    expectEnded(f, A, "application-timeout");
  });

  it("the user response timer (60 s) ends a USSR the user does not answer", () => {
    const { f, gw, lastApp } = quiz();
    gw.dial(A, "*150#");
    gw.fromApplication("quizapp", lastApp().dialogueId, { kind: "request", text: "?" });
    f.clock.advance(59_999);
    expect(gw.manager.dialogueOf(A)).toBeDefined();
    f.clock.advance(1);
    expectEnded(f, A, "user-timeout");
  });

  it("and a USSN the MS does not acknowledge", () => {
    const { f, gw } = quiz();
    gw.openFromApplication("quizapp", B, { kind: "notify", text: "hello" });
    f.clock.advance(60_000);
    expectEnded(f, B, "user-timeout");
  });

  it("a reply in time stops the user timer; the next USSR starts a fresh one", () => {
    const { f, gw, lastApp } = quiz();
    gw.dial(A, "*150#");
    const id = lastApp().dialogueId;
    gw.fromApplication("quizapp", id, { kind: "request", text: "q1" });
    f.clock.advance(50_000);
    gw.reply(A, "1");
    gw.fromApplication("quizapp", id, { kind: "request", text: "q2" });
    f.clock.advance(50_000); // 100 s after the first USSR: the first timer would have fired
    expect(gw.manager.dialogueOf(A)?.state).toBe("awaiting-reply");
    f.clock.advance(10_000);
    expectEnded(f, A, "user-timeout");
  });

  it("the whole-dialogue timer (180 s) ends a dialogue that keeps going", () => {
    const { f, gw, lastApp } = quiz();
    gw.dial(A, "*150#");
    const id = lastApp().dialogueId;
    for (let i = 0; i < 3; i++) {
      gw.fromApplication("quizapp", id, { kind: "request", text: `q${i}` });
      f.clock.advance(55_000);
      gw.reply(A, "1");
    }
    gw.fromApplication("quizapp", id, { kind: "request", text: "q3" });
    f.clock.advance(14_999); // 179.999 s
    expect(gw.manager.dialogueOf(A)).toBeDefined();
    f.clock.advance(1);
    expectEnded(f, A, "dialogue-timeout");
  });

  it("timers are configurable, each with its reason", () => {
    const { f, gw, lastApp } = quiz({
      applicationResponseSeconds: 2,
      userResponseSeconds: 5,
      dialogueSeconds: 8,
    });
    gw.dial(A, "*150#");
    f.clock.advance(2_000);
    expectEnded(f, A, "application-timeout");
    gw.dial(A, "*150#");
    gw.fromApplication("quizapp", lastApp().dialogueId, { kind: "request", text: "?" });
    f.clock.advance(5_000);
    expectEnded(f, A, "user-timeout");
    gw.dial(A, "*150#");
    const id = lastApp().dialogueId;
    gw.fromApplication("quizapp", id, { kind: "request", text: "?" });
    f.clock.advance(4_000);
    gw.reply(A, "1");
    f.clock.advance(1_000);
    gw.fromApplication("quizapp", id, { kind: "request", text: "?" });
    f.clock.advance(3_000);
    expectEnded(f, A, "dialogue-timeout");
  });

  it("a finished dialogue's timers do nothing, and a new dialogue of the MSISDN keeps its own", () => {
    const { f, gw, lastApp } = quiz();
    gw.dial(A, "*150#");
    gw.fromApplication("quizapp", lastApp().dialogueId, { kind: "respond", text: "done" });
    f.clock.advance(10_000);
    gw.dial(A, "*150#");
    f.clock.advance(10_000); // the first dialogue's 15 s passed: the second must survive
    expect(gw.manager.dialogueOf(A)).toBeDefined();
    f.clock.advance(5_000);
    expectEnded(f, A, "application-timeout");
    expect(f.ended.map((s) => s.reason)).toEqual(["completed", "application-timeout"]);
    f.clock.advance(600_000);
    expect(f.ended).toHaveLength(2);
  });

  it("keeps many dialogues' timers apart", () => {
    const { f, gw } = quiz();
    const msisdns = Array.from({ length: 50 }, (_, i) => `3752950000${String(i).padStart(2, "0")}`);
    for (const [i, m] of msisdns.entries()) {
      gw.dial(m, "*150#");
      if (i % 2 === 0) f.clock.advance(100);
    }
    f.clock.advance(15_000);
    expect(gw.manager.size).toBe(0);
    expect(f.ended.filter((s) => s.reason === "application-timeout")).toHaveLength(50);
  });
});
