/**
 * USSD over SMPP: the bridge between the USSD gateway and the SMSC, for external USSD
 * applications (ESMEs). ussd_service_op (SMPP 3.4 §5.3.2.44) says which TS 24.090 operation a
 * submit_sm / data_sm / deliver_sm carries; its_session_info (§5.3.2.43) and
 * user_message_reference name the dialogue. Stateless: the dialogue manager owns every dialogue,
 * the bridge only translates (PDU → ApplicationAction, ToApplication → deliver_sm) and maps the
 * gateway's refusals to command_status values (USSD_STATUS, one table).
 *
 * Gateway → ESME (deliver_sm, service_type "USSD", source_addr = MSISDN, destination_addr = "*150#"):
 *   begin → 1 PSSR indication (text = dialled string), reply → 18 USSR confirm, ack → 19 USSN
 *   confirm, end → 0x81 USSREL indication (vumi Mica / 6D vendor abort) with the end-of-session bit.
 * ESME → gateway (submit_sm / data_sm, destination_addr = MSISDN):
 *   2 USSR request (with the end-of-session bit: the final text, Tata style), 3 USSN request,
 *   17 PSSR response, 0x81 and any other vendor op ≥ 32 release. 2 or 3 naming no dialogue opens a
 *   network-initiated one (TS 24.090 §5).
 *
 *   const bridge = new UssdSmppBridge();
 *   const gateway = new UssdGateway({ ..., external: bridge });
 *   const smsc = new Smsc({ ..., ussd: bridge });
 *   bridge.connect(gateway, smsc);
 */
import type { Logger } from "../diameter/logger.js";
import { CommandStatus } from "../smpp/command-status.js";
import type { DataSm, OutboundPdu, SubmitSm } from "../smpp/pdu-types.js";
import { UssdServiceOp } from "../smpp/pdu-types.js";
import { chooseAlphabet, decodeText, encodeInAlphabet } from "../smpp/text-codec.js";
import type { Smsc } from "../smsc/smsc.js";
import type { UssdAnswer, UssdOverSmpp } from "../smsc/ussd-over-smpp.js";
import type { ActionOutcome, ApplicationAction, DialogueInfo, ToApplication } from "./dialogue-types.js";
import type { DialogueManager } from "./dialogues.js";
import type { ExternalApplications, UssdGateway } from "./gateway.js";
import { decodeItsSessionInfo, encodeItsSessionInfo, type SessionInfo } from "./session-info.js";
import type { UssdErrorCode } from "./ussd-errors.js";

/** Vendor ussd_service_op (32-255): user release or abort, as vumi's Mica and 6D processors read it. */
export const USSREL_INDICATION = 0x81;

/** The first vendor-specific ussd_service_op value (SMPP 3.4 §5.3.2.44). */
const FIRST_VENDOR_OP = 32;

/** data_coding of what we send: USSD GSM-7 unpacked (CBS "language unspecified"), or UCS2. */
export const BRIDGE_DCS = { gsm7: 0x0f, ucs2: 0x08 } as const;

/** Vendor-specific command_status values of the bridge (SMPP 3.4 §5.1.3: 0x400-0x4FF). */
export const UssdVendorStatus = {
  /** The MSISDN is in another USSD dialogue (TS 24.090 "USSD-Busy"). */
  USSD_BUSY: 0x410,
  /** The dialogue does not wait for this operation now (e.g. a USSR while the user is to answer). */
  USSD_WRONG_STATE: 0x411,
} as const;

/** Why the bridge refused a PDU: the gateway's refusals plus the bridge's own. */
export type BridgeRefusalCode =
  | UssdErrorCode
  | "SMPP_BAD_SESSION_INFO"
  | "SMPP_UNKNOWN_OP"
  | "SMPP_TWO_TEXTS"
  | "SMPP_BAD_DATA_CODING"
  | "SMPP_BAD_MSISDN"
  | "SMPP_NOT_CONNECTED";

