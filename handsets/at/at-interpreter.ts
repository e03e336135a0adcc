/**
 * The handset's AT command interpreter (ITU-T V.250, 3GPP TS 27.007 / TS 27.005): characters
 * in, framed output out. No I/O of its own: the caller feeds `input` and receives every piece
 * of output, tagged with its kind, through the `output` callback.
 *
 * ```mermaid
 * stateDiagram-v2
 *   [*] --> Command
 *   Command --> Executing: CR (a line starting with AT)
 *   Executing --> Command: final result code
 *   Executing --> MessageEntry: AT+CMGS (prompt "> ")
 *   MessageEntry --> Executing: Ctrl-Z (send)
 *   MessageEntry --> Command: ESC (OK, nothing sent)
 * ```
 *
 * Framing (V.250 §5.7.1, verbose): every response and result code is `<CR><LF>text<CR><LF>`;
 * the lines of one information response or one unsolicited result code (e.g. +CMT in PDU mode)
 * share one frame. The message prompt is `<CR><LF>> ` (TS 27.005 §3.5.1). With E1 every
 * character received in command state is echoed as it comes.
 *
 * Input: a command line ends with CR; LF alone also ends it (a terminal in line mode) and an LF
 * right after CR is ignored. BS / DEL delete. A line that does not start with AT is answered
 * ERROR; an empty one is ignored. Each line gets exactly one final result code, none of the
 * commands after a failing one run (V.250 §5.6).
 *
 * Unsolicited result codes that arrive while a command line runs or a message is typed are held
 * and follow the final result code. +CMT / +CDS with +CNMI <mode> 0 stay buffered in the TA until
 * <mode> becomes 1-3 (flushed with <bfr> 0, dropped with 1); <mode> 1-3 all forward (there is no
 * on-line data state here to reserve the link).
 */
import type { SimCard } from "../../sim/card.js";
import { DEFAULT_EMERGENCY_NUMBERS } from "../mmi-codes.js";
import type { HandsetNetwork, NetworkEvent, Registration } from "../network/handset-network.js";
import type { SimAccess } from "../sim-access.js";
import {
  type AtContext,
  type AtSettings,
  type CallState,
  type CommandOutcome,
  defaultSettings,
  type HandsetIdentity,
  type MessageEntry,
  type Pin2Request,
} from "./at-context.js";
import { basicCommand } from "./basic-commands.js";
import { EXTENDED_COMMANDS, KEEPS_PIN2_REQUEST } from "./command-table.js";
import { type AtCommand, parseCommandLine } from "./command-line.js";
import { dial } from "./dial-command.js";
import { AtParameterError } from "./parameters.js";
import { ERROR, type FinalResult, formatFinalResult, OK } from "./result-codes.js";
import { simAvailabilityError, simAvailabilityOf } from "./sim-results.js";
import { submitMessage } from "./sms-commands.js";
import {
  incomingSmsLines,
  isRegistered,
  registrationFields,
  ringLines,
  statusReportLines,
  ussdResultCode,
} from "./unsolicited.js";

export type AtOutputKind = "echo" | "response" | "final" | "unsolicited" | "prompt";

export interface AtOutput {
  readonly kind: AtOutputKind;
  /** The exact characters for the terminal, framing included. */
  readonly text: string;
}

export interface AtInterpreterOptions {
  readonly sim: SimAccess;
  readonly network: HandsetNetwork;
  readonly identity: HandsetIdentity;
  readonly output: (output: AtOutput) => void;
  /** V.250 E, default true (E1). */
  readonly echo?: boolean;
  readonly emergencyNumbers?: readonly string[];
  /** Told about a fault inside the interpreter or the network implementation (answered ERROR). */
  readonly onInternalError?: (error: unknown) => void;
  /** The last failure the network reported (an attach reject, a call release), shown by +CEER. */
  readonly failureReport?: () => string | undefined;
}

const CR = "\r";
const LF = "\n";
const BACKSPACE = "\b";
const DELETE = "\x7f";
const CTRL_Z = "\x1a";
const ESC = "\x1b";
/** Longest command line kept; a longer one is answered ERROR (V.250 asks for at least 40). */
const MAX_LINE = 1024;
/** Longest message body kept after the prompt (hex PDU or text). */
const MAX_ENTRY = 1024;
/** +CNMI <mode> 0: indications kept in the TA, the oldest dropped beyond this. */
const TA_BUFFER_LIMIT = 32;

