/**
 * Message ids: one counter for the whole SMSC, written per account as hex (at least 8 lowercase
 * digits) or decimal (at least 10 digits, the width SMPP 3.4 Appendix B shows for `id:`). The same
 * text goes into submit_sm_resp, the receipt's `id:` and receipted_message_id, so an ESME never
 * has to translate between formats (the most common receipt-matching bug, reference §4).
 */
import type { MessageIdFormat } from "./smsc-config.js";

export function formatMessageId(id: number, format: MessageIdFormat): string {
  return format === "hex" ? id.toString(16).padStart(8, "0") : String(id).padStart(10, "0");
}

const HEX = /^[0-9a-fA-F]{1,13}$/;
const DECIMAL = /^[0-9]{1,15}$/;

/** The number behind an id in the given format; undefined when the text is not such an id. */
export function parseMessageId(text: string, format: MessageIdFormat): number | undefined {
  if (format === "hex") return HEX.test(text) ? parseInt(text, 16) : undefined;
  return DECIMAL.test(text) ? parseInt(text, 10) : undefined;
}

/** Hands out ids 1, 2, 3, … (wrapping far beyond any run's length). */
export class MessageIdCounter {
  private last = 0;
  constructor(start = 1) {
    this.last = start - 1;
  }
  next(): number {
    this.last = this.last >= Number.MAX_SAFE_INTEGER ? 1 : this.last + 1;
    return this.last;
  }
}
