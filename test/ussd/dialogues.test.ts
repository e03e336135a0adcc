import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../core/clock/virtual-clock.js";
import type { ToApplication, ToHandset } from "../../core/ussd/dialogue-types.js";
import { DialogueManager } from "../../core/ussd/dialogues.js";
import { BUILTIN } from "../../core/ussd/routing.js";
import { ussdConfigFrom } from "../../core/ussd/ussd-config.js";
import { A, B, setup } from "./helpers.js";

const QUIZ = { kind: "external", systemId: "quizapp" } as const;
const config = ussdConfigFrom({ routes: [{ code: "150", esme: "quizapp" }] });

function quiz() {
  const f = setup(config);
  f.bound.add("quizapp");
  const appMessages = () => f.esme.map((e) => e.message);
  const lastApp = (): ToApplication => {
    const m = f.esme.at(-1)?.message;
    if (m === undefined) throw new Error("the ESME got nothing");
    return m;
  };
  return { f, gw: f.core.gateway, appMessages, lastApp };
}

describe("mobile-initiated dialogues (TS 24.090 §4)", () => {
  it("PSSR → USSR → user reply → PSSR response, with its_session_info units and the end bit", () => {
    const { f, gw, lastApp } = quiz();
    const opened = gw.dial(A, "*150#");
    expect(opened.ok).toBe(true);
    const begin = lastApp();
    expect(begin).toMatchObject({
      kind: "begin",
      msisdn: A,
      text: "*150#",
      serviceCode: "150",
      application: QUIZ,
      session: { sequence: 0, endOfSession: false },
    });
    const id = begin.dialogueId;
    expect(gw.fromApplication("quizapp", id, { kind: "request", text: "1. Start quiz\n2. Rules" })).toEqual({
      ok: true,
    });
    expect(f.last(A)).toEqual({
      kind: "request",
      dialogueId: id,
      msisdn: A,
      text: "1. Start quiz\n2. Rules",
      encoding: "gsm7",
      dcs: 0x0f,
    });
    expect(gw.reply(A, "1")).toEqual({ ok: true });
    expect(lastApp()).toMatchObject({
      kind: "reply",
      text: "1",
      session: { sequence: 2, endOfSession: false },
    });
    expect(gw.fromApplication("quizapp", id, { kind: "respond", text: "Вопрос 1 из 3" })).toEqual({
      ok: true,
    });
    expect(f.last(A)).toMatchObject({ kind: "result", text: "Вопрос 1 из 3", encoding: "ucs2", dcs: 0x48 });
    expect(gw.manager.dialogueOf(A)).toBeUndefined();
    expect(f.ended).toHaveLength(1);
    expect(f.ended[0]).toMatchObject({ reason: "completed", origin: "mobile", units: 4, msisdn: A });
    // the user_message_reference and session number stay the same throughout
    const refs = new Set(
      f.esme.map((e) => `${e.message.userMessageReference}/${e.message.session.sessionNumber}`),
    );
    expect(refs.size).toBe(1);
  });

  it("lets the application send a USSN inside the dialogue, which the MS acknowledges", () => {
    const { f, gw, lastApp } = quiz();
    gw.dial(A, "*150#");
    const id = lastApp().dialogueId;
    gw.fromApplication("quizapp", id, { kind: "notify", text: "Welcome" });
    expect(f.last(A)).toMatchObject({ kind: "notify", text: "Welcome" });
    expect(gw.reply(A, "x")).toMatchObject({ ok: false, error: "USSD_WRONG_STATE" });
    expect(gw.acknowledge(A)).toEqual({ ok: true });
    expect(lastApp()).toMatchObject({ kind: "ack" });
    gw.fromApplication("quizapp", id, { kind: "respond", text: "Bye" });
    expect(f.ended[0]?.reason).toBe("completed");
  });

  it("the user's release reaches the application with the end bit set", () => {
    const { f, gw, lastApp } = quiz();
    gw.dial(A, "*150#");
    const id = lastApp().dialogueId;
    gw.fromApplication("quizapp", id, { kind: "request", text: "Menu" });
    expect(gw.release(A)).toEqual({ ok: true });
    expect(lastApp()).toMatchObject({
      kind: "end",
      reason: "released-by-user",
      session: { endOfSession: true },
    });
    expect(f.ended[0]?.reason).toBe("released-by-user");
    // the handset released: it is not told again
    expect(f.handset.get(A)?.filter((m) => m.kind === "release")).toEqual([]);
    expect(gw.fromApplication("quizapp", id, { kind: "respond", text: "late" })).toMatchObject({
      ok: false,
      error: "USSD_NO_DIALOGUE",
    });
  });

  it("the application's release without text aborts a mobile-initiated dialogue", () => {
    const { f, gw, lastApp } = quiz();
    gw.dial(A, "*150#");
    gw.fromApplication("quizapp", lastApp().dialogueId, { kind: "release" });
    expect(f.last(A)).toMatchObject({ kind: "release", reason: "released-by-application" });
    expect(f.ended[0]?.reason).toBe("released-by-application");
  });

  it("refuses what the dialogue does not wait for", () => {
    const { gw, lastApp } = quiz();
    gw.dial(A, "*150#");
    const id = lastApp().dialogueId;
    expect(gw.reply(A, "1")).toMatchObject({ ok: false, error: "USSD_WRONG_STATE" });
    expect(gw.acknowledge(A)).toMatchObject({ ok: false, error: "USSD_WRONG_STATE" });
    gw.fromApplication("quizapp", id, { kind: "request", text: "?" });
    expect(gw.fromApplication("quizapp", id, { kind: "request", text: "again" })).toMatchObject({
      ok: false,
      error: "USSD_WRONG_STATE",
    });
    expect(gw.reply(B, "1")).toMatchObject({ ok: false, error: "USSD_NO_DIALOGUE" });
    expect(gw.fromApplication("quizapp", 999, { kind: "release" })).toMatchObject({
      ok: false,
      error: "USSD_NO_DIALOGUE",
    });
  });

  it("an ESME cannot act on another application's dialogue", () => {
    const { gw, lastApp } = quiz();
    gw.dial(A, "*150#");
    expect(
      gw.fromApplication("otherapp", lastApp().dialogueId, { kind: "respond", text: "x" }),
    ).toMatchObject({
      ok: false,
      error: "USSD_NOT_OWNER",
    });
  });

  it("refuses texts that do not fit, leaving the dialogue as it was", () => {
    const { f, gw, lastApp } = quiz();
    gw.dial(A, "*150#");
    const id = lastApp().dialogueId;
    for (const text of ["x".repeat(183), "ж".repeat(81), "{".repeat(92)]) {
      expect(gw.fromApplication("quizapp", id, { kind: "respond", text })).toMatchObject({
        ok: false,
        error: "USSD_TEXT_TOO_LONG",
      });
    }
    expect(gw.fromApplication("quizapp", id, { kind: "request", text: "" })).toMatchObject({
      ok: false,
      error: "USSD_TEXT_EMPTY",
    });
    expect(gw.manager.dialogueOf(A)?.state).toBe("awaiting-application");
    expect(gw.fromApplication("quizapp", id, { kind: "respond", text: "x".repeat(182) })).toEqual({
      ok: true,
    });
    expect(f.last(A)).toMatchObject({ kind: "result" });
    expect(gw.dial(B, `*150*${"1".repeat(200)}#`)).toMatchObject({ ok: false, error: "USSD_TEXT_TOO_LONG" });
  });

  it("ends the dialogue as application-unavailable when the ESME is not bound", () => {
    const { f, gw } = quiz();
    f.bound.clear();
    const outcome = gw.dial(A, "*150#");
    expect(outcome.ok).toBe(true);
    expect(f.last(A)).toMatchObject({ kind: "release", reason: "application-unavailable" });
    expect(f.ended[0]?.reason).toBe("application-unavailable");
    expect(gw.manager.size).toBe(0);
  });

  it("refuses unknown service codes and strings that are not USSD", () => {
    const { gw } = quiz();
    expect(gw.dial(A, "*199#")).toMatchObject({ ok: false, error: "USSD_UNKNOWN_SERVICE" });
    expect(gw.dial(A, "hello")).toMatchObject({ ok: false, error: "USSD_BAD_STRING" });
  });
});