export class AtInterpreter {
  readonly #sim: SimAccess;
  readonly #network: HandsetNetwork;
  readonly #identity: HandsetIdentity;
  readonly #output: (output: AtOutput) => void;
  readonly #emergencyNumbers: readonly string[];
  readonly #onInternalError: (error: unknown) => void;
  readonly #failureReport: () => string | undefined;
  readonly #settings: AtSettings;
  /** The settings ATZ restores: the power-on profile (V.250 §6.1.1). */
  readonly #profile: AtSettings;
  readonly #context: AtContext;
  readonly #unlisten: () => void;

  #line = "";
  #lineTooLong = false;
  #afterCr = false;
  #entry: { readonly entry: MessageEntry; body: string } | undefined;
  #executing = false;
  #held: string[][] = [];
  #taBuffer: string[][] = [];
  #work: Promise<void> = Promise.resolve();
  readonly #background = new Set<Promise<void>>();
  #lastMessageReference = 255;
  #pin2Request: Pin2Request;
  #callState: CallState = "idle";
  #fixedDialling = false;
  /** What +CREG showed last, with n = 1 (<stat>) and n = 2 (<stat> and the cell). */
  #lastStatus = "";
  #lastCell = "";

  constructor(options: AtInterpreterOptions) {
    this.#sim = options.sim;
    this.#network = options.network;
    this.#identity = options.identity;
    this.#output = options.output;
    this.#emergencyNumbers = options.emergencyNumbers ?? DEFAULT_EMERGENCY_NUMBERS;
    this.#onInternalError = options.onInternalError ?? (() => undefined);
    this.#failureReport = options.failureReport ?? (() => undefined);
    this.#profile = defaultSettings(options.echo ?? true);
    this.#settings = defaultSettings(options.echo ?? true);
    this.#context = this.#makeContext();
    this.#lastStatus = registrationFields(this.#network.registration(), 1);
    this.#lastCell = registrationFields(this.#network.registration(), 2);
    this.#unlisten = this.#network.listen((event) => this.#onNetworkEvent(event));
  }