/** Every refusal → the command_status of submit_sm_resp / data_sm_resp. */
export const USSD_STATUS: Readonly<Record<BridgeRefusalCode, number>> = {
  // its_session_info / user_message_reference name no live dialogue (ended, timed out, never was)
  USSD_NO_DIALOGUE: CommandStatus.ESME_RINVOPTPARAMVAL,
  // the dialogue is routed to another system_id
  USSD_NOT_OWNER: CommandStatus.ESME_RPROHIBITED,
  // an opening (op 2/3) to an MSISDN that is in a dialogue already
  USSD_BUSY: UssdVendorStatus.USSD_BUSY,
  // the dialogue does not wait for the application now
  USSD_WRONG_STATE: UssdVendorStatus.USSD_WRONG_STATE,
  // over 182 GSM-7 septets or 80 UCS2 characters
  USSD_TEXT_TOO_LONG: CommandStatus.ESME_RINVMSGLEN,
  // op 2/3/17 without text
  USSD_TEXT_EMPTY: CommandStatus.ESME_RINVMSGLEN,
  // its_session_info that is not exactly 2 octets
  SMPP_BAD_SESSION_INFO: CommandStatus.ESME_RINVPARLEN,
  // ussd_service_op an ESME does not send: 0/16 (PSSD, phase 1), 1/18/19 (the gateway's), 4-15, 20-31
  SMPP_UNKNOWN_OP: CommandStatus.ESME_RINVOPTPARAMVAL,
  // short_message and message_payload both carry text (as for SMS)
  SMPP_TWO_TEXTS: CommandStatus.ESME_RINVMSGLEN,
  // binary, compressed or unsupported data_coding
  SMPP_BAD_DATA_CODING: CommandStatus.ESME_RINVDCS,
  // destination_addr is not an MSISDN (digits, optionally after "+")
  SMPP_BAD_MSISDN: CommandStatus.ESME_RINVDSTADR,
  // connect() has not been called: the core is still starting
  SMPP_NOT_CONNECTED: CommandStatus.ESME_RSYSERR,
  // cannot come from an ESME's action; a system error if they ever do
  USSD_BAD_STRING: CommandStatus.ESME_RSYSERR,
  USSD_UNKNOWN_SERVICE: CommandStatus.ESME_RSYSERR,
  USSD_BAD_ROUTE: CommandStatus.ESME_RSYSERR,
  USSD_BAD_CONFIG: CommandStatus.ESME_RSYSERR,
  USSD_BAD_INPUT: CommandStatus.ESME_RSYSERR,
  USSD_BAD_MENU: CommandStatus.ESME_RSYSERR,
};

/** What the bridge needs of the gateway (UssdGateway has it). */
export interface BridgeGateway extends Pick<UssdGateway, "find" | "fromApplication" | "openFromApplication"> {
  readonly manager: Pick<DialogueManager, "dialogueOf" | "abort">;
}

/** What the bridge needs of the SMSC. */
export type BridgeSmsc = Pick<Smsc, "deliverToEsme" | "receivers">;

export interface UssdSmppBridgeOptions {
  /** Told of deliver_sm that failed and of refused PDUs (debug). */
  readonly logger?: Logger;
}

/** The ussd_service_op of a message to the application. */
export function serviceOpOf(message: ToApplication): number {
  switch (message.kind) {
    case "begin":
      return UssdServiceOp.PSSR_INDICATION;
    case "reply":
      return UssdServiceOp.USSR_CONFIRM;
    case "ack":
      return UssdServiceOp.USSN_CONFIRM;
    case "end":
      return USSREL_INDICATION;
  }
}

/** The action an ESME's ussd_service_op asks for; undefined for an op an ESME does not send. */
export function actionKindOf(op: number, endOfSession: boolean): ApplicationAction["kind"] | undefined {
  if (op === UssdServiceOp.USSR_REQUEST) return endOfSession ? "respond" : "request";
  if (op === UssdServiceOp.USSN_REQUEST) return "notify";
  if (op === UssdServiceOp.PSSR_RESPONSE) return "respond";
  if (op >= FIRST_VENDOR_OP && op <= 0xff) return "release";
  return undefined;
}

/** Text → data_coding and short_message: GSM-7 unpacked as 0x0F when it fits, else UCS2 (0x08). */
export function encodeUssdText(text: string): { dataCoding: number; bytes: Buffer } {
  const alphabet = chooseAlphabet(text) === "gsm7" ? "gsm7" : "ucs2";
  return { dataCoding: BRIDGE_DCS[alphabet], bytes: encodeInAlphabet(text, alphabet) };
}

