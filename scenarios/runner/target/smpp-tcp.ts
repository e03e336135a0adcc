/**
 * The SMPP port over TCP: one SMPP session per bind name (telsim's own client, connectAndBind and
 * SmppSession.request), shared by every flow instance that names the bind. Delivery receipts
 * (deliver_sm with esm_class 0x04, SMPP 3.4 §5.2.12) are answered ESME_ROK at once and matched to
 * waiting steps by receipted_message_id (or the id in the receipt text); a receipt that arrives
 * before its step asks is kept (bounded), so the order of submit_sm_resp and receipt never matters.
 */
import { commandStatusName } from "../../../core/smpp/command-status.js";
import type { DeliverSm } from "../../../core/smpp/pdu-types.js";
import { connectAndBind } from "../../../core/smpp/smpp-client.js";
import { SmppSessionError } from "../../../core/smpp/session-error.js";
import type { SmppSession } from "../../../core/smpp/smpp-session.js";
import { parseReceiptText } from "../../../core/smsc/receipts.js";
import type {
  SmppBindOutcome,
  SmppBindRequest,
  SmppPort,
  SmppReceipt,
  SmppSubmitOutcome,
  SmppSubmitRequest,
} from "../smpp-port.js";

/** Receipts kept per bind until a step asks for them. */
const UNCLAIMED_LIMIT = 100_000;
/** esm_class message type bits (SMPP 3.4 §5.2.12): 0x04 delivery receipt. */
const MESSAGE_TYPE_MASK = 0x3c;
const DELIVERY_RECEIPT = 0x04;

export interface SmppTcpOptions {
  readonly host: string;
  readonly port: number;
}

class TcpBind {
  private readonly unclaimed = new Map<string, SmppReceipt>();
  private readonly waiters = new Map<string, (r: SmppReceipt | undefined) => void>();

  constructor(
    readonly session: SmppSession,
    readonly request: SmppBindRequest,
  ) {
    session.on("request", (pdu) => {
      if (pdu.command !== "deliver_sm") return;
      session.respond(pdu, { command_status: 0 });
      const receipt = receiptOf(pdu);
      if (receipt !== undefined) this.received(receipt);
    });
    // A fault closes the session; submits then answer "closed". Nothing to do here.
    session.on("fault", () => undefined);
  }

  private received(r: SmppReceipt): void {
    const waiter = this.waiters.get(r.messageId);
    if (waiter !== undefined) {
      this.waiters.delete(r.messageId);
      waiter(r);
      return;
    }
    this.unclaimed.set(r.messageId, r);
    if (this.unclaimed.size > UNCLAIMED_LIMIT) {
      const oldest = this.unclaimed.keys().next().value;
      if (oldest !== undefined) this.unclaimed.delete(oldest);
    }
  }

  receipt(messageId: string, timeoutMs: number): Promise<SmppReceipt | undefined> {
    const kept = this.unclaimed.get(messageId);
    if (kept !== undefined) {
      this.unclaimed.delete(messageId);
      return Promise.resolve(kept);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(messageId);
        resolve(undefined);
      }, timeoutMs);
      timer.unref();
      this.waiters.set(messageId, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
    });
  }

  async submit(request: SmppSubmitRequest, timeoutMs: number): Promise<SmppSubmitOutcome> {
    if (this.session.isClosed) return { status: "closed", messageId: undefined };
    try {
      const resp = await this.session.request(
        {
          command: "submit_sm",
          source_addr_ton: /^\d+$/.test(request.source) ? 1 : 5,
          source_addr_npi: /^\d+$/.test(request.source) ? 1 : 0,
          source_addr: request.source,
          dest_addr_ton: 1,
          dest_addr_npi: 1,
          destination_addr: request.destination,
          registered_delivery: request.registeredDelivery,
          data_coding: 0,
          short_message: Buffer.from(request.text, "latin1"),
        },
        { timeoutMs },
      );
      const status = commandStatusName(resp.command_status);
      return { status, messageId: resp.command === "submit_sm_resp" ? resp.message_id : undefined };
    } catch (e) {
      // No answer is an outcome too: timeout, closed, window-full, …
      if (e instanceof SmppSessionError)
        return { status: e.code.toLowerCase().replace("_", "-"), messageId: undefined };
      throw e;
    }
  }

  async close(): Promise<void> {
    for (const w of this.waiters.values()) w(undefined);
    this.waiters.clear();
    await this.session.unbind(2_000);
  }
}

function receiptOf(pdu: DeliverSm): SmppReceipt | undefined {
  if ((pdu.esm_class & MESSAGE_TYPE_MASK) !== DELIVERY_RECEIPT) return undefined;
  const text = parseReceiptText(pdu.short_message.toString("latin1"));
  const messageId = pdu.receipted_message_id ?? text?.id;
  if (messageId === undefined) return undefined;
  return { messageId, stat: text?.stat ?? "UNKNOWN", err: text?.err ?? "000" };
}

export class TcpSmppPort implements SmppPort {
  private readonly binds = new Map<string, Promise<TcpBind | SmppBindOutcome>>();

  constructor(private readonly options: SmppTcpOptions) {}

  async bind(request: SmppBindRequest): Promise<SmppBindOutcome> {
    const existing = this.binds.get(request.name);
    if (existing !== undefined) {
      const b = await existing;
      if (b instanceof TcpBind && !b.session.isClosed) return { ok: true, status: "ESME_ROK", fresh: false };
      // Lost (or refused): another caller may have started a new attempt meanwhile.
      if (this.binds.get(request.name) !== existing) return this.bind(request);
      this.binds.delete(request.name);
    }
    const attempt = this.open(request);
    this.binds.set(request.name, attempt);
    const b = await attempt;
    if (b instanceof TcpBind) return { ok: true, status: "ESME_ROK", fresh: true };
    this.binds.delete(request.name);
    return b;
  }

  private async open(request: SmppBindRequest): Promise<TcpBind | SmppBindOutcome> {
    try {
      const { session } = await connectAndBind({
        host: this.options.host,
        port: this.options.port,
        mode: request.mode,
        system_id: request.systemId,
        password: request.password,
        window: request.window,
        requestTimeoutMs: 10_000,
        label: request.systemId,
      });
      return new TcpBind(session, request);
    } catch (e) {
      if (e instanceof SmppSessionError && e.commandStatus !== undefined) {
        return { ok: false, status: commandStatusName(e.commandStatus), detail: e.message };
      }
      return { ok: false, status: "unreachable", detail: e instanceof Error ? e.message : String(e) };
    }
  }

  private async bound(name: string): Promise<TcpBind | undefined> {
    const b = await this.binds.get(name);
    return b instanceof TcpBind ? b : undefined;
  }

  async submit(name: string, request: SmppSubmitRequest, timeoutMs: number): Promise<SmppSubmitOutcome> {
    const b = await this.bound(name);
    if (b === undefined) return { status: "not-bound", messageId: undefined };
    return b.submit(request, timeoutMs);
  }

  async receipt(name: string, messageId: string, timeoutMs: number): Promise<SmppReceipt | undefined> {
    const b = await this.bound(name);
    return b === undefined ? undefined : b.receipt(messageId, timeoutMs);
  }

  async unbind(name: string): Promise<boolean> {
    const b = await this.bound(name);
    this.binds.delete(name);
    if (b === undefined || b.session.isClosed) return false;
    await b.close();
    return true;
  }

  async close(): Promise<void> {
    const all = [...this.binds.keys()];
    await Promise.all(all.map((n) => this.unbind(n)));
  }
}