  /** Power-on: with PIN1 disabled the SIM is ready at once and registration starts. */
  start(): Promise<void> {
    if (simAvailabilityOf(this.#sim) === "ready") this.#context.simBecameReady();
    return this.idle();
  }

  /** Feeds characters; resolves once they (and everything fed before) have been handled. */
  input(text: string): Promise<void> {
    const done = this.#work.then(() => this.#consume(text));
    this.#work = done.catch((error: unknown) => this.#onInternalError(error));
    return this.#work;
  }

  /** Resolves when all input is handled and no network work started by a command is pending. */
  async idle(): Promise<void> {
    for (;;) {
      const work = this.#work;
      await work;
      if (this.#background.size === 0 && work === this.#work) return;
      await Promise.all([...this.#background]);
    }
  }

  /** Stops listening to the network. */
  close(): void {
    this.#unlisten();
  }

  /** The card as it is now, counters included (to store it back). */
  get card(): SimCard {
    return this.#sim.card;
  }

  get settings(): Readonly<AtSettings> {
    return this.#settings;
  }

  async #consume(text: string): Promise<void> {
    for (const ch of text) {
      const pending = this.#entry !== undefined ? this.#entryCharacter(ch) : this.#commandCharacter(ch);
      if (pending !== undefined) await pending;
    }
  }

  #commandCharacter(ch: string): Promise<void> | undefined {
    if (this.#settings.echo) this.#emit("echo", ch);
    if (ch === LF && this.#afterCr) {
      this.#afterCr = false;
      return undefined;
    }
    this.#afterCr = ch === CR;
    if (ch === CR || ch === LF) {
      const line = this.#line;
      const tooLong = this.#lineTooLong;
      this.#line = "";
      this.#lineTooLong = false;
      return this.#executeLine(line, tooLong);
    }
    if (ch === BACKSPACE || ch === DELETE) {
      this.#line = this.#line.slice(0, -1);
    } else if (ch >= " ") {
      if (this.#line.length < MAX_LINE) this.#line += ch;
      else this.#lineTooLong = true;
    }
    return undefined;
  }

  async #executeLine(rawLine: string, tooLong: boolean): Promise<void> {
    const line = rawLine.trim();
    if (line === "") return;
    this.#executing = true;
    try {
      if (tooLong || !/^at/i.test(line)) {
        this.#final(ERROR);
        return;
      }
      const parsed = parseCommandLine(line);
      if (!parsed.ok) {
        this.#final(ERROR);
        return;
      }
      let result: FinalResult = OK;
      for (const command of parsed.commands) {
        const outcome = await this.#run(command);
        if (outcome.kind === "prompt") {
          // TS 27.005 §3.5.1: the message follows the prompt; the rest of the line is not run.
          this.#entry = { entry: outcome.entry, body: "" };
          this.#emit("prompt", "\r\n> ");
          return;
        }
        this.#notePin2Request(command, outcome);
        if (outcome.kind !== "ok") {
          result = outcome;
          break;
        }
      }
      this.#final(result);
    } finally {
      if (this.#entry === undefined) this.#endExecution();
    }
  }

  async #run(command: AtCommand): Promise<CommandOutcome> {
    try {
      switch (command.kind) {
        case "basic":
          return await basicCommand(command, this.#context);
        case "dial":
          return await dial(command, this.#context);
        case "extended": {
          const handler = EXTENDED_COMMANDS.get(command.name);
          return handler === undefined ? ERROR : await handler(command, this.#context);
        }
      }
    } catch (error) {
      if (!(error instanceof AtParameterError)) this.#onInternalError(error);
      return ERROR;
    }
  }

  /** TS 27.007 §8.3: SIM PIN2 / SIM PUK2 are reported right after a command failed with 17 / 18. */
  #notePin2Request(command: AtCommand, outcome: FinalResult): void {
    if (outcome.kind === "cme" && outcome.code === 17) this.#pin2Request = "SIM PIN2";
    else if (outcome.kind === "cme" && outcome.code === 18) this.#pin2Request = "SIM PUK2";
    else if (command.kind !== "extended" || !KEEPS_PIN2_REQUEST.has(command.name))
      this.#pin2Request = undefined;
  }

  #entryCharacter(ch: string): Promise<void> | undefined {
    const state = this.#entry!;
    if (ch === CTRL_Z) {
      this.#entry = undefined;
      return this.#completeEntry(state.entry, state.body);
    }
    if (ch === ESC) {
      // "sending shall be cancelled"
      this.#entry = undefined;
      this.#final(OK);
      this.#endExecution();
      return undefined;
    }
    if (ch === LF && this.#afterCr) {
      this.#afterCr = false;
      return undefined;
    }
    this.#afterCr = ch === CR;
    if (ch === CR || ch === LF) {
      if (state.entry.kind === "text") {
        if (state.body.length < MAX_ENTRY) state.body += LF;
        this.#emit("prompt", "\r\n> ");
      }
      return undefined;
    }
    if (ch === BACKSPACE || ch === DELETE) {
      state.body = state.body.slice(0, -1);
    } else if (ch < " " || (state.entry.kind === "pdu" && ch === " ")) {
      return undefined;
    } else if (state.body.length < MAX_ENTRY) {
      state.body += ch;
    }
    if (this.#settings.echo) this.#emit("echo", ch);
    return undefined;
  }

  async #completeEntry(entry: MessageEntry, body: string): Promise<void> {
    try {
      this.#final(await submitMessage(this.#context, entry, body));
    } catch (error) {
      this.#onInternalError(error);
      this.#final(ERROR);
    } finally {
      this.#endExecution();
    }
  }

  #endExecution(): void {
    this.#executing = false;
    const held = this.#held;
    this.#held = [];
    for (const lines of held) this.#emit("unsolicited", frame(lines));
  }

  #final(result: FinalResult): void {
    this.#emit("final", frame([formatFinalResult(result, this.#settings.cmee)]));
  }

  #emit(kind: AtOutput["kind"], text: string): void {
    this.#output({ kind, text });
  }

  #unsolicited(lines: string[]): void {
    if (this.#executing || this.#entry !== undefined) this.#held.push(lines);
    else this.#emit("unsolicited", frame(lines));
  }

  /** +CMT / +CDS go through the +CNMI <mode> rules. */
  #messageIndication(lines: string[]): void {
    if (this.#settings.newMessageIndication.mode === 0) {
      this.#taBuffer.push(lines);
      if (this.#taBuffer.length > TA_BUFFER_LIMIT) this.#taBuffer.shift();
      return;
    }
    this.#unsolicited(lines);
  }

  #onNetworkEvent(event: NetworkEvent): void {
    try {
      this.#handleNetworkEvent(event);
    } catch (error) {
      this.#onInternalError(error);
    }
  }

  #handleNetworkEvent(event: NetworkEvent): void {
    const settings = this.#settings;
    switch (event.kind) {
      case "registration":
        this.#registrationChanged(event.registration);
        return;
      case "ring":
        this.#callState = "incoming";
        for (const lines of ringLines(event.caller, settings.callingLineReports === 1))
          this.#unsolicited(lines);
        return;
      case "call-connected":
        this.#callState = "active";
        return;
      case "call-ended": {
        if (this.#callState === "idle") return;
        this.#callState = "idle";
        const text =
          event.reason === "busy" ? "BUSY" : event.reason === "no-answer" ? "NO ANSWER" : "NO CARRIER";
        this.#unsolicited([text]);
        return;
      }
      case "sms":
        if (settings.newMessageIndication.mt === 2) {
          this.#messageIndication(incomingSmsLines(event.sms, settings.messageFormat === 1));
        }
        return;
      case "status-report":
        if (settings.newMessageIndication.ds === 1) {
          this.#messageIndication(statusReportLines(event.report, settings.messageFormat === 1));
        }
        return;
      case "ussd":
        if (settings.ussdReports === 1) this.#unsolicited([ussdResultCode(event.result)]);
        return;
    }
  }

  /**
   * TS 27.007 §7.2: `+CREG: <stat>` when the registration status changes (n = 1), with the
   * location when the status or the cell changes (n = 2).
   */
  #registrationChanged(registration: Registration): void {
    const status = registrationFields(registration, 1);
    const cell = registrationFields(registration, 2);
    const statusChanged = status !== this.#lastStatus;
    const cellChanged = cell !== this.#lastCell;
    this.#lastStatus = status;
    this.#lastCell = cell;
    const n = this.#settings.registrationReports;
    if ((n === 1 && statusChanged) || (n === 2 && cellChanged))
      this.#unsolicited([`+CREG: ${n === 1 ? status : cell}`]);
  }

