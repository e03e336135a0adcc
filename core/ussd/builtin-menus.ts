/**
 * The built-in self-service menus as a USSD application: it receives the messages of the
 * dialogues routed to it, runs the menu table's handlers, and answers through its port. A
 * question keeps the dialogue open (USSR) with the handler for the answer; a final text ends it
 * (PSSR response). Handlers that touch the store are asynchronous; the application response
 * timer of the dialogue manager covers them. A handler that fails, or a text the manager refuses,
 * ends the dialogue as "application-error" and is reported, never thrown at the gateway.
 */
import { COMMON } from "./common-texts.js";
import { parseDialString } from "./dial-string.js";
import type { ToApplication } from "./dialogue-types.js";
import type { ApplicationPort, UssdApplication } from "./gateway.js";
import { BUILTIN_MENUS, MenuIndex } from "./menu-table.js";
import { render } from "./menu-text.js";
import type { Awaitable, MenuCall, MenuContext, MenuEntry, MenuStep, ReplyHandler } from "./menu-types.js";
import { UssdError } from "./ussd-errors.js";

interface Session {
  readonly call: MenuCall;
  readonly next: ReplyHandler;
}

export class BuiltinMenus implements UssdApplication {
  private readonly index: MenuIndex;
  private readonly sessions = new Map<number, Session>();

  constructor(
    private readonly port: ApplicationPort,
    private readonly ctx: MenuContext,
    entries: readonly MenuEntry[] = BUILTIN_MENUS,
  ) {
    this.index = new MenuIndex(entries);
  }

  /** Dialogues waiting for the user's answer to a menu question. */
  get openSessions(): number {
    return this.sessions.size;
  }

  handle(message: ToApplication): void {
    switch (message.kind) {
      case "begin":
        this.begin(message.dialogueId, message.msisdn, message.text);
        break;
      case "reply": {
        const session = this.sessions.get(message.dialogueId);
        this.sessions.delete(message.dialogueId);
        if (session === undefined) {
          this.fail(
            message.dialogueId,
            new UssdError("USSD_NO_DIALOGUE", `no menu for dialogue ${message.dialogueId}`),
          );
          return;
        }
        this.run(message.dialogueId, session.call, () => session.next(session.call, message.text));
        break;
      }
      case "ack":
        // The menus never send a USSN, so there is nothing to acknowledge.
        this.fail(message.dialogueId, new UssdError("USSD_WRONG_STATE", "the menus sent no notification"));
        break;
      case "end":
        this.sessions.delete(message.dialogueId);
        break;
    }
  }

  private begin(dialogueId: number, msisdn: string, dialled: string): void {
    const dial = parseDialString(dialled);
    const account = this.ctx.engine.byMsisdnOf(msisdn);
    if (account === undefined || account.state === "closed") {
      // no profile is made for a number that is not a subscriber
      const language = this.ctx.profiles.peek(msisdn)?.language ?? this.ctx.profiles.defaultLanguage;
      this.send(dialogueId, language, { kind: "end", text: COMMON.noService });
      return;
    }
    const profile = this.ctx.profiles.of(msisdn);
    const match = dial === undefined ? undefined : this.index.match(dial.serviceCode, dial.params);
    if (match === undefined) {
      this.send(dialogueId, profile.language, { kind: "end", text: COMMON.unknownRequest });
      return;
    }
    const call: MenuCall = { ctx: this.ctx, msisdn, account, profile, params: match.params };
    this.run(dialogueId, call, () => match.entry.start(call));
  }

  private run(dialogueId: number, call: MenuCall, step: () => Awaitable<MenuStep>): void {
    let result: Awaitable<MenuStep>;
    try {
      result = step();
    } catch (error) {
      this.fail(dialogueId, error);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (s) => this.apply(dialogueId, call, s),
        (error: unknown) => this.fail(dialogueId, error),
      );
    } else {
      this.apply(dialogueId, call, result);
    }
  }

  private apply(dialogueId: number, call: MenuCall, step: MenuStep): void {
    if (step.kind === "ask") this.sessions.set(dialogueId, { call, next: step.next });
    this.send(dialogueId, call.profile.language, step);
  }

  private send(dialogueId: number, language: MenuCall["profile"]["language"], step: MenuStep): void {
    const text = render(step.text, language);
    const outcome = this.port.act(dialogueId, { kind: step.kind === "ask" ? "request" : "respond", text });
    if (outcome.ok) return;
    this.sessions.delete(dialogueId);
    // The user released or a timer ended the dialogue while a handler worked: nothing to answer.
    if (outcome.error === "USSD_NO_DIALOGUE") return;
    this.fail(dialogueId, new UssdError(outcome.error, outcome.message));
  }

  private fail(dialogueId: number, error: unknown): void {
    this.sessions.delete(dialogueId);
    this.ctx.events.error?.(error);
    this.port.abort(dialogueId, "application-error");
  }
}