/** The deliver_sm for a message to the application. */
export function deliverSmOf(message: ToApplication): OutboundPdu<"deliver_sm"> {
  const text = message.kind === "begin" || message.kind === "reply" ? message.text : "";
  const { dataCoding, bytes } = encodeUssdText(text);
  return {
    command: "deliver_sm",
    service_type: "USSD",
    source_addr_ton: 1,
    source_addr_npi: 1,
    source_addr: message.msisdn,
    dest_addr_ton: 0,
    dest_addr_npi: 0,
    // a network-initiated dialogue has no service code
    destination_addr: message.serviceCode === undefined ? "" : `*${message.serviceCode}#`,
    data_coding: dataCoding,
    short_message: bytes,
    ussd_service_op: serviceOpOf(message),
    its_session_info: encodeItsSessionInfo(message.session),
    user_message_reference: message.userMessageReference,
  };
}

/**
 * The message_id answered for a USSD PDU: 6 lowercase hex digits, the dialogue's session number
 * (its_session_info octet 1) then its user_message_reference: session 3, reference 42 → "03002a".
 * An ESME that opened a dialogue finds both in every later deliver_sm of it. SMS ids of this SMSC
 * have at least 8 digits, so the two never look alike.
 */
export function ussdMessageId(
  dialogue: Pick<DialogueInfo, "sessionNumber" | "userMessageReference">,
): string {
  return (
    dialogue.sessionNumber.toString(16).padStart(2, "0") +
    dialogue.userMessageReference.toString(16).padStart(4, "0")
  );
}

const MSISDN_RE = /^\+?(\d{5,15})$/;

type Refused = { readonly ok: false; readonly error: BridgeRefusalCode; readonly message: string };

function refused(error: BridgeRefusalCode, message: string): Refused {
  return { ok: false, error, message };
}

export class UssdSmppBridge implements UssdOverSmpp, ExternalApplications {
  private gateway: BridgeGateway | undefined;
  private smsc: BridgeSmsc | undefined;
  private readonly logger: Logger | undefined;

  constructor(options: UssdSmppBridgeOptions = {}) {
    this.logger = options.logger;
  }

  /** Both sides, once they exist (each is built with the bridge). */
  connect(gateway: BridgeGateway, smsc: BridgeSmsc): void {
    this.gateway = gateway;
    this.smsc = smsc;
  }

  /** Gateway → ESME. False when no receiver or transceiver bind of `systemId` is up. */
  deliver(systemId: string, message: ToApplication): boolean {
    const smsc = this.smsc;
    try {
      if (smsc === undefined || smsc.receivers(systemId) === 0) return false;
      smsc.deliverToEsme(systemId, deliverSmOf(message)).then(
        (outcome) => {
          if (outcome.kind === "failed") this.undelivered(systemId, message, outcome.reason);
        },
        (e: unknown) => this.undelivered(systemId, message, e instanceof Error ? e.message : String(e)),
      );
      return true;
    } catch (e) {
      this.logger?.error(
        `ussd bridge: deliver_sm to ${systemId}: ${e instanceof Error ? e.message : String(e)}`,
      );
      return false;
    }
  }

  /** ESME → gateway: a submit_sm or data_sm with ussd_service_op. Never throws. */
  fromEsme(systemId: string, pdu: SubmitSm | DataSm): UssdAnswer {
    try {
      const result = this.handle(systemId, pdu);
      if (result.ok) return { status: CommandStatus.ESME_ROK, messageId: result.messageId };
      this.logger?.debug(`ussd bridge: ${pdu.command} from ${systemId} refused: ${result.message}`);
      return { status: USSD_STATUS[result.error] };
    } catch (e) {
      this.logger?.error(
        `ussd bridge: ${pdu.command} from ${systemId}: ${e instanceof Error ? e.message : String(e)}`,
      );
      return { status: CommandStatus.ESME_RSYSERR };
    }
  }