  async #register(): Promise<boolean> {
    const imsi = this.#sim.readImsi();
    const msisdn = this.#sim.readMsisdn();
    const iccid = this.#sim.readIccid();
    if (imsi.kind !== "ok" || iccid.kind !== "ok") return false;
    const registration = await this.#network.register({
      imsi: imsi.value,
      msisdn: msisdn.kind === "ok" ? msisdn.value.digits : "",
      iccid: iccid.value,
      imei: this.#identity.imei,
    });
    this.#registrationChanged(registration);
    return isRegistered(registration);
  }

  #startBackground(task: () => Promise<void>): void {
    const running: Promise<void> = task()
      .catch((error: unknown) => this.#onInternalError(error))
      .finally(() => this.#background.delete(running));
    this.#background.add(running);
  }

  #makeContext(): AtContext {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the context is a view of this interpreter
    const self = this;
    return {
      settings: this.#settings,
      sim: this.#sim,
      network: this.#network,
      identity: this.#identity,
      emergencyNumbers: this.#emergencyNumbers,
      get pin2Request(): Pin2Request {
        return self.#pin2Request;
      },
      set pin2Request(value: Pin2Request) {
        self.#pin2Request = value;
      },
      get callState(): CallState {
        return self.#callState;
      },
      set callState(value: CallState) {
        self.#callState = value;
      },
      get fixedDialling(): boolean {
        return self.#fixedDialling;
      },
      set fixedDialling(value: boolean) {
        self.#fixedDialling = value;
      },
      respond: (...lines: string[]) => this.#emit("response", frame(lines)),
      simAvailability: () => simAvailabilityOf(this.#sim),
      simError: (family) => simAvailabilityError(simAvailabilityOf(this.#sim), family),
      isRegistered: () => isRegistered(this.#network.registration()),
      failureReport: () => this.#failureReport(),
      simBecameReady: () => {
        if (this.#settings.operatorMode === 0)
          this.#startBackground(async () => void (await this.#register()));
      },
      background: (task) => this.#startBackground(task),
      unsolicited: (...lines: string[]) => this.#unsolicited(lines),
      nextMessageReference: () => {
        this.#lastMessageReference = (this.#lastMessageReference + 1) % 256;
        return this.#lastMessageReference;
      },
      newMessageIndicationsChanged: () => {
        const { mode, bfr } = this.#settings.newMessageIndication;
        if (mode === 0) return;
        const buffered = this.#taBuffer;
        this.#taBuffer = [];
        if (bfr === 0) for (const lines of buffered) this.#unsolicited(lines);
      },
      registerNow: () => this.#register(),
      deregisterNow: async () => this.#registrationChanged(await this.#network.deregister()),
      resetSettings: (to) => {
        Object.assign(this.#settings, to === "factory" ? defaultSettings() : structuredClone(this.#profile));
      },
    };
  }
}

function frame(lines: readonly string[]): string {
  return `\r\n${lines.join("\r\n")}\r\n`;
}
