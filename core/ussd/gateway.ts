/**
 * The USSD gateway: routing by service code in front of the dialogue manager, with the two kinds
 * of application behind it: the built-in self-service menus (in-process) and external USSD
 * applications (ESMEs, reached through the SMPP layer). Socket-free: the MSC side calls
 * dial/reply/acknowledge/release for handsets and receives `handsets` messages; the SMSC calls
 * fromApplication/openFromApplication for ESMEs and delivers what `external.deliver` is given.
 */
import type { Clock } from "../clock/clock.js";
import type {
  ActionOutcome,
  ApplicationAction,
  DialogueInfo,
  DialogueSummary,
  DialogueTimers,
  EndReason,
  NetworkOpening,
  OpenOutcome,
  ToApplication,
  ToHandset,
} from "./dialogue-types.js";
import { DialogueManager } from "./dialogues.js";
import { BUILTIN, ServiceCodeRouter, type UssdRoute } from "./routing.js";
import { refusal } from "./ussd-errors.js";

/** An application the gateway hosts in-process: it gets every message of its dialogues. */
export interface UssdApplication {
  handle(message: ToApplication): void;
}

/** How an in-process application acts on its dialogues. */
export interface ApplicationPort {
  act(dialogueId: number, action: ApplicationAction): ActionOutcome;
  /** Ends a dialogue the application cannot go on with (e.g. "application-error"). */
  abort(dialogueId: number, reason: EndReason): ActionOutcome;
}

export interface ExternalApplications {
  /**
   * Hands a message to the ESME bound with `systemId`. False when none is bound or it cannot take
   * the message: the dialogue then ends as "application-unavailable".
   */
  deliver(systemId: string, message: ToApplication): boolean;
}

export interface UssdGatewayOptions {
  readonly clock: Clock;
  readonly routes: readonly UssdRoute[];
  readonly timers?: Partial<DialogueTimers>;
  /** Network → MS messages (the MSC turns them into +CUSD / air messages). */
  readonly handsets: (message: ToHandset) => void;
  readonly external: ExternalApplications;
  /** Builds the built-in menus application, given the port it acts through. */
  readonly builtin?: (port: ApplicationPort) => UssdApplication;
  readonly ended?: (summary: DialogueSummary) => void;
  readonly error?: (error: unknown) => void;
}

export class UssdGateway {
  readonly router: ServiceCodeRouter;
  readonly manager: DialogueManager;
  private readonly builtin: UssdApplication | undefined;

  constructor(options: UssdGatewayOptions) {
    this.router = new ServiceCodeRouter(options.routes);
    const external = options.external;
    this.manager = new DialogueManager({
      clock: options.clock,
      ...(options.timers !== undefined ? { timers: options.timers } : {}),
      sink: {
        toHandset: options.handsets,
        toApplication: (message) => this.dispatch(message, external),
        ...(options.ended !== undefined ? { ended: options.ended } : {}),
        ...(options.error !== undefined ? { error: options.error } : {}),
      },
    });
    const port: ApplicationPort = {
      act: (id, action) => this.manager.fromApplication(id, action, BUILTIN),
      abort: (id, reason) => this.manager.abort(id, reason),
    };
    this.builtin = options.builtin?.(port);
  }

  /** The MS dialled a USSD string (PSSR). */
  dial(msisdn: string, dialled: string): OpenOutcome {
    const route = this.router.route(dialled);
    if (!route.ok) return route;
    if (route.application.kind === "builtin" && this.builtin === undefined) {
      return refusal(
        "USSD_UNKNOWN_SERVICE",
        `service code ${route.dial.serviceCode} is built-in, but no menus run`,
      );
    }
    return this.manager.openMobile(msisdn, dialled, route.application, route.dial.serviceCode);
  }

  /** The user's answer to a USSR. */
  reply(msisdn: string, text: string): ActionOutcome {
    return this.manager.fromHandset(msisdn, { kind: "reply", text });
  }

  /** The MS acknowledged a USSN. */
  acknowledge(msisdn: string): ActionOutcome {
    return this.manager.fromHandset(msisdn, { kind: "ack" });
  }

  /** The MS released (the user cancelled). */
  release(msisdn: string): ActionOutcome {
    return this.manager.fromHandset(msisdn, { kind: "release" });
  }

  /** An ESME acts on one of its dialogues. */
  fromApplication(systemId: string, dialogueId: number, action: ApplicationAction): ActionOutcome {
    return this.manager.fromApplication(dialogueId, action, { kind: "external", systemId });
  }

  /** An ESME opens a network-initiated dialogue (USSR or USSN to an idle MS). */
  openFromApplication(
    systemId: string,
    msisdn: string,
    first: NetworkOpening,
    userMessageReference?: number,
  ): OpenOutcome {
    return this.manager.openNetwork(msisdn, { kind: "external", systemId }, first, userMessageReference);
  }

  /** The MSISDN's dialogue when the session number matches (what an ESME's its_session_info names). */
  find(msisdn: string, sessionNumber: number): DialogueInfo | undefined {
    return this.manager.find(msisdn, sessionNumber);
  }

  close(): void {
    this.manager.close();
  }

  private dispatch(message: ToApplication, external: ExternalApplications): void {
    const app = message.application;
    if (app.kind === "builtin") {
      this.builtin?.handle(message);
      return;
    }
    if (!external.deliver(app.systemId, message) && message.kind !== "end") {
      this.manager.abort(message.dialogueId, "application-unavailable");
    }
  }
}
