/**
 * The core's view of one handset on one link connection: where to send its frames, whether it is
 * registered (and as whom), and the services it has running. One object per handset the farm has
 * spoken for; kept small, since a farm may bring a million of them.
 */
import type { Account } from "../charging/model.js";
import type { AuthContext } from "./hlr.js";
import type { LinkConnection } from "./link/link-connection.js";
import type { CoreToHandset, LinkErrorMessage } from "./link/link-messages.js";

/** One link connection as the edge sees it: its handsets by the farm's numbers. */
export class EdgeLink {
  readonly handsets = new Map<number, HandsetEndpoint>();

  constructor(
    readonly connection: LinkConnection,
    readonly id: number,
  ) {}

  get closed(): boolean {
    return this.connection.closed;
  }
}

/** An attach in progress: the procedure's correlation and, once challenged, its AKA context. */
export interface PendingAttach {
  readonly correlation: number;
  context: AuthContext | undefined;
}

export class HandsetEndpoint {
  /** Set while registered. */
  imsi: string | undefined;
  msisdn: string | undefined;
  account: Account | undefined;
  attach: PendingAttach | undefined;
  /** The correlation the next USSD answer goes out with (0: network-initiated). */
  ussdCorrelation = 0;
  /** Calls (msc.ts) and data sessions (pgw.ts) of this handset, created on first use. */
  calls: Set<number> | undefined;
  dataSessions: Set<number> | undefined;

  constructor(
    readonly link: EdgeLink,
    readonly id: number,
  ) {}

  get registered(): boolean {
    return this.msisdn !== undefined;
  }

  send(correlation: number, message: CoreToHandset | LinkErrorMessage): void {
    this.link.connection.send({ handset: this.id, correlation, message });
  }

  /** "handset 7 on link 2 (375291234567)", for logs. */
  toString(): string {
    return `handset ${this.id} on link ${this.link.id}${this.msisdn !== undefined ? ` (${this.msisdn})` : ""}`;
  }
}
