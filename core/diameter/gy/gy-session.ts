/**
 * One credit-control session on the client side: the session-based client state machine of
 * RFC 4006 §7 (Idle → PendingI → Open ⇄ PendingU → PendingT → Idle) with request numbering and
 * the failure handling the server asked for (Credit-Control-Failure-Handling in a CCA wins over
 * the configured default).
 */
import type { CcOutcome, GyClient } from "./gy-client.js";
import type { CcFailureHandling, CreditControlRequest, MsccRequest, SubscriptionId } from "./gy-types.js";

export type GySessionState =
  "idle" | "pending-initial" | "open" | "pending-update" | "pending-termination" | "closed";

export interface GySessionOptions {
  readonly sessionId: string;
  readonly subscriptionIds: readonly SubscriptionId[];
  readonly serviceContextId?: string;
  readonly userEquipmentImeisv?: string;
  readonly calledStationId?: string;
  readonly calledParty?: string;
}

export class GySession {
  private stateValue: GySessionState = "idle";
  private nextNumber = 0;
  private handling: CcFailureHandling;
  /** Why the session closed, once it has. */
  closeReason: string | undefined;

  constructor(
    private readonly client: GyClient,
    readonly options: GySessionOptions,
  ) {
    this.handling = client.defaultFailureHandling;
  }

  get sessionId(): string {
    return this.options.sessionId;
  }
  get state(): GySessionState {
    return this.stateValue;
  }
  get isActive(): boolean {
    return this.stateValue !== "idle" && this.stateValue !== "closed";
  }
  get failureHandling(): CcFailureHandling {
    return this.handling;
  }

  initial(mscc: readonly MsccRequest[]): Promise<CcOutcome> {
    this.expect("initial", ["idle"]);
    return this.exchange("INITIAL", mscc, "pending-initial");
  }

  update(mscc: readonly MsccRequest[]): Promise<CcOutcome> {
    this.expect("update", ["open"]);
    return this.exchange("UPDATE", mscc, "pending-update");
  }

  /** CCR-UPDATE with Reporting-Reason FORCED_REAUTHORISATION, as after a RAR (TS 32.299 §6.3.9). */
  reauthorise(ratingGroup: number | undefined): Promise<CcOutcome> {
    return this.update([
      {
        ...(ratingGroup !== undefined ? { ratingGroup } : {}),
        requested: {},
        reportingReasons: ["FORCED_REAUTHORISATION"],
      },
    ]);
  }

  /** CCR-TERMINATION with the final usage; `terminationCause` per RFC 6733 §8.15 (1 = LOGOUT). */
  terminate(mscc: readonly MsccRequest[], terminationCause = 1): Promise<CcOutcome> {
    this.expect("terminate", ["open"]);
    return this.exchange("TERMINATION", mscc, "pending-termination", terminationCause);
  }

  private expect(what: string, states: GySessionState[]): void {
    if (!states.includes(this.stateValue)) {
      throw new Error(`Gy session ${this.sessionId}: cannot ${what} in state ${this.stateValue}`);
    }
  }

  private async exchange(
    type: "INITIAL" | "UPDATE" | "TERMINATION",
    mscc: readonly MsccRequest[],
    pending: GySessionState,
    terminationCause?: number,
  ): Promise<CcOutcome> {
    this.stateValue = pending;
    const ccr: CreditControlRequest = {
      ...this.client.requestBase(),
      sessionId: this.sessionId,
      requestType: type,
      requestNumber: this.nextNumber++,
      subscriptionIds: this.options.subscriptionIds,
      mscc,
      ...(this.options.serviceContextId !== undefined
        ? { serviceContextId: this.options.serviceContextId }
        : {}),
      ...(this.options.userEquipmentImeisv !== undefined && type === "INITIAL"
        ? { userEquipmentImeisv: this.options.userEquipmentImeisv }
        : {}),
      ...(this.options.calledStationId !== undefined && type === "INITIAL"
        ? { calledStationId: this.options.calledStationId }
        : {}),
      ...(this.options.calledParty !== undefined && type === "INITIAL"
        ? { calledParty: this.options.calledParty }
        : {}),
      ...(terminationCause !== undefined ? { terminationCause } : {}),
    };
    const outcome = await this.client.send(ccr, this.handling);
    if (outcome.kind === "failed") {
      // RFC 4006 §7: on Tx expiry / failure the session ends, the service is terminated or granted.
      this.close(`${outcome.action}: ${outcome.reason}`);
      return outcome;
    }
    const { answer } = outcome;
    if (answer.ccFailureHandling !== undefined) this.handling = answer.ccFailureHandling;
    const success = answer.resultCode >= 2000 && answer.resultCode < 3000;
    if (type === "TERMINATION") this.close(`terminated (${answer.resultCode})`);
    else if (type === "INITIAL" && !success) this.close(`initial request refused (${answer.resultCode})`);
    else this.stateValue = "open";
    return outcome;
  }

  private close(reason: string): void {
    this.stateValue = "closed";
    this.closeReason = reason;
    this.client.forget(this.sessionId);
  }
}