describe("network-initiated dialogues (TS 24.090 §5)", () => {
  it("USSR → reply → release completes; the ESME's user_message_reference is kept", () => {
    const { f, gw, lastApp } = quiz();
    const opened = gw.openFromApplication("quizapp", B, { kind: "request", text: "Rate us 1-5" }, 4242);
    if (!opened.ok) throw new Error(opened.message);
    expect(opened.dialogue).toMatchObject({
      origin: "network",
      userMessageReference: 4242,
      state: "awaiting-reply",
    });
    expect(f.last(B)).toMatchObject({ kind: "request", text: "Rate us 1-5" });
    gw.reply(B, "5");
    expect(lastApp()).toMatchObject({
      kind: "reply",
      text: "5",
      userMessageReference: 4242,
      serviceCode: undefined,
    });
    gw.fromApplication("quizapp", opened.dialogue.id, { kind: "release" });
    expect(f.last(B)).toMatchObject({ kind: "release", reason: "completed" });
    expect(f.ended[0]?.reason).toBe("completed");
  });

  it("USSN → ack → another USSR → release by the application before the answer is an abort", () => {
    const { f, gw, lastApp } = quiz();
    const opened = gw.openFromApplication("quizapp", B, { kind: "notify", text: "You won!" });
    if (!opened.ok) throw new Error(opened.message);
    gw.acknowledge(B);
    expect(lastApp()).toMatchObject({ kind: "ack" });
    gw.fromApplication("quizapp", opened.dialogue.id, { kind: "request", text: "Claim? 1 yes" });
    gw.fromApplication("quizapp", opened.dialogue.id, { kind: "release" });
    expect(f.ended[0]?.reason).toBe("released-by-application");
  });
});

