/**
 * A stored message as the network edge sees it (MtSms). The air-interface segments are worked out
 * only when someone reads `parts`: the default edge (ALL_ATTACHED) never does, and at thousands of
 * messages a second that saves the splitting and its garbage.
 */
import { splitEncodedMessage } from "../smpp/concat.js";
import { interpretDataCoding } from "../smpp/data-coding.js";
import { concatIe, parseUdh, type InformationElement } from "../smpp/udh.js";
import type { MessageContent, StoredMessage } from "./message-store.js";
import type { MtSms, MtSmsPart } from "./mobile-terminating.js";

const NO_IES: readonly InformationElement[] = [];

export class StoredMtSms implements MtSms {
  readonly messageId: string;
  readonly originator: string;
  readonly originatorTon: number;
  readonly dataCoding: number;
  readonly protocolId: number;
  readonly submittedAt: number;
  readonly statusReportRequested: boolean;
  private readonly content: MessageContent;
  private segments: MtSmsPart[] | undefined;

  constructor(
    message: StoredMessage,
    readonly destination: string,
    /** The 8-bit concatenation reference for a message the SMSC splits itself. */
    private readonly nextReference: () => number,
  ) {
    const c = message.content;
    this.content = c;
    this.messageId = message.messageId;
    this.originator = c.source.addr;
    this.originatorTon = c.source.ton;
    this.dataCoding = c.dataCoding;
    this.protocolId = c.protocolId;
    this.submittedAt = message.submittedAt;
    this.statusReportRequested = (c.registeredDelivery & 0x03) !== 0;
  }

  get parts(): readonly MtSmsPart[] {
    this.segments ??= partsOf(this.content, this.nextReference);
    return this.segments;
  }
}

/** One part per air-interface segment, each with its header IEs (TS 23.040 §9.2.3.24). */
export function partsOf(c: MessageContent, nextReference: () => number): MtSmsPart[] {
  if (c.udhi) {
    const { ies, headerLength } = parseUdh(c.userData);
    return [{ userDataHeader: ies, body: c.userData.subarray(headerLength) }];
  }
  if (c.sar !== undefined) {
    // a segment the ESME split with sar_* TLVs becomes a 16-bit concatenation IE on the air
    const ie = concatIe({
      reference: c.sar.reference & 0xffff,
      total: c.sar.total,
      sequence: c.sar.sequence,
      referenceBits: 16,
    });
    return [{ userDataHeader: [ie], body: c.userData }];
  }
  if (c.segments <= 1) return [{ userDataHeader: NO_IES, body: c.userData }];
  const a = interpretDataCoding(c.dataCoding).alphabet;
  const bodies = splitEncodedMessage(c.userData, a === "gsm7" ? "gsm7" : a === "ucs2" ? "ucs2" : "binary");
  const reference = nextReference();
  return bodies.map((body, i) => ({
    userDataHeader: [concatIe({ reference, total: bodies.length, sequence: i + 1, referenceBits: 8 })],
    body,
  }));
}
