/**
 * What a command handler sees: the terminal settings, the SIM, the network, and a few services
 * of the interpreter (information responses, SIM and network checks, background work). One
 * interpreter owns one context; handlers never keep state of their own.
 */
import type { HandsetNetwork } from "../network/handset-network.js";
import type { SimAccess } from "../sim-access.js";
import type { AtCommand } from "./command-line.js";
import type { FinalResult } from "./result-codes.js";

/** Terminal settings changed by commands; `defaultSettings()` is the state after ATZ / AT&F. */
export interface AtSettings {
  /** V.250 E: echo the command characters. */
  echo: boolean;
  /** TS 27.007 §9.1 +CMEE: 0 ERROR, 1 numeric, 2 verbose. */
  cmee: 0 | 1 | 2;
  /** TS 27.005 §3.2.3 +CMGF: 0 PDU mode, 1 text mode. */
  messageFormat: 0 | 1;
  /** TS 27.005 §3.4.1 +CNMI: <mode>,<mt>,<bm>,<ds>,<bfr>. */
  newMessageIndication: { mode: number; mt: number; bm: number; ds: number; bfr: number };
  /** TS 27.007 §7.2 +CREG <n>. */
  registrationReports: 0 | 1 | 2;
  /** TS 27.007 §7.6 +CLIP <n>. */
  callingLineReports: 0 | 1;
  /** TS 27.007 §7.15 +CUSD <n>: result code presentation. */
  ussdReports: 0 | 1;
  /** TS 27.007 §7.3 +COPS: <mode> (0 automatic, 2 deregistered) and <format> (0 long, 1 short, 2 numeric). */
  operatorMode: 0 | 2;
  operatorFormat: 0 | 1 | 2;
  /** TS 27.005 §3.3.1 +CSCA; undefined: the network's default service centre. */
  serviceCentre: { address: string; type: number } | undefined;
}

export function defaultSettings(echo = true): AtSettings {
  return {
    echo,
    cmee: 0,
    messageFormat: 0,
    newMessageIndication: { mode: 0, mt: 0, bm: 0, ds: 0, bfr: 0 },
    registrationReports: 0,
    callingLineReports: 0,
    ussdReports: 0,
    operatorMode: 0,
    operatorFormat: 0,
    serviceCentre: undefined,
  };
}

export interface HandsetIdentity {
  /** 15 digits with its Luhn check digit. */
  readonly imei: string;
  /** The 2-digit software version number of the IMEISV. */
  readonly softwareVersion: number;
  readonly manufacturer: string;
  readonly model: string;
  readonly revision: string;
}

/** What the SIM allows (TS 27.007 §8.3): from PIN1's state on the card. */
export type SimAvailability = "ready" | "pin-required" | "puk-required" | "blocked";

/** The second code state of +CPIN?, set by the last command's +CME ERROR 17 / 18 (§8.3). */
export type Pin2Request = "SIM PIN2" | "SIM PUK2" | undefined;

/** A message being typed after the `> ` prompt of AT+CMGS (TS 27.005 §3.5.1). */
export type MessageEntry =
  | { readonly kind: "text"; readonly destination: string; readonly destinationType: number }
  | { readonly kind: "pdu"; readonly length: number };

export type CallState = "idle" | "dialling" | "active" | "incoming";

export type CommandOutcome = FinalResult | { readonly kind: "prompt"; readonly entry: MessageEntry };

export interface AtContext {
  readonly settings: AtSettings;
  readonly sim: SimAccess;
  readonly network: HandsetNetwork;
  readonly identity: HandsetIdentity;
  readonly emergencyNumbers: readonly string[];
  pin2Request: Pin2Request;
  callState: CallState;
  /** The "FD" facility of +CLCK (fixed dialling), kept by the handset. */
  fixedDialling: boolean;
  /** One information response: its lines are framed together (V.250 §5.7.1). */
  respond(...lines: string[]): void;
  simAvailability(): SimAvailability;
  /** The SIM error for a command that needs PIN1 satisfied, in the command's error family. */
  simError(family: "cme" | "cms"): FinalResult | undefined;
  isRegistered(): boolean;
  /** The last failure the network reported, for +CEER (undefined: none, or not known). */
  failureReport(): string | undefined;
  /** PIN1 has just been satisfied: start registration (automatic network selection). */
  simBecameReady(): void;
  /** Runs network work after the final result code; its unsolicited results follow that code. */
  background(task: () => Promise<void>): void;
  /** Queues an unsolicited result code (framed as one unit). */
  unsolicited(...lines: string[]): void;
  /** The TP-MR for the next SMS-SUBMIT (TS 23.040 §9.2.3.6: +1 per message, modulo 256). */
  nextMessageReference(): number;
  /** +CNMI changed: flush (or drop) the indications buffered in the TA (TS 27.005 §3.4.1 <bfr>). */
  newMessageIndicationsChanged(): void;
  /** Registers now (AT+COPS=0); resolves true when registered. */
  registerNow(): Promise<boolean>;
  /** Deregisters (AT+COPS=2). */
  deregisterNow(): Promise<void>;
  /** ATZ restores the power-on profile, AT&F the factory defaults (V.250 §6.1.1, §6.1.2). */
  resetSettings(to: "profile" | "factory"): void;
}

export type CommandHandler = (
  command: AtCommand,
  context: AtContext,
) => CommandOutcome | Promise<CommandOutcome>;