  private handle(
    systemId: string,
    pdu: SubmitSm | DataSm,
  ): { readonly ok: true; readonly messageId: string } | Refused {
    const gateway = this.gateway;
    if (gateway === undefined) return refused("SMPP_NOT_CONNECTED", "the USSD gateway is not connected yet");
    const op = pdu.ussd_service_op ?? -1;
    let session: SessionInfo | undefined;
    if (pdu.its_session_info !== undefined) {
      session = decodeItsSessionInfo(pdu.its_session_info);
      if (session === undefined) {
        return refused(
          "SMPP_BAD_SESSION_INFO",
          `its_session_info has ${pdu.its_session_info.length} octets, not 2`,
        );
      }
    }
    const kind = actionKindOf(op, session?.endOfSession ?? false);
    if (kind === undefined)
      return refused("SMPP_UNKNOWN_OP", `ussd_service_op ${op} is not one an ESME sends`);
    const m = MSISDN_RE.exec(pdu.destination_addr);
    if (m === null) {
      return refused("SMPP_BAD_MSISDN", `destination_addr "${pdu.destination_addr}" is not an MSISDN`);
    }
    const msisdn = m[1] as string;
    const reference = pdu.user_message_reference;
    // its_session_info decides when present; else user_message_reference (the Mica convention).
    const dialogue =
      session !== undefined
        ? gateway.find(msisdn, session.sessionNumber)
        : reference !== undefined
          ? sameReference(gateway.manager.dialogueOf(msisdn), reference)
          : undefined;
    let action: ApplicationAction;
    if (kind === "release") {
      action = { kind };
    } else {
      const text = textOf(pdu);
      if (!text.ok) return text;
      action = { kind, text: text.text };
    }
    if (dialogue === undefined) {
      // TS 24.090 §5: a USSR or USSN naming no dialogue opens one, unless its_session_info names a
      // session (the gateway allocates those: the ESME's dialogue is gone).
      if (session !== undefined || (action.kind !== "request" && action.kind !== "notify")) {
        return refused("USSD_NO_DIALOGUE", describeMissing(msisdn, session?.sessionNumber, reference));
      }
      const opened = gateway.openFromApplication(systemId, msisdn, action, reference);
      return opened.ok ? { ok: true, messageId: ussdMessageId(opened.dialogue) } : opened;
    }
    const outcome: ActionOutcome = gateway.fromApplication(systemId, dialogue.id, action);
    return outcome.ok ? { ok: true, messageId: ussdMessageId(dialogue) } : outcome;
  }

  /** A deliver_sm was refused or given up: the dialogue cannot go on (if it is still live). */
  private undelivered(systemId: string, message: ToApplication, reason: string): void {
    this.logger?.warn(
      `ussd bridge: deliver_sm (op ${serviceOpOf(message)}) to ${systemId} for ${message.msisdn} failed: ${reason}`,
    );
    if (message.kind === "end") return;
    this.gateway?.manager.abort(message.dialogueId, "application-unavailable");
  }
}

function sameReference(d: DialogueInfo | undefined, reference: number): DialogueInfo | undefined {
  return d !== undefined && d.userMessageReference === reference ? d : undefined;
}

function describeMissing(msisdn: string, session: number | undefined, reference: number | undefined): string {
  if (session !== undefined) return `${msisdn} has no USSD dialogue with session number ${session}`;
  if (reference !== undefined)
    return `${msisdn} has no USSD dialogue with user_message_reference ${reference}`;
  return `no its_session_info or user_message_reference names a dialogue of ${msisdn}`;
}

/** The PDU's text: short_message or message_payload, decoded with its data_coding. */
function textOf(pdu: SubmitSm | DataSm): { readonly ok: true; readonly text: string } | Refused {
  const short = pdu.command === "submit_sm" ? pdu.short_message : undefined;
  const payload = pdu.message_payload;
  if (short !== undefined && short.length > 0 && payload !== undefined && payload.length > 0) {
    return refused("SMPP_TWO_TEXTS", "short_message and message_payload are both present");
  }
  const bytes = short !== undefined && short.length > 0 ? short : (payload ?? Buffer.alloc(0));
  try {
    return { ok: true, text: decodeText(pdu.data_coding, bytes) };
  } catch (e) {
    return refused("SMPP_BAD_DATA_CODING", e instanceof Error ? e.message : String(e));
  }
}