describe("one dialogue per MSISDN (TS 23.090 §6.2.1, USSD-Busy)", () => {
  it("a second dialogue from either side is busy; other MSISDNs are not affected", () => {
    const { gw, lastApp } = quiz();
    gw.dial(A, "*150#");
    const first = lastApp().dialogueId;
    gw.fromApplication("quizapp", first, { kind: "request", text: "?" });
    const again = gw.dial(A, "*100#");
    expect(again).toMatchObject({ ok: false, error: "USSD_BUSY", busyWith: { id: first } });
    expect(gw.openFromApplication("quizapp", A, { kind: "notify", text: "hi" })).toMatchObject({
      ok: false,
      error: "USSD_BUSY",
    });
    expect(gw.openFromApplication("quizapp", B, { kind: "notify", text: "hi" }).ok).toBe(true);
    gw.release(A);
    expect(gw.dial(A, "*150#").ok).toBe(true);
  });

  it("gives each dialogue its own session number", () => {
    const { gw, lastApp } = quiz();
    const numbers = new Set<number>();
    for (let i = 0; i < 5; i++) {
      gw.dial(A, "*150#");
      numbers.add(lastApp().session.sessionNumber);
      gw.release(A);
    }
    expect(numbers.size).toBe(5);
    expect(gw.find(A, 99)).toBeUndefined();
  });
});

describe("the manager on its own", () => {
  function bare(toApplication: (m: ToApplication, manager: DialogueManager) => void) {
    const handset: ToHandset[] = [];
    const errors: unknown[] = [];
    const clock = new VirtualClock();
    const holder: { manager?: DialogueManager } = {};
    const manager = new DialogueManager({
      clock,
      sink: {
        toHandset: (m) => handset.push(m),
        toApplication: (m) => toApplication(m, holder.manager as DialogueManager),
        error: (e) => errors.push(e),
      },
    });
    holder.manager = manager;
    return { manager, handset, errors, clock };
  }

  it("an application answering from inside the sink is seen in order", () => {
    const { manager, handset } = bare((m, mgr) => {
      if (m.kind === "begin") mgr.fromApplication(m.dialogueId, { kind: "request", text: "1 or 2?" });
      if (m.kind === "reply")
        mgr.fromApplication(m.dialogueId, { kind: "respond", text: `you said ${m.text}` });
    });
    expect(manager.openMobile(A, "*100#", BUILTIN, "100").ok).toBe(true);
    expect(manager.fromHandset(A, { kind: "reply", text: "2" })).toEqual({ ok: true });
    expect(handset.map((m) => m.kind)).toEqual(["request", "result"]);
    expect(handset.at(-1)).toMatchObject({ text: "you said 2" });
    expect(manager.size).toBe(0);
  });

  it("a sink that throws is reported and the dialogue goes on", () => {
    const { manager, errors } = bare(() => {
      throw new Error("boom");
    });
    expect(manager.openMobile(A, "*100#", BUILTIN, "100").ok).toBe(true);
    expect(errors).toHaveLength(1);
    expect(manager.dialogueOf(A)?.state).toBe("awaiting-application");
  });

  it("close() ends every dialogue with 'shutdown' and stops the timers", () => {
    const { manager, handset, clock } = bare(() => {});
    manager.openMobile(A, "*100#", BUILTIN, "100");
    manager.openMobile(B, "*100#", BUILTIN, "100");
    manager.close();
    expect(handset.map((m) => (m.kind === "release" ? m.reason : m.kind))).toEqual(["shutdown", "shutdown"]);
    clock.advance(600_000);
    expect(handset).toHaveLength(2);
  });

  it("refuses timers that are not positive", () => {
    expect(
      () =>
        new DialogueManager({
          clock: new VirtualClock(),
          sink: { toHandset() {}, toApplication() {} },
          timers: { userResponseMs: 0 },
        }),
    ).toThrow(/userResponseMs/);
  });
});
