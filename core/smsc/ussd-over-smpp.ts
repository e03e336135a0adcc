/**
 * The seam for USSD over SMPP (core/ussd owns the dialogues): a submit_sm or data_sm that carries
 * ussd_service_op (SMPP 3.4 §5.3.2.44) is not an SMS; the SMSC hands it to this hook and answers
 * with what the hook says. Towards the ESME, the hook sends deliver_sm through
 * `Smsc.deliverToEsme`. Without a hook such a PDU is refused with ESME_ROPTPARNOTALLWD (0xC1),
 * as Jasmin does.
 */
import type { DataSm, SubmitSm } from "../smpp/pdu-types.js";

export interface UssdAnswer {
  readonly status: number;
  /** message_id for the response (default ""). */
  readonly messageId?: string;
}

export interface UssdOverSmpp {
  fromEsme(systemId: string, pdu: SubmitSm | DataSm): UssdAnswer | Promise<UssdAnswer>;
}
