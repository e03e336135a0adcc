/**
 * Test harness for the AT interpreter: a handset on the default test card (PIN 0000,
 * PUK 11111111, PIN2 9999, PUK2 22222222), a scriptable fake network, and transcript helpers
 * that turn the framed output into lines.
 */
import { expect } from "vitest";
import { AtInterpreter, type AtOutput } from "../../handsets/at/at-interpreter.js";
import type {
  DialOutcome,
  HandsetNetwork,
  NetworkEvent,
  NetworkListener,
  NetworkOutcome,
  OutgoingCall,
  OutgoingSms,
  Registration,
  SignalQuality,
  SmsSubmitResult,
  SsResult,
  SubscriberIdentity,
  UssdMessage,
  UssdResult,
} from "../../handsets/network/handset-network.js";
import { OfflineNetwork } from "../../handsets/network/offline-network.js";
import type { SsRequest } from "../../handsets/mmi-types.js";
import { SimAccess } from "../../handsets/sim-access.js";
import { CardSession } from "../../sim/apdu.js";
import type { SimCard } from "../../sim/card.js";
import { makeTestCard } from "../sim/fixtures.js";

export const TEST_IMEI = "350000000000006";

export const A1: Registration = {
  status: "registered-home",
  operator: { longName: "A1", shortName: "A1", plmn: "25701" },
  accessTechnology: "e-utran",
  areaCode: 0x00c3,
  cellId: 0x01a2b3c,
};

/** A network that answers what the test tells it to and records what the handset asked. */
export class FakeNetwork implements HandsetNetwork {
  current: Registration = { status: "not-registered" };
  /** The registration `register` gives. */
  onRegister: Registration = A1;
  signal: SignalQuality = { rssi: 21, ber: 99 };
  dialOutcome: DialOutcome = { ok: true };
  answerOutcome: NetworkOutcome = { ok: true };
  ussdResult: UssdResult = { ok: true, status: "notify", message: { text: "Balance 12.34 BYN", dcs: 15 } };
  smsResult: SmsSubmitResult = { ok: true };
  ssResult: SsResult = { ok: true };

  readonly registered: SubscriberIdentity[] = [];
  readonly calls: OutgoingCall[] = [];
  readonly ussdSent: UssdMessage[] = [];
  readonly smsSent: OutgoingSms[] = [];
  readonly ssRequests: SsRequest[] = [];
  hangUps = 0;
  ussdCancels = 0;
  #listener: NetworkListener | undefined;

  registration(): Registration {
    return this.current;
  }
  signalQuality(): SignalQuality {
    return this.signal;
  }
  register(subscriber: SubscriberIdentity): Promise<Registration> {
    this.registered.push(subscriber);
    this.current = this.onRegister;
    return Promise.resolve(this.current);
  }
  deregister(): Promise<Registration> {
    this.current = { status: "not-registered" };
    return Promise.resolve(this.current);
  }
  dial(call: OutgoingCall): Promise<DialOutcome> {
    this.calls.push(call);
    return Promise.resolve(this.dialOutcome);
  }
  answer(): Promise<NetworkOutcome> {
    return Promise.resolve(this.answerOutcome);
  }
  hangUp(): Promise<void> {
    this.hangUps++;
    return Promise.resolve();
  }
  ussd(message: UssdMessage): Promise<UssdResult> {
    this.ussdSent.push(message);
    return Promise.resolve(this.ussdResult);
  }
  cancelUssd(): Promise<void> {
    this.ussdCancels++;
    return Promise.resolve();
  }
  sendSms(sms: OutgoingSms): Promise<SmsSubmitResult> {
    this.smsSent.push(sms);
    return Promise.resolve(this.smsResult);
  }
  supplementaryService(request: SsRequest): Promise<SsResult> {
    this.ssRequests.push(request);
    return Promise.resolve(this.ssResult);
  }
  listen(listener: NetworkListener): () => void {
    this.#listener = listener;
    return () => {
      this.#listener = undefined;
    };
  }
  /** Pushes an event to the handset, as the network edge will. */
  push(event: NetworkEvent): void {
    this.#listener?.(event);
  }
}

export interface HandsetOptions {
  card?: SimCard;
  network?: HandsetNetwork;
  echo?: boolean;
}

/** One handset under test; `send` returns the output lines the input caused. */
export class TestHandset {
  readonly interpreter: AtInterpreter;
  readonly outputs: AtOutput[] = [];
  readonly internalErrors: unknown[] = [];
  readonly session: CardSession;
  #read = 0;

  constructor(options: HandsetOptions = {}) {
    this.session = new CardSession(options.card ?? makeTestCard());
    this.interpreter = new AtInterpreter({
      sim: new SimAccess(this.session),
      network: options.network ?? new OfflineNetwork(),
      identity: { imei: TEST_IMEI, softwareVersion: 1, manufacturer: "telsim", model: "test", revision: "1" },
      output: (output) => this.outputs.push(output),
      echo: options.echo ?? false,
      onInternalError: (error) => this.internalErrors.push(error),
    });
  }

  static async started(options: HandsetOptions = {}): Promise<TestHandset> {
    const handset = new TestHandset(options);
    await handset.interpreter.start();
    return handset;
  }

  /** Feeds raw characters; returns the new output as lines. */
  async raw(text: string): Promise<string[]> {
    await this.interpreter.input(text);
    await this.interpreter.idle();
    return this.newLines();
  }

  /** Feeds one command line (CR added). */
  send(line: string): Promise<string[]> {
    return this.raw(`${line}\r`);
  }

  /** Output since the last read, as lines (empty framing lines dropped). */
  newLines(): string[] {
    const text = this.outputs
      .slice(this.#read)
      .map((o) => o.text)
      .join("");
    this.#read = this.outputs.length;
    return linesOf(text);
  }

  /** The whole output so far, exactly. */
  text(): string {
    return this.outputs.map((o) => o.text).join("");
  }
}

export function linesOf(text: string): string[] {
  return text.split("\r\n").filter((line) => line !== "");
}

/** A transcript: each input line (CR added) and the exact lines it must produce. */
export type Transcript = readonly (readonly [input: string, output: readonly string[]])[];

export async function play(handset: TestHandset, transcript: Transcript): Promise<void> {
  for (const [input, expected] of transcript) {
    const lines = await handset.send(input);
    expect({ input, lines }).toEqual({ input, lines: expected });
  }
  expect(handset.internalErrors).toEqual([]);
}
